//! Who gets an invitation: every person once, whichever way they were named.

use onboarding_core::state::{OnboardingState, RejectedInvitation, ResolvedUser};

pub struct Recipient {
    pub address: String,
    pub greeting_name: Option<String>,
}

/// Directly named users, group members, extra recipients and the requester, each address once
/// (compared without case). People without an e-mail address are returned apart.
pub fn recipients(state: &OnboardingState) -> (Vec<Recipient>, Vec<RejectedInvitation>) {
    let mut list: Vec<Recipient> = Vec::new();
    let mut unreachable = Vec::new();
    let mut add = |address: &str, name: Option<&str>| {
        if !list.iter().any(|r| r.address.eq_ignore_ascii_case(address)) {
            list.push(Recipient { address: address.to_string(), greeting_name: name.map(str::to_string) });
        }
    };
    let identities = state.identities.as_ref();
    let users = identities.map(|i| i.users.iter()).into_iter().flatten();
    let members = identities.map(|i| i.groups.iter().flat_map(|g| g.members.iter())).into_iter().flatten();
    for user in users.chain(members) {
        match &user.email {
            Some(address) => add(address, Some(greeting(user))),
            None => {
                if !unreachable.iter().any(|r: &RejectedInvitation| r.recipient == user.user_name) {
                    unreachable.push(RejectedInvitation { recipient: user.user_name.clone(), reason: "no e-mail address in IAM Identity Center".into() });
                }
            }
        }
    }
    for extra in &state.request.notification.extra_recipients {
        add(extra, None);
    }
    if let Some(requester) = state.request.ticket.as_ref().and_then(|t| t.requester.as_deref()) {
        add(requester, None);
    }
    (list, unreachable)
}

fn greeting(user: &ResolvedUser) -> &str {
    user.display_name.as_deref().unwrap_or(&user.user_name)
}

/// A digest of the recipient set, kept as a domain tag so that a rerun of the same request
/// (even a new execution) does not invite the same people again.
pub fn recipients_digest(list: &[Recipient]) -> String {
    let mut addresses: Vec<String> = list.iter().map(|r| r.address.to_lowercase()).collect();
    addresses.sort();
    onboarding_core::naming::short_digest(addresses.join("\n").as_bytes())
}
