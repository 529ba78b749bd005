//! Step Functions for the entry points: start an onboarding, describe it.

use aws_sdk_sfn::operation::describe_execution::DescribeExecutionError;
use aws_sdk_sfn::operation::start_execution::StartExecutionError;
use aws_sdk_sfn::types::HistoryEventType;
use onboarding_core::naming::execution_arn;
use onboarding_core::ports::{ExecutionView, PortResult, StartedExecution, WorkflowPort};

use crate::classify;

#[derive(Clone, Debug)]
pub struct StepFunctionsAdapter {
    client: aws_sdk_sfn::Client,
    state_machine_arn: String,
}

impl StepFunctionsAdapter {
    pub fn new(client: aws_sdk_sfn::Client, state_machine_arn: &str) -> Self {
        StepFunctionsAdapter { client, state_machine_arn: state_machine_arn.to_string() }
    }

    pub fn from_config(config: &aws_config::SdkConfig, state_machine_arn: &str) -> Self {
        Self::new(aws_sdk_sfn::Client::new(config), state_machine_arn)
    }

    /// The state the execution entered last, from the newest history events.
    async fn current_state(&self, execution_arn: &str) -> PortResult<Option<String>> {
        let out = self
            .client
            .get_execution_history()
            .execution_arn(execution_arn)
            .reverse_order(true)
            .max_results(50)
            .send()
            .await
            .map_err(|e| classify("states:GetExecutionHistory", &e))?;
        Ok(out
            .events()
            .iter()
            .filter(|e| e.r#type().as_str().ends_with("StateEntered") || *e.r#type() == HistoryEventType::TaskStateEntered)
            .find_map(|e| e.state_entered_event_details().map(|d| d.name().to_string())))
    }
}

impl WorkflowPort for StepFunctionsAdapter {
    async fn start(&self, name: &str, input: &str) -> PortResult<StartedExecution> {
        match self.client.start_execution().state_machine_arn(&self.state_machine_arn).name(name).input(input).send().await {
            // Step Functions answers a running execution of the same name and input with itself.
            Ok(out) => {
                let arn = out.execution_arn().to_string();
                let expected = execution_arn(&self.state_machine_arn, name);
                Ok(StartedExecution { existing: false, execution_arn: if arn.is_empty() { expected } else { arn } })
            }
            // The same name with another input, or a finished execution: the onboarding exists.
            Err(e) if matches!(e.as_service_error(), Some(StartExecutionError::ExecutionAlreadyExists(_))) => {
                Ok(StartedExecution { execution_arn: execution_arn(&self.state_machine_arn, name), existing: true })
            }
            Err(e) => Err(classify("states:StartExecution", &e)),
        }
    }

    async fn describe(&self, execution_arn: &str) -> PortResult<Option<ExecutionView>> {
        // The execution and its newest history events are independent reads: made at once.
        let (described, current_state) = tokio::join!(self.client.describe_execution().execution_arn(execution_arn).send(), self.current_state(execution_arn));
        let out = match described {
            Ok(out) => out,
            Err(e) if matches!(e.as_service_error(), Some(DescribeExecutionError::ExecutionDoesNotExist(_))) => return Ok(None),
            Err(e) => return Err(classify("states:DescribeExecution", &e)),
        };
        Ok(Some(ExecutionView {
            status: out.status().as_str().to_string(),
            output: out.output().map(str::to_string),
            error: out.error().map(str::to_string),
            cause: out.cause().map(str::to_string),
            current_state: current_state?,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_sfn::operation::describe_execution::DescribeExecutionOutput;
    use aws_sdk_sfn::operation::get_execution_history::GetExecutionHistoryOutput;
    use aws_sdk_sfn::operation::start_execution::StartExecutionOutput;
    use aws_sdk_sfn::types::error::{ExecutionAlreadyExists, ExecutionDoesNotExist};
    use aws_sdk_sfn::types::{ExecutionStatus, HistoryEvent, StateEnteredEventDetails};
    use aws_sdk_sfn::Client;
    use aws_smithy_mocks::{mock, mock_client, RuleMode};
    use aws_smithy_types::DateTime;

    const SM: &str = "arn:aws:states:us-east-1:123456789012:stateMachine:onboarding";

    #[tokio::test]
    async fn a_duplicate_start_finds_the_existing_execution() {
        let first = mock!(Client::start_execution).match_requests(|r| r.name() == Some("ticket-T-1")).then_output(|| {
            StartExecutionOutput::builder()
                .execution_arn(format!("{}:ticket-T-1", SM.replace("stateMachine", "execution")))
                .start_date(DateTime::from_secs(0))
                .build()
                .expect("output")
        });
        let again = mock!(Client::start_execution).then_error(|| StartExecutionError::ExecutionAlreadyExists(ExecutionAlreadyExists::builder().build()));
        let sfn = StepFunctionsAdapter::new(mock_client!(aws_sdk_sfn, RuleMode::Sequential, [&first, &again]), SM);
        let started = sfn.start("ticket-T-1", "{}").await.expect("started");
        assert!(!started.existing);
        let duplicate = sfn.start("ticket-T-1", "{}").await.expect("existing");
        assert!(duplicate.existing);
        assert_eq!(duplicate.execution_arn, started.execution_arn);
    }

    #[tokio::test]
    async fn describes_with_the_current_state_and_missing_is_none() {
        let describe = mock!(Client::describe_execution).match_requests(|r| r.execution_arn().is_some_and(|a| a.ends_with(":x"))).then_output(|| {
            DescribeExecutionOutput::builder()
                .execution_arn("arn:x")
                .state_machine_arn(SM)
                .status(ExecutionStatus::Running)
                .start_date(DateTime::from_secs(0))
                .build()
                .expect("output")
        });
        let missing = mock!(Client::describe_execution).then_error(|| DescribeExecutionError::ExecutionDoesNotExist(ExecutionDoesNotExist::builder().build()));
        let history = mock!(Client::get_execution_history).then_output(|| {
            GetExecutionHistoryOutput::builder()
                .events(
                    HistoryEvent::builder()
                        .timestamp(DateTime::from_secs(1))
                        .r#type(HistoryEventType::TaskStateEntered)
                        .id(5)
                        .state_entered_event_details(StateEnteredEventDetails::builder().name("PollDomain").build().expect("details"))
                        .build()
                        .expect("event"),
                )
                .build()
                .expect("output")
        });
        let sfn = StepFunctionsAdapter::new(mock_client!(aws_sdk_sfn, RuleMode::MatchAny, [&describe, &missing, &history]), SM);
        let view = sfn.describe("arn:aws:states:us-east-1:123456789012:execution:onboarding:x").await.expect("describe").expect("found");
        assert_eq!((view.status.as_str(), view.current_state.as_deref()), ("RUNNING", Some("PollDomain")));
        assert_eq!(sfn.describe("arn:aws:states:us-east-1:123456789012:execution:onboarding:y").await.expect("describe"), None);
    }
}
