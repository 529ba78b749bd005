//! One pass of the domain's teardown: apps, then spaces, then user profiles, then the domain with
//! the request's retention of its home file system. The state machine waits between passes and
//! loops while `teardown.complete` is false; each phase is bounded (`TeardownTimedOut`).

use lambda_runtime::LambdaEvent;
use onboarding_core::offboarding::{teardown, OffboardingState};
use onboarding_core::ports::StudioPort;
use onboarding_core::state::require;
use onboarding_core::OnboardingError;

pub async fn handler<S: StudioPort>(studio: &S, event: LambdaEvent<OffboardingState>) -> Result<OffboardingState, OnboardingError> {
    let mut state = event.payload;
    let target = require(&state.target, "target")?;
    let progress = state.teardown.take().unwrap_or_default();
    let scope = teardown::Scope::Domain(state.request.retention());
    let progress = teardown::pass(studio, &target.domain_id, scope, &state.settings, progress).await?;
    tracing::info!(domain_id = %target.domain_id, phase = %progress.phase, remaining = progress.remaining, "teardown pass");
    state.teardown = Some(progress);
    Ok(state)
}
