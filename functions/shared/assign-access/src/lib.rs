//! Assigns every resolved user and group to the domain's IAM Identity Center application (what
//! API-driven setups forget, leaving users with "Access Denied"), and creates a user profile for
//! each directly named user (and, when the request asks, their private space).

use lambda_runtime::LambdaEvent;
use onboarding_core::domain_spec::{private_space, resource_tags};
use onboarding_core::identity_center::check_application;
use onboarding_core::naming::user_profile_name;
use onboarding_core::ports::{AssignmentPort, SageMakerPort};
use onboarding_core::state::{require, Access, Assignment, OnboardingState, PrincipalType};
use onboarding_core::{ErrorName, OnboardingError};

pub async fn handler<S: SageMakerPort, A: AssignmentPort>(
    sagemaker: &S,
    assignments_api: &A,
    event: LambdaEvent<OnboardingState>,
) -> Result<OnboardingState, OnboardingError> {
    let mut state = event.payload;
    let identities = require(&state.identities, "identities")?;
    let domain = require(&state.domain, "domain")?;
    let application_arn = domain.sso_application_arn.clone().ok_or_else(|| {
        OnboardingError::new(ErrorName::DomainNotSso, format!("{} has no IAM Identity Center application; it is not an SSO domain", domain.domain_id))
    })?;
    // Assignments on an application of another instance would give nobody access.
    check_application(&application_arn, &identities.instance_arn)?;

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
    let mut private_spaces = Vec::new();
    for user in &identities.users {
        let profile = user_profile_name(&user.user_name);
        if !sagemaker.user_profile_exists(&domain.domain_id, &profile).await? {
            sagemaker.create_user_profile(&domain.domain_id, &profile, &user.user_name, &tags).await?;
        }
        if let Some(space) = private_space(&state.request, &profile) {
            sagemaker.create_private_space(&domain.domain_id, &space, &tags).await?;
            private_spaces.push(space.space_name);
        }
        user_profiles.push(profile);
    }
    tracing::info!(assignments = assignments.len(), profiles = user_profiles.len(), spaces = private_spaces.len(), "access granted");
    state.access = Some(Access { application_arn, assignments, user_profiles, private_spaces });
    Ok(state)
}
