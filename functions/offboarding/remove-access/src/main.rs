use lambda_runtime::{run, service_fn, tracing, Error, LambdaEvent};
use onboarding_aws::sso_assignments::AssignmentAdapter;
use onboarding_core::offboarding::OffboardingState;
use remove_access::handler;

#[tokio::main]
async fn main() -> Result<(), Error> {
    tracing::init_default_subscriber();
    let sso = AssignmentAdapter::from_config(&onboarding_aws::domain_region_config(&onboarding_aws::load_config().await));
    run(service_fn(|event: LambdaEvent<OffboardingState>| handler(&sso, event))).await
}
