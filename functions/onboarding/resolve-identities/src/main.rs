use lambda_runtime::{run, service_fn, tracing, Error, LambdaEvent};
use onboarding_aws::identity_center::IdentityCenterAdapter;
use onboarding_core::{config, OnboardingState};
use resolve_identities::handler;

#[tokio::main]
async fn main() -> Result<(), Error> {
    tracing::init_default_subscriber();
    let config = onboarding_aws::domain_region_config(&onboarding_aws::load_config().await);
    let ports = IdentityCenterAdapter::from_config(&config);
    let region = config::domain_region();
    let instance = config::var(config::IDENTITY_CENTER_INSTANCE_ARN);
    run(service_fn(|event: LambdaEvent<OnboardingState>| handler(&ports, &region, instance.as_deref(), event))).await
}
