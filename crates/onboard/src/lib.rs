//! The `onboard` command's library: following executions and running onboardings locally.

pub mod diagram;
pub mod execution;
pub mod local;

use onboarding_core::naming::{execution_name, short_digest};
use onboarding_core::OnboardingRequest;

/// The execution name for a request as submitted: derived from its ticket id (or a digest of the
/// request), so that the same onboarding started twice is one execution. A request that does
/// not even parse gets a digest of its text, and fails in the Validate state.
/// The offboarding's execution name for a request as submitted (the entry point's rule).
pub fn offboarding_execution_name_for(request_json: &str) -> String {
    match serde_json::from_str::<onboarding_core::offboarding::OffboardingRequest>(request_json) {
        Ok(request) if onboarding_core::formats::is_ticket_id(request.ticket.as_ref().map(|t| t.id.as_str()).unwrap_or("x")) => {
            onboarding_core::naming::offboarding_execution_name(&request)
        }
        _ => format!("unparsed-{}", short_digest(request_json.as_bytes())),
    }
}

/// The amendment's execution name for a request as submitted (the entry point's rule).
pub fn amendment_execution_name_for(request_json: &str) -> String {
    match serde_json::from_str::<onboarding_core::amendment::AmendmentRequest>(request_json) {
        Ok(request) if onboarding_core::formats::is_ticket_id(request.ticket.as_ref().map(|t| t.id.as_str()).unwrap_or("x")) => {
            onboarding_core::naming::amendment_execution_name(&request)
        }
        _ => format!("unparsed-{}", short_digest(request_json.as_bytes())),
    }
}

pub fn execution_name_for(request_json: &str) -> String {
    match serde_json::from_str::<OnboardingRequest>(request_json) {
        Ok(request) if onboarding_core::formats::is_ticket_id(request.ticket.as_ref().map(|t| t.id.as_str()).unwrap_or("x")) => execution_name(&request),
        _ => format!("unparsed-{}", short_digest(request_json.as_bytes())),
    }
}
