//! The environment variables the functions read, named in one place (the template sets them),
//! and the workflow tunables they set.

use serde::{Deserialize, Serialize};

/// IAM Identity Center's home region, which is also every domain's region.
pub const IDENTITY_CENTER_REGION: &str = "IDENTITY_CENTER_REGION";
/// The Identity Center instance to use when the region has several active ones (empty: the only one).
pub const IDENTITY_CENTER_INSTANCE_ARN: &str = "IDENTITY_CENTER_INSTANCE_ARN";
/// Prefix of every role the workflow creates; its IAM permissions are limited to it.
pub const ROLE_NAME_PREFIX: &str = "ROLE_NAME_PREFIX";
/// The verified SES sender used when a request names none.
pub const SENDER_ADDRESS: &str = "SENDER_ADDRESS";

/// Managed policies requests may attach (comma-separated ARNs; the template's allow-list).
pub const ALLOWED_MANAGED_POLICY_ARNS: &str = "ALLOWED_MANAGED_POLICY_ARNS";
/// The account the deployment runs in: existing roles must belong to it.
pub const DEPLOYMENT_ACCOUNT_ID: &str = "DEPLOYMENT_ACCOUNT_ID";
/// Senders requests may name besides SENDER_ADDRESS (comma-separated).
pub const ALLOWED_SENDERS: &str = "ALLOWED_SENDERS";
/// Domains extra recipients may be in (comma-separated; set but empty: none).
pub const ALLOWED_RECIPIENT_DOMAINS: &str = "ALLOWED_RECIPIENT_DOMAINS";

/// The permissions boundary every role the workflow creates carries.
pub const PERMISSIONS_BOUNDARY_ARN: &str = "PERMISSIONS_BOUNDARY_ARN";

/// The items of a comma-separated value (an empty value is an empty list).
pub fn split_list(value: &str) -> Vec<String> {
    value.split(',').map(str::trim).filter(|s| !s.is_empty()).map(str::to_string).collect()
}

/// A variable's value, when set and not empty.
pub fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

/// The region domains are created in: Identity Center's, else the function's own.
pub fn domain_region() -> String {
    var(IDENTITY_CENTER_REGION).or_else(|| var("AWS_REGION")).or_else(|| var("AWS_DEFAULT_REGION")).unwrap_or_else(|| "us-east-1".to_string())
}
/// The state machine the entry point starts.
pub const STATE_MACHINE_ARN: &str = "STATE_MACHINE_ARN";
/// The offboarding state machine the entry point starts.
pub const OFFBOARDING_STATE_MACHINE_ARN: &str = "OFFBOARDING_STATE_MACHINE_ARN";
/// The detail-type of ticket events that ask for an offboarding.
pub const OFFBOARDING_DETAIL_TYPE: &str = "OFFBOARDING_DETAIL_TYPE";
/// The amendment state machine the entry point starts.
pub const AMENDMENT_STATE_MACHINE_ARN: &str = "AMENDMENT_STATE_MACHINE_ARN";
/// The detail-type of ticket events that ask for an amendment.
pub const AMENDMENT_DETAIL_TYPE: &str = "AMENDMENT_DETAIL_TYPE";
/// The reconciliation state machine the entry point starts.
pub const RECONCILIATION_STATE_MACHINE_ARN: &str = "RECONCILIATION_STATE_MACHINE_ARN";
/// The detail-type of ticket events asking for a reconciliation.
pub const RECONCILIATION_DETAIL_TYPE: &str = "RECONCILIATION_DETAIL_TYPE";
/// The ticket system's event bus, where result events are published.
pub const EVENT_BUS_NAME: &str = "EVENT_BUS_NAME";
/// The `source` of the events this workflow publishes.
pub const EVENT_SOURCE_VALUE: &str = "sagemaker-onboarding";
/// Seconds between domain status polls.
pub const POLL_INTERVAL_SECONDS: &str = "POLL_INTERVAL_SECONDS";
/// Polls before the onboarding fails with DomainPollingTimedOut.
pub const MAX_POLLS: &str = "MAX_POLLS";

/// Seconds to wait when SES's daily sending quota is used up.
pub const QUOTA_WAIT_SECONDS: &str = "QUOTA_WAIT_SECONDS";
/// The invitation ledger: the DynamoDB table recording each person's invitation.
pub const INVITATIONS_TABLE: &str = "INVITATIONS_TABLE";
/// How long a reconciliation run holds a team's lease (seconds): past it, another run may take
/// the team over from a run that stopped without giving it back.
pub const RECONCILIATION_LEASE_SECONDS: &str = "RECONCILIATION_LEASE_SECONDS";
pub const DEFAULT_RECONCILIATION_LEASE_SECONDS: u64 = 3600;

/// The workflow's tunables from the environment, else the defaults.
pub fn settings() -> Settings {
    let defaults = Settings::default();
    let number = |name: &str, default: u32| var(name).and_then(|v| v.parse().ok()).filter(|n: &u32| *n > 0).unwrap_or(default);
    Settings {
        poll_interval_seconds: number(POLL_INTERVAL_SECONDS, defaults.poll_interval_seconds),
        max_polls: number(MAX_POLLS, defaults.max_polls),
        quota_wait_seconds: number(QUOTA_WAIT_SECONDS, defaults.quota_wait_seconds),
    }
}

/// Workflow tunables, set by the state machine from its substitutions.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Settings {
    pub poll_interval_seconds: u32,
    pub max_polls: u32,
    /// Seconds to wait when SES's daily sending quota is used up (SES: wait, then retry).
    #[serde(default = "default_quota_wait")]
    pub quota_wait_seconds: u32,
}

fn default_quota_wait() -> u32 {
    Settings::default().quota_wait_seconds
}

impl Default for Settings {
    /// 30 s x 60 polls: the 20 minutes peers allow, with a margin. Quota waits of 10 minutes:
    /// what SES advises after a throttling error.
    fn default() -> Self {
        Settings { poll_interval_seconds: 30, max_polls: 60, quota_wait_seconds: 600 }
    }
}
