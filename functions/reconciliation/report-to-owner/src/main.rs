use lambda_runtime::{run, service_fn, tracing, Error, LambdaEvent};
use onboarding_aws::invitation_ledger::InvitationLedgerAdapter;
use onboarding_aws::ses::SesAdapter;
use onboarding_core::amendment::AmendmentState;
use onboarding_core::config;
use report_to_owner::handler;

#[tokio::main]
async fn main() -> Result<(), Error> {
    tracing::init_default_subscriber();
    let aws = onboarding_aws::load_config().await;
    let ses = SesAdapter::from_config(&aws);
    let ledger = InvitationLedgerAdapter::from_env(&aws)?;
    let sender = config::var(config::SENDER_ADDRESS);
    run(service_fn(|event: LambdaEvent<AmendmentState>| handler(&ses, &ledger, sender.as_deref(), event))).await
}
