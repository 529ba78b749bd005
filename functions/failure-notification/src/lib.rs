//! The state machine's error path: tells the requester which step failed, with the named error
//! and its cause (a failed domain's FailureReason included). It never fails the error path
//! itself: a notice that cannot be sent is reported in its result instead.

use lambda_runtime::LambdaEvent;
use onboarding_core::email::{failure_notice, FailureNotice};
use onboarding_core::formats::is_email;
use onboarding_core::ports::{MailPort, SendOutcome};
use onboarding_core::state::OnboardingState;
use onboarding_core::OnboardingError;
use serde::Serialize;

/// What the state machine records under `$.failureNotice`.
#[derive(Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NoticeResult {
    /// The ticket and domain, for the result event (null when the request did not say).
    pub ticket_id: Option<String>,
    pub domain_name: Option<String>,
    pub step: String,
    pub error: String,
    pub sent: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_sent_because: Option<String>,
}

pub async fn handler<M: MailPort>(mail: &M, default_sender: Option<&str>, event: LambdaEvent<serde_json::Value>) -> Result<NoticeResult, OnboardingError> {
    // A request that failed validation is not a state yet: there is nobody trustworthy to tell.
    let state = match serde_json::from_value::<OnboardingState>(event.payload.clone()) {
        Ok(state) => state,
        Err(_) => {
            let payload = &event.payload;
            let text = |v: &serde_json::Value| v.as_str().map(str::to_string);
            return Ok(NoticeResult {
                ticket_id: text(&payload["request"]["ticket"]["id"]),
                domain_name: text(&payload["request"]["domainName"]),
                step: "Validate".into(),
                error: text(&payload["failure"]["Error"]).unwrap_or_default(),
                not_sent_because: Some("the request is not valid".into()),
                ..Default::default()
            });
        }
    };
    let failure = state.failure.clone().unwrap_or_default();
    let mut result = NoticeResult {
        ticket_id: state.request.ticket.as_ref().map(|t| t.id.clone()),
        domain_name: Some(state.request.domain_name.clone()),
        step: state.failed_step().to_string(),
        error: failure.error.clone(),
        ..Default::default()
    };
    // The request may have failed validation: only a well-formed address is written to.
    let requester = state.request.ticket.as_ref().and_then(|t| t.requester.clone()).filter(|r| is_email(r));
    let sender = state.request.notification.sender.clone().or_else(|| default_sender.map(str::to_string));
    let (Some(to), Some(from)) = (requester, sender) else {
        result.not_sent_because = Some("the request names no requester, or no sender is configured".into());
        return Ok(result);
    };
    let message = failure.message();
    let email = failure_notice(&FailureNotice {
        from: &from,
        to: &to,
        domain_name: &state.request.domain_name,
        ticket_id: state.request.ticket.as_ref().map(|t| t.id.as_str()),
        step: &result.step,
        error: &failure.error,
        message: &message,
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

#[cfg(test)]
mod tests {
    use super::*;
    use lambda_runtime::Context;
    use onboarding_core::fakes::FakeAws;
    use onboarding_core::request::{OnboardingRequest, Ticket};
    use onboarding_core::state::{DomainRecord, Failure, Identities, ResolvedNetwork, Roles};
    use onboarding_core::ErrorName;

    fn failed_state() -> OnboardingState {
        OnboardingState {
            request: OnboardingRequest { domain_name: "team-a".into(), ticket: Some(Ticket { id: "OPS-9".into(), requester: Some("lead@example.com".into()) }), ..Default::default() },
            identities: Some(Identities::default()),
            roles: Some(Roles::default()),
            network: Some(ResolvedNetwork::default()),
            domain: Some(DomainRecord { status: "Pending".into(), ..Default::default() }),
            failure: Some(Failure { error: "DomainFailed".into(), cause: r#"{"errorType":"DomainFailed","errorMessage":"d-1 is Failed: <capacity>"}"#.into() }),
            ..Default::default()
        }
    }

    async fn run(fake: &FakeAws, s: OnboardingState) -> NoticeResult {
        let payload = serde_json::to_value(s).expect("json");
        handler(fake, Some("onboarding@example.com"), LambdaEvent::new(payload, Context::default())).await.expect("never fails")
    }

    #[tokio::test]
    async fn tells_the_requester_step_error_and_reason() {
        let fake = FakeAws::new();
        let result = run(&fake, failed_state()).await;
        assert!(result.sent);
        assert_eq!((result.step.as_str(), result.error.as_str()), ("WaitForDomain", "DomainFailed"));
        let w = fake.world();
        assert_eq!(w.sent[0].to, "lead@example.com");
        assert!(w.sent[0].text.contains("d-1 is Failed: <capacity>") && w.sent[0].html.contains("&lt;capacity&gt;"));
    }

    #[tokio::test]
    async fn never_fails_the_error_path() {
        let fake = FakeAws::new();
        fake.fail_next("SendEmail", ErrorName::AwsThrottled, 1);
        let result = run(&fake, failed_state()).await;
        assert!(!result.sent && result.not_sent_because.is_some());

        let mut anonymous = failed_state();
        anonymous.request.ticket = None;
        let result = run(&fake, anonymous).await;
        assert!(!result.sent);
        assert_eq!(fake.calls("SendEmail"), 1);

        let invalid = serde_json::json!({"request": {"domainName": 7}, "failure": {"Error": "RequestInvalid", "Cause": "..."}});
        let result = handler(&fake, None, LambdaEvent::new(invalid, Context::default())).await.expect("never fails");
        assert_eq!((result.step.as_str(), result.error.as_str(), result.sent), ("Validate", "RequestInvalid", false));
    }
}
