//! The guide's Step 4: the VPC (the account's default one unless named), its subnets (outside
//! constrained Availability Zones, one per zone, unless named) and, for VpcOnly, a check that
//! Studio can reach SageMaker from there.

use lambda_runtime::LambdaEvent;
use onboarding_core::network::resolve_network;
use onboarding_core::ports::NetworkPort;
use onboarding_core::state::OnboardingState;
use onboarding_core::{ErrorName, OnboardingError};

pub async fn handler<P: NetworkPort>(ec2: &P, domain_region: &str, event: LambdaEvent<OnboardingState>) -> Result<OnboardingState, OnboardingError> {
    let mut state = event.payload;
    let region = state.region(domain_region).to_string();
    let wanted = &state.request.network;
    let vpc_id = match &wanted.vpc_id {
        Some(id) => id.clone(),
        None => ec2.default_vpc_id().await?.ok_or_else(|| {
            OnboardingError::new(ErrorName::VpcNotFound, format!("the account has no default VPC in {region}; name one in network.vpcId"))
        })?,
    };
    let vpc = ec2.describe_vpc(&vpc_id).await?.ok_or_else(|| OnboardingError::new(ErrorName::VpcNotFound, format!("{vpc_id} does not exist in {region}")))?;
    let network = resolve_network(wanted, &vpc, &region)?;
    tracing::info!(vpc = %network.vpc_id, subnets = network.subnet_ids.len(), "network resolved");
    state.network = Some(network);
    Ok(state)
}

#[cfg(test)]
mod tests {
    use super::*;
    use lambda_runtime::Context;
    use onboarding_core::fakes::FakeAws;
    use onboarding_core::request::{Network, NetworkAccessType, OnboardingRequest};

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
}
