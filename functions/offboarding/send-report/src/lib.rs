//! Sends the offboarding's report (what was deleted, kept and left) to the requester and the
//! request's extra recipients. A report that cannot be sent does not undo the offboarding: the
//! reason is recorded in the state and the summary.

use lambda_runtime::LambdaEvent;
use onboarding_core::offboarding::report::{report_email, Report};
use onboarding_core::offboarding::state::ReportOutcome;
use onboarding_core::offboarding::OffboardingState;
use onboarding_core::ports::{MailPort, SendOutcome};
use onboarding_core::OnboardingError;

pub async fn handler<M: MailPort>(mail: &M, default_sender: Option<&str>, event: LambdaEvent<OffboardingState>) -> Result<OffboardingState, OnboardingError> {
    let mut state = event.payload;
    let request = &state.request;
    let mut recipients: Vec<String> = request.ticket.as_ref().and_then(|t| t.requester.clone()).into_iter().collect();
    recipients.extend(request.notification.extra_recipients.iter().cloned());
    let mut outcome = ReportOutcome::default();
    let sender = request.notification.sender.clone().or_else(|| default_sender.map(str::to_string));
    match (&sender, recipients.is_empty()) {
        (None, _) => outcome.not_sent.push("no sender configured".into()),
        (_, true) => outcome.not_sent.push("the request names no requester address and no extra recipients".into()),
        (Some(from), false) => {
            for to in &recipients {
                match mail.send(&report_email(&Report { from, to, state: &state })).await {
                    Ok(SendOutcome::Sent { .. }) => outcome.sent += 1,
                    Ok(SendOutcome::Rejected { reason }) => outcome.not_sent.push(reason),
                    Err(e) if e.name.is_retryable() => return Err(e),
                    Err(e) => outcome.not_sent.push(e.to_string()),
                }
            }
        }
    }
    tracing::info!(sent = outcome.sent, not_sent = outcome.not_sent.len(), "report");
    state.report = Some(outcome);
    Ok(state)
}
