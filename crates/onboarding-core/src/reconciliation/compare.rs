//! Who joined and who left, from the ledger and who has access now.

use std::collections::HashSet;

use crate::ports::InvitationRecord;

/// The user id of a ledger record about a user.
fn user_of(record: &InvitationRecord) -> Option<&str> {
    record.person.strip_prefix("user#")
}

/// People the ledger says were invited (delivered) who are not among `with_access`.
pub fn departed<'a>(records: &'a [InvitationRecord], with_access: &HashSet<String>) -> Vec<&'a InvitationRecord> {
    records.iter().filter(|r| r.delivered && user_of(r).is_some_and(|id| !with_access.contains(id))).collect()
}

/// Members without any ledger record of their own: nobody tried to invite them yet. (Members
/// whose invitation was refused stay with the invitation step, which retries them.)
pub fn not_yet_invited<'a>(records: &[InvitationRecord], members: &'a [String]) -> Vec<&'a String> {
    let known: HashSet<&str> = records.iter().filter_map(user_of).collect();
    let mut seen = HashSet::new();
    members.iter().filter(|m| !known.contains(m.as_str()) && seen.insert(m.as_str())).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(person: &str, delivered: bool) -> InvitationRecord {
        InvitationRecord { person: person.into(), address: String::new(), delivered, run_id: "r".into(), message_id: None, reason: None }
    }

    #[test]
    fn the_departed_are_invited_users_without_access() {
        let records = [record("user#a", true), record("user#b", true), record("user#c", false), record("address#lead@example.com", true)];
        let with_access: HashSet<String> = ["a".to_string()].into();
        let gone: Vec<&str> = departed(&records, &with_access).iter().map(|r| r.person.as_str()).collect();
        assert_eq!(gone, ["user#b"], "c was never invited, the lead was invited by address");
    }

    #[test]
    fn the_new_are_members_the_ledger_does_not_know() {
        let records = [record("user#a", true), record("user#c", false)];
        let members = ["a".to_string(), "b".to_string(), "c".to_string(), "b".to_string()];
        assert_eq!(not_yet_invited(&records, &members), [&"b".to_string()]);
    }
}
