use lambda_runtime::{run, service_fn, tracing, Error, LambdaEvent};
use onboarding_aws::sagemaker::SageMakerAdapter;
use onboarding_aws::sso_assignments::AssignmentAdapter;
use onboarding_core::amendment::AmendmentState;
use revoke_access::handler;

#[tokio::main]
async fn main() -> Result<(), Error> {
    tracing::init_default_subscriber();
    let domain_side = onboarding_aws::domain_region_config(&onboarding_aws::load_config().await);
    let sso = AssignmentAdapter::from_config(&domain_side);
    let sagemaker = SageMakerAdapter::from_config(&domain_side);
    run(service_fn(|event: LambdaEvent<AmendmentState>| handler(&sso, &sagemaker, event))).await
}
