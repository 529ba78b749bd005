//! Starting an onboarding execution and following it step by step through its history.

use std::time::Duration;

use anyhow::{Context, Result};
use aws_sdk_sfn::types::{ExecutionStatus, HistoryEvent, HistoryEventType};
use serde_json::Value;

/// One state of the execution, as it ended.
#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    pub state: String,
    pub elapsed: Duration,
    /// `None` when the state succeeded; else the error name and cause of its last failure.
    pub failure: Option<(String, String)>,
    /// The error names of failed attempts that the state's Retry absorbed, in order.
    pub retried: Vec<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Outcome {
    pub execution_arn: String,
    pub status: String,
    pub output: Option<Value>,
    pub error: Option<String>,
    pub cause: Option<String>,
    pub steps: Vec<Step>,
    /// State transitions (Standard workflows are billed per transition).
    pub transitions: u32,
}

impl Outcome {
    pub fn succeeded(&self) -> bool {
        self.status == "SUCCEEDED"
    }

    /// The states the execution went through, in order, loops folded:
    /// `Validate > ... > (WaitForDomain > PollDomain > IsDomainReady) x3 > AssignAccess`.
    pub fn path(&self) -> String {
        let states: Vec<&str> = self.steps.iter().map(|s| s.state.as_str()).collect();
        fold_loops(&states)
    }
}

/// Joins `states` with ` > `, writing a run of the same 1-4 states repeated as `(...) xN`.
fn fold_loops(states: &[&str]) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut i = 0;
    while i < states.len() {
        let best = (1..=4usize)
            .filter(|k| i + k <= states.len())
            .map(|k| {
                let mut n = 1;
                while i + (n + 1) * k <= states.len() && states[i + n * k..i + (n + 1) * k] == states[i..i + k] {
                    n += 1;
                }
                (k, n)
            })
            .filter(|&(_, n)| n > 1)
            .max_by_key(|&(k, n)| (k * n, std::cmp::Reverse(k)));
        match best {
            Some((k, n)) => {
                let group = states[i..i + k].join(" > ");
                parts.push(if k == 1 { format!("{group} x{n}") } else { format!("({group}) x{n}") });
                i += k * n;
            }
            None => {
                parts.push(states[i].to_string());
                i += 1;
            }
        }
    }
    parts.join(" > ")
}

#[cfg(test)]
mod tests {
    use super::fold_loops;

    #[test]
    fn loops_are_folded() {
        let poll = ["Wait", "Poll", "Ready"];
        let mut states = vec!["Validate", "Create"];
        for _ in 0..3 {
            states.extend(poll);
        }
        states.extend(["Send", "Send", "Done"]);
        assert_eq!(fold_loops(&states), "Validate > Create > (Wait > Poll > Ready) x3 > Send x2 > Done");
        assert_eq!(fold_loops(&["A", "B", "A"]), "A > B > A");
        assert_eq!(fold_loops(&[]), "");
    }
}

/// Follows the execution until it ends, calling `on_step` as each state ends. Each poll reads
/// only the events added since the last one (newest first, back to the last seen).
pub async fn follow(sfn: &aws_sdk_sfn::Client, execution_arn: &str, poll: Duration, mut on_step: impl FnMut(&Step)) -> Result<Outcome> {
    let mut seen = 0i64;
    let mut tracker = Tracker::default();
    loop {
        let described = sfn.describe_execution().execution_arn(execution_arn).send().await.context("describing the execution")?;
        for event in events_since(sfn, execution_arn, seen).await? {
            seen = seen.max(event.id());
            if let Some(step) = tracker.observe(&event) {
                on_step(&step);
            }
        }
        if *described.status() != ExecutionStatus::Running {
            return Ok(Outcome {
                execution_arn: execution_arn.to_string(),
                status: described.status().as_str().to_string(),
                output: described.output().and_then(|o| serde_json::from_str(o).ok()),
                error: described.error().map(str::to_string),
                cause: described.cause().map(str::to_string),
                steps: tracker.steps,
                transitions: tracker.transitions,
            });
        }
        tokio::time::sleep(poll).await;
    }
}

/// The events after event `seen`, oldest first: pages read newest first until one reaches `seen`.
async fn events_since(sfn: &aws_sdk_sfn::Client, execution_arn: &str, seen: i64) -> Result<Vec<HistoryEvent>> {
    let mut newer = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let page = sfn
            .get_execution_history()
            .execution_arn(execution_arn)
            .reverse_order(true)
            .max_results(100)
            .set_next_token(token)
            .send()
            .await
            .context("reading the execution history")?;
        let mut reached = false;
        for event in page.events() {
            if event.id() <= seen {
                reached = true;
                break;
            }
            newer.push(event.clone());
        }
        token = page.next_token().map(str::to_string);
        if reached || token.is_none() {
            break;
        }
    }
    newer.reverse();
    Ok(newer)
}

async fn history(sfn: &aws_sdk_sfn::Client, execution_arn: &str) -> Result<Vec<HistoryEvent>> {
    let pages = sfn.get_execution_history().execution_arn(execution_arn).into_paginator().items().send().collect::<Result<Vec<_>, _>>().await;
    pages.context("reading the execution history")
}

#[derive(Default)]
struct Tracker {
    current: Option<(String, aws_smithy_types::DateTime)>,
    last_failure: Option<(String, String)>,
    failures: Vec<String>,
    steps: Vec<Step>,
    transitions: u32,
}

impl Tracker {
    fn observe(&mut self, event: &HistoryEvent) -> Option<Step> {
        use HistoryEventType as T;
        match event.r#type() {
            T::TaskStateEntered | T::PassStateEntered | T::ChoiceStateEntered | T::WaitStateEntered | T::SucceedStateEntered | T::FailStateEntered => {
                self.transitions += 1;
                let name = event.state_entered_event_details().map(|d| d.name().to_string()).unwrap_or_default();
                self.current = Some((name, *event.timestamp()));
                self.last_failure = None;
                self.failures.clear();
                None
            }
            T::TaskFailed | T::LambdaFunctionFailed | T::TaskTimedOut => {
                let (error, cause) = match event.task_failed_event_details() {
                    Some(d) => (d.error().unwrap_or_default().to_string(), d.cause().unwrap_or_default().to_string()),
                    None => ("States.Timeout".to_string(), String::new()),
                };
                self.failures.push(error.clone());
                self.last_failure = Some((error, cause));
                None
            }
            T::TaskSucceeded => {
                // A success after failures: the Retry absorbed them.
                self.last_failure = None;
                None
            }
            T::TaskStateExited | T::PassStateExited | T::ChoiceStateExited | T::WaitStateExited | T::SucceedStateExited => self.finish(event),
            T::ExecutionFailed => {
                // A Fail state, or a failure no Catch handled: report the state that was running.
                let step = self.current.take().map(|(state, entered)| Step {
                    state,
                    elapsed: elapsed(&entered, event.timestamp()),
                    failure: event
                        .execution_failed_event_details()
                        .map(|d| (d.error().unwrap_or_default().to_string(), d.cause().unwrap_or_default().to_string())),
                    retried: Vec::new(),
                });
                if let Some(step) = &step {
                    self.steps.push(step.clone());
                }
                step
            }
            _ => None,
        }
    }

    fn finish(&mut self, event: &HistoryEvent) -> Option<Step> {
        let (state, entered) = self.current.take()?;
        let failed = self.last_failure.take();
        let mut retried = std::mem::take(&mut self.failures);
        if failed.is_some() {
            retried.pop();
        }
        let step = Step { state, elapsed: elapsed(&entered, event.timestamp()), failure: failed, retried };
        self.steps.push(step.clone());
        Some(step)
    }
}

fn elapsed(from: &aws_smithy_types::DateTime, to: &aws_smithy_types::DateTime) -> Duration {
    let millis = to.to_millis().unwrap_or(0) - from.to_millis().unwrap_or(0);
    Duration::from_millis(millis.max(0) as u64)
}

/// The largest input or output any state of the execution had, in bytes (Step Functions refuses
/// more than 256 KiB).
pub async fn largest_state(sfn: &aws_sdk_sfn::Client, execution_arn: &str) -> Result<usize> {
    let events = history(sfn, execution_arn).await?;
    let sizes = events.iter().flat_map(|e| {
        [
            e.state_entered_event_details().and_then(|d| d.input()).map(str::len),
            e.state_exited_event_details().and_then(|d| d.output()).map(str::len),
            e.task_succeeded_event_details().and_then(|d| d.output()).map(str::len),
            e.lambda_function_succeeded_event_details().and_then(|d| d.output()).map(str::len),
        ]
    });
    Ok(sizes.flatten().max().unwrap_or(0))
}
