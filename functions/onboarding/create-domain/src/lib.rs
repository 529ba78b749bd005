//! Creates the SSO domain with every option of the request, or adopts the domain an earlier run
//! of the same request created. A domain of that name created by anyone else is a conflict. A
//! domain of an earlier run that ended Failed or Delete_Failed is deleted and replaced; while it
//! is Deleting, the step fails with `DomainStillDeleting`, which the definition retries. An
//! adopted domain whose settings differ from the request gets them with UpdateDomain where
//! SageMaker allows it; the rest (its network, its key) is reported for a new onboarding.

use lambda_runtime::LambdaEvent;
use onboarding_core::domain_spec::domain_spec;
use onboarding_core::naming::managed_by_workflow;
use onboarding_core::ports::{DomainStatus, SageMakerPort, SettingsDrift};
use onboarding_core::state::{DomainRecord, OnboardingState};
use onboarding_core::{ErrorName, OnboardingError};

pub async fn handler<P: SageMakerPort>(sagemaker: &P, event: LambdaEvent<OnboardingState>) -> Result<OnboardingState, OnboardingError> {
    let mut state = event.payload;
    let spec = domain_spec(&state)?;
    let record = match sagemaker.find_domain(&spec.domain_name).await? {
        // Whoever's it was, a domain being deleted frees the name: wait for it.
        Some(existing) if existing.status == DomainStatus::Deleting => {
            return Err(still_deleting(&spec.domain_name, &existing.domain_id, "Deleting"));
        }
        Some(existing) => {
            let tags = sagemaker.list_tags(&existing.domain_arn).await?;
            if !managed_by_workflow(&tags) {
                return Err(OnboardingError::new(
                    ErrorName::DomainNameConflict,
                    format!("a domain named {} ({}) exists and was not created by this workflow", spec.domain_name, existing.domain_id),
                ));
            }
            match existing.status {
                DomainStatus::Failed | DomainStatus::DeleteFailed => {
                    tracing::info!(domain_id = %existing.domain_id, status = existing.status.as_str(), "deleting the failed domain of an earlier run");
                    sagemaker.delete_domain(&existing.domain_id).await?;
                    return Err(still_deleting(&spec.domain_name, &existing.domain_id, existing.status.as_str()));
                }
                _ => {}
            }
            tracing::info!(domain_id = %existing.domain_id, "domain exists from an earlier run");
            // A domain still being created or updated is compared by the next run.
            let settings = match existing.status {
                DomainStatus::InService => sagemaker.apply_settings(&existing.domain_id, &spec).await?,
                _ => SettingsDrift::default(),
            };
            if !settings.applied.is_empty() || !settings.needs_reonboarding.is_empty() {
                tracing::info!(
                    domain_id = %existing.domain_id,
                    applied = settings.applied.len(),
                    needs_reonboarding = ?settings.needs_reonboarding,
                    "the domain's settings differed from the request"
                );
            }
            DomainRecord {
                domain_id: existing.domain_id,
                domain_arn: existing.domain_arn,
                created: false,
                status: "Pending".into(),
                settings,
                ..Default::default()
            }
        }
        None => {
            let created = sagemaker.create_domain(&spec).await.map_err(|e| propagation_or_permanent(e, &state))?;
            tracing::info!(domain_id = %created.domain_id, "domain created");
            DomainRecord {
                domain_id: created.domain_id,
                domain_arn: created.domain_arn,
                url: created.url,
                created: true,
                status: "Pending".into(),
                ..Default::default()
            }
        }
    };
    state.domain = Some(record);
    Ok(state)
}

fn still_deleting(name: &str, domain_id: &str, status: &str) -> OnboardingError {
    OnboardingError::new(
        ErrorName::DomainStillDeleting,
        format!("the domain {name} ({domain_id}) of an earlier run is {status}; it is being deleted, and a new one is created once it is gone"),
    )
}

/// IAM propagation explains an unassumable role only when this onboarding has just created it;
/// an existing role that SageMaker cannot assume will not become assumable by waiting.
fn propagation_or_permanent(e: OnboardingError, state: &OnboardingState) -> OnboardingError {
    let just_created = state.roles.as_ref().is_some_and(|r| r.execution_role_created);
    if e.name == ErrorName::RoleNotAssumableYet && !just_created {
        return OnboardingError::new(
            ErrorName::RoleNotAssumable,
            format!("{}; the role was not created by this onboarding, so waiting will not help: check its trust policy", e.message),
        );
    }
    e
}
