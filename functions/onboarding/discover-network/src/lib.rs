//! The guide's Step 4: the VPC (the account's default one unless named), its subnets (outside
//! constrained Availability Zones, one per zone, unless named) and, for VpcOnly, a check that
//! Studio can reach SageMaker from there. And what else the domain is built on: the custom
//! images, app image configs and lifecycle configurations the request names exist and serve
//! their apps (read here, before anything is created, at no extra state transition).

use lambda_runtime::LambdaEvent;
use onboarding_core::network::{reads_for, resolve_network};
use onboarding_core::ports::{NetworkPort, StudioCatalogPort};
use onboarding_core::state::OnboardingState;
use onboarding_core::studio_catalog::check_studio_catalog;
use onboarding_core::{ErrorName, OnboardingError};

pub async fn handler<P: NetworkPort, C: StudioCatalogPort>(
    ec2: &P,
    catalog: &C,
    domain_region: &str,
    event: LambdaEvent<OnboardingState>,
) -> Result<OnboardingState, OnboardingError> {
    let mut state = event.payload;
    let region = state.region(domain_region).to_string();
    let wanted = &state.request.network;
    let domain_groups = &state.request.domain_settings.security_group_ids;
    let (vpc_id, mut reads) = match &wanted.vpc_id {
        Some(id) => (id.clone(), reads_for(wanted, false)),
        None => (
            ec2.default_vpc_id().await?.ok_or_else(|| {
                OnboardingError::new(ErrorName::VpcNotFound, format!("the account has no default VPC in {region}; name one in network.vpcId"))
            })?,
            reads_for(wanted, true),
        ),
    };
    // The domain's own security groups (domainSettings) must be the VPC's too.
    reads.security_groups |= !domain_groups.is_empty();
    let vpc =
        ec2.describe_vpc(&vpc_id, reads).await?.ok_or_else(|| OnboardingError::new(ErrorName::VpcNotFound, format!("{vpc_id} does not exist in {region}")))?;
    let network = resolve_network(wanted, &vpc, &region)?;
    let missing: Vec<&str> = domain_groups.iter().filter(|id| !vpc.security_group_ids.contains(id)).map(String::as_str).collect();
    if !missing.is_empty() {
        return Err(OnboardingError::new(
            ErrorName::NetworkResourceNotFound,
            format!("domainSettings.securityGroupIds not found in {}: {}", vpc.vpc_id, missing.join(", ")),
        ));
    }
    let checked = check_studio_catalog(catalog, &state.request).await?;
    tracing::info!(vpc = %network.vpc_id, subnets = network.subnet_ids.len(), studio_resources = checked, "network resolved");
    state.network = Some(network);
    Ok(state)
}
