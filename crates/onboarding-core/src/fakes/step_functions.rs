//! The fake Step Functions: executions.

use super::*;

impl WorkflowPort for FakeAws {
    async fn start(&self, name: &str, input: &str) -> PortResult<StartedExecution> {
        let mut w = self.enter("StartExecution")?;
        let arn = crate::kernel::naming::execution_arn(&w.state_machine_arn, name);
        if w.executions.contains_key(&arn) {
            return Ok(StartedExecution { execution_arn: arn, existing: true });
        }
        let view = ExecutionView { status: "RUNNING".into(), output: None, error: None, cause: None, current_state: Some("Validate".into()) };
        w.executions.insert(arn.clone(), (input.to_string(), view));
        Ok(StartedExecution { execution_arn: arn, existing: false })
    }

    async fn describe(&self, execution_arn: &str) -> PortResult<Option<ExecutionView>> {
        Ok(self.enter("DescribeExecution")?.executions.get(execution_arn).map(|e| e.1.clone()))
    }
}
