use discover_network::handler;
use lambda_runtime::{run, service_fn, tracing, Error, LambdaEvent};
use onboarding_aws::ec2::Ec2Adapter;
use onboarding_aws::sagemaker::SageMakerAdapter;
use onboarding_core::{config, OnboardingState};

#[tokio::main]
async fn main() -> Result<(), Error> {
    tracing::init_default_subscriber();
    let aws = onboarding_aws::domain_region_config(&onboarding_aws::load_config().await);
    let ec2 = Ec2Adapter::from_config(&aws);
    let sagemaker = SageMakerAdapter::from_config(&aws);
    let region = config::domain_region();
    run(service_fn(|event: LambdaEvent<OnboardingState>| handler(&ec2, &sagemaker, &region, event))).await
}
