//! The state machine's error path: tells the requester which step failed, with the named error
//! and its cause (a failed domain's FailureReason included). It never fails the error path
//! itself: a notice that cannot be sent is reported in its result instead.

use lambda_runtime::LambdaEvent;
use onboarding_core::amendment::{AmendmentRequest, AmendmentState};
use onboarding_core::email::{failure_notice, one_line, FailureNotice};
use onboarding_core::formats::is_email;
use onboarding_core::offboarding::{OffboardingRequest, OffboardingState};
use onboarding_core::ports::{MailPort, SendOutcome};
use onboarding_core::reconciliation::ReconciliationRequest;
use onboarding_core::request::{WorkflowRequest, MAX_REQUESTED_BY, STARTED_DIRECTLY};
use onboarding_core::state::{Failure, OnboardingState};
use onboarding_core::OnboardingError;
use onboarding_core::{OnboardingRequest, Workflow};
use serde::Serialize;
use serde_json::Value;

/// What the state machine records under `$.failureNotice.result`; the result event and the
/// execution's final error are read from it.
#[derive(Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NoticeResult {
    /// The ticket and domain, for the result event (null when the request did not say).
    pub ticket_id: Option<String>,
    pub domain_name: Option<String>,
    /// Who asked (`console` for a direct start, or when the input did not say).
    pub requested_by: String,
    pub step: String,
    pub error: String,
    pub cause: String,
    pub sent: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_sent_because: Option<String>,
}

/// What the notice needs of a request, whichever workflow it belongs to.
struct Requested {
    ticket_id: Option<String>,
    domain_name: String,
    requested_by: String,
    requester: Option<String>,
    sender: Option<String>,
}

impl<R: WorkflowRequest> From<&R> for Requested {
    fn from(r: &R) -> Self {
        Requested {
            ticket_id: r.ticket().map(|t| t.id.clone()),
            domain_name: r.domain_label().to_string(),
            requested_by: r.requester_identity().to_string(),
            requester: r.ticket().and_then(|t| t.requester.clone()),
            sender: r.notification().sender.clone(),
        }
    }
}

/// The request and the failed step from the state; when the first step failed, the request is
/// only the execution's input (perhaps not even one).
fn requested(workflow: Workflow, state: &Value, input: &Value) -> (Option<Requested>, &'static str) {
    let has_request = state.get("request").is_some();
    match workflow {
        Workflow::Onboarding => match serde_json::from_value::<OnboardingState>(state.clone()) {
            Ok(s) if has_request => (Some((&s.request).into()), s.failed_step()),
            _ => (serde_json::from_value::<OnboardingRequest>(input.clone()).ok().map(|r| (&r).into()), "Validate"),
        },
        Workflow::Offboarding => match serde_json::from_value::<OffboardingState>(state.clone()) {
            Ok(s) if has_request => (Some((&s.request).into()), s.failed_step()),
            _ => (serde_json::from_value::<OffboardingRequest>(input.clone()).ok().map(|r| (&r).into()), "FindDomain"),
        },
        Workflow::Amendment => match serde_json::from_value::<AmendmentState>(state.clone()) {
            Ok(s) if has_request => (Some((&s.request).into()), s.failed_step()),
            _ => (serde_json::from_value::<AmendmentRequest>(input.clone()).ok().map(|r| (&r).into()), "FindTeam"),
        },
        // The reconciliation reports to each team's owner itself; a notice names only its request.
        Workflow::Reconciliation => (serde_json::from_value::<ReconciliationRequest>(input.clone()).ok().map(|r| (&r).into()), "ListTeams"),
    }
}

/// The input: `state` is the workflow state with its `failure` (or, when the first step failed,
/// the failure itself), `input` is the execution's input (the request as submitted), `workflow`
/// says which workflow failed (`onboarding` when absent).
pub async fn handler<M: MailPort>(mail: &M, default_sender: Option<&str>, event: LambdaEvent<Value>) -> Result<NoticeResult, OnboardingError> {
    let state = &event.payload["state"];
    let input = &event.payload["input"];
    let workflow = event.payload["workflow"].as_str().and_then(Workflow::named).unwrap_or(Workflow::Onboarding);
    let failure: Failure = serde_json::from_value(state.get("failure").unwrap_or(state).clone()).unwrap_or_default();
    let (request, step) = requested(workflow, state, input);
    let text = |v: &Value| v.as_str().map(str::to_string);
    let mut result = NoticeResult {
        ticket_id: request.as_ref().and_then(|r| r.ticket_id.clone()).or_else(|| text(&input["ticket"]["id"])),
        domain_name: request.as_ref().map(|r| r.domain_name.clone()).or_else(|| text(&input["domainName"])),
        requested_by: request
            .as_ref()
            .map(|r| r.requested_by.clone())
            .or_else(|| text(&input["requestedBy"]).filter(|who| who.len() <= MAX_REQUESTED_BY).map(|who| one_line(&who)))
            .unwrap_or_else(|| STARTED_DIRECTLY.into()),
        step: step.to_string(),
        error: failure.error.clone(),
        cause: failure.cause.clone(),
        ..Default::default()
    };
    // The request may have failed validation: only well-formed addresses are used.
    let requester = request.as_ref().and_then(|r| r.requester.clone()).filter(|r| is_email(r));
    let sender = request.as_ref().and_then(|r| r.sender.clone()).filter(|s| is_email(s)).or_else(|| default_sender.map(str::to_string));
    let (Some(to), Some(from), Some(request)) = (requester, sender, request.as_ref()) else {
        result.not_sent_because = Some("no valid requester address in the request, or no sender configured".into());
        return Ok(result);
    };
    let message = failure.message();
    let email = failure_notice(&FailureNotice {
        from: &from,
        to: &to,
        workflow: workflow.noun(),
        domain_name: &request.domain_name,
        ticket_id: request.ticket_id.as_deref(),
        step: &result.step,
        error: &failure.error,
        message: &message,
        requested_by: &result.requested_by,
    });
    match mail.send(&email).await {
        Ok(SendOutcome::Sent { message_id }) => {
            result.sent = true;
            result.message_id = Some(message_id);
        }
        Ok(SendOutcome::Rejected { reason }) => result.not_sent_because = Some(reason),
        Err(e) => result.not_sent_because = Some(e.to_string()),
    }
    tracing::info!(step = %result.step, error = %result.error, sent = result.sent, "failure notice");
    Ok(result)
}
