//! What the invitation ledger says of this domain's people, as the step goes: who is settled
//! (delivered by any run, or refused in this one), found by person or by address.

use std::collections::{HashMap, HashSet};

use onboarding_core::ports::InvitationRecord;
use onboarding_core::state::{Invitations, RejectedInvitation, LISTED_REJECTIONS};

pub struct LedgerView {
    run_id: String,
    by_person: HashMap<String, InvitationRecord>,
    /// Address (lower case) -> person, for delivered records and this run's refusals.
    by_address: HashMap<String, String>,
}

impl LedgerView {
    pub fn new(records: Vec<InvitationRecord>, run_id: &str) -> Self {
        let mut view = LedgerView { run_id: run_id.to_string(), by_person: HashMap::new(), by_address: HashMap::new() };
        for record in records {
            view.insert(record);
        }
        view
    }

    /// Keeps `record` (a later record of a person replaces the earlier one) and returns it.
    pub fn insert(&mut self, record: InvitationRecord) -> &InvitationRecord {
        let person = record.person.clone();
        if self.is_settled(&record) && !record.address.is_empty() {
            self.by_address.insert(record.address.clone(), person.clone());
        }
        self.by_person.insert(person.clone(), record);
        &self.by_person[&person]
    }

    /// The person's record, when nothing is left to do for them in this run.
    pub fn settled(&self, person: &str) -> Option<&InvitationRecord> {
        self.by_person.get(person).filter(|r| self.is_settled(r))
    }

    /// The record of whoever has this address, when nothing is left to do for it in this run.
    pub fn settled_address(&self, address: &str) -> Option<&InvitationRecord> {
        self.by_address.get(&address.to_lowercase()).and_then(|person| self.settled(person))
    }

    /// Delivered by any run, or refused in this one (a rerun tries refused people again).
    fn is_settled(&self, record: &InvitationRecord) -> bool {
        record.delivered || record.run_id == self.run_id
    }
}

/// Counts of the people this invocation went through, each once.
#[derive(Default)]
pub struct Tally {
    delivered: u32,
    earlier: u32,
    rejected: Vec<RejectedInvitation>,
    rejected_count: u32,
    counted: HashSet<String>,
}

impl Tally {
    pub fn count(&mut self, record: &InvitationRecord, run_id: &str) {
        if !self.counted.insert(record.person.clone()) {
            return;
        }
        match (record.delivered, record.run_id == run_id) {
            (true, true) => self.delivered += 1,
            (true, false) => self.earlier += 1,
            (false, _) => {
                self.rejected_count += 1;
                if self.rejected.len() < LISTED_REJECTIONS {
                    let recipient = if record.address.is_empty() { record.person.clone() } else { record.address.clone() };
                    self.rejected.push(RejectedInvitation { recipient, reason: record.reason.clone().unwrap_or_default() });
                }
            }
        }
    }

    pub fn write_into(self, progress: &mut Invitations) {
        progress.delivered = self.delivered;
        progress.earlier = self.earlier;
        progress.rejected = self.rejected;
        progress.rejected_count = self.rejected_count;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(person: &str, address: &str, delivered: bool, run: &str) -> InvitationRecord {
        InvitationRecord { person: person.into(), address: address.into(), delivered, run_id: run.into(), message_id: None, reason: None }
    }

    #[test]
    fn delivered_people_are_settled_and_refused_ones_only_within_their_run() {
        let view = LedgerView::new(
            vec![
                record("user#a", "a@example.com", true, "run-1"),
                record("user#b", "b@example.com", false, "run-1"),
                record("user#c", "c@example.com", false, "run-2"),
            ],
            "run-2",
        );
        assert!(view.settled("user#a").is_some(), "delivered by an earlier run");
        assert!(view.settled("user#b").is_none(), "refused by an earlier run: tried again");
        assert!(view.settled("user#c").is_some(), "refused in this run: not tried twice");
        assert!(view.settled_address("A@EXAMPLE.COM").is_some() && view.settled_address("b@example.com").is_none());
    }

    #[test]
    fn each_person_is_counted_once() {
        let mut tally = Tally::default();
        let now = record("user#a", "a@example.com", true, "run-2");
        tally.count(&now, "run-2");
        tally.count(&now, "run-2");
        tally.count(&record("user#b", "", true, "run-1"), "run-2");
        tally.count(&record("user#c", "", false, "run-2"), "run-2");
        let mut progress = Invitations::default();
        tally.write_into(&mut progress);
        assert_eq!((progress.delivered, progress.earlier, progress.rejected_count), (1, 1, 1));
        assert_eq!(progress.rejected[0].recipient, "user#c");
    }
}
