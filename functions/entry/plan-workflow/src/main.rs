use aws_lambda_events::apigw::ApiGatewayV2httpRequest;
use lambda_runtime::{run, service_fn, tracing, Error, LambdaEvent};
use onboarding_aws::ec2::Ec2Adapter;
use onboarding_aws::iam::IamAdapter;
use onboarding_aws::identity_center::IdentityCenterAdapter;
use onboarding_aws::sagemaker::SageMakerAdapter;
use onboarding_aws::sso_assignments::AssignmentAdapter;
use onboarding_core::config;
use onboarding_core::validate::ValidationContext;
use plan_workflow::{handler, Deployment, Readers};

#[tokio::main]
async fn main() -> Result<(), Error> {
    tracing::init_default_subscriber();
    let config = onboarding_aws::load_config().await;
    let domain_side = onboarding_aws::domain_region_config(&config);
    let identity = IdentityCenterAdapter::from_config(&domain_side);
    let network = Ec2Adapter::from_config(&domain_side);
    let iam = IamAdapter::from_config(&config);
    let sagemaker = SageMakerAdapter::from_config(&domain_side);
    let sso = AssignmentAdapter::from_config(&domain_side);
    let validation = ValidationContext::from_env();
    let region = config::domain_region();
    let instance_arn = config::var(config::IDENTITY_CENTER_INSTANCE_ARN);
    let deployment = Deployment { role_name_prefix: &validation.role_name_prefix, region: &region, identity_center_instance_arn: instance_arn.as_deref() };
    run(service_fn(|event: LambdaEvent<ApiGatewayV2httpRequest>| {
        let readers = Readers { identity: &identity, network: &network, iam: &iam, sagemaker: &sagemaker, sso: &sso };
        handler(readers, &deployment, &validation, event)
    }))
    .await
}
