//! Sends each person one invitation (text and HTML) with the domain URL and the guide's sign-in
//! steps. Sent MessageIds are kept in the state, and the recipient set is recorded on the domain,
//! so that neither a retry nor a rerun sends anything twice.

mod recipients;

use lambda_runtime::LambdaEvent;
use onboarding_core::email::{invitation, Invitation};
use onboarding_core::naming::TAG_INVITED;
use onboarding_core::ports::{MailPort, SageMakerPort, SendOutcome, Tags};
use onboarding_core::state::{require, Invitations, OnboardingState, RejectedInvitation, SentInvitation};
use onboarding_core::{ErrorName, OnboardingError};

pub use recipients::{recipients, recipients_digest};

/// Runs of this step after which a transient error fails the step instead of waiting again.
pub const MAX_ATTEMPTS: u32 = 5;

pub async fn handler<S: SageMakerPort, M: MailPort>(
    sagemaker: &S,
    mail: &M,
    default_sender: Option<&str>,
    event: LambdaEvent<OnboardingState>,
) -> Result<OnboardingState, OnboardingError> {
    let mut state = event.payload;
    let domain = require(&state.domain, "domain")?.clone();
    let sender = state
        .request
        .notification
        .sender
        .as_deref()
        .or(default_sender)
        .map(str::to_string)
        .ok_or_else(|| OnboardingError::new(ErrorName::SenderNotVerified, "no sender: set notification.sender or the deployment's sender address"))?;
    let (list, unreachable) = recipients(&state);
    let digest = recipients_digest(&list);
    let mut progress = state.invitations.take().unwrap_or_else(|| Invitations { complete: true, ..Default::default() });
    progress.attempts += 1;

    if sagemaker.list_tags(&domain.domain_arn).await?.get(TAG_INVITED) == Some(&digest) {
        tracing::info!("these people were invited by an earlier run");
        state.invitations = Some(Invitations { already_sent: true, complete: true, ..progress });
        return Ok(state);
    }

    // Rejections from an earlier attempt of this execution stand; nobody is tried twice.
    let mut rejected: Vec<RejectedInvitation> = unreachable;
    for earlier in std::mem::take(&mut progress.rejected) {
        if !rejected.iter().any(|r| r.recipient == earlier.recipient) {
            rejected.push(earlier);
        }
    }
    let mut sent_now = 0;
    for person in &list {
        let is = |recipient: &str| recipient.eq_ignore_ascii_case(&person.address);
        if progress.sent.iter().any(|s| is(&s.recipient)) || rejected.iter().any(|r| is(&r.recipient)) {
            continue;
        }
        let email = invitation(&Invitation {
            from: &sender,
            to: &person.address,
            greeting_name: person.greeting_name.as_deref(),
            domain_name: &state.request.domain_name,
            domain_url: &domain.url,
            ticket_id: state.request.ticket.as_ref().map(|t| t.id.as_str()),
            requested_by: state.request.requester_identity(),
        });
        match mail.send(&email).await {
            Ok(SendOutcome::Sent { message_id }) => {
                sent_now += 1;
                progress.sent.push(SentInvitation { recipient: person.address.clone(), message_id });
            }
            Ok(SendOutcome::Rejected { reason }) => rejected.push(RejectedInvitation { recipient: person.address.clone(), reason }),
            // Keep what was sent: the state machine waits and this step resumes with the rest.
            Err(e) if e.name.is_retryable() && sent_now > 0 && progress.attempts < MAX_ATTEMPTS => {
                tracing::warn!(error = %e.name, sent = progress.sent.len(), "pausing invitations");
                progress.complete = false;
                progress.rejected = rejected;
                state.invitations = Some(progress);
                return Ok(state);
            }
            Err(e) => return Err(e),
        }
    }
    progress.complete = true;
    progress.rejected = rejected;
    if progress.sent.is_empty() && !list.is_empty() {
        let reasons: Vec<String> = progress.rejected.iter().map(|r| format!("{}: {}", r.recipient, r.reason)).collect();
        return Err(OnboardingError::new(ErrorName::InvitationsRejected, format!("no invitation could be delivered ({})", reasons.join("; "))));
    }
    sagemaker.add_tags(&domain.domain_arn, &Tags::from([(TAG_INVITED.to_string(), digest)])).await?;
    tracing::info!(sent = progress.sent.len(), rejected = progress.rejected.len(), "invitations sent");
    state.invitations = Some(progress);
    Ok(state)
}
