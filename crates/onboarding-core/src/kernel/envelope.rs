//! What every workflow's request carries besides its subject: the ticket, the e-mail settings,
//! who asked, and the state machine's envelope around it (the first state's input, a caught
//! failure, the tunables).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::kernel::errors::OnboardingError;

/// `requestedBy` of an execution started directly, without the entry point.
pub const STARTED_DIRECTLY: &str = "console";

/// The longest `requestedBy` (an IAM ARN is at most 2,048 characters).
pub const MAX_REQUESTED_BY: usize = 2048;

/// What every workflow's request carries besides its subject: the domain, the ticket, the
/// e-mail settings and who asked.
pub trait WorkflowRequest {
    /// The domain as the request names it.
    fn domain_label(&self) -> &str;
    fn ticket(&self) -> Option<&Ticket>;
    fn notification(&self) -> &Notification;
    fn requested_by(&self) -> Option<&str>;

    /// Who asked: the entry point's record, or `console`.
    fn requester_identity(&self) -> &str {
        self.requested_by().unwrap_or(STARTED_DIRECTLY)
    }
}

/// The accessors of [`WorkflowRequest`] for a request type with the usual fields.
macro_rules! workflow_request {
    ($type:ty, |$r:ident| $label:expr) => {
        impl $crate::kernel::envelope::WorkflowRequest for $type {
            fn domain_label(&self) -> &str {
                let $r = self;
                $label
            }
            fn ticket(&self) -> Option<&$crate::kernel::envelope::Ticket> {
                self.ticket.as_ref()
            }
            fn notification(&self) -> &$crate::kernel::envelope::Notification {
                &self.notification
            }
            fn requested_by(&self) -> Option<&str> {
                self.requested_by.as_deref()
            }
        }
    };
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(deny_unknown_fields)]
pub struct Ticket {
    /// The ticket's id in the ticket system (1-64 of `A-Za-z0-9._-`).
    pub id: String,
    /// The requester's e-mail address: receives the failure e-mail and a copy of the invitation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requester: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(deny_unknown_fields)]
pub struct Notification {
    /// Verified SES sender address; defaults to the workflow's configured sender.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sender: Option<String>,
    /// More people to send the invitation to (for example the team lead).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extra_recipients: Vec<String>,
}

/// What becomes of a removed user's private spaces and profile.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum RemovedUserData {
    Keep,
    Delete,
}

/// What the state machine passes each workflow's first state: the request as submitted, which
/// that state checks again (an execution started from the console gets the entry point's checks).
#[derive(Clone, Debug, Deserialize)]
pub struct RequestInput {
    pub request: serde_json::Value,
}

/// What the state machine's Catch records.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Failure {
    #[serde(rename = "Error", default)]
    pub error: String,
    #[serde(rename = "Cause", default)]
    pub cause: String,
}

/// Borrows a section an earlier step must have filled in, or fails with `StateInvalid`.
pub fn require<'a, T>(section: &'a Option<T>, name: &str) -> Result<&'a T, OnboardingError> {
    section.as_ref().ok_or_else(|| OnboardingError::state(format!("the state has no '{name}' section: the step before did not run")))
}
pub(crate) use workflow_request;
