use compare_members::{handler, Config, Ports, TeamInput};
use lambda_runtime::{run, service_fn, tracing, Error, LambdaEvent};
use onboarding_aws::identity_center::IdentityCenterAdapter;
use onboarding_aws::invitation_ledger::InvitationLedgerAdapter;
use onboarding_aws::sagemaker::SageMakerAdapter;
use onboarding_aws::sso_assignments::AssignmentAdapter;
use onboarding_core::config;

#[tokio::main]
async fn main() -> Result<(), Error> {
    tracing::init_default_subscriber();
    let aws = onboarding_aws::load_config().await;
    let domain_side = onboarding_aws::domain_region_config(&aws);
    let sagemaker = SageMakerAdapter::from_config(&domain_side);
    let identity = IdentityCenterAdapter::from_config(&domain_side);
    let sso = AssignmentAdapter::from_config(&domain_side);
    let ledger = InvitationLedgerAdapter::from_env(&aws)?;
    let lease_seconds = match config::var(config::RECONCILIATION_LEASE_SECONDS) {
        Some(text) => text.parse().map_err(|_| format!("{} is not a number of seconds: {text}", config::RECONCILIATION_LEASE_SECONDS))?,
        None => config::DEFAULT_RECONCILIATION_LEASE_SECONDS,
    };
    let config = Config {
        domain_region: config::domain_region(),
        identity_center_instance_arn: config::var(config::IDENTITY_CENTER_INSTANCE_ARN),
        settings: config::settings(),
        lease_seconds,
    };
    run(service_fn(|event: LambdaEvent<TeamInput>| {
        let ports = Ports { sagemaker: &sagemaker, identity: &identity, sso: &sso, ledger: &ledger };
        handler(ports, &config, event)
    }))
    .await
}
