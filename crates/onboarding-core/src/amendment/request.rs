//! The amendment request: which domain, who joins, who leaves, and what becomes of the data of
//! those who leave.

use std::collections::HashSet;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::kernel::domain_ref::{check_envelope, check_existing_domain};
pub use crate::kernel::envelope::RemovedUserData;
use crate::kernel::envelope::{Notification, Ticket};
use crate::kernel::problems::{check_principals, parse_and_check, Problem, Problems, ValidationContext, MAX_GROUPS, MAX_USERS};

/// Adding and removing Identity Center users and groups of an onboarded domain.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(deny_unknown_fields)]
pub struct AmendmentRequest {
    /// The domain, by the name it was onboarded with. Give this or `domainId`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain_name: Option<String>,
    /// The domain, by its id (`d-...`). Give this or `domainName`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain_id: Option<String>,
    /// The domain's region; defaults to the workflow's own region.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// Users and groups to give access: assigned, users given a profile, each person invited once.
    #[serde(default)]
    pub add: Principals,
    /// Users and groups whose access ends: their assignment is deleted and each is told; removed
    /// users' apps are deleted.
    #[serde(default)]
    pub remove: Principals,
    /// Required when `remove.users` names anyone: `Delete` deletes their private spaces (and the
    /// data on them) and their user profile after their apps; `Keep` keeps both (only the apps
    /// and the access go), so that the data is there if they come back.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub removed_user_data: Option<RemovedUserData>,
    /// The ticket this amendment answers. `ticket.id` is the idempotency key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ticket: Option<Ticket>,
    /// Who sends the invitations and notices; `extraRecipients` are invited as in an onboarding.
    #[serde(default)]
    pub notification: Notification,
    /// Who asked: set by the entry point.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requested_by: Option<String>,
}

/// Identity Center users (`userName`) and groups (display name).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(deny_unknown_fields)]
pub struct Principals {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub users: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub groups: Vec<String>,
}

impl Principals {
    pub fn is_empty(&self) -> bool {
        self.users.is_empty() && self.groups.is_empty()
    }
}

crate::kernel::envelope::workflow_request!(AmendmentRequest, |r| r.domain_name.as_deref().or(r.domain_id.as_deref()).unwrap_or_default());

impl AmendmentRequest {
    /// Whether removed users' spaces and profiles go too.
    pub fn deletes_user_data(&self) -> bool {
        self.removed_user_data == Some(RemovedUserData::Delete)
    }
}

pub fn validate_amendment_json(text: &str, ctx: &ValidationContext) -> Result<AmendmentRequest, Vec<Problem>> {
    parse_and_check(text, |request| check(request, ctx))
}

pub fn validate_amendment_value(value: &serde_json::Value, ctx: &ValidationContext) -> Result<AmendmentRequest, Vec<Problem>> {
    validate_amendment_json(&value.to_string(), ctx)
}

fn check(r: AmendmentRequest, ctx: &ValidationContext) -> Result<AmendmentRequest, Vec<Problem>> {
    let mut p = Problems::default();
    check_existing_domain(&r.domain_name, &r.domain_id, &r.region, &mut p);
    p.check(!(r.add.is_empty() && r.remove.is_empty()), "add", "name at least one user or group to add or remove");
    for (side, list) in [("add", &r.add), ("remove", &r.remove)] {
        p.check(list.users.len() <= MAX_USERS, format!("{side}.users"), format!("at most {MAX_USERS} users per amendment"));
        p.check(list.groups.len() <= MAX_GROUPS, format!("{side}.groups"), format!("at most {MAX_GROUPS} groups per amendment"));
        check_principals(&format!("{side}.users"), &list.users, &mut p);
        check_principals(&format!("{side}.groups"), &list.groups, &mut p);
    }
    for (kind, added, removed) in [("users", &r.add.users, &r.remove.users), ("groups", &r.add.groups, &r.remove.groups)] {
        let added: HashSet<String> = added.iter().map(|n| n.to_lowercase()).collect();
        for (i, name) in removed.iter().enumerate() {
            p.check(!added.contains(&name.to_lowercase()), format!("remove.{kind}[{i}]"), format!("{name:?} is both added and removed"));
        }
    }
    if !r.remove.users.is_empty() {
        p.check(
            r.removed_user_data.is_some(),
            "removedUserData",
            "is required when users are removed: Delete deletes their private spaces and profile, Keep keeps them",
        );
    }
    check_envelope(&r, ctx, &mut p);
    p.into_result(r)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paths(text: &str) -> Vec<String> {
        validate_amendment_json(text, &ValidationContext::new("so-")).err().unwrap_or_default().into_iter().map(|p| p.path).collect()
    }

    #[test]
    fn each_rule_has_its_path() {
        assert_eq!(paths(r#"{"domainName":"team-a"}"#), vec!["add"]);
        assert_eq!(paths(r#"{"domainName":"team-a","remove":{"users":["jane"]}}"#), vec!["removedUserData"]);
        assert_eq!(paths(r#"{"domainName":"team-a","add":{"users":["jane"]},"remove":{"users":["Jane"]},"removedUserData":"Keep"}"#), vec!["remove.users[0]"]);
        assert_eq!(paths(r#"{"add":{"groups":["g","g"]}}"#), vec!["domainName", "add.groups[1]"]);
        assert_eq!(paths(r#"{"domainName":"team-a","add":{"people":["x"]}}"#), vec!["add.people", "add"]);
        assert!(paths(r#"{"domainName":"team-a","add":{"groups":["data-eng"]},"remove":{"users":["jane"]},"removedUserData":"Delete"}"#).is_empty());
    }
}
