//! Assigns every resolved user and group to the domain's IAM Identity Center application (what
//! API-driven setups forget, leaving users with "Access Denied"), and creates a user profile for
//! each directly named user.

use lambda_runtime::LambdaEvent;
use onboarding_core::domain_spec::resource_tags;
use onboarding_core::naming::user_profile_name;
use onboarding_core::ports::{AssignmentPort, SageMakerPort};
use onboarding_core::state::{require, Access, Assignment, OnboardingState, PrincipalType};
use onboarding_core::{ErrorName, OnboardingError};

pub async fn handler<S: SageMakerPort, A: AssignmentPort>(sagemaker: &S, assignments_api: &A, event: LambdaEvent<OnboardingState>) -> Result<OnboardingState, OnboardingError> {
    let mut state = event.payload;
    let identities = require(&state.identities, "identities")?;
    let domain = require(&state.domain, "domain")?;
    let application_arn = domain.sso_application_arn.clone().ok_or_else(|| {
        OnboardingError::new(ErrorName::DomainNotSso, format!("{} has no IAM Identity Center application; it is not an SSO domain", domain.domain_id))
    })?;

    let principals = identities
        .users
        .iter()
        .map(|u| (PrincipalType::User, u.user_id.clone(), u.user_name.clone()))
        .chain(identities.groups.iter().map(|g| (PrincipalType::Group, g.group_id.clone(), g.display_name.clone())));
    // Checked first, so that a rerun does not depend on whether re-assigning is a no-op or a conflict.
    let existing = assignments_api.list_assignments(&application_arn).await?;
    let mut assignments = Vec::new();
    for (principal_type, principal_id, name) in principals {
        let present = existing.iter().any(|(t, id)| *t == principal_type && *id == principal_id);
        if !present {
            assignments_api.create_assignment(&application_arn, principal_type, &principal_id).await?;
        }
        assignments.push(Assignment { principal_type, principal_id, name, created: !present });
    }

    let tags = resource_tags(&state.request);
    let mut user_profiles = Vec::new();
    for user in &identities.users {
        let profile = user_profile_name(&user.user_name);
        if !sagemaker.user_profile_exists(&domain.domain_id, &profile).await? {
            sagemaker.create_user_profile(&domain.domain_id, &profile, &user.user_name, &tags).await?;
        }
        user_profiles.push(profile);
    }
    tracing::info!(assignments = assignments.len(), profiles = user_profiles.len(), "access granted");
    state.access = Some(Access { application_arn, assignments, user_profiles });
    Ok(state)
}

#[cfg(test)]
mod tests {
    use super::*;
    use lambda_runtime::Context;
    use onboarding_core::fakes::FakeAws;
    use onboarding_core::request::OnboardingRequest;
    use onboarding_core::state::{DomainRecord, Identities, ResolvedGroup, ResolvedUser};

    fn state() -> OnboardingState {
        OnboardingState {
            request: OnboardingRequest { domain_name: "team-a".into(), ..Default::default() },
            identities: Some(Identities {
                users: vec![ResolvedUser { user_name: "jane.doe@example.com".into(), user_id: "u-jane".into(), ..Default::default() }],
                groups: vec![ResolvedGroup { display_name: "ml-team".into(), group_id: "g-ml".into(), members: vec![] }],
                ..Default::default()
            }),
            domain: Some(DomainRecord { domain_id: "d-1".into(), status: "InService".into(), sso_application_arn: Some("arn:app".into()), ..Default::default() }),
            ..Default::default()
        }
    }

    async fn run(fake: &FakeAws, s: OnboardingState) -> Result<OnboardingState, OnboardingError> {
        handler(fake, fake, LambdaEvent::new(s, Context::default())).await
    }

    #[tokio::test]
    async fn assigns_users_and_groups_and_creates_profiles() {
        let fake = FakeAws::new();
        let access = run(&fake, state()).await.expect("access").access.expect("section");
        assert_eq!(access.user_profiles, vec!["jane-doe-example-com"]);
        let w = fake.world();
        assert_eq!(w.assignments, vec![("arn:app".to_string(), PrincipalType::User, "u-jane".to_string()), ("arn:app".to_string(), PrincipalType::Group, "g-ml".to_string())]);
        assert_eq!(w.profiles, vec![("d-1".to_string(), "jane-doe-example-com".to_string(), "jane.doe@example.com".to_string())]);
    }

    #[tokio::test]
    async fn a_rerun_assigns_nothing_twice() {
        let fake = FakeAws::new();
        run(&fake, state()).await.expect("first");
        let access = run(&fake, state()).await.expect("second").access.expect("section");
        assert!(access.assignments.iter().all(|a| !a.created));
        assert_eq!(fake.calls("CreateApplicationAssignment"), 2);
        assert_eq!(fake.calls("CreateUserProfile"), 1);
    }

    #[tokio::test]
    async fn conflicts_surface_for_the_retrier_and_non_sso_domains_are_named() {
        let fake = FakeAws::new();
        fake.fail_next("CreateApplicationAssignment", ErrorName::AssignmentConflict, 1);
        assert_eq!(run(&fake, state()).await.expect_err("conflict").name, ErrorName::AssignmentConflict);
        run(&fake, state()).await.expect("retried");
        assert_eq!(fake.world().assignments.len(), 2);

        let mut s = state();
        if let Some(d) = s.domain.as_mut() {
            d.sso_application_arn = None;
        }
        assert_eq!(run(&fake, s).await.expect_err("iam domain").name, ErrorName::DomainNotSso);
    }
}
