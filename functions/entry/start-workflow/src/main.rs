use lambda_runtime::{run, service_fn, tracing, Error, LambdaEvent};
use onboarding_aws::eventbridge::EventBridgeAdapter;
use onboarding_aws::step_functions::StepFunctionsAdapter;
use onboarding_core::config;
use onboarding_core::validate::ValidationContext;
use serde_json::Value;
use start_workflow::{handler, Config, Workflows, AMENDMENT_REQUESTED, OFFBOARDING_REQUESTED, RECONCILIATION_REQUESTED};

#[tokio::main]
async fn main() -> Result<(), Error> {
    tracing::init_default_subscriber();
    let aws = onboarding_aws::load_config().await;
    let state_machine_arn = config::var(config::STATE_MACHINE_ARN).ok_or("STATE_MACHINE_ARN is not set")?;
    let offboarding_state_machine_arn = config::var(config::OFFBOARDING_STATE_MACHINE_ARN).ok_or("OFFBOARDING_STATE_MACHINE_ARN is not set")?;
    let onboarding = StepFunctionsAdapter::from_config(&aws, &state_machine_arn);
    let offboarding = StepFunctionsAdapter::from_config(&aws, &offboarding_state_machine_arn);
    let amendment_state_machine_arn = config::var(config::AMENDMENT_STATE_MACHINE_ARN).ok_or("AMENDMENT_STATE_MACHINE_ARN is not set")?;
    let amendment = StepFunctionsAdapter::from_config(&aws, &amendment_state_machine_arn);
    let reconciliation_state_machine_arn = config::var(config::RECONCILIATION_STATE_MACHINE_ARN).ok_or("RECONCILIATION_STATE_MACHINE_ARN is not set")?;
    let reconciliation = StepFunctionsAdapter::from_config(&aws, &reconciliation_state_machine_arn);
    let workflows = Workflows { onboarding: &onboarding, offboarding: &offboarding, amendment: &amendment, reconciliation: &reconciliation };
    let bus = config::var(config::EVENT_BUS_NAME).unwrap_or_else(|| "default".into());
    let events = EventBridgeAdapter::from_config(&aws, &bus, config::EVENT_SOURCE_VALUE);
    let offboarding_detail_type = config::var(config::OFFBOARDING_DETAIL_TYPE).unwrap_or_else(|| OFFBOARDING_REQUESTED.into());
    let amendment_detail_type = config::var(config::AMENDMENT_DETAIL_TYPE).unwrap_or_else(|| AMENDMENT_REQUESTED.into());
    let reconciliation_detail_type = config::var(config::RECONCILIATION_DETAIL_TYPE).unwrap_or_else(|| RECONCILIATION_REQUESTED.into());
    let config = Config {
        state_machine_arn,
        offboarding_state_machine_arn,
        amendment_state_machine_arn,
        offboarding_detail_type,
        amendment_detail_type,
        reconciliation_state_machine_arn,
        reconciliation_detail_type,
        validation: ValidationContext::from_env(),
    };
    run(service_fn(|event: LambdaEvent<Value>| handler(&workflows, &events, &config, event))).await
}
