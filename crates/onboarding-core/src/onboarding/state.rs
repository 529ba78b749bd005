//! The onboarding's state, which flows through every task of its state machine: the normalised request,
//! the workflow settings, then one section per step, filled in by that step.

use serde::{Deserialize, Serialize};

pub use crate::kernel::config::Settings;
pub use crate::kernel::envelope::{require, Failure, RequestInput};
pub use crate::kernel::identity::{PrincipalType, ResolvedGroup, ResolvedUser};
use crate::onboarding::request::OnboardingRequest;

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OnboardingState {
    pub request: OnboardingRequest,
    /// The ticket's id or null, always present so that the definition can read it.
    #[serde(default)]
    pub ticket_id: Option<String>,
    #[serde(default)]
    pub settings: Settings,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identities: Option<Identities>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub roles: Option<Roles>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network: Option<ResolvedNetwork>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain: Option<DomainRecord>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access: Option<Access>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invitations: Option<Invitations>,
    /// What an onboarding records about its team once its people are invited (the owner, the
    /// sender, the reconciliation's choices): set by Validate from the request, absent from the
    /// additions an amendment or a reconciliation runs through the same steps.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub team: Option<crate::ports::TeamRecord>,
    /// Set by the state machine's Catch: `{ "Error", "Cause" }`.
    #[serde(default, rename = "failure", skip_serializing_if = "Option::is_none")]
    pub failure: Option<Failure>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Identities {
    pub instance_arn: String,
    pub identity_store_id: String,
    /// The region of IAM Identity Center, which is also the domain's region.
    pub region: String,
    pub users: Vec<ResolvedUser>,
    pub groups: Vec<ResolvedGroup>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Roles {
    pub execution_role_arn: String,
    /// Whether this onboarding created the role (false: an existing role, or one from an earlier run).
    pub execution_role_created: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rstudio_role_arn: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResolvedNetwork {
    pub vpc_id: String,
    pub subnet_ids: Vec<String>,
    /// Availability Zone ids of the chosen subnets (compare by id, never by name).
    pub availability_zone_ids: Vec<String>,
    pub security_group_ids: Vec<String>,
    /// Subnets left out, with the reason (constrained zone, second subnet in a zone).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub skipped_subnets: Vec<String>,
    /// What was accepted on the request's word (endpoints provided elsewhere); in the summary.
    /// Always present: the definition's summary reads it.
    #[serde(default)]
    pub warnings: Vec<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DomainRecord {
    pub domain_id: String,
    pub domain_arn: String,
    #[serde(default)]
    pub url: String,
    /// Whether this execution created the domain (false: found from an earlier run).
    pub created: bool,
    /// The last status seen: Pending, InService, ...
    #[serde(default)]
    pub status: String,
    /// How many times poll-domain has run.
    #[serde(default)]
    pub polls: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sso_application_arn: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure_reason: Option<String>,
    /// An adopted domain's settings that differed from the request: updated, or needing a new
    /// onboarding. Always present, for the summary.
    #[serde(default)]
    pub settings: crate::ports::SettingsDrift,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Access {
    pub application_arn: String,
    pub assignments: Vec<Assignment>,
    pub user_profiles: Vec<String>,
    /// The named users' private spaces (`studio.privateSpaces`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub private_spaces: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Assignment {
    pub principal_type: PrincipalType,
    pub principal_id: String,
    pub name: String,
    /// False when the assignment already existed.
    pub created: bool,
}

impl PrincipalType {
    pub fn as_str(self) -> &'static str {
        match self {
            PrincipalType::User => "USER",
            PrincipalType::Group => "GROUP",
        }
    }
}

/// The invitation step's progress. Who was invited lives in the invitation ledger (a table the
/// template deploys), person by person; the state keeps counts, so that its size does not grow
/// with the team.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Invitations {
    /// This execution's sending: rejections it recorded are not retried within it, but are on a rerun.
    #[serde(default)]
    pub run_id: String,
    /// People this execution delivered an invitation to.
    #[serde(default)]
    pub delivered: u32,
    /// People an earlier run had already invited (not sent again).
    #[serde(default)]
    pub earlier: u32,
    /// The first rejections (at most `LISTED_REJECTIONS`); `rejected_count` counts them all.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rejected: Vec<RejectedInvitation>,
    #[serde(default)]
    pub rejected_count: u32,
    /// True when an earlier run already invited everybody and this one sent nothing.
    #[serde(default)]
    pub already_sent: bool,
    /// False while invitations are still to send: the state machine waits `wait_seconds` and
    /// runs the step again, which sends only to those left.
    #[serde(default = "yes")]
    pub complete: bool,
    #[serde(default)]
    pub wait_seconds: u32,
    /// Pauses in a row without a delivery (throttling, or a deadline reached): bounded.
    #[serde(default)]
    pub pauses: u32,
    /// Waits for SES's daily quota: bounded by a day of waiting.
    #[serde(default)]
    pub quota_waits: u32,
    /// How many times the step has run for this onboarding.
    #[serde(default)]
    pub attempts: u32,
}

/// Rejections listed by name in the state and the summary; the rest are counted.
pub const LISTED_REJECTIONS: usize = 20;

fn yes() -> bool {
    true
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RejectedInvitation {
    pub recipient: String,
    pub reason: String,
}

impl Failure {
    /// The human message: a Lambda error's Cause is its `{errorType, errorMessage}` JSON.
    pub fn message(&self) -> String {
        serde_json::from_str::<serde_json::Value>(&self.cause)
            .ok()
            .and_then(|v| v["errorMessage"].as_str().map(str::to_string))
            .unwrap_or_else(|| self.cause.clone())
    }
}

impl OnboardingState {
    /// The domain's region: the request's, else the workflow's own.
    pub fn region<'a>(&'a self, default: &'a str) -> &'a str {
        self.request.region.as_deref().unwrap_or(default)
    }

    /// Which step failed, judged by the first section that is still missing (the steps run in order).
    pub fn failed_step(&self) -> &'static str {
        match self {
            s if s.identities.is_none() => "ResolveIdentities",
            s if s.network.is_none() => "DiscoverNetwork",
            s if s.roles.is_none() => "SetUpRoles",
            s if s.domain.is_none() => "CreateDomain",
            s if s.domain.as_ref().is_some_and(|d| d.status != "InService") => "WaitForDomain",
            s if s.access.is_none() => "AssignAccess",
            _ => "SendInvitations",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failure_message_unwraps_lambda_causes() {
        let f = Failure { error: "DomainFailed".into(), cause: r#"{"errorType":"DomainFailed","errorMessage":"no capacity"}"#.into() };
        assert_eq!(f.message(), "no capacity");
        let plain = Failure { error: "States.Timeout".into(), cause: "timed out".into() };
        assert_eq!(plain.message(), "timed out");
    }

    #[test]
    fn failed_step_follows_the_sections() {
        let mut s = OnboardingState::default();
        assert_eq!(s.failed_step(), "ResolveIdentities");
        s.identities = Some(Identities::default());
        assert_eq!(s.failed_step(), "DiscoverNetwork");
        s.network = Some(ResolvedNetwork::default());
        assert_eq!(s.failed_step(), "SetUpRoles");
        s.roles = Some(Roles::default());
        s.domain = Some(DomainRecord { status: "Pending".into(), ..Default::default() });
        assert_eq!(s.failed_step(), "WaitForDomain");
        s.domain = Some(DomainRecord { status: "InService".into(), ..Default::default() });
        assert_eq!(s.failed_step(), "AssignAccess");
    }

    #[test]
    fn sections_round_trip_in_camel_case() {
        let s = OnboardingState { roles: Some(Roles { execution_role_arn: "arn".into(), ..Default::default() }), ..Default::default() };
        let v = serde_json::to_value(&s).expect("json");
        assert_eq!(v["roles"]["executionRoleArn"], "arn");
        assert_eq!(v["settings"]["pollIntervalSeconds"], 30);
        let back: OnboardingState = serde_json::from_value(v).expect("back");
        assert_eq!(back, s);
    }
}

/// The team record an onboarding of `request` writes: its owner (`membership.reportTo`, else the
/// ticket's requester), its sender and what the reconciliation does with departed members.
pub fn team_record(request: &OnboardingRequest) -> crate::ports::TeamRecord {
    let membership = request.membership.clone().unwrap_or_default();
    crate::ports::TeamRecord {
        owner: membership.report_to.clone().or_else(|| request.ticket.as_ref().and_then(|t| t.requester.clone())),
        sender: request.notification.sender.clone(),
        remove_departed_members: membership.remove_departed_members,
        delete_departed_data: membership.departed_user_data == Some(crate::kernel::envelope::RemovedUserData::Delete),
        ticket_id: request.ticket.as_ref().map(|t| t.id.clone()),
    }
}
