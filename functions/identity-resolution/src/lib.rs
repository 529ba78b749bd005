//! Finds the IAM Identity Center instance and resolves every user and group of the request,
//! with the e-mail addresses the invitations go to.

use lambda_runtime::LambdaEvent;
use onboarding_core::ports::IdentityCenterPort;
use onboarding_core::state::{Identities, OnboardingState, ResolvedGroup};
use onboarding_core::{ErrorName, OnboardingError};

pub async fn handler<P: IdentityCenterPort>(
    ports: &P,
    identity_center_region: &str,
    event: LambdaEvent<OnboardingState>,
) -> Result<OnboardingState, OnboardingError> {
    let mut state = event.payload;
    let domain_region = state.region(identity_center_region).to_string();
    if domain_region != identity_center_region {
        return Err(OnboardingError::new(
            ErrorName::IdentityCenterRegionMismatch,
            format!("the domain is requested in {domain_region}, but IAM Identity Center is in {identity_center_region}; Studio must be set up in Identity Center's region"),
        ));
    }
    let instance = ports.instances().await?.into_iter().next().ok_or_else(|| {
        OnboardingError::new(
            ErrorName::IdentityCenterNotFound,
            format!("no IAM Identity Center instance in {identity_center_region}; enable Identity Center there first"),
        )
    })?;
    let store = &instance.identity_store_id;
    let selection = &state.request.identity_center;

    let mut missing = Vec::new();
    let mut users = Vec::new();
    for name in &selection.users {
        match ports.find_user(store, name).await? {
            Some(user) => users.push(user),
            None => missing.push(format!("user {name:?}")),
        }
    }
    let mut groups = Vec::new();
    for name in &selection.groups {
        match ports.find_group(store, name).await? {
            Some(group_id) => {
                let members = ports.group_members(store, &group_id).await?;
                groups.push(ResolvedGroup { display_name: name.clone(), group_id, members });
            }
            None => missing.push(format!("group {name:?}")),
        }
    }
    if !missing.is_empty() {
        return Err(OnboardingError::new(ErrorName::PrincipalNotFound, format!("not found in identity store {store}: {}", missing.join(", "))));
    }
    tracing::info!(users = users.len(), groups = groups.len(), "principals resolved");
    state.identities =
        Some(Identities { instance_arn: instance.instance_arn, identity_store_id: instance.identity_store_id, region: domain_region, users, groups });
    Ok(state)
}
