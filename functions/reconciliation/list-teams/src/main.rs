use lambda_runtime::{run, service_fn, tracing, Error, LambdaEvent};
use list_teams::{handler, Config};
use onboarding_aws::sagemaker::SageMakerAdapter;
use onboarding_aws::sso_assignments::AssignmentAdapter;
use onboarding_core::config;
use onboarding_core::validate::ValidationContext;
use serde_json::Value;

#[tokio::main]
async fn main() -> Result<(), Error> {
    tracing::init_default_subscriber();
    let domain_side = onboarding_aws::domain_region_config(&onboarding_aws::load_config().await);
    let sagemaker = SageMakerAdapter::from_config(&domain_side);
    let sso = AssignmentAdapter::from_config(&domain_side);
    let config = Config { validation: ValidationContext::from_env(), domain_region: config::domain_region() };
    run(service_fn(|event: LambdaEvent<Value>| handler(&sagemaker, &sso, &config, event))).await
}
