//! `onboard start|status|watch <workflow>`: a workflow on a deployed stack.

use super::*;

#[derive(clap::Args)]
pub(crate) struct Stack {
    /// The workflow's state machine (the stack's output; default: the variable
    /// `<WORKFLOW>_STATE_MACHINE_ARN`, such as ONBOARDING_STATE_MACHINE_ARN).
    #[arg(long)]
    pub(crate) state_machine_arn: Option<String>,
    /// A named profile from the AWS config files.
    #[arg(long, env = "AWS_PROFILE")]
    pub(crate) profile: Option<String>,
    /// The region (default: from the profile or the environment).
    #[arg(long, env = "AWS_REGION")]
    pub(crate) region: Option<String>,
}

impl Stack {
    /// The state machine of `workflow`: the flag, else the workflow's variable.
    pub(crate) fn state_machine_arn(&self, workflow: Workflow) -> Result<String> {
        let variable = format!("{}_STATE_MACHINE_ARN", workflow.noun().to_uppercase());
        self.state_machine_arn
            .clone()
            .or_else(|| std::env::var(&variable).ok().filter(|v| !v.is_empty()))
            .with_context(|| format!("which state machine? give --state-machine-arn or set {variable}"))
    }

    async fn clients(&self, workflow: Workflow) -> Result<(aws_sdk_sfn::Client, StepFunctionsAdapter, String)> {
        let arn = self.state_machine_arn(workflow)?;
        let config = sdk_config(self.profile.as_deref(), self.region.as_deref()).await;
        let sfn = aws_sdk_sfn::Client::new(&config);
        let adapter = StepFunctionsAdapter::new(sfn.clone(), &arn);
        Ok((sfn, adapter, arn))
    }
}

/// The SDK configuration from the standard credential chain, with the profile and region asked for.
pub(crate) async fn sdk_config(profile: Option<&str>, region: Option<&str>) -> aws_config::SdkConfig {
    let mut loader = aws_config::defaults(aws_config::BehaviorVersion::latest());
    if let Some(profile) = profile {
        loader = loader.profile_name(profile);
    }
    if let Some(region) = region {
        loader = loader.region(aws_config::Region::new(region.to_string()));
    }
    loader.load().await
}

pub(crate) async fn start(workflow: Workflow, file: Option<PathBuf>, stack: Stack, follow: bool) -> Result<ExitCode> {
    let role_name_prefix = std::env::var("ROLE_NAME_PREFIX").unwrap_or_else(|_| "sagemaker-onboarding-".into());
    let ctx = ValidationContext { role_name_prefix, ..ValidationContext::from_env() };
    let (text, shown) = match (&file, workflow) {
        (Some(file), _) => (read(file)?, file.clone()),
        // Every team: the schedule's own input.
        (None, Workflow::Reconciliation) => ("{}".to_string(), PathBuf::from("(every team)")),
        (None, _) => anyhow::bail!("the {workflow} needs a request file"),
    };
    let mut base = match workflow.check(&text, &ctx) {
        Ok(base) => base,
        Err(problems) => return Ok(refused(&shown, &problems)),
    };
    if workflow == Workflow::Reconciliation {
        // A reconciliation asked for by hand is a run of its own, not the schedule's last one.
        let seconds = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH)?.as_secs();
        base = format!("{base}-{seconds}");
    }
    let (_, adapter, _) = stack.clients(workflow).await?;
    let (name, started) = onboarding_core::start::start_or_resume(&adapter, &base, &text).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    println!("{name}{}", if started.existing { " (already started)" } else { "" });
    if follow {
        return watch(workflow, name, stack).await;
    }
    Ok(ExitCode::SUCCESS)
}

pub(crate) async fn status(workflow: Workflow, id: String, stack: Stack) -> Result<ExitCode> {
    let (_, adapter, state_machine) = stack.clients(workflow).await?;
    let arn = onboarding_core::naming::execution_arn(&state_machine, &id);
    let Some(view) = adapter.describe(&arn).await.map_err(|e| anyhow::anyhow!("{e}"))? else {
        eprintln!("no {workflow} {id}");
        return Ok(ExitCode::FAILURE);
    };
    let output: serde_json::Value = view.output.as_deref().and_then(|o| serde_json::from_str(o).ok()).unwrap_or_default();
    println!("{id}: {}", view.status);
    if let Some(state) = &view.current_state {
        println!("  step:   {state}");
    }
    if let Some(url) = output["domainUrl"].as_str() {
        println!("  domain: {} {url}", output["domainId"].as_str().unwrap_or_default());
    }
    if let Some(error) = &view.error {
        println!("  error:  {error}: {}", cause_message(view.cause.as_deref().unwrap_or_default()));
    }
    Ok(ExitCode::SUCCESS)
}

pub(crate) async fn watch(workflow: Workflow, id: String, stack: Stack) -> Result<ExitCode> {
    let (sfn, _, state_machine) = stack.clients(workflow).await?;
    let arn = onboarding_core::naming::execution_arn(&state_machine, &id);
    let outcome = onboard::execution::follow(&sfn, &arn, std::time::Duration::from_secs(2), print_step).await?;
    println!("\n{}", outcome.status);
    print_path(&outcome);
    print_outcome(&outcome);
    Ok(if outcome.succeeded() { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}
