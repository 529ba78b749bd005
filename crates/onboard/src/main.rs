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

mod commands;
use commands::checks::{plan, refused, schema, validate};
use commands::deployed::{start, status, watch, Stack};
use commands::drawings::diagram;
use commands::local::local;

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

fn read(file: &PathBuf) -> Result<String> {
    std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))
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
