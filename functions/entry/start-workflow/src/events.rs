//! Ticket system events: the request is the event's `detail`. Delivery is at least once, so the
//! same ticket delivered again finds the execution it already started.

use aws_lambda_events::eventbridge::EventBridgeEvent;
use onboarding_core::ports::{EventPort, WorkflowPort};
use onboarding_core::start::start_or_resume;
use onboarding_core::OnboardingError;
use serde::Serialize;
use serde_json::json;

use crate::{Config, Workflows};

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
    let workflow = config.workflow_for(&event.detail_type);
    let checked = workflow.check(&detail.to_string(), &config.validation);
    match checked {
        Ok(name) => {
            let (name, started) = start_or_resume(crate::port(workflows, workflow)?, &name, &detail.to_string()).await?;
            tracing::info!(workflow = workflow.noun(), execution = %name, existing = started.existing, "requested by event");
            Ok(EventResult { onboarding_id: Some(name), existing: started.existing, rejected: false })
        }
        Err(problems) => {
            // Nothing starts; the ticket system hears why, as for any failed request.
            let ticket_id = detail["ticket"]["id"].as_str().map(str::to_string);
            let cause: Vec<String> = problems.iter().map(ToString::to_string).collect();
            let detail =
                json!({ "ticketId": ticket_id, "requestedBy": who, "domainName": detail["domainName"], "error": "RequestInvalid", "cause": cause.join("; ") });
            events.publish(workflow.facts().failed_detail_type, &detail).await?;
            tracing::info!(problems = problems.len(), "event rejected");
            Ok(EventResult { onboarding_id: None, existing: false, rejected: true })
        }
    }
}
