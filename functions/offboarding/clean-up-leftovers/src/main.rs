use clean_up_leftovers::handler;
use lambda_runtime::{run, service_fn, tracing, Error, LambdaEvent};
use onboarding_aws::ec2::Ec2Adapter;
use onboarding_aws::iam::IamAdapter;
use onboarding_core::offboarding::OffboardingState;

#[tokio::main]
async fn main() -> Result<(), Error> {
    tracing::init_default_subscriber();
    let aws = onboarding_aws::load_config().await;
    let iam = IamAdapter::from_config(&aws);
    let ec2 = Ec2Adapter::from_config(&onboarding_aws::domain_region_config(&aws));
    run(service_fn(|event: LambdaEvent<OffboardingState>| handler(&iam, &ec2, event))).await
}
