//! What started a reconciliation run, read from the execution's input: the schedule (`{}` or
//! `{"trigger": "schedule"}`), a membership change in Identity Center (the EventBridge event
//! itself), or a request naming one domain (`{"domainName": ...}` or `{"domainId": ...}`).

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::errors::{ErrorName, OnboardingError};
use crate::formats::{is_domain_id, is_sagemaker_name};
use crate::reconciliation::state::TeamRef;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Trigger {
    Schedule,
    /// A group membership changed; the group when the event names it (a deleted membership's
    /// event names only the membership).
    MembershipChange {
        group_id: Option<String>,
    },
    /// One domain, by name or id.
    Domain {
        name: Option<String>,
        id: Option<String>,
    },
}

impl Trigger {
    pub fn label(&self) -> &'static str {
        match self {
            Trigger::Schedule => "schedule",
            Trigger::MembershipChange { .. } => "membership-change",
            Trigger::Domain { .. } => "request",
        }
    }

    /// Reads the execution's input; anything else is `RequestInvalid`, naming what was found.
    pub fn from_input(input: &Value) -> Result<Trigger, OnboardingError> {
        let invalid = |why: String| OnboardingError::new(ErrorName::RequestInvalid, why);
        let Some(object) = input.as_object() else {
            return Err(invalid("the input is not a JSON object".into()));
        };
        if object.contains_key("detail-type") {
            if object.get("source").and_then(Value::as_str) != Some("aws.identitystore") {
                return Err(invalid(format!("an event from {} is not a membership change", object.get("source").unwrap_or(&Value::Null))));
            }
            let group_id = input.pointer("/detail/requestParameters/groupId").and_then(Value::as_str).map(str::to_string);
            return Ok(Trigger::MembershipChange { group_id });
        }
        let mut name = None;
        let mut id = None;
        for (key, value) in object {
            match (key.as_str(), value) {
                ("trigger", Value::String(t)) if t == "schedule" => {}
                ("domainName", Value::String(n)) if is_sagemaker_name(n) => name = Some(n.clone()),
                ("domainId", Value::String(i)) if is_domain_id(i) => id = Some(i.clone()),
                ("domainName" | "domainId" | "trigger", other) => return Err(invalid(format!("{key}: {other} is not valid"))),
                _ => return Err(invalid(format!("{key}: unknown key (expected domainName, domainId or trigger)"))),
            }
        }
        Ok(if name.is_some() || id.is_some() { Trigger::Domain { name, id } } else { Trigger::Schedule })
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
        assert_eq!(Trigger::from_input(&json!({})).ok(), Some(Trigger::Schedule));
        assert_eq!(Trigger::from_input(&json!({"trigger": "schedule"})).ok(), Some(Trigger::Schedule));
        assert_eq!(Trigger::from_input(&json!({"domainName": "team-a"})).ok(), Some(Trigger::Domain { name: Some("team-a".into()), id: None }));
        let event = json!({
            "source": "aws.identitystore", "detail-type": "AWS API Call via CloudTrail",
            "detail": {"eventName": "CreateGroupMembership", "requestParameters": {"groupId": "g-1", "identityStoreId": "d-1"}}
        });
        assert_eq!(Trigger::from_input(&event).ok(), Some(Trigger::MembershipChange { group_id: Some("g-1".into()) }));
        let deleted = json!({"source": "aws.identitystore", "detail-type": "AWS API Call via CloudTrail", "detail": {"eventName": "DeleteGroupMembership"}});
        assert_eq!(Trigger::from_input(&deleted).ok(), Some(Trigger::MembershipChange { group_id: None }));
    }

    #[test]
    fn anything_else_is_refused_by_name() {
        for bad in [json!([]), json!({"domainName": "bad name"}), json!({"domain": "x"}), json!({"source": "aws.ec2", "detail-type": "x"})] {
            let err = Trigger::from_input(&bad).err().map(|e| e.name);
            assert_eq!(err, Some(ErrorName::RequestInvalid), "{bad}");
        }
    }
}
