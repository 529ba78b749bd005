//! What started a reconciliation run, read from the execution's input: the schedule
//! (`{"trigger": "schedule"}`), a membership change in Identity Center (the EventBridge event
//! itself), or a request (a `ReconciliationRequest`: one domain, or every team).

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::kernel::errors::{ErrorName, OnboardingError};
use crate::kernel::problems::{problems_error, ValidationContext};
use crate::reconciliation::request::validate_reconciliation_value;
use crate::reconciliation::state::TeamRef;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Trigger {
    /// The deployment's schedule (`{"trigger": "schedule"}`).
    Schedule,
    /// A group membership changed; the group when the event names it (a deleted membership's
    /// event names only the membership).
    MembershipChange { group_id: Option<String> },
    /// A request (API, ticket event, console): one domain by name or id, or every team.
    Request { name: Option<String>, id: Option<String> },
}

impl Trigger {
    pub fn label(&self) -> &'static str {
        match self {
            Trigger::Schedule => "schedule",
            Trigger::MembershipChange { .. } => "membership-change",
            Trigger::Request { .. } => "request",
        }
    }

    /// Reads the execution's input; anything else is `RequestInvalid`, naming each problem.
    pub fn from_input(input: &Value, ctx: &ValidationContext) -> Result<Trigger, OnboardingError> {
        if input.get("detail-type").is_some() {
            if input.get("source").and_then(Value::as_str) != Some("aws.identitystore") {
                let source = input.get("source").cloned().unwrap_or(Value::Null);
                return Err(OnboardingError::new(ErrorName::RequestInvalid, format!("an event from {source} is not a membership change")));
            }
            let group_id = input.pointer("/detail/requestParameters/groupId").and_then(Value::as_str).map(str::to_string);
            return Ok(Trigger::MembershipChange { group_id });
        }
        if input == &serde_json::json!({"trigger": "schedule"}) {
            return Ok(Trigger::Schedule);
        }
        let request = validate_reconciliation_value(input, ctx).map_err(|problems| problems_error(&problems))?;
        Ok(Trigger::Request { name: request.domain_name, id: request.domain_id })
    }
}

/// The listing's answer: the teams the run reconciles, one Map iteration each.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TeamList {
    pub trigger: String,
    pub teams: Vec<TeamRef>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_schedule_a_domain_and_a_membership_event() {
        let ctx = ValidationContext::new("so-");
        assert_eq!(Trigger::from_input(&json!({"trigger": "schedule"}), &ctx).ok(), Some(Trigger::Schedule));
        assert_eq!(Trigger::from_input(&json!({}), &ctx).ok(), Some(Trigger::Request { name: None, id: None }));
        assert_eq!(Trigger::from_input(&json!({"domainName": "team-a"}), &ctx).ok(), Some(Trigger::Request { name: Some("team-a".into()), id: None }));
        let event = json!({
            "source": "aws.identitystore", "detail-type": "AWS API Call via CloudTrail",
            "detail": {"eventName": "CreateGroupMembership", "requestParameters": {"groupId": "g-1", "identityStoreId": "d-1"}}
        });
        assert_eq!(Trigger::from_input(&event, &ctx).ok(), Some(Trigger::MembershipChange { group_id: Some("g-1".into()) }));
        let deleted = json!({"source": "aws.identitystore", "detail-type": "AWS API Call via CloudTrail", "detail": {"eventName": "DeleteGroupMembership"}});
        assert_eq!(Trigger::from_input(&deleted, &ctx).ok(), Some(Trigger::MembershipChange { group_id: None }));
    }

    #[test]
    fn anything_else_is_refused_by_name() {
        let ctx = ValidationContext::new("so-");
        for bad in [json!([]), json!({"domainName": "bad name"}), json!({"domain": "x"}), json!({"source": "aws.ec2", "detail-type": "x"})] {
            let err = Trigger::from_input(&bad, &ctx).err().map(|e| e.name);
            assert_eq!(err, Some(ErrorName::RequestInvalid), "{bad}");
        }
    }
}
