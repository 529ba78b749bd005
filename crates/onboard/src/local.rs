//! An onboarding on the local AWS: start it, seed the demo directory, deploy the definition,
//! run executions through the real engine and the real function binaries.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

use anyhow::Result;
use local_aws::deploy::{deploy_workflows, Tunables};
use local_aws::seed::{seed_demo, Seeded};
use local_aws::{LocalAws, Options, SENDER_ADDRESS};
use onboarding_aws::step_functions::StepFunctionsAdapter;
use onboarding_core::Workflow;

use crate::execution::{self, Outcome, Step};

pub struct LocalSession {
    pub aws: LocalAws,
    /// Each workflow's state machine, deployed from its definition.
    pub state_machines: BTreeMap<Workflow, String>,
    pub seeded: Seeded,
    pub sfn: aws_sdk_sfn::Client,
}

impl LocalSession {
    /// Starts the local AWS and deploys the workflow into it with `tunables`.
    pub async fn start(root: &Path, tunables: Tunables) -> Result<LocalSession> {
        Self::start_with(Options { tunables, ..Options::new(root) }).await
    }

    /// Starts the local AWS with `options` (another template, for one) and deploys every workflow.
    pub async fn start_with(options: Options) -> Result<LocalSession> {
        let root = options.root.clone();
        let template = local_aws::read_template(&options.template)?;
        let aws = LocalAws::start(options).await?;
        let seeded = seed_demo(aws.sdk_config(), SENDER_ADDRESS).await?;
        aws.set_up_async_invocations().await?;
        local_aws::ledger::create_invitation_ledger(aws.sdk_config(), &template).await?;
        let state_machines = deploy_workflows(aws.sdk_config(), &root).await?;
        let sfn = aws_sdk_sfn::Client::new(aws.sdk_config());
        Ok(LocalSession { aws, state_machines, seeded, sfn })
    }

    /// The state machine of `workflow`.
    pub fn arn(&self, workflow: Workflow) -> &str {
        self.state_machines.get(&workflow).map(String::as_str).unwrap_or_default()
    }

    /// Starts executions of `workflow` the way the entry point does.
    pub fn workflow(&self, workflow: Workflow) -> StepFunctionsAdapter {
        StepFunctionsAdapter::new(self.sfn.clone(), self.arn(workflow))
    }

    /// Runs one execution of `workflow` named `name` to its end, calling `on_step` as each state ends.
    pub async fn run(&self, workflow: Workflow, name: &str, input: &str, on_step: impl FnMut(&Step)) -> Result<Outcome> {
        let (_, started) = onboarding_core::start::start_or_resume(&self.workflow(workflow), name, input).await?;
        execution::follow(&self.sfn, &started.execution_arn, Duration::from_millis(250), on_step).await
    }

    /// Runs one request of `workflow` to its end, under the execution name the entry point gives it.
    pub async fn run_request(&self, workflow: Workflow, request_json: &str, on_step: impl FnMut(&Step)) -> Result<Outcome> {
        let name = workflow.execution_name_as_submitted(request_json);
        self.run(workflow, &name, request_json, on_step).await
    }

    /// Runs one onboarding to its end, calling `on_step` as each state ends.
    pub async fn onboard(&self, request_json: &str, on_step: impl FnMut(&Step)) -> Result<Outcome> {
        self.run_request(Workflow::Onboarding, request_json, on_step).await
    }

    /// Runs one amendment to its end.
    pub async fn amend(&self, request_json: &str, on_step: impl FnMut(&Step)) -> Result<Outcome> {
        self.run_request(Workflow::Amendment, request_json, on_step).await
    }

    /// Runs one reconciliation (`input`: `{}` for every team, `{"domainName": ...}` for one, or an
    /// Identity Center membership event) to its end under the execution name `name`.
    pub async fn reconcile(&self, name: &str, input: &str, on_step: impl FnMut(&Step)) -> Result<Outcome> {
        self.run(Workflow::Reconciliation, name, input, on_step).await
    }

    /// Runs one offboarding to its end.
    pub async fn offboard(&self, request_json: &str, on_step: impl FnMut(&Step)) -> Result<Outcome> {
        self.run_request(Workflow::Offboarding, request_json, on_step).await
    }
}
