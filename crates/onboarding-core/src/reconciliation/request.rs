//! A reconciliation asked for through the API, a ticket event or the console: one domain, or
//! every team the workflow onboarded.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::kernel::domain_ref::{check_envelope, check_existing_domain};
use crate::kernel::envelope::{Notification, Ticket};
use crate::kernel::problems::{parse_and_check, Problem, Problems, ValidationContext};

/// Comparing onboarded teams with their Identity Center groups now, rather than at the next
/// scheduled run.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(deny_unknown_fields)]
pub struct ReconciliationRequest {
    /// The domain, by the name it was onboarded with; without it (and `domainId`), every team.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain_name: Option<String>,
    /// The domain, by its id (`d-...`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain_id: Option<String>,
    /// The domains' region; defaults to the workflow's own region.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// The ticket this run answers. `ticket.id` is the idempotency key: the same ticket is the
    /// same run; give each run its own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ticket: Option<Ticket>,
    /// Who sends the invitations and reports (the team's own sender when it recorded one).
    #[serde(default)]
    pub notification: Notification,
    /// Who asked: set by the entry point.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requested_by: Option<String>,
}

crate::kernel::envelope::workflow_request!(ReconciliationRequest, |r| r.domain_name.as_deref().or(r.domain_id.as_deref()).unwrap_or("every-team"));

pub fn validate_reconciliation_json(text: &str, ctx: &ValidationContext) -> Result<ReconciliationRequest, Vec<Problem>> {
    parse_and_check(text, |request| check(request, ctx))
}

pub fn validate_reconciliation_value(value: &serde_json::Value, ctx: &ValidationContext) -> Result<ReconciliationRequest, Vec<Problem>> {
    validate_reconciliation_json(&value.to_string(), ctx)
}

fn check(r: ReconciliationRequest, ctx: &ValidationContext) -> Result<ReconciliationRequest, Vec<Problem>> {
    let mut p = Problems::default();
    if r.domain_name.is_some() || r.domain_id.is_some() || r.region.is_some() {
        check_existing_domain(&r.domain_name, &r.domain_id, &r.region, &mut p);
    }
    check_envelope(&r, ctx, &mut p);
    p.into_result(r)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paths(text: &str) -> Vec<String> {
        validate_reconciliation_json(text, &ValidationContext::new("so-")).err().unwrap_or_default().into_iter().map(|p| p.path).collect()
    }

    #[test]
    fn one_domain_or_every_team() {
        assert!(paths(r#"{}"#).is_empty());
        assert!(paths(r#"{"domainName":"team-a","ticket":{"id":"REC-1"}}"#).is_empty());
        assert_eq!(paths(r#"{"domainName":"team a"}"#), vec!["domainName"]);
        assert_eq!(paths(r#"{"domainName":"team-a","domainId":"d-123"}"#), vec!["domainId"]);
        assert_eq!(paths(r#"{"domain":"team-a"}"#), vec!["domain"]);
    }
}
