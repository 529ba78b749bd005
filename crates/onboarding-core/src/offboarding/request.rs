//! The offboarding request: which domain, and what to keep.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::kernel::domain_ref::{check_envelope, check_existing_domain};
use crate::kernel::envelope::{Notification, Ticket};
use crate::kernel::problems::{parse_and_check, Problem, Problems, ValidationContext};
pub use crate::ports::HomeEfsRetention;

/// Deleting a team's SageMaker domain and everything the onboarding created for it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(deny_unknown_fields)]
pub struct OffboardingRequest {
    /// The domain, by the name it was onboarded with. Give this or `domainId`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain_name: Option<String>,
    /// The domain, by its id (`d-...`). Give this or `domainName`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain_id: Option<String>,
    /// The domain's region; defaults to the workflow's own region.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// What becomes of the domain's home EFS file system (every user's home directory and the
    /// private spaces' data): `Retain` keeps it (and the security groups its mount targets use),
    /// `Delete` deletes it with the domain. Required: there is no default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub home_efs_file_system: Option<HomeEfsRetention>,
    /// The ticket this offboarding answers. `ticket.id` is the idempotency key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ticket: Option<Ticket>,
    /// Who sends the report; `extraRecipients` receive a copy of it.
    #[serde(default)]
    pub notification: Notification,
    /// Who asked, as for an onboarding: set by the entry point.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requested_by: Option<String>,
}

impl HomeEfsRetention {
    pub fn as_str(self) -> &'static str {
        match self {
            HomeEfsRetention::Retain => "Retain",
            HomeEfsRetention::Delete => "Delete",
        }
    }
}

crate::kernel::envelope::workflow_request!(OffboardingRequest, |r| r.domain_name.as_deref().or(r.domain_id.as_deref()).unwrap_or_default());

impl OffboardingRequest {
    /// The request's retention choice; validation guarantees it is there.
    pub fn retention(&self) -> HomeEfsRetention {
        self.home_efs_file_system.unwrap_or(HomeEfsRetention::Retain)
    }
}

/// Parses and validates an offboarding request given as JSON text.
pub fn validate_offboarding_json(text: &str, ctx: &ValidationContext) -> Result<OffboardingRequest, Vec<Problem>> {
    parse_and_check(text, |request| check(request, ctx))
}

/// The same for a JSON value (the state machine's input).
pub fn validate_offboarding_value(value: &serde_json::Value, ctx: &ValidationContext) -> Result<OffboardingRequest, Vec<Problem>> {
    validate_offboarding_json(&value.to_string(), ctx)
}

fn check(r: OffboardingRequest, ctx: &ValidationContext) -> Result<OffboardingRequest, Vec<Problem>> {
    let mut p = Problems::default();
    check_existing_domain(&r.domain_name, &r.domain_id, &r.region, &mut p);
    p.check(
        r.home_efs_file_system.is_some(),
        "homeEfsFileSystem",
        "is required: Retain keeps the users' home directories, Delete deletes them with the domain",
    );
    check_envelope(&r, ctx, &mut p);
    p.into_result(r)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::onboarding::request::{WorkflowRequest, STARTED_DIRECTLY};

    fn ctx() -> ValidationContext {
        ValidationContext::new("sagemaker-onboarding-")
    }

    fn paths(text: &str) -> Vec<String> {
        validate_offboarding_json(text, &ctx()).err().unwrap_or_default().into_iter().map(|p| p.path).collect()
    }

    #[test]
    fn a_domain_and_a_retention_choice_are_required() {
        assert_eq!(paths("{}"), vec!["domainName", "homeEfsFileSystem"]);
        assert_eq!(paths(r#"{"domainName":"a","domainId":"d-abc123","homeEfsFileSystem":"Delete"}"#), vec!["domainId"]);
        assert_eq!(paths(r#"{"domainName":"a","homeEfsFileSystem":"Keep"}"#), vec!["homeEfsFileSystem"]);
        assert_eq!(paths(r#"{"domainName":"a_b","homeEfsFileSystem":"Retain","extra":1}"#), vec!["extra", "domainName"]);
        assert_eq!(paths(r#"{"domainId":"x-1","homeEfsFileSystem":"Retain","ticket":{"id":"a b"}}"#), vec!["domainId", "ticket.id"]);
    }

    #[test]
    fn a_valid_request_round_trips() {
        let r =
            validate_offboarding_json(r#"{"domainName":"team-a","homeEfsFileSystem":"Delete","ticket":{"id":"OPS-9","requester":"lead@example.com"}}"#, &ctx())
                .expect("valid");
        assert_eq!(r.retention(), HomeEfsRetention::Delete);
        assert_eq!(r.domain_label(), "team-a");
        assert_eq!(r.requester_identity(), STARTED_DIRECTLY);
    }
}
