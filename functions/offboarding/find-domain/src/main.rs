use find_domain::{handler, Config, RequestInput};
use lambda_runtime::{run, service_fn, tracing, Error, LambdaEvent};
use onboarding_aws::iam::IamAdapter;
use onboarding_aws::sagemaker::SageMakerAdapter;
use onboarding_core::config;
use onboarding_core::validate::ValidationContext;

#[tokio::main]
async fn main() -> Result<(), Error> {
    tracing::init_default_subscriber();
    let aws = onboarding_aws::load_config().await;
    let sagemaker = SageMakerAdapter::from_config(&onboarding_aws::domain_region_config(&aws));
    let iam = IamAdapter::from_config(&aws);
    let config = Config { validation: ValidationContext::from_env(), domain_region: config::domain_region(), settings: config::settings() };
    run(service_fn(|event: LambdaEvent<RequestInput>| handler(&sagemaker, &iam, &config, event))).await
}
