//! Starting an onboarding, shared by the entry point and the CLI: one execution per onboarding,
//! found again by its name, and a fresh attempt once a previous one has failed.

use crate::kernel::errors::{ErrorName, OnboardingError};
use crate::ports::{PortResult, StartedExecution, WorkflowPort};

/// Attempts of one onboarding (the first plus reruns after failures).
pub const MAX_ATTEMPTS: u32 = 20;

/// The execution name of attempt `n` of the onboarding named `base`.
pub fn attempt_name(base: &str, n: u32) -> String {
    if n <= 1 {
        base.to_string()
    } else {
        let suffix = format!("-attempt{n}");
        format!("{}{suffix}", &base[..base.len().min(80 - suffix.len())])
    }
}

/// Starts the onboarding, or finds the attempt that is running or succeeded. An attempt that
/// ended in failure (FAILED, TIMED_OUT, ABORTED) is followed by a new one, which reuses what
/// the failed one created. Returns the attempt's name and how it was started.
pub async fn start_or_resume<W: WorkflowPort>(workflow: &W, base: &str, input: &str) -> PortResult<(String, StartedExecution)> {
    for n in 1..=MAX_ATTEMPTS {
        let name = attempt_name(base, n);
        let started = workflow.start(&name, input).await?;
        if !started.existing {
            return Ok((name, started));
        }
        let ended_badly = workflow.describe(&started.execution_arn).await?.is_some_and(|v| matches!(v.status.as_str(), "FAILED" | "TIMED_OUT" | "ABORTED"));
        if !ended_badly {
            return Ok((name, started));
        }
    }
    Err(OnboardingError::new(ErrorName::AwsRequestFailed, format!("{base} failed {MAX_ATTEMPTS} times; start it under a new ticket")))
}

#[cfg(all(test, feature = "fakes"))]
mod tests {
    use super::*;
    use crate::fakes::FakeAws;

    #[test]
    fn attempt_names_fit_execution_names() {
        assert_eq!(attempt_name("ticket-T", 1), "ticket-T");
        assert_eq!(attempt_name("ticket-T", 2), "ticket-T-attempt2");
        assert!(attempt_name(&"x".repeat(80), 12).len() <= 80);
    }

    #[tokio::test]
    async fn a_failed_attempt_is_followed_by_a_new_one_and_duplicates_find_it() {
        let fake = FakeAws::new();
        fake.world().state_machine_arn = "arn:aws:states:us-east-1:123456789012:stateMachine:o".into();
        let (first, started) = start_or_resume(&fake, "ticket-T", "{}").await.expect("first");
        assert_eq!((first.as_str(), started.existing), ("ticket-T", false));
        let (again, started) = start_or_resume(&fake, "ticket-T", "{}").await.expect("running");
        assert_eq!((again.as_str(), started.existing), ("ticket-T", true));
        fake.world().executions.values_mut().for_each(|e| e.1.status = "FAILED".into());
        let (rerun, started) = start_or_resume(&fake, "ticket-T", "{}").await.expect("rerun");
        assert_eq!((rerun.as_str(), started.existing), ("ticket-T-attempt2", false));
    }
}
