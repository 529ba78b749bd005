use lambda_runtime::{run, service_fn, tracing, Error, LambdaEvent};
use onboarding_aws::eventbridge::EventBridgeAdapter;
use onboarding_aws::step_functions::StepFunctionsAdapter;
use onboarding_core::config;
use onboarding_core::validate::ValidationContext;
use serde_json::Value;
use start_onboarding::{handler, Config};

#[tokio::main]
async fn main() -> Result<(), Error> {
    tracing::init_default_subscriber();
    let aws = onboarding_aws::load_config().await;
    let state_machine_arn = config::var(config::STATE_MACHINE_ARN).ok_or("STATE_MACHINE_ARN is not set")?;
    let workflow = StepFunctionsAdapter::from_config(&aws, &state_machine_arn);
    let bus = config::var(config::EVENT_BUS_NAME).unwrap_or_else(|| "default".into());
    let events = EventBridgeAdapter::from_config(&aws, &bus, config::EVENT_SOURCE_VALUE);
    let config = Config { state_machine_arn, validation: ValidationContext::from_env() };
    run(service_fn(|event: LambdaEvent<Value>| handler(&workflow, &events, &config, event))).await
}
