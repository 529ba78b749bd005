//! The reconciliation's last step for a team: the owner's report of who joined (and was invited)
//! and who left (and whether they were removed from the domain), then the departed are dropped
//! from the invitation ledger (reported once; invited again if they come back), and the team's
//! lease is given back. A report that cannot be delivered does not undo the run: the reason is
//! recorded. A throttled send fails the step by name and the state machine retries it: nothing
//! was forgotten yet, so nobody goes unreported.

use lambda_runtime::LambdaEvent;
use onboarding_core::amendment::AmendmentState;
use onboarding_core::ports::{user_person, InvitationLedgerPort, MailPort, SendOutcome};
use onboarding_core::reconciliation::report::{membership_report, MembershipReport};
use onboarding_core::state::require;
use onboarding_core::OnboardingError;

pub async fn handler<M: MailPort, L: InvitationLedgerPort>(
    mail: &M,
    ledger: &L,
    default_sender: Option<&str>,
    event: LambdaEvent<AmendmentState>,
) -> Result<AmendmentState, OnboardingError> {
    let mut state = event.payload;
    let mut section = require(&state.reconciliation, "reconciliation")?.clone();
    let Some(target) = state.target.clone() else {
        // Skipped before the lease was taken: nothing to report or give back.
        return Ok(state);
    };
    if !section.report_sent && (!section.joined.is_empty() || !section.departed.is_empty()) {
        let sender = state.request.notification.sender.clone().or_else(|| default_sender.map(str::to_string));
        match (&section.owner, sender) {
            (None, _) => section.report_not_sent = Some("no owner recorded for the team (its onboarding named no requester or membership.reportTo)".into()),
            (Some(_), None) => section.report_not_sent = Some("no sender configured".into()),
            (Some(owner), Some(sender)) => {
                let invited = state.grant.as_ref().and_then(|g| g.state.invitations.as_ref()).map(|i| i.delivered).unwrap_or_default();
                let email = membership_report(&MembershipReport {
                    from: &sender,
                    to: owner,
                    domain_name: &target.domain_name,
                    reconciliation: &section,
                    invited,
                    data_kept: !state.request.deletes_user_data(),
                });
                match mail.send(&email).await? {
                    SendOutcome::Sent { .. } => section.report_sent = true,
                    SendOutcome::Rejected { reason } => section.report_not_sent = Some(reason),
                }
            }
        }
    }
    for member in &section.departed {
        ledger.forget(&target.domain_arn, &user_person(&member.user_id)).await?;
    }
    ledger.release_lease(&target.domain_arn, &section.run_id).await?;
    tracing::info!(domain_id = %target.domain_id, report_sent = section.report_sent, "team reconciled");
    state.reconciliation = Some(section);
    Ok(state)
}
