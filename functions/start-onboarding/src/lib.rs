//! The entry point for the API and for ticket system events: validates the request before
//! anything starts, starts one execution per onboarding (named after the ticket, so duplicates
//! find the existing one), and answers the status of an onboarding.

mod api;
mod events;

use lambda_runtime::LambdaEvent;
use onboarding_core::ports::{EventPort, WorkflowPort};
use onboarding_core::validate::ValidationContext;
use onboarding_core::OnboardingError;
use serde_json::Value;

pub use api::{ApiRequest, ApiResponse};

#[derive(Clone, Debug)]
pub struct Config {
    pub state_machine_arn: String,
    pub validation: ValidationContext,
}

/// Dispatches on the event's shape: an API Gateway HTTP API request, or an EventBridge event.
pub async fn handler<W: WorkflowPort, E: EventPort>(workflow: &W, events: &E, config: &Config, event: LambdaEvent<Value>) -> Result<Value, OnboardingError> {
    let payload = event.payload;
    if payload.get("detail-type").is_some() && payload.get("detail").is_some() {
        let result = events::handle(workflow, events, config, &payload).await?;
        return Ok(serde_json::to_value(result).unwrap_or_default());
    }
    let request: ApiRequest =
        serde_json::from_value(payload).map_err(|e| OnboardingError::state(format!("neither an API request nor an EventBridge event: {e}")))?;
    let response = api::handle(workflow, config, &request).await?;
    Ok(serde_json::to_value(response).unwrap_or_default())
}
