//! Who gets an invitation: every person once, whichever way they were named. Group members are
//! listed by id (read page by page from the identity store) and described only when they are
//! still to be invited.

use std::collections::HashSet;

use onboarding_core::ports::{IdentityCenterPort, PortResult};
use onboarding_core::state::{OnboardingState, ResolvedUser};

pub enum Candidate {
    /// A user the request named: resolved, with the e-mail address, by identity resolution.
    Named(ResolvedUser),
    /// A group member, by user id.
    Member(String),
    /// An extra recipient, or the ticket's requester.
    Address(String),
}

impl Candidate {
    /// The person's key in the invitation ledger.
    pub fn person(&self) -> String {
        match self {
            Candidate::Named(user) => user_key(&user.user_id),
            Candidate::Member(user_id) => user_key(user_id),
            Candidate::Address(address) => address_key(address),
        }
    }
}

pub use onboarding_core::ports::user_person as user_key;

pub fn address_key(address: &str) -> String {
    format!("address#{}", address.to_lowercase())
}

/// Named users, group members, extra recipients and the requester, in that order, each person
/// once (an address may still belong to a user too: the sender compares addresses as it goes).
pub async fn candidates<I: IdentityCenterPort>(identity: &I, state: &OnboardingState) -> PortResult<Vec<Candidate>> {
    let mut seen = HashSet::new();
    let mut list = Vec::new();
    let mut add = |candidate: Candidate| {
        if seen.insert(candidate.person()) {
            list.push(candidate);
        }
    };
    if let Some(identities) = &state.identities {
        for user in &identities.users {
            add(Candidate::Named(user.clone()));
        }
        for group in &identities.groups {
            for user_id in identity.group_member_ids(&identities.identity_store_id, &group.group_id).await? {
                add(Candidate::Member(user_id));
            }
        }
    }
    for extra in &state.request.notification.extra_recipients {
        add(Candidate::Address(extra.clone()));
    }
    if let Some(requester) = state.request.ticket.as_ref().and_then(|t| t.requester.as_deref()) {
        add(Candidate::Address(requester.to_string()));
    }
    Ok(list)
}

pub fn greeting(user: &ResolvedUser) -> &str {
    user.display_name.as_deref().unwrap_or(&user.user_name)
}
