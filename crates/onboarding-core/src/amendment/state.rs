//! The JSON state of an amendment. The additions are an onboarding's state (`grant`), so that
//! the onboarding's own steps assign and invite; the removals have their own section.

use serde::{Deserialize, Serialize};

use crate::amendment::request::AmendmentRequest;
use crate::kernel::config::Settings;
use crate::kernel::envelope::Failure;
use crate::kernel::identity::{ResolvedGroup, ResolvedUser};
use crate::onboarding::state::OnboardingState;
use crate::reconciliation::Reconciliation;
use crate::shared::teardown::Teardown;

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AmendmentState {
    pub request: AmendmentRequest,
    #[serde(default)]
    pub ticket_id: Option<String>,
    #[serde(default)]
    pub settings: Settings,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<AmendmentTarget>,
    /// The additions: the access and invitation steps run on `grant.state`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grant: Option<Grant>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revoke: Option<Revocation>,
    /// Present when the amendment is a reconciliation's: who joined and left the groups.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reconciliation: Option<Reconciliation>,
    /// Set by the state machine's Catch.
    #[serde(default, rename = "failure", skip_serializing_if = "Option::is_none")]
    pub failure: Option<Failure>,
}

/// The additions, as an onboarding of the added users and groups to the existing domain (its
/// `identities` and `domain` filled in). Wrapped, because the definition puts each step's
/// result here with `ResultSelector: {"state.$": "$.Payload"}`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Grant {
    pub state: Box<OnboardingState>,
}

/// The domain being amended.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AmendmentTarget {
    pub domain_id: String,
    pub domain_arn: String,
    pub domain_name: String,
    pub url: String,
    pub sso_application_arn: String,
    pub identity_store_id: String,
}

impl AmendmentTarget {
    /// The domain as DescribeDomain has it, with its Identity Center application and store.
    pub fn of(details: &crate::ports::DomainDetails, sso_application_arn: String, identity_store_id: String) -> Self {
        AmendmentTarget {
            domain_id: details.domain_id.clone(),
            domain_arn: details.domain_arn.clone(),
            domain_name: details.domain_name.clone(),
            url: details.url.clone().unwrap_or_default(),
            sso_application_arn,
            identity_store_id,
        }
    }
}

/// The removals and their progress.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Revocation {
    pub users: Vec<ResolvedUser>,
    pub groups: Vec<ResolvedGroup>,
    /// The removed users' profile names.
    pub profiles: Vec<String>,
    /// Assignments deleted (users and groups).
    #[serde(default)]
    pub assignments_removed: u32,
    /// The removed users' apps, then (with `Delete`) their private spaces and profiles.
    #[serde(default)]
    pub teardown: Teardown,
    /// Users removed by name who keep access through a group still assigned to the domain: not
    /// told their access ended; the summary lists them.
    #[serde(default)]
    pub still_in_assigned_groups: Vec<String>,
    /// "Access removed" notices sent, and why others were not.
    #[serde(default)]
    pub notices_sent: u32,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notices_not_sent: Vec<String>,
}

impl AmendmentState {
    /// Which step failed, judged by the sections.
    pub fn failed_step(&self) -> &'static str {
        match self {
            s if s.target.is_none() && s.reconciliation.is_some() => "CompareMembers",
            s if s.target.is_none() => "FindTeam",
            s if s.grant.as_ref().is_some_and(|g| g.state.access.is_none()) => "AssignAccess",
            s if s.grant.as_ref().is_some_and(|g| !g.state.invitations.as_ref().is_some_and(|i| i.complete)) => "SendInvitations",
            s if !s.revoke.as_ref().is_none_or(|r| r.teardown.complete) => "RevokeAccess",
            s if s.reconciliation.is_some() => "ReportToOwner",
            _ => "NotifyRemoved",
        }
    }
}
