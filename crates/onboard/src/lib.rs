//! The `onboard` command's library: following executions and running onboardings locally.

pub mod diagram;
pub mod execution;
pub mod local;

use onboarding_core::naming::{execution_name, short_digest};
use onboarding_core::request::WorkflowRequest;

/// The execution name for a request of the workflow `R` as submitted: derived from its ticket id
/// (or a digest of the request), so that the same request started twice is one execution. A
/// request that does not even parse gets a digest of its text, and fails in the first state.
pub fn execution_name_for<R>(request_json: &str) -> String
where
    R: serde::de::DeserializeOwned + serde::Serialize + WorkflowRequest,
{
    match serde_json::from_str::<R>(request_json) {
        Ok(request) if onboarding_core::formats::is_ticket_id(request.ticket().map(|t| t.id.as_str()).unwrap_or("x")) => execution_name(&request),
        _ => format!("unparsed-{}", short_digest(request_json.as_bytes())),
    }
}
