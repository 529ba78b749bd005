//! An onboarding on the local AWS: start it, seed the demo directory, deploy the definition,
//! run executions through the real engine and the real function binaries.

use std::path::Path;
use std::time::Duration;

use anyhow::Result;
use local_aws::deploy::{
    deploy_definition, deploy_state_machine, Tunables, LOCAL_AMENDMENT_STATE_MACHINE, LOCAL_OFFBOARDING_STATE_MACHINE, LOCAL_RECONCILIATION_STATE_MACHINE,
    LOCAL_STATE_MACHINE,
};
use local_aws::seed::{seed_demo, Seeded};
use local_aws::{LocalAws, Options, SENDER_ADDRESS};
use onboarding_aws::step_functions::StepFunctionsAdapter;

use crate::execution::{self, Outcome, Step};

pub struct LocalSession {
    pub aws: LocalAws,
    pub state_machine_arn: String,
    pub offboarding_state_machine_arn: String,
    pub amendment_state_machine_arn: String,
    pub reconciliation_state_machine_arn: String,
    pub seeded: Seeded,
    pub sfn: aws_sdk_sfn::Client,
}

impl LocalSession {
    /// Starts the local AWS and deploys the workflow into it with `tunables`.
    pub async fn start(root: &Path, tunables: Tunables) -> Result<LocalSession> {
        Self::start_with(Options { tunables, ..Options::new(root) }).await
    }

    /// Starts the local AWS with `options` (another template, for one) and deploys the workflow.
    pub async fn start_with(options: Options) -> Result<LocalSession> {
        let root = options.root.clone();
        let template = local_aws::read_template(&options.template)?;
        let aws = LocalAws::start(options).await?;
        let seeded = seed_demo(aws.sdk_config(), SENDER_ADDRESS).await?;
        aws.set_up_async_invocations().await?;
        local_aws::ledger::create_invitation_ledger(aws.sdk_config(), &template).await?;
        let state_machine_arn = deploy_state_machine(aws.sdk_config(), &root, LOCAL_STATE_MACHINE).await?;
        let offboarding_state_machine_arn =
            deploy_definition(aws.sdk_config(), &root, "statemachine/offboarding.asl.json", LOCAL_OFFBOARDING_STATE_MACHINE).await?;
        let amendment_state_machine_arn = deploy_definition(aws.sdk_config(), &root, "statemachine/amendment.asl.json", LOCAL_AMENDMENT_STATE_MACHINE).await?;
        let reconciliation_state_machine_arn =
            deploy_definition(aws.sdk_config(), &root, "statemachine/reconciliation.asl.json", LOCAL_RECONCILIATION_STATE_MACHINE).await?;
        let sfn = aws_sdk_sfn::Client::new(aws.sdk_config());
        Ok(LocalSession { aws, state_machine_arn, offboarding_state_machine_arn, amendment_state_machine_arn, reconciliation_state_machine_arn, seeded, sfn })
    }

    /// Starts executions the way the entry point does.
    pub fn workflow(&self) -> StepFunctionsAdapter {
        StepFunctionsAdapter::new(self.sfn.clone(), &self.state_machine_arn)
    }

    /// Starts offboardings the way the entry point does.
    pub fn offboarding_workflow(&self) -> StepFunctionsAdapter {
        StepFunctionsAdapter::new(self.sfn.clone(), &self.offboarding_state_machine_arn)
    }

    /// Runs one amendment to its end, calling `on_step` as each state ends.
    pub async fn amend(&self, request_json: &str, on_step: impl FnMut(&Step)) -> Result<Outcome> {
        let name = crate::execution_name_for::<onboarding_core::amendment::AmendmentRequest>(request_json);
        let workflow = StepFunctionsAdapter::new(self.sfn.clone(), &self.amendment_state_machine_arn);
        let (_, started) = onboarding_core::start::start_or_resume(&workflow, &name, request_json).await?;
        execution::follow(&self.sfn, &started.execution_arn, Duration::from_millis(250), on_step).await
    }

    /// Runs one reconciliation (`input`: `{}` for every team, `{"domainName": ...}` for one, or an
    /// Identity Center membership event) to its end under the execution name `name`.
    pub async fn reconcile(&self, name: &str, input: &str, on_step: impl FnMut(&Step)) -> Result<Outcome> {
        let workflow = StepFunctionsAdapter::new(self.sfn.clone(), &self.reconciliation_state_machine_arn);
        let (_, started) = onboarding_core::start::start_or_resume(&workflow, name, input).await?;
        execution::follow(&self.sfn, &started.execution_arn, Duration::from_millis(250), on_step).await
    }

    /// Runs one offboarding to its end, calling `on_step` as each state ends.
    pub async fn offboard(&self, request_json: &str, on_step: impl FnMut(&Step)) -> Result<Outcome> {
        let name = crate::execution_name_for::<onboarding_core::offboarding::OffboardingRequest>(request_json);
        let (_, started) = onboarding_core::start::start_or_resume(&self.offboarding_workflow(), &name, request_json).await?;
        execution::follow(&self.sfn, &started.execution_arn, Duration::from_millis(250), on_step).await
    }

    /// Runs one onboarding to its end, calling `on_step` as each state ends.
    pub async fn onboard(&self, request_json: &str, on_step: impl FnMut(&Step)) -> Result<Outcome> {
        let (_, started) = onboarding_core::start::start_or_resume(
            &self.workflow(),
            &crate::execution_name_for::<onboarding_core::OnboardingRequest>(request_json),
            request_json,
        )
        .await?;
        execution::follow(&self.sfn, &started.execution_arn, Duration::from_millis(250), on_step).await
    }
}
