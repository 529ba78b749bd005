//! `onboard`: validate a request, print a workflow's schema, plan, start and follow a workflow on a
//! deployed stack, or run one end to end on the local AWS.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use local_aws::deploy::Tunables;
use onboard::execution::{Outcome, Step};
use onboard::local::LocalSession;
use onboarding_aws::step_functions::StepFunctionsAdapter;
use onboarding_core::ports::WorkflowPort;
use onboarding_core::validate::{validate_json, ValidationContext};
use onboarding_core::Workflow;

#[derive(Parser)]
#[command(name = "onboard", version, about = "Onboard teams to Amazon SageMaker domains with IAM Identity Center")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check a request: print every problem with its field path (exit 1), or the normalised request.
    /// The deployment's limits come from the variables its functions read: ALLOWED_MANAGED_POLICY_ARNS,
    /// DEPLOYMENT_ACCOUNT_ID, ALLOWED_SENDERS (with SENDER_ADDRESS) and ALLOWED_RECIPIENT_DOMAINS.
    Validate {
        file: PathBuf,
        /// The deployment's role name prefix (role names are checked with it).
        #[arg(long, env = "ROLE_NAME_PREFIX", default_value = "sagemaker-onboarding-")]
        role_name_prefix: String,
    },
    /// Check a request against the target account without creating anything, then print what the
    /// workflow would do: for an onboarding, validation, the Identity Center instance, users and
    /// groups, the network, the roles and the domain's name, then what it would create, reuse,
    /// assign and send; for an amendment or an offboarding, what it would assign, remove, delete,
    /// keep and send (exit 1 when a check fails, with the error the workflow would fail with).
    Plan {
        /// The workflow the request is for: onboarding, amendment or offboarding.
        workflow: Workflow,
        file: PathBuf,
        /// The deployment's role name prefix (role names are checked with it).
        #[arg(long, env = "ROLE_NAME_PREFIX", default_value = "sagemaker-onboarding-")]
        role_name_prefix: String,
        /// The Identity Center instance, when the region has several active ones.
        #[arg(long, env = "IDENTITY_CENTER_INSTANCE_ARN")]
        identity_center_instance_arn: Option<String>,
        /// A named profile from the AWS config files.
        #[arg(long, env = "AWS_PROFILE")]
        profile: Option<String>,
        /// IAM Identity Center's region, where the domain is created (default: the profile's or the environment's).
        #[arg(long, env = "IDENTITY_CENTER_REGION")]
        region: Option<String>,
    },
    /// Print a workflow's request JSON Schema (default: the onboarding's).
    Schema {
        /// onboarding, amendment, reconciliation or offboarding.
        workflow: Option<Workflow>,
    },
    /// Draw the state machines: print the definitions named, or rewrite the drawings in the
    /// pages under `docs/` (or the one page `--readme` names) so that they match the definitions.
    Diagram {
        /// Definitions to print (statemachine/*.asl.json).
        files: Vec<PathBuf>,
        /// The one page to rewrite (default: every page under docs/, run from the project root).
        #[arg(long)]
        readme: Option<PathBuf>,
        /// Only check: exit 1 when a drawing no longer matches its definition.
        #[arg(long)]
        check: bool,
    },
    /// Run an onboarding end to end on the local AWS (moto, the real definition, the real functions).
    Local {
        #[arg(default_value = "examples/cli-flow.json")]
        file: PathBuf,
        /// Leave the local AWS running afterwards and print its endpoint.
        #[arg(long)]
        keep: bool,
        /// How many polls the new domain stays Pending (the local AWS holds it there).
        #[arg(long, default_value_t = 2)]
        pending_polls: u32,
        /// Seconds between status polls.
        #[arg(long, default_value_t = 1)]
        poll_interval: u32,
        /// Then amend the team's access with this amendment request.
        #[arg(long)]
        then_amend: Option<PathBuf>,
        /// Then let the directory change on its own (in the team's first group, the seeded user
        /// `jane` joins and `omar` leaves) and reconcile the team: jane gets an invitation, the
        /// owner a report.
        #[arg(long)]
        then_reconcile: bool,
        /// Then offboard the team with this offboarding request (the whole life of a team).
        #[arg(long)]
        then_offboard: Option<PathBuf>,
    },
    /// Start a workflow on a deployed stack and print its id (the request is checked first, as
    /// the entry point checks it). A reconciliation needs no file: every team the workflow
    /// onboarded is compared with its Identity Center groups.
    Start {
        /// onboarding, amendment, reconciliation or offboarding.
        workflow: Workflow,
        /// The request.
        file: Option<PathBuf>,
        #[command(flatten)]
        stack: Stack,
        /// Follow it until it ends (as `watch` does).
        #[arg(long)]
        watch: bool,
    },
    /// Print the status of an execution of a workflow on a deployed stack.
    Status {
        workflow: Workflow,
        id: String,
        #[command(flatten)]
        stack: Stack,
    },
    /// Follow an execution step by step until it ends; the exit code says how it ended.
    Watch {
        workflow: Workflow,
        id: String,
        #[command(flatten)]
        stack: Stack,
    },
}

/// Where the deployed workflow is, and how to reach it (the AWS SDK's usual credential chain).
#[derive(clap::Args)]
struct Stack {
    /// The workflow's state machine (the stack's output; default: the variable
    /// `<WORKFLOW>_STATE_MACHINE_ARN`, such as ONBOARDING_STATE_MACHINE_ARN).
    #[arg(long)]
    state_machine_arn: Option<String>,
    /// A named profile from the AWS config files.
    #[arg(long, env = "AWS_PROFILE")]
    profile: Option<String>,
    /// The region (default: from the profile or the environment).
    #[arg(long, env = "AWS_REGION")]
    region: Option<String>,
}

impl Stack {
    /// The state machine of `workflow`: the flag, else the workflow's variable.
    fn state_machine_arn(&self, workflow: Workflow) -> Result<String> {
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
async fn sdk_config(profile: Option<&str>, region: Option<&str>) -> aws_config::SdkConfig {
    let mut loader = aws_config::defaults(aws_config::BehaviorVersion::latest());
    if let Some(profile) = profile {
        loader = loader.profile_name(profile);
    }
    if let Some(region) = region {
        loader = loader.region(aws_config::Region::new(region.to_string()));
    }
    loader.load().await
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Validate { file, role_name_prefix } => validate(&file, role_name_prefix),
        Command::Plan { workflow, file, role_name_prefix, identity_center_instance_arn, profile, region } => {
            block_on(plan(workflow, file, role_name_prefix, identity_center_instance_arn, profile, region))
        }
        Command::Schema { workflow } => schema(workflow.unwrap_or(Workflow::Onboarding)),
        Command::Diagram { files, readme, check } => diagram(&files, readme.as_deref(), check),
        Command::Local { file, keep, pending_polls, poll_interval, then_amend, then_reconcile, then_offboard } => {
            local(&file, keep, pending_polls, poll_interval, then_amend.as_deref(), then_reconcile, then_offboard.as_deref())
        }
        Command::Start { workflow, file, stack, watch } => block_on(start(workflow, file, stack, watch)),
        Command::Status { workflow, id, stack } => block_on(status(workflow, id, stack)),
        Command::Watch { workflow, id, stack } => block_on(watch(workflow, id, stack)),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn block_on<F: std::future::Future<Output = Result<ExitCode>>>(f: F) -> Result<ExitCode> {
    tokio::runtime::Runtime::new()?.block_on(f)
}

/// Checks the request as the entry point does, starts it on the stack's state machine (or finds
/// it started) and prints its id; with `follow`, watches it to its end.
async fn start(workflow: Workflow, file: Option<PathBuf>, stack: Stack, follow: bool) -> Result<ExitCode> {
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

async fn status(workflow: Workflow, id: String, stack: Stack) -> Result<ExitCode> {
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

async fn watch(workflow: Workflow, id: String, stack: Stack) -> Result<ExitCode> {
    let (sfn, _, state_machine) = stack.clients(workflow).await?;
    let arn = onboarding_core::naming::execution_arn(&state_machine, &id);
    let outcome = onboard::execution::follow(&sfn, &arn, std::time::Duration::from_secs(2), print_step).await?;
    println!("\n{}", outcome.status);
    print_path(&outcome);
    print_outcome(&outcome);
    Ok(if outcome.succeeded() { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}

fn read(file: &PathBuf) -> Result<String> {
    std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))
}

fn validate(file: &PathBuf, role_name_prefix: String) -> Result<ExitCode> {
    match validate_json(&read(file)?, &ValidationContext { role_name_prefix, ..ValidationContext::from_env() }) {
        Ok(request) => {
            println!("{}", serde_json::to_string_pretty(&request)?);
            Ok(ExitCode::SUCCESS)
        }
        Err(problems) => Ok(refused(file, &problems)),
    }
}

async fn plan(
    workflow: Workflow,
    file: PathBuf,
    role_name_prefix: String,
    instance_arn: Option<String>,
    profile: Option<String>,
    region: Option<String>,
) -> Result<ExitCode> {
    use plan_workflow::{plan, plan_amendment, plan_offboarding, Deployment, Readers};
    let validation = ValidationContext { role_name_prefix, ..ValidationContext::from_env() };
    let text = read(&file)?;
    let config = sdk_config(profile.as_deref(), region.as_deref()).await;
    let region = onboarding_aws::config_region(&config);
    let deployment = Deployment { role_name_prefix: &validation.role_name_prefix, region: &region, identity_center_instance_arn: instance_arn.as_deref() };
    let identity = onboarding_aws::identity_center::IdentityCenterAdapter::from_config(&config);
    let network = onboarding_aws::ec2::Ec2Adapter::from_config(&config);
    let iam = onboarding_aws::iam::IamAdapter::from_config(&config);
    let sagemaker = onboarding_aws::sagemaker::SageMakerAdapter::from_config(&config);
    let sso = onboarding_aws::sso_assignments::AssignmentAdapter::from_config(&config);
    let readers = Readers { identity: &identity, network: &network, iam: &iam, sagemaker: &sagemaker, sso: &sso };
    let planned = match workflow {
        Workflow::Offboarding => match onboarding_core::offboarding::validate_offboarding_json(&text, &validation) {
            Ok(request) => plan_offboarding(readers, &region, &validation, &request).await,
            Err(problems) => return Ok(refused(&file, &problems)),
        },
        Workflow::Amendment => match onboarding_core::amendment::validate_amendment_json(&text, &validation) {
            Ok(request) => plan_amendment(readers, &deployment, &validation, &request).await,
            Err(problems) => return Ok(refused(&file, &problems)),
        },
        Workflow::Onboarding => match validate_json(&text, &validation) {
            Ok(request) => plan(readers, &deployment, request).await,
            Err(problems) => return Ok(refused(&file, &problems)),
        },
        Workflow::Reconciliation => anyhow::bail!("the reconciliation has no dry run: it only reads until it finds a change"),
    };
    match planned {
        Ok(lines) => {
            println!("The {workflow} of {} would (nothing was changed):", file.display());
            for line in lines {
                println!("  {:<8} {}", line.action.as_str(), line.what);
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            eprintln!("{}: the {workflow} would fail with {}: {}", file.display(), e.name, e.message);
            Ok(ExitCode::FAILURE)
        }
    }
}

/// Prints every problem of a request that validation refused.
fn refused(file: &std::path::Path, problems: &[onboarding_core::validate::Problem]) -> ExitCode {
    eprintln!("{} is not a valid request:", file.display());
    for p in problems {
        eprintln!("  {p}");
    }
    ExitCode::FAILURE
}

fn schema(workflow: Workflow) -> Result<ExitCode> {
    println!("{}", serde_json::to_string_pretty(&workflow.request_schema())?);
    Ok(ExitCode::SUCCESS)
}

fn diagram(files: &[PathBuf], readme: Option<&std::path::Path>, check: bool) -> Result<ExitCode> {
    for file in files {
        let definition: serde_json::Value = serde_json::from_str(&read(file)?).with_context(|| format!("{} is not JSON", file.display()))?;
        println!("{}", onboard::diagram::mermaid(&definition)?);
    }
    if !files.is_empty() && readme.is_none() && !check {
        return Ok(ExitCode::SUCCESS);
    }
    let pages: Vec<PathBuf> = match readme {
        Some(page) => vec![page.to_path_buf()],
        None => {
            let mut pages: Vec<PathBuf> = std::fs::read_dir("docs")
                .context("reading docs/ (run from the project root)")?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|e| e == "md"))
                .collect();
            pages.sort();
            pages
        }
    };
    let mut stale = false;
    for page in &pages {
        let text = std::fs::read_to_string(page).with_context(|| format!("reading {}", page.display()))?;
        // The drawings name their definitions from the project root, the working directory.
        let fresh = onboard::diagram::refresh(&text, std::path::Path::new("."))?;
        if fresh == text {
            continue;
        }
        if check {
            eprintln!("{}: a diagram no longer matches its definition; run onboard diagram --readme {}", page.display(), page.display());
            stale = true;
            continue;
        }
        std::fs::write(page, fresh).with_context(|| format!("writing {}", page.display()))?;
        println!("{}: diagrams rewritten", page.display());
    }
    if stale {
        return Ok(ExitCode::FAILURE);
    }
    println!("the diagrams match their definitions");
    Ok(ExitCode::SUCCESS)
}

fn local(
    file: &PathBuf,
    keep: bool,
    pending_polls: u32,
    poll_interval: u32,
    then_amend: Option<&std::path::Path>,
    then_reconcile: bool,
    then_offboard: Option<&std::path::Path>,
) -> Result<ExitCode> {
    let read_later = |f: Option<&std::path::Path>| f.map(|f| std::fs::read_to_string(f).with_context(|| format!("reading {}", f.display()))).transpose();
    let (amendment, offboarding) = (read_later(then_amend)?, read_later(then_offboard)?);
    let request = read(file)?;
    let runtime = tokio::runtime::Runtime::new()?;
    runtime.block_on(async {
        let root = std::env::current_dir()?;
        println!("Starting the local AWS (moto, the router and the functions' binaries) ...");
        let session = LocalSession::start(&root, Tunables { poll_interval_seconds: poll_interval, ..local_aws::deploy::LOCAL_TUNABLES }).await?;
        session.aws.configure(serde_json::json!({"domainPendingPolls": pending_polls}))?;
        println!("Local AWS at {}; onboarding {}", session.aws.endpoint(), file.display());
        let request = prepare_example(&session, request).await?;
        let started = std::time::Instant::now();
        let outcome = session.onboard(&request, print_step).await?;
        println!("\n{} in {:.1} s ({} state transitions)", outcome.status, started.elapsed().as_secs_f64(), outcome.transitions);
        print_path(&outcome);
        print_outcome(&outcome);
        print_emails(&session)?;
        let mut code = if outcome.succeeded() { ExitCode::SUCCESS } else { ExitCode::FAILURE };
        // The team's later days, each only after the one before succeeded.
        let reconciliation = then_reconcile.then(|| serde_json::json!({"domainName": domain_name_of(&request)}).to_string());
        let later = [
            (Workflow::Amendment, amendment.as_deref(), then_amend),
            (Workflow::Reconciliation, reconciliation.as_deref(), None),
            (Workflow::Offboarding, offboarding.as_deref(), then_offboard),
        ];
        for (workflow, text, path) in later {
            let (Some(text), ExitCode::SUCCESS) = (text, code) else { continue };
            let what = path.map(|f| f.display().to_string()).unwrap_or_default();
            let started = std::time::Instant::now();
            let outcome = match workflow {
                Workflow::Onboarding => continue,
                Workflow::Amendment => {
                    println!("\nDay two: amending the team's access with {what}");
                    session.amend(text, print_step).await?
                }
                Workflow::Reconciliation => {
                    let joined = change_first_group(&session, &request).await?;
                    println!("\nThe directory changes on its own: {joined}; reconciling the team");
                    session.reconcile(&format!("{}-demo", domain_name_of(&request)), text, print_step).await?
                }
                Workflow::Offboarding => {
                    println!("\nThe team's last day: offboarding with {what}");
                    session.offboard(text, print_step).await?
                }
            };
            println!("\n{} in {:.1} s ({} state transitions)", outcome.status, started.elapsed().as_secs_f64(), outcome.transitions);
            print_path(&outcome);
            print_outcome(&outcome);
            if !outcome.succeeded() {
                code = ExitCode::FAILURE;
            }
        }
        if then_amend.is_some() || then_reconcile || then_offboard.is_some() {
            print_emails(&session)?;
        }
        if keep {
            println!("\nThe local AWS keeps running at {} (region {}). For example:", session.aws.endpoint(), session.aws.region);
            println!(
                "  AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing aws --endpoint-url {} --region {} sagemaker list-domains",
                session.aws.endpoint(),
                session.aws.region
            );
            let pids: Vec<String> = session.aws.pids().iter().map(|(n, p)| format!("{n} {p}")).collect();
            println!("Stop it with: kill -- -PID for each of: {}", pids.join(", "));
            session.aws.keep_running();
        }
        Ok(code)
    })
}

fn domain_name_of(request: &str) -> String {
    serde_json::from_str::<serde_json::Value>(request).ok().and_then(|v| v["domainName"].as_str().map(str::to_string)).unwrap_or_default()
}

/// What the demo's directory does on its own: in the request's first group, the seeded user
/// `jane` (removed by name the day before) joins and `omar` leaves.
async fn change_first_group(session: &LocalSession, request: &str) -> Result<String> {
    use aws_sdk_identitystore::types::{AlternateIdentifier, MemberId, UniqueAttribute};
    let value: serde_json::Value = serde_json::from_str(request)?;
    let group = value["identityCenter"]["groups"][0].as_str().context("the onboarding names no group to change")?;
    let store = aws_sdk_identitystore::Client::new(session.aws.sdk_config());
    let store_id = &session.seeded.identity_store_id;
    let unique = |path: &str, value: &str| -> Result<AlternateIdentifier> {
        let attribute = UniqueAttribute::builder().attribute_path(path).attribute_value(aws_smithy_types::Document::from(value)).build()?;
        Ok(AlternateIdentifier::UniqueAttribute(attribute))
    };
    let group_id = store.get_group_id().identity_store_id(store_id).alternate_identifier(unique("displayName", group)?).send().await?.group_id().to_string();
    let mut ids = Vec::new();
    for name in ["jane", "omar"] {
        ids.push(store.get_user_id().identity_store_id(store_id).alternate_identifier(unique("userName", name)?).send().await?.user_id().to_string());
    }
    let (jane, omar) = (ids[0].clone(), ids[1].clone());
    store.create_group_membership().identity_store_id(store_id).group_id(&group_id).member_id(MemberId::UserId(jane)).send().await?;
    let memberships = store.list_group_memberships().identity_store_id(store_id).group_id(&group_id).send().await?;
    let leaving = memberships.group_memberships().iter().find(|m| matches!(m.member_id(), Some(MemberId::UserId(u)) if *u == omar));
    if let Some(membership) = leaving {
        store.delete_group_membership().identity_store_id(store_id).membership_id(membership.membership_id()).send().await?;
    }
    Ok(format!("jane joins {group} and omar leaves it"))
}

/// Creates the network the request names when the local account lacks it, and says which local
/// ids stand in for the request's (the local AWS assigns its own).
async fn prepare_example(session: &LocalSession, request: String) -> Result<String> {
    let Ok(mut value) = serde_json::from_str::<serde_json::Value>(&request) else { return Ok(request) };
    let prepared = local_aws::prepare::prepare_network(session.aws.sdk_config(), &session.aws.region, &mut value, 30).await?;
    if prepared.is_empty() {
        return Ok(request);
    }
    println!("The local AWS prepared what the request names (and the request now names the local ids):");
    for p in &prepared {
        if p.named == p.local {
            println!("  {:<18} {}", p.kind, p.local);
        } else {
            println!("  {:<18} {} for {}", p.kind, p.local, p.named);
        }
    }
    Ok(value.to_string())
}

fn print_step(step: &Step) {
    let retries = if step.retried.is_empty() { String::new() } else { format!("  (retried after {})", step.retried.join(", ")) };
    match &step.failure {
        None => println!("  ok    {:<22} {:>6.1} s{retries}", step.state, step.elapsed.as_secs_f64()),
        Some((error, cause)) => println!("  FAIL  {:<22} {:>6.1} s  {error}: {}", step.state, step.elapsed.as_secs_f64(), cause_message(cause)),
    }
}

fn print_path(outcome: &Outcome) {
    println!("Path: {}", outcome.path());
}

fn cause_message(cause: &str) -> String {
    serde_json::from_str::<serde_json::Value>(cause).ok().and_then(|v| v["errorMessage"].as_str().map(str::to_string)).unwrap_or_else(|| cause.to_string())
}

fn print_outcome(outcome: &Outcome) {
    if let Some(output) = &outcome.output {
        println!("\nSummary:\n{}", serde_json::to_string_pretty(output).unwrap_or_default());
    }
    if let (Some(error), cause) = (&outcome.error, &outcome.cause) {
        println!("\nFailed with {error}: {}", cause_message(cause.as_deref().unwrap_or_default()));
    }
}

fn print_emails(session: &LocalSession) -> Result<()> {
    let emails = session.aws.sent_emails()?;
    println!("\nE-mails sent ({}):", emails.len());
    for email in emails {
        println!("  to {}: {}", email.destinations.join(", "), email.subject);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Option<Command> {
        Cli::try_parse_from([&["onboard"], args].concat()).ok().map(|cli| cli.command)
    }

    #[test]
    fn workflows_are_named_from_the_registry() {
        assert!(matches!(parse(&["schema", "amendment"]), Some(Command::Schema { workflow: Some(Workflow::Amendment) })));
        assert!(matches!(parse(&["schema"]), Some(Command::Schema { workflow: None })));
        assert!(matches!(parse(&["plan", "offboarding", "f.json"]), Some(Command::Plan { workflow: Workflow::Offboarding, .. })));
        assert!(matches!(parse(&["start", "reconciliation"]), Some(Command::Start { workflow: Workflow::Reconciliation, file: None, .. })));
        assert!(matches!(parse(&["watch", "onboarding", "ticket-1"]), Some(Command::Watch { workflow: Workflow::Onboarding, .. })));
        assert!(parse(&["schema", "payroll"]).is_none());
        assert!(parse(&["plan", "f.json"]).is_none());
    }

    #[test]
    fn a_state_machine_comes_from_the_flag_or_the_workflows_variable() {
        let stack = Stack { state_machine_arn: Some("arn:flag".into()), profile: None, region: None };
        assert_eq!(stack.state_machine_arn(Workflow::Amendment).ok().as_deref(), Some("arn:flag"));
        let unset = Stack { state_machine_arn: None, profile: None, region: None };
        let missing = unset.state_machine_arn(Workflow::Reconciliation).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(missing.contains("RECONCILIATION_STATE_MACHINE_ARN"), "{missing}");
    }
}
