use lambda_runtime::{run, service_fn, tracing, Error, LambdaEvent};
use notify_failure::handler;
use onboarding_aws::ses::SesAdapter;
use onboarding_core::config;

#[tokio::main]
async fn main() -> Result<(), Error> {
    tracing::init_default_subscriber();
    let ses = SesAdapter::from_config(&onboarding_aws::load_config().await);
    let sender = config::var(config::SENDER_ADDRESS);
    run(service_fn(|event: LambdaEvent<serde_json::Value>| handler(&ses, sender.as_deref(), event))).await
}
