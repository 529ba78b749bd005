use lambda_runtime::{run, service_fn, tracing, Error, LambdaEvent};
use onboarding_aws::eventbridge::EventBridgeAdapter;
use onboarding_aws::step_functions::StepFunctionsAdapter;
use onboarding_core::config;
use serde_json::Value;
use start_workflow::{handler, Config, Workflows};

#[tokio::main]
async fn main() -> Result<(), Error> {
    tracing::init_default_subscriber();
    let aws = onboarding_aws::load_config().await;
    let config = Config::from_env()?;
    let adapters: Vec<_> = config.state_machines.iter().map(|(workflow, arn)| (*workflow, StepFunctionsAdapter::from_config(&aws, arn))).collect();
    let workflows: Workflows<StepFunctionsAdapter> = adapters.iter().map(|(workflow, adapter)| (*workflow, adapter)).collect();
    let bus = config::var(config::EVENT_BUS_NAME).unwrap_or_else(|| "default".into());
    let events = EventBridgeAdapter::from_config(&aws, &bus, config::EVENT_SOURCE_VALUE);
    run(service_fn(|event: LambdaEvent<Value>| handler(&workflows, &events, &config, event))).await
}
