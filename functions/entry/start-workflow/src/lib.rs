//! The entry point for the API and for ticket system events: validates the request before
//! anything starts, starts one execution per onboarding (named after the ticket, so duplicates
//! find the existing one), and answers the status of an onboarding.

mod api;
mod events;
mod kinds;

use aws_lambda_events::apigw::ApiGatewayV2httpRequest;
use aws_lambda_events::eventbridge::EventBridgeEvent;
use lambda_runtime::LambdaEvent;
use onboarding_core::ports::{EventPort, WorkflowPort};
use onboarding_core::validate::ValidationContext;
use onboarding_core::OnboardingError;
use serde_json::Value;

pub use api::{api_request, signed_by};
pub use events::EventResult;

#[derive(Clone, Debug)]
pub struct Config {
    pub state_machine_arn: String,
    /// The offboarding state machine (`POST /offboardings`, offboarding ticket events).
    pub offboarding_state_machine_arn: String,
    /// The amendment state machine (`POST /amendments`, amendment ticket events).
    pub amendment_state_machine_arn: String,
    /// The detail-type of ticket events that ask for an offboarding; any other starts an onboarding.
    pub offboarding_detail_type: String,
    /// The detail-type of ticket events that ask for an amendment.
    pub amendment_detail_type: String,
    /// The reconciliation state machine (`POST /reconciliations`, reconciliation ticket events).
    pub reconciliation_state_machine_arn: String,
    /// The detail-type of ticket events that ask for a reconciliation.
    pub reconciliation_detail_type: String,
    pub validation: ValidationContext,
}

/// The detail-type of ticket events that ask for an offboarding, unless the deployment says otherwise.
pub const OFFBOARDING_REQUESTED: &str = "Offboarding Requested";
/// The detail-type of ticket events that ask for an amendment, unless the deployment says otherwise.
pub const AMENDMENT_REQUESTED: &str = "Access Amendment Requested";
/// The detail-type of ticket events that ask for a reconciliation, unless the deployment says otherwise.
pub const RECONCILIATION_REQUESTED: &str = "Team Reconciliation Requested";

/// The state machines the entry point starts.
pub struct Workflows<'a, W> {
    pub onboarding: &'a W,
    pub offboarding: &'a W,
    pub amendment: &'a W,
    pub reconciliation: &'a W,
}

/// Dispatches on the event's shape: an EventBridge event (it has `detail-type`), or an API Gateway
/// HTTP API request (payload format 2.0).
pub async fn handler<W: WorkflowPort, E: EventPort>(
    workflows: &Workflows<'_, W>,
    events: &E,
    config: &Config,
    event: LambdaEvent<Value>,
) -> Result<Value, OnboardingError> {
    let payload = event.payload;
    if payload.get("detail-type").is_some() {
        let event: EventBridgeEvent = serde_json::from_value(payload).map_err(|e| OnboardingError::state(format!("not an EventBridge event: {e}")))?;
        let result = events::handle(workflows, events, config, &event).await?;
        return to_value(&result);
    }
    let request: ApiGatewayV2httpRequest = serde_json::from_value(payload)
        .map_err(|e| OnboardingError::state(format!("neither an API Gateway HTTP API request nor an EventBridge event: {e}")))?;
    let response = api::handle(workflows, config, &request).await?;
    to_value(&response)
}

/// The request with `requestedBy` set to `who`, whatever the sender put there. Text that is not
/// a JSON object is left as it is, for validation to refuse.
fn with_requester(request: &Value, who: &str) -> Value {
    let mut request = request.clone();
    if let Some(fields) = request.as_object_mut() {
        fields.insert("requestedBy".into(), Value::String(who.to_string()));
    }
    request
}

fn to_value(answer: &impl serde::Serialize) -> Result<Value, OnboardingError> {
    serde_json::to_value(answer).map_err(|e| OnboardingError::state(format!("the answer could not be serialised: {e}")))
}
