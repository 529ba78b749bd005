//! The dry run of an offboarding: the same lookup as its first step (the domain, whether it is
//! the workflow's, its roles), then what each later step would delete, keep and send, read from
//! the account. Nothing is deleted.

use lambda_runtime::{Context, LambdaEvent};
use onboarding_core::offboarding::{HomeEfsRetention, OffboardingRequest};
use onboarding_core::ports::{AssignmentPort, IamPort, LeftoverNetworkPort, SageMakerPort, StudioPort};
use onboarding_core::state::{PrincipalType, Settings};
use onboarding_core::validate::ValidationContext;
use onboarding_core::OnboardingError;

use crate::plan::{Action, PlanLine, Readers};

/// What the offboarding of a validated request would do, in the order of its steps, or the
/// error its first step would fail with.
pub async fn plan_offboarding<I, N, R, S, A>(
    readers: Readers<'_, I, N, R, S, A>,
    region: &str,
    validation: &ValidationContext,
    request: &OffboardingRequest,
) -> Result<Vec<PlanLine>, OnboardingError>
where
    N: LeftoverNetworkPort,
    R: IamPort,
    S: SageMakerPort + StudioPort,
    A: AssignmentPort,
{
    let config = find_domain::Config { validation: validation.clone(), domain_region: region.to_string(), settings: Settings::default() };
    let input = find_domain::RequestInput { request: serde_json::to_value(request).unwrap_or_default() };
    let state = find_domain::handler(readers.sagemaker, readers.iam, &config, LambdaEvent::new(input, Context::default())).await?;
    let target = state.target.unwrap_or_default();
    let mut lines = Vec::new();
    let mut line = |action: Action, what: String| lines.push(PlanLine { action, what });
    line(Action::Check, format!("domain {} ({}, {}): created by this workflow", target.domain_name, target.domain_id, target.status));

    if let Some(application) = &target.sso_application_arn {
        let assigned = readers.sso.list_assignments(application).await?;
        let users = assigned.iter().filter(|(kind, _)| *kind == PrincipalType::User).count();
        line(Action::Remove, format!("{users} users and {} groups from the domain's Identity Center application", assigned.len() - users));
    }
    let apps = readers.sagemaker.apps(&target.domain_id).await?.into_iter().filter(|a| a.status != "Deleted").count();
    let spaces = readers.sagemaker.spaces(&target.domain_id).await?.len();
    let profiles = readers.sagemaker.user_profiles(&target.domain_id).await?.len();
    line(Action::Delete, format!("{apps} apps, then {spaces} spaces, then {profiles} user profiles"));
    let home = target.home_efs_file_system_id.clone().unwrap_or_else(|| "(none)".into());
    match request.retention() {
        HomeEfsRetention::Delete => line(Action::Delete, format!("domain {} with its home EFS file system {home}", target.domain_id)),
        HomeEfsRetention::Retain => {
            line(Action::Delete, format!("domain {}", target.domain_id));
            line(Action::Keep, format!("home EFS file system {home} (Retain)"));
        }
    }
    for role in &target.own_roles {
        line(Action::Delete, format!("role {role} (created by this workflow for the domain)"));
    }
    for role in &target.other_roles {
        line(Action::Keep, format!("role {role} (not created by this workflow for the domain)"));
    }
    if !target.vpc_id.is_empty() {
        for group in readers.network.domain_security_groups(&target.vpc_id, &target.domain_id).await? {
            match request.retention() {
                HomeEfsRetention::Delete => line(Action::Delete, format!("security group {} ({})", group.group_id, group.group_name)),
                HomeEfsRetention::Retain => {
                    line(Action::Keep, format!("security group {} ({}): the retained file system uses it", group.group_id, group.group_name))
                }
            }
        }
    }
    let recipients = request.notification.extra_recipients.len() + usize::from(request.ticket.as_ref().is_some_and(|t| t.requester.is_some()));
    line(Action::Send, format!("the report to {recipients} people"));
    Ok(lines)
}
