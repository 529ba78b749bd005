//! Removes every Identity Center assignment of the domain's application, before anything else is
//! deleted: nobody can start a new app while the domain is taken apart.

use lambda_runtime::LambdaEvent;
use onboarding_core::offboarding::state::RemovedAccess;
use onboarding_core::offboarding::OffboardingState;
use onboarding_core::ports::AssignmentPort;
use onboarding_core::state::{require, PrincipalType};
use onboarding_core::OnboardingError;

pub async fn handler<A: AssignmentPort>(sso: &A, event: LambdaEvent<OffboardingState>) -> Result<OffboardingState, OnboardingError> {
    let mut state = event.payload;
    let target = require(&state.target, "target")?;
    let mut removed = RemovedAccess::default();
    if let Some(application) = &target.sso_application_arn {
        for (kind, id) in sso.list_assignments(application).await? {
            sso.delete_assignment(application, kind, &id).await?;
            match kind {
                PrincipalType::User => removed.users += 1,
                PrincipalType::Group => removed.groups += 1,
            }
        }
    }
    tracing::info!(users = removed.users, groups = removed.groups, "access removed");
    state.access = Some(removed);
    Ok(state)
}
