//! The dry run of an amendment: the same lookup as its first step (the domain, who joins, who
//! leaves, who keeps access through a group), then what its later steps would assign, create,
//! delete, keep and send. Nothing is changed.

use lambda_runtime::{Context, LambdaEvent};
use onboarding_core::amendment::AmendmentRequest;
use onboarding_core::naming::user_profile_name;
use onboarding_core::ports::{AssignmentPort, IdentityCenterPort, SageMakerPort, StudioPort};
use onboarding_core::state::Settings;
use onboarding_core::validate::ValidationContext;
use onboarding_core::OnboardingError;

use crate::plan::{Action, Deployment, PlanLine, Readers};

pub async fn plan_amendment<I, N, R, S, A>(
    readers: Readers<'_, I, N, R, S, A>,
    deployment: &Deployment<'_>,
    validation: &ValidationContext,
    request: &AmendmentRequest,
) -> Result<Vec<PlanLine>, OnboardingError>
where
    I: IdentityCenterPort,
    S: SageMakerPort + StudioPort,
    A: AssignmentPort,
{
    let config = find_team::Config {
        validation: validation.clone(),
        domain_region: deployment.region.to_string(),
        identity_center_instance_arn: deployment.identity_center_instance_arn.map(str::to_string),
        settings: Settings::default(),
    };
    let input = find_team::RequestInput { request: serde_json::to_value(request).unwrap_or_default() };
    let state = find_team::handler(readers.sagemaker, readers.identity, readers.sso, &config, LambdaEvent::new(input, Context::default())).await?;
    let target = state.target.clone().unwrap_or_default();
    let mut lines = Vec::new();
    let mut line = |action: Action, what: String| lines.push(PlanLine { action, what });
    line(Action::Check, format!("domain {} ({}, InService): created by this workflow", target.domain_name, target.domain_id));

    if let Some(identities) = state.grant.as_ref().and_then(|g| g.state.identities.as_ref()) {
        line(Action::Assign, format!("{} users and {} groups to the domain's Identity Center application", identities.users.len(), identities.groups.len()));
        let mut new_profiles = Vec::new();
        for user in &identities.users {
            let profile = user_profile_name(&user.user_name);
            if !readers.sagemaker.user_profile_exists(&target.domain_id, &profile).await? {
                new_profiles.push(profile);
            }
        }
        if !new_profiles.is_empty() {
            line(Action::Create, format!("user profiles [{}]", new_profiles.join(", ")));
        }
        let members: u32 = identities.groups.iter().map(|g| g.member_count).sum();
        line(
            Action::Send,
            format!("an invitation to each of at most {} people given access (those invited before are skipped)", identities.users.len() + members as usize),
        );
    }
    if let Some(revoke) = state.revoke.as_ref().filter(|r| !r.users.is_empty() || !r.groups.is_empty()) {
        line(Action::Remove, format!("{} users and {} groups from the domain's Identity Center application", revoke.users.len(), revoke.groups.len()));
        if !revoke.profiles.is_empty() {
            line(Action::Delete, format!("the apps of [{}] (their own and their private spaces')", revoke.profiles.join(", ")));
            if request.deletes_user_data() {
                line(Action::Delete, format!("the private spaces and user profiles of [{}]", revoke.profiles.join(", ")));
            } else {
                line(Action::Keep, format!("the private spaces and user profiles of [{}] (removedUserData Keep)", revoke.profiles.join(", ")));
            }
        }
        for user in &revoke.still_in_assigned_groups {
            line(Action::Keep, format!("access of {user}, through a group that stays assigned: not told it ended"));
        }
        line(Action::Send, "an \"access ended\" notice to each removed person".to_string());
    }
    Ok(lines)
}
