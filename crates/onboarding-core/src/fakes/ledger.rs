//! The fake The invitation ledger in DynamoDB: invitations, team records, leases.

use super::*;

impl InvitationLedgerPort for FakeAws {
    async fn records(&self, domain_arn: &str) -> PortResult<Vec<InvitationRecord>> {
        let w = self.enter("Query")?;
        Ok(w.ledger.iter().filter(|((arn, _), _)| arn == domain_arn).map(|(_, r)| r.clone()).collect())
    }

    async fn record(&self, domain_arn: &str, record: &InvitationRecord) -> PortResult<()> {
        let mut w = self.enter("PutItem")?;
        w.ledger.insert((domain_arn.to_string(), record.person.clone()), record.clone());
        Ok(())
    }

    async fn forget(&self, domain_arn: &str, person: &str) -> PortResult<()> {
        self.enter("DeleteItem")?.ledger.remove(&(domain_arn.to_string(), person.to_string()));
        Ok(())
    }

    async fn team(&self, domain_arn: &str) -> PortResult<Option<TeamRecord>> {
        Ok(self.enter("GetItem")?.teams.get(domain_arn).cloned())
    }

    async fn record_team(&self, domain_arn: &str, team: &TeamRecord) -> PortResult<()> {
        self.enter("PutItem")?.teams.insert(domain_arn.to_string(), team.clone());
        Ok(())
    }

    async fn take_lease(&self, domain_arn: &str, run_id: &str, now: u64, until: u64) -> PortResult<bool> {
        let mut w = self.enter("PutItem")?;
        match w.leases.get(domain_arn) {
            Some((holder, held_until)) if holder != run_id && *held_until >= now => Ok(false),
            _ => {
                w.leases.insert(domain_arn.to_string(), (run_id.to_string(), until));
                Ok(true)
            }
        }
    }

    async fn release_lease(&self, domain_arn: &str, run_id: &str) -> PortResult<()> {
        let mut w = self.enter("DeleteItem")?;
        if w.leases.get(domain_arn).is_some_and(|(holder, _)| holder == run_id) {
            w.leases.remove(domain_arn);
        }
        Ok(())
    }
}
