//! Ticket system events: the request is the event's `detail`. Delivery is at least once, so the
//! same ticket delivered again finds the execution it already started.

use aws_lambda_events::eventbridge::EventBridgeEvent;
use onboarding_core::naming::{execution_name, offboarding_execution_name};
use onboarding_core::offboarding::validate_offboarding_value;
use onboarding_core::ports::{EventPort, WorkflowPort};
use onboarding_core::start::start_or_resume;
use onboarding_core::validate::validate_value;
use onboarding_core::OnboardingError;
use serde::Serialize;
use serde_json::json;

use crate::{Config, Workflows};

/// The detail-type of the event published when an onboarding ends in failure (also for a
/// request rejected before it starts).
pub const ONBOARDING_FAILED: &str = "Onboarding Failed";
/// The same for an offboarding.
pub const OFFBOARDING_FAILED: &str = "Offboarding Failed";

#[derive(Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EventResult {
    pub onboarding_id: Option<String>,
    pub existing: bool,
    pub rejected: bool,
}

pub async fn handle<W: WorkflowPort, E: EventPort>(
    workflows: &Workflows<'_, W>,
    events: &E,
    config: &Config,
    event: &EventBridgeEvent,
) -> Result<EventResult, OnboardingError> {
    // Who asked: the bus admits only the ticket system (and the workflow), so its source and
    // the account it came from say it.
    let who = format!("ticket event {} from account {}", event.source, event.account.as_deref().unwrap_or("(unknown)"));
    let detail = &crate::with_requester(&event.detail, &who);
    let offboarding = event.detail_type == config.offboarding_detail_type;
    let checked = if offboarding {
        validate_offboarding_value(detail, &config.validation).map(|r| (workflows.offboarding, offboarding_execution_name(&r)))
    } else {
        validate_value(detail, &config.validation).map(|r| (workflows.onboarding, execution_name(&r)))
    };
    match checked {
        Ok((workflow, name)) => {
            let (name, started) = start_or_resume(workflow, &name, &detail.to_string()).await?;
            tracing::info!(execution = %name, offboarding, existing = started.existing, "requested by event");
            Ok(EventResult { onboarding_id: Some(name), existing: started.existing, rejected: false })
        }
        Err(problems) => {
            // Nothing starts; the ticket system hears why, as for any failed request.
            let ticket_id = detail["ticket"]["id"].as_str().map(str::to_string);
            let cause: Vec<String> = problems.iter().map(ToString::to_string).collect();
            let detail =
                json!({ "ticketId": ticket_id, "requestedBy": who, "domainName": detail["domainName"], "error": "RequestInvalid", "cause": cause.join("; ") });
            events.publish(if offboarding { OFFBOARDING_FAILED } else { ONBOARDING_FAILED }, &detail).await?;
            tracing::info!(problems = problems.len(), "event rejected");
            Ok(EventResult { onboarding_id: None, existing: false, rejected: true })
        }
    }
}
