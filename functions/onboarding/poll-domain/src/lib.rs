//! One poll of the domain's status. The state machine waits between polls (a Wait state, never a
//! sleeping Lambda) and loops while the status is Pending; this step bounds the loop and turns a
//! failed domain into DomainFailed with its FailureReason.

use lambda_runtime::LambdaEvent;
use onboarding_core::ports::{DomainStatus, SageMakerPort};
use onboarding_core::state::{require, OnboardingState};
use onboarding_core::{ErrorName, OnboardingError};

/// The status the state machine's Choice waits on; any other value means InService.
pub const STILL_PENDING: &str = "Pending";

pub async fn handler<P: SageMakerPort>(sagemaker: &P, event: LambdaEvent<OnboardingState>) -> Result<OnboardingState, OnboardingError> {
    let mut state = event.payload;
    let mut domain = require(&state.domain, "domain")?.clone();
    domain.polls += 1;
    let described = sagemaker.describe_domain(&domain.domain_id).await?;
    // Right after CreateDomain the domain may briefly be unknown: that is "not ready yet".
    let status = described.as_ref().map(|d| d.status.clone()).unwrap_or(DomainStatus::Pending);
    match status {
        DomainStatus::InService => {
            let d = described.ok_or_else(|| OnboardingError::state("InService without a description"))?;
            domain.status = "InService".into();
            domain.url = d.url.unwrap_or(domain.url);
            domain.sso_application_arn = d.sso_application_arn;
        }
        DomainStatus::Pending | DomainStatus::Updating => {
            if domain.polls >= state.settings.max_polls {
                return Err(OnboardingError::new(
                    ErrorName::DomainPollingTimedOut,
                    format!("{} was still {} after {} polls {} s apart", domain.domain_id, status.as_str(), domain.polls, state.settings.poll_interval_seconds),
                ));
            }
            domain.status = STILL_PENDING.into();
        }
        failed => {
            let reason = described.and_then(|d| d.failure_reason).unwrap_or_else(|| "SageMaker gave no reason".into());
            let mut message = format!("{} is {}: {reason}", domain.domain_id, failed.as_str());
            if state.request.on_failure.delete_failed_domain && domain.created {
                sagemaker.delete_domain(&domain.domain_id).await?;
                message.push_str(" (the failed domain was deleted, as the request asked)");
            }
            return Err(OnboardingError::new(ErrorName::DomainFailed, message));
        }
    }
    tracing::info!(domain_id = %domain.domain_id, status = %domain.status, polls = domain.polls, "polled");
    state.domain = Some(domain);
    Ok(state)
}
