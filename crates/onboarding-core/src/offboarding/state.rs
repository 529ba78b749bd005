//! The JSON state of an offboarding: the request, the workflow settings, then one section per
//! step. Counts and short lists only, so that its size does not grow with the team.

use serde::{Deserialize, Serialize};

pub use crate::kernel::config::Settings;
pub use crate::kernel::envelope::Failure;
use crate::offboarding::request::OffboardingRequest;
pub use crate::shared::teardown::Teardown;

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OffboardingState {
    pub request: OffboardingRequest,
    /// The ticket's id or null, always present so that the definition can read it.
    #[serde(default)]
    pub ticket_id: Option<String>,
    #[serde(default)]
    pub settings: Settings,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<OffboardingTarget>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access: Option<RemovedAccess>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub teardown: Option<Teardown>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cleanup: Option<Cleanup>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub report: Option<ReportOutcome>,
    /// Set by the state machine's Catch: `{ "Error", "Cause" }`.
    #[serde(default, rename = "failure", skip_serializing_if = "Option::is_none")]
    pub failure: Option<Failure>,
}

/// The domain as it was found before anything was deleted: what later steps need once it is gone.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OffboardingTarget {
    pub domain_id: String,
    pub domain_arn: String,
    pub domain_name: String,
    /// The status it was found in (Failed domains are offboarded too).
    pub status: String,
    #[serde(default)]
    pub vpc_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub home_efs_file_system_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sso_application_arn: Option<String>,
    /// Roles the domain uses that this workflow created for it: deleted once the domain is gone.
    #[serde(default)]
    pub own_roles: Vec<String>,
    /// Roles the domain uses that this workflow did not create for it: never deleted.
    #[serde(default)]
    pub other_roles: Vec<String>,
}

/// What the access step removed from the domain's Identity Center application.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RemovedAccess {
    pub users: u32,
    pub groups: u32,
}

/// What was removed, kept and left after the domain was gone.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Cleanup {
    pub roles_deleted: Vec<String>,
    pub roles_kept: Vec<Kept>,
    pub security_groups_deleted: Vec<String>,
    pub security_groups_kept: Vec<Kept>,
    /// Network interfaces still using the domain's security groups (EFS mount targets of a
    /// retained file system, for example).
    pub network_interfaces_left: Vec<String>,
    /// The home EFS file system, when it was retained.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub home_efs_file_system_retained: Option<String>,
}

/// Who received the report.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReportOutcome {
    pub sent: u32,
    /// Why a report was not sent (no requester address, SES refused it), one line each.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not_sent: Vec<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Kept {
    pub id: String,
    pub reason: String,
}

/// The phases of the teardown, in order.
pub const PHASES: [&str; 5] = ["apps", "spaces", "userProfiles", "domain", "done"];

impl OffboardingState {
    /// Which step failed, judged by the first section that is still missing.
    pub fn failed_step(&self) -> &'static str {
        match self {
            s if s.target.is_none() => "FindDomain",
            s if s.access.is_none() => "RemoveAccess",
            s if !s.teardown.as_ref().is_some_and(|t| t.complete) => "TearDownDomain",
            s if s.cleanup.is_none() => "CleanUpLeftovers",
            _ => "SendReport",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failed_step_follows_the_sections() {
        let mut s = OffboardingState::default();
        assert_eq!(s.failed_step(), "FindDomain");
        s.target = Some(OffboardingTarget::default());
        assert_eq!(s.failed_step(), "RemoveAccess");
        s.access = Some(RemovedAccess::default());
        s.teardown = Some(Teardown { phase: "apps".into(), ..Default::default() });
        assert_eq!(s.failed_step(), "TearDownDomain");
        s.teardown = Some(Teardown { phase: "done".into(), complete: true, ..Default::default() });
        assert_eq!(s.failed_step(), "CleanUpLeftovers");
    }
}
