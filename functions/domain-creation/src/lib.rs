//! Creates the SSO domain with every option of the request, or adopts the domain an earlier run
//! of the same request created. A domain of that name created by anyone else is a conflict.

use lambda_runtime::LambdaEvent;
use onboarding_core::domain_spec::domain_spec;
use onboarding_core::naming::{MANAGED_BY, TAG_MANAGED_BY};
use onboarding_core::ports::SageMakerPort;
use onboarding_core::state::{DomainRecord, OnboardingState};
use onboarding_core::{ErrorName, OnboardingError};

pub async fn handler<P: SageMakerPort>(sagemaker: &P, event: LambdaEvent<OnboardingState>) -> Result<OnboardingState, OnboardingError> {
    let mut state = event.payload;
    let spec = domain_spec(&state)?;
    let record = match sagemaker.find_domain(&spec.domain_name).await? {
        Some(existing) => {
            let tags = sagemaker.list_tags(&existing.domain_arn).await?;
            if tags.get(TAG_MANAGED_BY).map(String::as_str) != Some(MANAGED_BY) {
                return Err(OnboardingError::new(
                    ErrorName::DomainNameConflict,
                    format!("a domain named {} ({}) exists and was not created by this workflow", spec.domain_name, existing.domain_id),
                ));
            }
            tracing::info!(domain_id = %existing.domain_id, "domain exists from an earlier run");
            DomainRecord { domain_id: existing.domain_id, domain_arn: existing.domain_arn, created: false, status: "Pending".into(), ..Default::default() }
        }
        None => {
            let created = sagemaker.create_domain(&spec).await.map_err(|e| propagation_or_permanent(e, &state))?;
            tracing::info!(domain_id = %created.domain_id, "domain created");
            DomainRecord { domain_id: created.domain_id, domain_arn: created.domain_arn, url: created.url, created: true, status: "Pending".into(), ..Default::default() }
        }
    };
    state.domain = Some(record);
    Ok(state)
}

/// IAM propagation explains an unassumable role only when this onboarding has just created it;
/// an existing role that SageMaker cannot assume will not become assumable by waiting.
fn propagation_or_permanent(e: OnboardingError, state: &OnboardingState) -> OnboardingError {
    let just_created = state.roles.as_ref().is_some_and(|r| r.execution_role_created);
    if e.name == ErrorName::RoleNotAssumableYet && !just_created {
        return OnboardingError::new(ErrorName::RoleNotAssumable, format!("{}; the role was not created by this onboarding, so waiting will not help: check its trust policy", e.message));
    }
    e
}

#[cfg(test)]
mod tests {
    use super::*;
    use lambda_runtime::Context;
    use onboarding_core::fakes::FakeAws;
    use onboarding_core::request::OnboardingRequest;
    use onboarding_core::state::{ResolvedNetwork, Roles};

    fn state() -> OnboardingState {
        OnboardingState {
            request: OnboardingRequest { domain_name: "team-a".into(), ..Default::default() },
            roles: Some(Roles { execution_role_arn: "arn:aws:iam::123456789012:role/so-team-a-execution".into(), ..Default::default() }),
            network: Some(ResolvedNetwork { vpc_id: "vpc-1".into(), subnet_ids: vec!["subnet-a".into()], ..Default::default() }),
            ..Default::default()
        }
    }

    async fn run(fake: &FakeAws, s: OnboardingState) -> Result<OnboardingState, OnboardingError> {
        handler(fake, LambdaEvent::new(s, Context::default())).await
    }

    #[tokio::test]
    async fn creates_once_and_adopts_on_rerun() {
        let fake = FakeAws::new();
        let first = run(&fake, state()).await.expect("created").domain.expect("domain");
        assert!(first.created);
        assert_eq!(first.status, "Pending");
        let second = run(&fake, state()).await.expect("adopted").domain.expect("domain");
        assert!(!second.created);
        assert_eq!(second.domain_id, first.domain_id);
        assert_eq!(fake.calls("CreateDomain"), 1);
        assert_eq!(fake.world().domains[0].spec.user.execution_role_arn, "arn:aws:iam::123456789012:role/so-team-a-execution");
    }

    #[tokio::test]
    async fn a_foreign_domain_is_a_conflict() {
        let fake = FakeAws::new();
        run(&fake, state()).await.expect("created");
        fake.world().domains[0].tags.clear();
        assert_eq!(run(&fake, state()).await.expect_err("conflict").name, ErrorName::DomainNameConflict);
    }

    #[tokio::test]
    async fn an_unassumable_role_waits_only_when_just_created() {
        let fake = FakeAws::new();
        fake.fail_next("CreateDomain", ErrorName::RoleNotAssumableYet, 2);
        let mut fresh = state();
        fresh.roles.as_mut().expect("roles").execution_role_created = true;
        assert_eq!(run(&fake, fresh).await.expect_err("propagating").name, ErrorName::RoleNotAssumableYet);
        assert_eq!(run(&fake, state()).await.expect_err("existing role").name, ErrorName::RoleNotAssumable);
    }

    #[tokio::test]
    async fn api_errors_keep_their_names_and_earlier_sections_are_required() {
        let fake = FakeAws::new();
        fake.fail_next("CreateDomain", ErrorName::KmsKeyInvalid, 1);
        assert_eq!(run(&fake, state()).await.expect_err("kms").name, ErrorName::KmsKeyInvalid);
        let mut s = state();
        s.network = None;
        assert_eq!(run(&fake, s).await.expect_err("state").name, ErrorName::StateInvalid);
    }
}
