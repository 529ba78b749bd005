use find_team::{handler, Config, RequestInput};
use lambda_runtime::{run, service_fn, tracing, Error, LambdaEvent};
use onboarding_aws::identity_center::IdentityCenterAdapter;
use onboarding_aws::sagemaker::SageMakerAdapter;
use onboarding_aws::sso_assignments::AssignmentAdapter;
use onboarding_core::config;
use onboarding_core::validate::ValidationContext;

#[tokio::main]
async fn main() -> Result<(), Error> {
    tracing::init_default_subscriber();
    let domain_side = onboarding_aws::domain_region_config(&onboarding_aws::load_config().await);
    let sagemaker = SageMakerAdapter::from_config(&domain_side);
    let identity = IdentityCenterAdapter::from_config(&domain_side);
    let sso = AssignmentAdapter::from_config(&domain_side);
    let config = Config {
        validation: ValidationContext::from_env(),
        domain_region: config::domain_region(),
        identity_center_instance_arn: config::var(config::IDENTITY_CENTER_INSTANCE_ARN),
        settings: config::settings(),
    };
    run(service_fn(|event: LambdaEvent<RequestInput>| handler(&sagemaker, &identity, &sso, &config, event))).await
}
