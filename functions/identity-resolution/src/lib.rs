//! Finds the IAM Identity Center instance and resolves every user and group of the request,
//! with the e-mail addresses the invitations go to.

use lambda_runtime::LambdaEvent;
use onboarding_core::ports::IdentityCenterPort;
use onboarding_core::state::{Identities, OnboardingState, ResolvedGroup};
use onboarding_core::{ErrorName, OnboardingError};

pub async fn handler<P: IdentityCenterPort>(ports: &P, identity_center_region: &str, event: LambdaEvent<OnboardingState>) -> Result<OnboardingState, OnboardingError> {
    let mut state = event.payload;
    let domain_region = state.region(identity_center_region).to_string();
    if domain_region != identity_center_region {
        return Err(OnboardingError::new(
            ErrorName::IdentityCenterRegionMismatch,
            format!("the domain is requested in {domain_region}, but IAM Identity Center is in {identity_center_region}; Studio must be set up in Identity Center's region"),
        ));
    }
    let instance = ports.instances().await?.into_iter().next().ok_or_else(|| {
        OnboardingError::new(ErrorName::IdentityCenterNotFound, format!("no IAM Identity Center instance in {identity_center_region}; enable Identity Center there first"))
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
    state.identities = Some(Identities { instance_arn: instance.instance_arn, identity_store_id: instance.identity_store_id, region: domain_region, users, groups });
    Ok(state)
}

#[cfg(test)]
mod tests {
    use super::*;
    use lambda_runtime::Context;
    use onboarding_core::fakes::FakeAws;
    use onboarding_core::request::{IdentityCenterSelection, OnboardingRequest};

    fn state(users: &[&str], groups: &[&str], region: Option<&str>) -> OnboardingState {
        let selection = IdentityCenterSelection { users: users.iter().map(|s| s.to_string()).collect(), groups: groups.iter().map(|s| s.to_string()).collect() };
        OnboardingState { request: OnboardingRequest { domain_name: "team-a".into(), region: region.map(str::to_string), identity_center: selection, ..Default::default() }, ..Default::default() }
    }

    async fn run(fake: &FakeAws, s: OnboardingState) -> Result<OnboardingState, OnboardingError> {
        handler(fake, "us-east-1", LambdaEvent::new(s, Context::default())).await
    }

    #[tokio::test]
    async fn resolves_users_groups_and_members() {
        let fake = FakeAws::standard();
        let out = run(&fake, state(&["jane"], &["ml-team"], Some("us-east-1"))).await.expect("resolved");
        let ids = out.identities.expect("identities");
        assert_eq!(ids.identity_store_id, "d-store");
        assert_eq!(ids.users[0].email.as_deref(), Some("jane@example.com"));
        assert_eq!(ids.groups[0].group_id, "g-ml");
        assert_eq!(ids.groups[0].members[0].user_name, "li");
    }

    #[tokio::test]
    async fn names_every_missing_principal() {
        let e = run(&FakeAws::standard(), state(&["jane", "ghost"], &["nobody"], None)).await.expect_err("missing");
        assert_eq!(e.name, ErrorName::PrincipalNotFound);
        assert!(e.message.contains("user \"ghost\"") && e.message.contains("group \"nobody\"") && !e.message.contains("jane"));
    }

    #[tokio::test]
    async fn region_mismatch_and_missing_instance_are_named() {
        let e = run(&FakeAws::standard(), state(&["jane"], &[], Some("eu-west-1"))).await.expect_err("mismatch");
        assert_eq!(e.name, ErrorName::IdentityCenterRegionMismatch);
        assert!(e.message.contains("eu-west-1") && e.message.contains("us-east-1"));
        let e = run(&FakeAws::new(), state(&["jane"], &[], None)).await.expect_err("no instance");
        assert_eq!(e.name, ErrorName::IdentityCenterNotFound);
    }

    #[tokio::test]
    async fn throttling_surfaces_as_its_name() {
        let fake = FakeAws::standard();
        fake.fail_next("GetUserId", ErrorName::AwsThrottled, 1);
        assert_eq!(run(&fake, state(&["jane"], &[], None)).await.expect_err("throttled").name, ErrorName::AwsThrottled);
    }
}
