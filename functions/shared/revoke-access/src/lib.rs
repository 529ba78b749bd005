//! Ends the access of the users and groups an amendment removes: their Identity Center
//! assignments first, then, a pass at a time, the removed users' apps (their own and their
//! private spaces'), and with `removedUserData: Delete` their private spaces and user profiles.
//! The state machine waits between passes while `revoke.teardown.complete` is false.

use lambda_runtime::LambdaEvent;
use onboarding_core::amendment::AmendmentState;
use onboarding_core::ports::{AssignmentPort, StudioPort};
use onboarding_core::shared::teardown::{self, Scope};
use onboarding_core::state::{require, PrincipalType};
use onboarding_core::OnboardingError;

pub async fn handler<A: AssignmentPort, S: StudioPort>(sso: &A, studio: &S, event: LambdaEvent<AmendmentState>) -> Result<AmendmentState, OnboardingError> {
    let mut state = event.payload;
    let target = require(&state.target, "target")?.clone();
    let delete_data = state.request.deletes_user_data();
    let Some(mut revoke) = state.revoke.take() else { return Ok(state) };
    if revoke.teardown.phase.is_empty() {
        // The first pass: nobody removed can sign in again while their apps go.
        let principals =
            revoke.users.iter().map(|u| (PrincipalType::User, &u.user_id)).chain(revoke.groups.iter().map(|g| (PrincipalType::Group, &g.group_id)));
        for (kind, id) in principals {
            sso.delete_assignment(&target.sso_application_arn, kind, id).await?;
            revoke.assignments_removed += 1;
        }
    }
    let scope = Scope::Users { profiles: &revoke.profiles, delete_data };
    revoke.teardown = teardown::pass(studio, &target.domain_id, scope, &state.settings, std::mem::take(&mut revoke.teardown)).await?;
    tracing::info!(domain_id = %target.domain_id, phase = %revoke.teardown.phase, "revocation pass");
    state.revoke = Some(revoke);
    Ok(state)
}
