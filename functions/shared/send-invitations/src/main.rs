use lambda_runtime::{run, service_fn, tracing, Error, LambdaEvent};
use onboarding_aws::identity_center::IdentityCenterAdapter;
use onboarding_aws::invitation_ledger::InvitationLedgerAdapter;
use onboarding_aws::ses::SesAdapter;
use onboarding_core::{config, OnboardingState};
use send_invitations::{handler, Ports};

#[tokio::main]
async fn main() -> Result<(), Error> {
    tracing::init_default_subscriber();
    let config = onboarding_aws::load_config().await;
    let identity = IdentityCenterAdapter::from_config(&onboarding_aws::domain_region_config(&config));
    let ses = SesAdapter::from_config(&config);
    let ledger = InvitationLedgerAdapter::from_env(&config)?;
    let sender = config::var(config::SENDER_ADDRESS);
    run(service_fn(|event: LambdaEvent<OnboardingState>| handler(Ports { identity: &identity, mail: &ses, ledger: &ledger }, sender.as_deref(), event))).await
}
