//! Sends each person one invitation (text and HTML) with the domain URL and the guide's sign-in
//! steps, at the account's SES send rate. Each invitation is recorded in the invitation ledger as
//! it is sent, so that neither a resumed step, a retried one nor a rerun invites anybody twice.
//!
//! The step pauses (the state machine waits and runs it again) before its Lambda deadline, when
//! SES throttles after some progress, and while SES's daily quota is used up; each pause is
//! bounded.

mod ledger_view;
mod pacing;
mod recipients;

use onboarding_core::request::WorkflowRequest;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use lambda_runtime::LambdaEvent;
use onboarding_core::email::{invitation, Invitation};
use onboarding_core::ports::{IdentityCenterPort, InvitationLedgerPort, InvitationRecord, MailPort, SendOutcome};
use onboarding_core::state::{require, Invitations, OnboardingState};
use onboarding_core::{ErrorName, OnboardingError};
use tokio::time::Instant;

use ledger_view::{LedgerView, Tally};
pub use pacing::Pacer;
pub use recipients::{address_key, candidates, user_key, Candidate};

/// Pauses in a row without a delivery (throttling, or the deadline reached) before the step fails.
pub const MAX_PAUSES: u32 = 5;
/// Waits for the daily quota before the step fails: a day at the default ten minutes a wait.
pub const MAX_QUOTA_WAITS: u32 = 144;
/// Seconds to wait after SES throttled the step mid-way.
pub const THROTTLE_WAIT_SECONDS: u32 = 5;
/// Time kept back from the function's deadline: one more send and its record always fit.
pub const DEADLINE_MARGIN: Duration = Duration::from_secs(10);

/// The AWS services the step uses.
pub struct Ports<'a, I, M, L> {
    pub identity: &'a I,
    pub mail: &'a M,
    pub ledger: &'a L,
}

enum Pause {
    Deadline,
    Throttled(OnboardingError),
    DailyQuota,
}

pub async fn handler<I: IdentityCenterPort, M: MailPort, L: InvitationLedgerPort>(
    ports: Ports<'_, I, M, L>,
    default_sender: Option<&str>,
    event: LambdaEvent<OnboardingState>,
) -> Result<OnboardingState, OnboardingError> {
    let stop_at = time_left(event.context.deadline).map(|left| Instant::now() + left);
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
    let mut progress = state.invitations.take().unwrap_or_else(|| Invitations { complete: true, ..Default::default() });
    progress.attempts += 1;
    if progress.run_id.is_empty() {
        // The first attempt names the run: its rejections stand within it, not in a rerun.
        progress.run_id = Some(event.context.request_id).filter(|id| !id.is_empty()).unwrap_or_else(|| format!("{}#{}", domain.domain_id, now_millis()));
    }

    if let Some(team) = state.team.clone() {
        // The reconciliation's source for the team's owner and choices.
        ports.ledger.record_team(&domain.domain_arn, &team).await?;
    }
    let store_id = state.identities.as_ref().map(|i| i.identity_store_id.clone()).unwrap_or_default();
    let mut view = LedgerView::new(ports.ledger.records(&domain.domain_arn).await?, &progress.run_id);
    let candidates = candidates(ports.identity, &state).await?;
    let quota = ports.mail.send_quota().await?;
    let mut pacer = Pacer::new(quota.max_send_rate);
    let mut tally = Tally::default();
    let mut sent_now = 0u32;
    let mut pause = quota.daily_quota_used_up().then_some(Pause::DailyQuota);
    // What the 24 hours still allow: past it, wait rather than send into SES's refusal.
    let allowed_now = quota.max_24_hour_send.map(|max| (max - quota.sent_last_24_hours).max(0.0) as u64);

    for candidate in candidates {
        if pause.is_some() {
            break;
        }
        let person = candidate.person();
        if let Some(settled) = view.settled(&person) {
            tally.count(settled, &progress.run_id);
            continue;
        }
        if stop_at.is_some_and(|at| Instant::now() >= at) {
            pause = Some(Pause::Deadline);
            break;
        }
        let (address, greeting_name) = match candidate {
            Candidate::Named(user) => (user.email.clone(), Some(recipients::greeting(&user).to_string())),
            // A member deleted since the listing has no address: rejected below.
            Candidate::Member(user_id) => match ports.identity.describe_user(&store_id, &user_id).await? {
                Some(user) => (user.email.clone(), Some(recipients::greeting(&user).to_string())),
                None => (None, None),
            },
            Candidate::Address(address) => (Some(address), None),
        };
        let Some(address) = address else {
            let record = rejected(&person, "", &progress.run_id, "no e-mail address in IAM Identity Center");
            ports.ledger.record(&domain.domain_arn, &record).await?;
            tally.count(view.insert(record), &progress.run_id);
            continue;
        };
        if let Some(settled) = view.settled_address(&address) {
            tally.count(settled, &progress.run_id);
            continue;
        }
        if allowed_now.is_some_and(|allowed| u64::from(sent_now) >= allowed) {
            pause = Some(Pause::DailyQuota);
            break;
        }
        pacer.ready().await;
        let email = invitation(&Invitation {
            from: &sender,
            to: &address,
            greeting_name: greeting_name.as_deref(),
            domain_name: &state.request.domain_name,
            domain_url: &domain.url,
            ticket_id: state.request.ticket.as_ref().map(|t| t.id.as_str()),
            requested_by: state.request.requester_identity(),
        });
        let record = match ports.mail.send(&email).await {
            Ok(SendOutcome::Sent { message_id }) => {
                sent_now += 1;
                InvitationRecord {
                    person,
                    address: address.to_lowercase(),
                    delivered: true,
                    run_id: progress.run_id.clone(),
                    message_id: Some(message_id),
                    reason: None,
                }
            }
            Ok(SendOutcome::Rejected { reason }) => rejected(&person, &address, &progress.run_id, &reason),
            Err(e) if e.name == ErrorName::SesDailyQuotaExceeded => {
                pause = Some(Pause::DailyQuota);
                break;
            }
            // Keep what was sent: the state machine waits and this step resumes with the rest.
            Err(e) if e.name.is_retryable() && sent_now > 0 => {
                pause = Some(Pause::Throttled(e));
                break;
            }
            Err(e) => return Err(e),
        };
        ports.ledger.record(&domain.domain_arn, &record).await?;
        tally.count(view.insert(record), &progress.run_id);
    }

    tally.write_into(&mut progress);
    match pause {
        Some(pause) => pause_step(&mut progress, pause, sent_now, state.settings.quota_wait_seconds)?,
        None => finish(&mut progress)?,
    }
    tracing::info!(
        delivered = progress.delivered,
        earlier = progress.earlier,
        rejected = progress.rejected_count,
        complete = progress.complete,
        wait_seconds = progress.wait_seconds,
        "invitations"
    );
    state.invitations = Some(progress);
    Ok(state)
}

fn rejected(person: &str, address: &str, run_id: &str, reason: &str) -> InvitationRecord {
    InvitationRecord {
        person: person.to_string(),
        address: address.to_lowercase(),
        delivered: false,
        run_id: run_id.to_string(),
        message_id: None,
        reason: Some(reason.to_string()),
    }
}

/// Leaves the step incomplete with the wait before it runs again, or fails it when it has
/// waited as long as it may.
fn pause_step(progress: &mut Invitations, pause: Pause, sent_now: u32, quota_wait_seconds: u32) -> Result<(), OnboardingError> {
    progress.complete = false;
    progress.pauses = if sent_now > 0 { 0 } else { progress.pauses + 1 };
    match pause {
        Pause::DailyQuota => {
            progress.quota_waits += 1;
            if progress.quota_waits > MAX_QUOTA_WAITS {
                return Err(OnboardingError::new(
                    ErrorName::SesDailyQuotaExceeded,
                    format!(
                        "SES's daily sending quota stayed used up through {MAX_QUOTA_WAITS} waits; {} people invited, the others will be on a rerun",
                        progress.delivered
                    ),
                ));
            }
            progress.wait_seconds = quota_wait_seconds;
        }
        Pause::Throttled(e) if progress.pauses > MAX_PAUSES => return Err(e),
        Pause::Throttled(_) => progress.wait_seconds = THROTTLE_WAIT_SECONDS,
        Pause::Deadline if progress.pauses > MAX_PAUSES => {
            return Err(OnboardingError::new(ErrorName::AwsUnavailable, "no invitation could be sent within the function's time, several times in a row"))
        }
        Pause::Deadline => progress.wait_seconds = 0,
    }
    Ok(())
}

fn finish(progress: &mut Invitations) -> Result<(), OnboardingError> {
    progress.complete = true;
    progress.wait_seconds = 0;
    progress.pauses = 0;
    progress.already_sent = progress.delivered == 0 && progress.earlier > 0;
    if progress.delivered == 0 && progress.earlier == 0 && progress.rejected_count > 0 {
        let reasons: Vec<String> = progress.rejected.iter().map(|r| format!("{}: {}", r.recipient, r.reason)).collect();
        return Err(OnboardingError::new(ErrorName::InvitationsRejected, format!("no invitation could be delivered ({})", reasons.join("; "))));
    }
    Ok(())
}

/// Deadlines below this (September 2001) are not times since the epoch: some local runtimes send
/// the function's timeout itself (600,000 ms, say), which is read as the time left.
const EPOCH_DEADLINES_FROM_MS: u64 = 1_000_000_000_000;

/// The time the invocation may still use, or `None` when it has no deadline (a direct call).
pub fn time_left(deadline_ms: u64) -> Option<Duration> {
    let left = match deadline_ms {
        0 => return None,
        ms if ms < EPOCH_DEADLINES_FROM_MS => Duration::from_millis(ms),
        ms => (UNIX_EPOCH + Duration::from_millis(ms)).duration_since(SystemTime::now()).unwrap_or_default(),
    };
    Some(left.saturating_sub(DEADLINE_MARGIN))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_deadline_leaves_the_margin() {
        assert_eq!(time_left(0), None);
        assert_eq!(time_left(600_000), Some(Duration::from_secs(590)));
        let in_a_minute = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis() as u64 + 60_000).unwrap_or_default();
        let left = time_left(in_a_minute).unwrap_or_default();
        assert!(left > Duration::from_secs(45) && left <= Duration::from_secs(50), "{left:?}");
        let past = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis() as u64 - 1_000).unwrap_or_default();
        assert_eq!(time_left(past), Some(Duration::ZERO));
    }
}

fn now_millis() -> u128 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis()).unwrap_or_default()
}
