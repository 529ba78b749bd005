use lambda_runtime::{run, service_fn, tracing, Error, LambdaEvent};
use notify_removed::handler;
use onboarding_aws::identity_center::IdentityCenterAdapter;
use onboarding_aws::invitation_ledger::InvitationLedgerAdapter;
use onboarding_aws::ses::SesAdapter;
use onboarding_core::amendment::AmendmentState;
use onboarding_core::config;

#[tokio::main]
async fn main() -> Result<(), Error> {
    tracing::init_default_subscriber();
    let aws = onboarding_aws::load_config().await;
    let identity = IdentityCenterAdapter::from_config(&onboarding_aws::domain_region_config(&aws));
    let ses = SesAdapter::from_config(&aws);
    let ledger = InvitationLedgerAdapter::from_env(&aws)?;
    let sender = config::var(config::SENDER_ADDRESS);
    run(service_fn(|event: LambdaEvent<AmendmentState>| handler(&identity, &ses, &ledger, sender.as_deref(), event))).await
}
