//! The reconciliation's first state: which teams this run reconciles. A request naming a domain
//! reconciles that one (refused by name when the workflow did not create it); the schedule, and a
//! request naming none, reconcile every InService domain the workflow created; a membership change reconciles the
//! domains whose application has the changed group assigned (all of them when the event does not
//! name the group).

use lambda_runtime::LambdaEvent;
use onboarding_core::managed_domain::find_managed_domain;
use onboarding_core::naming::created_for_domain;
use onboarding_core::ports::{AssignmentPort, DomainStatus, SageMakerPort, StudioPort};
use onboarding_core::reconciliation::{TeamList, TeamRef, Trigger};
use onboarding_core::state::PrincipalType;
use onboarding_core::validate::ValidationContext;
use onboarding_core::OnboardingError;
use serde_json::Value;

#[derive(Clone, Debug)]
pub struct Config {
    pub validation: ValidationContext,
    pub domain_region: String,
}

pub async fn handler<S, A>(sagemaker: &S, sso: &A, config: &Config, event: LambdaEvent<Value>) -> Result<TeamList, OnboardingError>
where
    S: SageMakerPort + StudioPort,
    A: AssignmentPort,
{
    let trigger = Trigger::from_input(&event.payload, &config.validation)?;
    let teams = match &trigger {
        Trigger::Request { name: None, id: None } | Trigger::Schedule => managed_domains(sagemaker).await?,
        Trigger::Request { name, id } => {
            let d = find_managed_domain(sagemaker, name.as_deref(), id.as_deref(), &config.domain_region, "reconciled").await?;
            vec![TeamRef { domain_id: d.domain_id, domain_name: d.domain_name }]
        }
        Trigger::MembershipChange { group_id: None } => managed_domains(sagemaker).await?,
        Trigger::MembershipChange { group_id: Some(group) } => {
            let mut with_group = Vec::new();
            for team in managed_domains(sagemaker).await? {
                let application = sagemaker.domain_details(&team.domain_id).await?.and_then(|d| d.sso_application_arn);
                let Some(application) = application else { continue };
                if sso.list_assignments(&application).await?.iter().any(|(kind, id)| *kind == PrincipalType::Group && id == group) {
                    with_group.push(team);
                }
            }
            with_group
        }
    };
    tracing::info!(trigger = trigger.label(), teams = teams.len(), "teams to reconcile");
    Ok(TeamList { trigger: trigger.label().to_string(), teams })
}

/// Every InService domain the workflow created, by the tags it put on them.
async fn managed_domains<S: SageMakerPort>(sagemaker: &S) -> Result<Vec<TeamRef>, OnboardingError> {
    let mut teams = Vec::new();
    for (name, summary) in sagemaker.list_domains().await? {
        if summary.status == DomainStatus::InService && created_for_domain(&sagemaker.list_tags(&summary.domain_arn).await?, &name) {
            teams.push(TeamRef { domain_id: summary.domain_id, domain_name: name });
        }
    }
    Ok(teams)
}
