//! The one list of error names the workflow can emit.
//!
//! Each name becomes a Lambda `errorType`, which the state machine's `Retry` and `Catch` match.
//! A contract test checks that the definition names only errors listed here.

use std::fmt;

macro_rules! error_names {
    ($($(#[$doc:meta])* $variant:ident => retryable: $retry:expr;)+) => {
        /// A stable error name, as seen by Step Functions.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum ErrorName { $($(#[$doc])* $variant,)+ }

        impl ErrorName {
            /// Every name, in declaration order.
            pub const ALL: &'static [ErrorName] = &[$(ErrorName::$variant,)+];

            /// The `errorType` string.
            pub fn as_str(self) -> &'static str {
                match self { $(ErrorName::$variant => stringify!($variant),)+ }
            }

            /// Whether the state machine retries this error (with a bound) before failing.
            pub fn is_retryable(self) -> bool {
                match self { $(ErrorName::$variant => $retry,)+ }
            }

            /// The name for an `errorType` string, if it is one of ours.
            pub fn parse(name: &str) -> Option<ErrorName> {
                ErrorName::ALL.iter().copied().find(|n| n.as_str() == name)
            }
        }
    };
}

error_names! {
    /// The request breaks one or more rules; the message lists each with its field path.
    RequestInvalid => retryable: false;
    /// A step received a state without the section an earlier step should have filled in.
    StateInvalid => retryable: false;
    /// No active IAM Identity Center instance is visible in the configured region (or not the configured one).
    IdentityCenterNotFound => retryable: false;
    /// Several active instances and none configured (IdentityCenterInstanceArn); the message lists them.
    IdentityCenterAmbiguous => retryable: false;
    /// The domain's region differs from IAM Identity Center's home region.
    IdentityCenterRegionMismatch => retryable: false;
    /// A user or group named in the request does not exist in the identity store.
    PrincipalNotFound => retryable: false;
    /// `executionRole.existingRoleArn` (or the RStudio role) does not exist.
    ExecutionRoleNotFound => retryable: false;
    /// The existing role's trust policy does not admit sagemaker.amazonaws.com, or not with what the
    /// domain settings need (sts:SetSourceIdentity, sts:SetContext).
    ExecutionRoleUntrusted => retryable: false;
    /// A role that was just created is not readable yet (IAM is eventually consistent).
    RoleNotVisibleYet => retryable: true;
    /// A role of the requested name exists but was not created by this workflow.
    RoleNameConflict => retryable: false;
    /// The VPC does not exist, or the account has no default VPC.
    VpcNotFound => retryable: false;
    /// A subnet or security group does not exist or belongs to another VPC.
    NetworkResourceNotFound => retryable: false;
    /// No subnet is left after removing constrained Availability Zones.
    NoUsableSubnets => retryable: false;
    /// A custom image (or its version), app image config or Studio lifecycle configuration the
    /// request names does not exist in the domain's account and region, or serves another app.
    StudioResourceNotFound => retryable: false;
    /// VpcOnly needs private subnets and SageMaker endpoints or a private way out; the message lists what is missing.
    VpcOnlyNetworkIncomplete => retryable: false;
    /// A domain of that name exists and was not created by this workflow.
    DomainNameConflict => retryable: false;
    /// The account's SageMaker domain quota is used up.
    DomainLimitExceeded => retryable: false;
    /// SageMaker cannot assume the execution role yet (IAM propagation after this onboarding created it).
    RoleNotAssumableYet => retryable: true;
    /// SageMaker cannot assume a role this onboarding did not just create: waiting will not help.
    RoleNotAssumable => retryable: false;
    /// The KMS key does not exist or cannot be used.
    KmsKeyInvalid => retryable: false;
    /// SageMaker rejected the domain settings.
    DomainRequestRejected => retryable: false;
    /// The domain ended in a failed status; the message carries its FailureReason.
    DomainFailed => retryable: false;
    /// The domain an earlier run left Failed or Delete_Failed is being deleted (or was already
    /// Deleting): the step is retried until it is gone, and then creates a new one.
    DomainStillDeleting => retryable: true;
    /// The domain did not reach InService within the polling bound.
    DomainPollingTimedOut => retryable: false;
    /// The domain has no IAM Identity Center application (it is not an SSO domain).
    DomainNotSso => retryable: false;
    /// The domain's Identity Center application belongs to another instance than the one resolved.
    DomainApplicationMismatch => retryable: false;
    /// No domain of the requested name or id exists in the region: nothing to offboard.
    DomainNotFound => retryable: false;
    /// The domain to offboard was not created by this workflow: it is never deleted.
    DomainNotManaged => retryable: false;
    /// The domain to amend is not InService (still being created, failed, or being deleted).
    DomainNotInService => retryable: false;
    /// Apps, spaces, user profiles or the domain were still being deleted after the polling
    /// bound; the message says what. A rerun continues where this one stopped.
    TeardownTimedOut => retryable: false;
    /// SageMaker could not delete the domain (Delete_Failed); the message carries its reason.
    DomainDeleteFailed => retryable: false;
    /// Another run is reconciling the team (it holds the team's lease): retried a few times, then
    /// the team is left to that run.
    ReconciliationInProgress => retryable: true;
    /// IAM Identity Center has not propagated a previous write yet (ConflictException).
    AssignmentConflict => retryable: true;
    /// The invitation sender is not a verified SES identity.
    SenderNotVerified => retryable: false;
    /// SES's daily sending quota stayed used up for a day of waiting; the ledger keeps who was
    /// invited, so a rerun sends only to the others.
    SesDailyQuotaExceeded => retryable: false;
    /// No invitation could be delivered to anybody.
    InvitationsRejected => retryable: false;
    /// An AWS API throttled the call.
    AwsThrottled => retryable: true;
    /// An AWS API was unavailable or answered with a server error.
    AwsUnavailable => retryable: true;
    /// The function's role may not make a call it needs.
    AwsAccessDenied => retryable: false;
    /// An AWS API rejected a call for another reason.
    AwsRequestFailed => retryable: false;
}

impl fmt::Display for ErrorName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A failure of one step: a stable name and a message for people.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{name}: {message}")]
pub struct OnboardingError {
    pub name: ErrorName,
    pub message: String,
}

impl OnboardingError {
    pub fn new(name: ErrorName, message: impl Into<String>) -> Self {
        OnboardingError { name, message: message.into() }
    }

    pub fn state(message: impl Into<String>) -> Self {
        OnboardingError::new(ErrorName::StateInvalid, message)
    }
}

#[cfg(feature = "lambda")]
impl From<OnboardingError> for lambda_runtime::Diagnostic {
    fn from(e: OnboardingError) -> Self {
        lambda_runtime::Diagnostic { error_type: e.name.as_str().to_string(), error_message: e.message }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_parse_back() {
        let mut seen = std::collections::HashSet::new();
        for name in ErrorName::ALL {
            assert!(seen.insert(name.as_str()), "duplicate {name}");
            assert_eq!(ErrorName::parse(name.as_str()), Some(*name));
            assert!(!name.as_str().starts_with("States."));
        }
        assert_eq!(ErrorName::parse("Nope"), None);
    }

    #[test]
    fn display_carries_name_and_message() {
        let e = OnboardingError::new(ErrorName::DomainFailed, "quota");
        assert_eq!(e.to_string(), "DomainFailed: quota");
        assert!(!ErrorName::DomainFailed.is_retryable());
        assert!(ErrorName::AwsThrottled.is_retryable());
    }
}
