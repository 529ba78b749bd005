//! The handler of `network-discovery` with in-memory fakes.

use lambda_runtime::Context;
use lambda_runtime::LambdaEvent;
use network_discovery::*;
use onboarding_core::fakes::FakeAws;
use onboarding_core::request::{Network, NetworkAccessType, OnboardingRequest};
use onboarding_core::ErrorName;
use onboarding_core::OnboardingError;
use onboarding_core::OnboardingState;

async fn run(fake: &FakeAws, network: Network) -> Result<OnboardingState, OnboardingError> {
    let request = OnboardingRequest { domain_name: "team-a".into(), network, ..Default::default() };
    handler(fake, "us-east-1", LambdaEvent::new(OnboardingState { request, ..Default::default() }, Context::default())).await
}

#[tokio::test]
async fn uses_the_default_vpc_without_constrained_zones() {
    let n = run(&FakeAws::standard(), Network::default()).await.expect("network").network.expect("section");
    assert_eq!(n.vpc_id, "vpc-0default");
    assert_eq!(n.subnet_ids, vec!["subnet-a", "subnet-b"]);
    assert!(n.skipped_subnets[0].contains("use1-az3"));
}

#[tokio::test]
async fn missing_vpcs_are_named() {
    let e = run(&FakeAws::new(), Network::default()).await.expect_err("no default");
    assert_eq!(e.name, ErrorName::VpcNotFound);
    let e = run(&FakeAws::standard(), Network { vpc_id: Some("vpc-0123abcd".into()), ..Default::default() }).await.expect_err("absent");
    assert!(e.message.contains("vpc-0123abcd"));
}

#[tokio::test]
async fn vpc_only_without_endpoints_lists_what_is_missing() {
    let wanted = Network { access_type: NetworkAccessType::VpcOnly, security_group_ids: vec!["sg-default".into()], ..Default::default() };
    let e = run(&FakeAws::standard(), wanted.clone()).await.expect_err("incomplete");
    assert_eq!(e.name, ErrorName::VpcOnlyNetworkIncomplete);
    assert!(e.message.contains("com.amazonaws.us-east-1.sagemaker.runtime"));

    let fake = FakeAws::standard();
    fake.world().vpcs.get_mut("vpc-0default").expect("vpc").endpoint_services = onboarding_core::network::required_endpoints("us-east-1").to_vec();
    let n = run(&fake, wanted).await.expect("complete").network.expect("section");
    assert_eq!(n.security_group_ids, vec!["sg-default"]);
}
