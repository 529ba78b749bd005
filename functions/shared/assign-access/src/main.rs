use assign_access::handler;
use lambda_runtime::{run, service_fn, tracing, Error, LambdaEvent};
use onboarding_aws::sagemaker::SageMakerAdapter;
use onboarding_aws::sso_assignments::AssignmentAdapter;
use onboarding_core::OnboardingState;

#[tokio::main]
async fn main() -> Result<(), Error> {
    tracing::init_default_subscriber();
    let config = onboarding_aws::domain_region_config(&onboarding_aws::load_config().await);
    let sagemaker = SageMakerAdapter::from_config(&config);
    let assignments = AssignmentAdapter::from_config(&config);
    run(service_fn(|event: LambdaEvent<OnboardingState>| handler(&sagemaker, &assignments, event))).await
}
