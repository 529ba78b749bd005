//! The fake sso-admin: application assignments.

use super::*;

impl AssignmentPort for FakeAws {
    async fn list_assignments(&self, application_arn: &str) -> PortResult<Vec<(PrincipalType, String)>> {
        let w = self.enter("ListApplicationAssignments")?;
        Ok(w.assignments.iter().filter(|a| a.application_arn == application_arn).map(|a| (a.principal_type, a.principal_id.clone())).collect())
    }

    async fn create_assignment(&self, application_arn: &str, principal_type: PrincipalType, principal_id: &str) -> PortResult<()> {
        self.enter("CreateApplicationAssignment")?.assignments.push(FakeAssignment {
            application_arn: application_arn.to_string(),
            principal_type,
            principal_id: principal_id.to_string(),
        });
        Ok(())
    }

    async fn delete_assignment(&self, application_arn: &str, principal_type: PrincipalType, principal_id: &str) -> PortResult<()> {
        self.enter("DeleteApplicationAssignment")?
            .assignments
            .retain(|a| !(a.application_arn == application_arn && a.principal_type == principal_type && a.principal_id == principal_id));
        Ok(())
    }
}
