//! Finds the IAM Identity Center instance and resolves every user and group of the request,
//! with the e-mail addresses of the users it names. Groups are counted, not listed: the
//! invitation step reads their members page by page.

use futures::{StreamExt, TryStreamExt};
use lambda_runtime::LambdaEvent;
use onboarding_core::identity_center::choose_instance;
use onboarding_core::ports::IdentityCenterPort;
use onboarding_core::state::{Identities, OnboardingState, ResolvedGroup};
use onboarding_core::{ErrorName, OnboardingError};

/// Principals looked up at once (identitystore allows a few tens of requests a second).
const CONCURRENT_LOOKUPS: usize = 8;

pub async fn handler<P: IdentityCenterPort>(
    ports: &P,
    identity_center_region: &str,
    instance_arn: Option<&str>,
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
    let instance = choose_instance(ports.instances().await?, instance_arn, identity_center_region)?;
    let store = &instance.identity_store_id;
    let selection = &state.request.identity_center;

    // Users and groups (and their member counts) are independent reads: made concurrently, a few
    // at a time, in the request's order.
    let users = futures::stream::iter(selection.users.iter().map(|name| async move { Ok::<_, OnboardingError>((name, ports.find_user(store, name).await?)) }))
        .buffered(CONCURRENT_LOOKUPS)
        .try_collect::<Vec<_>>();
    let groups = futures::stream::iter(selection.groups.iter().map(|name| async move {
        let resolved = match ports.find_group(store, name).await? {
            Some(group_id) => {
                let member_count = ports.group_member_ids(store, &group_id).await?.len();
                Some(ResolvedGroup { display_name: name.clone(), member_count: u32::try_from(member_count).unwrap_or(u32::MAX), group_id })
            }
            None => None,
        };
        Ok::<_, OnboardingError>((name, resolved))
    }))
    .buffered(CONCURRENT_LOOKUPS)
    .try_collect::<Vec<_>>();
    let (users, groups) = tokio::try_join!(users, groups)?;

    let mut missing: Vec<String> = users.iter().filter(|(_, u)| u.is_none()).map(|(name, _)| format!("user {name:?}")).collect();
    missing.extend(groups.iter().filter(|(_, g)| g.is_none()).map(|(name, _)| format!("group {name:?}")));
    let users: Vec<_> = users.into_iter().filter_map(|(_, u)| u).collect();
    let groups: Vec<_> = groups.into_iter().filter_map(|(_, g)| g).collect();
    if !missing.is_empty() {
        return Err(OnboardingError::new(ErrorName::PrincipalNotFound, format!("not found in identity store {store}: {}", missing.join(", "))));
    }
    tracing::info!(users = users.len(), groups = groups.len(), "principals resolved");
    state.identities =
        Some(Identities { instance_arn: instance.instance_arn, identity_store_id: instance.identity_store_id, region: domain_region, users, groups });
    Ok(state)
}
