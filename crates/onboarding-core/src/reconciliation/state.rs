//! A team's reconciliation, as a section of the amendment's state: the new members' invitations
//! run on `grant.state` and the departed members' removal on `revoke`, with the amendment's own
//! steps; this section says who joined and who left, and whom the report goes to.

use serde::{Deserialize, Serialize};

/// A domain a run reconciles (one Map iteration).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TeamRef {
    pub domain_id: String,
    pub domain_name: String,
}

/// A person who joined or left the team's groups.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Member {
    pub user_id: String,
    /// Unknown for a user deleted from Identity Center.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
}

impl Member {
    /// How the report names them.
    pub fn label(&self) -> String {
        match (&self.display_name, &self.user_name) {
            (Some(display), Some(name)) if display != name => format!("{display} ({name})"),
            (_, Some(name)) => name.clone(),
            (Some(display), None) => display.clone(),
            (None, None) => format!("a user no longer in IAM Identity Center ({})", self.user_id),
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Reconciliation {
    pub domain_id: String,
    pub domain_name: String,
    pub trigger: String,
    /// The run holding the team's lease.
    pub run_id: String,
    /// Whom the report goes to (the onboarding's `membership.reportTo`, else its requester).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// Members of the assigned groups not invited yet: the invitation step invites them.
    #[serde(default)]
    pub joined: Vec<Member>,
    /// People invited earlier who no longer have access through an assigned group or by name.
    #[serde(default)]
    pub departed: Vec<Member>,
    /// Whether the departed are removed from the domain (the onboarding's choice).
    #[serde(default)]
    pub removes_departed: bool,
    /// Why the team was not reconciled (not InService, no Identity Center application). Always
    /// present (null when it was), as the definition's outcome reads it.
    #[serde(default)]
    pub skipped: Option<String>,
    #[serde(default)]
    pub report_sent: bool,
    #[serde(default)]
    pub report_not_sent: Option<String>,
}
