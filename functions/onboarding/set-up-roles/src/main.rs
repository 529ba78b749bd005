use lambda_runtime::{run, service_fn, tracing, Error, LambdaEvent};
use onboarding_aws::iam::IamAdapter;
use onboarding_core::{config, OnboardingState};
use set_up_roles::handler;

#[tokio::main]
async fn main() -> Result<(), Error> {
    tracing::init_default_subscriber();
    let iam = IamAdapter::from_config(&onboarding_aws::load_config().await).with_permissions_boundary(config::var(config::PERMISSIONS_BOUNDARY_ARN));
    let prefix = config::var(config::ROLE_NAME_PREFIX).unwrap_or_default();
    let region = config::domain_region();
    run(service_fn(|event: LambdaEvent<OnboardingState>| handler(&iam, &prefix, &region, event))).await
}
