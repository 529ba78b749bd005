//! The entry point of every workflow in the registry, for the API and for ticket system events:
//! validates the request before anything starts, starts one execution per request (named after
//! the ticket, so duplicates find the existing one), and answers an execution's status.

mod api;
mod events;

use std::collections::BTreeMap;

use aws_lambda_events::apigw::ApiGatewayV2httpRequest;
use aws_lambda_events::eventbridge::EventBridgeEvent;
use lambda_runtime::LambdaEvent;
use onboarding_core::ports::{EventPort, WorkflowPort};
use onboarding_core::validate::ValidationContext;
use onboarding_core::{config, OnboardingError, Workflow};
use serde_json::Value;

pub use api::{api_request, signed_by};
pub use events::EventResult;

#[derive(Clone, Debug)]
pub struct Config {
    /// Each workflow's state machine (from the registry's variables: `STATE_MACHINE_ARN`, ...).
    pub state_machines: BTreeMap<Workflow, String>,
    /// The detail-type of ticket events that ask for each workflow; the onboarding takes the
    /// events no other workflow claims.
    pub detail_types: BTreeMap<Workflow, String>,
    pub validation: ValidationContext,
}

impl Config {
    /// The deployment's configuration, read from the variables the registry names.
    pub fn from_env() -> Result<Config, String> {
        let mut state_machines = BTreeMap::new();
        for workflow in Workflow::ALL {
            let variable = workflow.facts().state_machine_arn_variable;
            state_machines.insert(workflow, config::var(variable).ok_or_else(|| format!("{variable} is not set"))?);
        }
        let detail_types = Workflow::ALL
            .into_iter()
            .map(|w| (w, w.facts().detail_type_variable.and_then(config::var).unwrap_or_else(|| w.facts().requested_detail_type.to_string())))
            .collect();
        Ok(Config { state_machines, detail_types, validation: ValidationContext::from_env() })
    }

    /// Each workflow's default detail-type (`Onboarding Requested`, ...).
    pub fn default_detail_types() -> BTreeMap<Workflow, String> {
        Workflow::ALL.into_iter().map(|w| (w, w.facts().requested_detail_type.to_string())).collect()
    }

    fn state_machine_arn(&self, workflow: Workflow) -> Result<&str, OnboardingError> {
        self.state_machines.get(&workflow).map(String::as_str).ok_or_else(|| OnboardingError::state(format!("no state machine for the {workflow}")))
    }

    /// The workflow a ticket event's detail-type asks for.
    fn workflow_for(&self, detail_type: &str) -> Workflow {
        Workflow::ALL
            .into_iter()
            .filter(|w| *w != Workflow::Onboarding)
            .find(|w| self.detail_types.get(w).is_some_and(|t| t == detail_type))
            .unwrap_or(Workflow::Onboarding)
    }
}

/// The state machines the entry point starts, by workflow.
pub type Workflows<'a, W> = BTreeMap<Workflow, &'a W>;

/// Every workflow served by the same `port` (the tests' fakes).
pub fn every_workflow_on<W>(port: &W) -> Workflows<'_, W> {
    Workflow::ALL.into_iter().map(|w| (w, port)).collect()
}

fn port<'a, W>(workflows: &Workflows<'a, W>, workflow: Workflow) -> Result<&'a W, OnboardingError> {
    workflows.get(&workflow).copied().ok_or_else(|| OnboardingError::state(format!("no state machine for the {workflow}")))
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
