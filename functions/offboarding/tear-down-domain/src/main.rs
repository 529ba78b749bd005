use lambda_runtime::{run, service_fn, tracing, Error, LambdaEvent};
use onboarding_aws::sagemaker::SageMakerAdapter;
use onboarding_core::offboarding::OffboardingState;
use tear_down_domain::handler;

#[tokio::main]
async fn main() -> Result<(), Error> {
    tracing::init_default_subscriber();
    let sagemaker = SageMakerAdapter::from_config(&onboarding_aws::domain_region_config(&onboarding_aws::load_config().await));
    run(service_fn(|event: LambdaEvent<OffboardingState>| handler(&sagemaker, event))).await
}
