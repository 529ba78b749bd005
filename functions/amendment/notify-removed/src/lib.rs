//! Tells each person an amendment removed that their access has ended: removed users, and the
//! members of removed groups (read page by page), each address once. A notice that cannot be
//! sent does not undo the amendment: the reason is recorded. Each of them is then dropped from
//! the invitation ledger: given access again later, they are invited again, and the
//! reconciliation does not report them as having left.

use onboarding_core::request::WorkflowRequest;
use std::collections::BTreeSet;

use lambda_runtime::LambdaEvent;
use onboarding_core::amendment::AmendmentState;
use onboarding_core::email::{access_removed, AccessRemoved};
use onboarding_core::ports::{user_person, IdentityCenterPort, InvitationLedgerPort, MailPort, SendOutcome};
use onboarding_core::state::{require, ResolvedUser};
use onboarding_core::OnboardingError;

pub async fn handler<I: IdentityCenterPort, M: MailPort, L: InvitationLedgerPort>(
    identity: &I,
    mail: &M,
    ledger: &L,
    default_sender: Option<&str>,
    event: LambdaEvent<AmendmentState>,
) -> Result<AmendmentState, OnboardingError> {
    let mut state = event.payload;
    let target = require(&state.target, "target")?.clone();
    let Some(mut revoke) = state.revoke.take() else { return Ok(state) };
    // Whoever keeps access through an assigned group is not told it ended.
    let mut people: Vec<(ResolvedUser, Option<bool>)> = revoke
        .users
        .iter()
        .filter(|u| !revoke.still_in_assigned_groups.contains(&u.user_name))
        .map(|u| (u.clone(), Some(!state.request.deletes_user_data())))
        .collect();
    for group in &revoke.groups {
        for member in identity.group_member_ids(&target.identity_store_id, &group.group_id).await? {
            if !people.iter().any(|(p, _)| p.user_id == member) {
                // A member deleted since the listing has no address to tell.
                if let Some(user) = identity.describe_user(&target.identity_store_id, &member).await? {
                    people.push((user, None));
                }
            }
        }
    }
    if people.is_empty() {
        state.revoke = Some(revoke);
        return Ok(state);
    }
    for (person, _) in &people {
        ledger.forget(&target.domain_arn, &user_person(&person.user_id)).await?;
    }
    let Some(sender) = state.request.notification.sender.clone().or_else(|| default_sender.map(str::to_string)) else {
        revoke.notices_not_sent.push("no sender configured".into());
        state.revoke = Some(revoke);
        return Ok(state);
    };
    // (person, whether their data was kept: None for group members)
    let mut told = BTreeSet::new();
    for (person, data_kept) in &people {
        let data_kept = *data_kept;
        let Some(address) = person.email.clone().filter(|a| told.insert(a.to_lowercase())) else { continue };
        let email = access_removed(&AccessRemoved {
            from: &sender,
            to: &address,
            greeting_name: person.display_name.as_deref(),
            domain_name: &target.domain_name,
            ticket_id: state.ticket_id.as_deref(),
            data_kept,
            requested_by: state.request.requester_identity(),
        });
        match mail.send(&email).await {
            Ok(SendOutcome::Sent { .. }) => revoke.notices_sent += 1,
            Ok(SendOutcome::Rejected { reason }) => revoke.notices_not_sent.push(reason),
            Err(e) if e.name.is_retryable() => return Err(e),
            Err(e) => revoke.notices_not_sent.push(e.to_string()),
        }
    }
    tracing::info!(sent = revoke.notices_sent, "removal notices");
    state.revoke = Some(revoke);
    Ok(state)
}
