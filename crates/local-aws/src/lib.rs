//! The local AWS on one machine: moto server (with its Step Functions interpreter switched on),
//! the router in `local-aws/router.py` (the one endpoint everyone uses: it fills moto's gaps and
//! injects faults, and runs the real function binaries under a Lambda Runtime API of its own:
//! `local-aws/lambda_pool.py`).
//!
//! ```text
//! SDK clients, the engine's Lambda calls ──> router :R ──> moto :M (everything else)
//!                                                     └──> the function binaries (Invoke)
//! ```
//!
//! Each function signs its calls as itself, and the router authorizes them by the function's
//! policies in the deployment template (`authorization`).
//!
//! Test and demo infrastructure: nothing here is deployed.

pub mod async_invoke;
pub mod authorization;
pub mod deploy;
mod http;
pub mod ledger;
pub mod prepare;
mod processes;
pub mod seed;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use serde_json::{json, Value};

pub use processes::free_ports;
use processes::Managed;

/// The account moto uses.
pub const ACCOUNT_ID: &str = "123456789012";
/// The prefix of roles the functions create locally.
pub const ROLE_NAME_PREFIX: &str = "sagemaker-onboarding-";
/// The verified sender the demo seeds.
pub const SENDER_ADDRESS: &str = "onboarding@example.com";
/// The one domain extra recipients may be in locally.
pub const RECIPIENT_DOMAIN: &str = "example.com";

/// The permissions boundary of the roles the local deployment creates (seeded as the stack
/// creates it).
pub fn permissions_boundary_arn() -> String {
    format!("arn:aws:iam::{ACCOUNT_ID}:policy/{ROLE_NAME_PREFIX}team-boundary")
}

/// The deployment template (`infra/template.yaml`), which the local AWS follows where it sets
/// something up as a deployment would (the permissions boundary, asynchronous invocations).
pub fn deployment_template() -> Result<serde_yaml::Value> {
    read_template(&project_root().join("infra/template.yaml"))
}

/// A deployment template, read as YAML.
pub fn read_template(path: &Path) -> Result<serde_yaml::Value> {
    let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    serde_yaml::from_str(&text).with_context(|| format!("{} is not YAML", path.display()))
}

/// What the local deployment's functions validate requests with: `deployment_env`, read as they
/// read their environment.
pub fn validation_context() -> onboarding_core::validate::ValidationContext {
    let env = deployment_env();
    onboarding_core::validate::ValidationContext::from_vars(|name| env.iter().find(|(k, _)| *k == name).map(|(_, v)| v.clone()))
}

/// The local deployment's limits, as the template's parameters set them for the functions (and
/// as `onboard validate` reads them): the role prefix, the account, the sender and the
/// recipients' domain; the managed policy allow-list is the default one.
pub fn deployment_env() -> Vec<(&'static str, String)> {
    use onboarding_core::config;
    vec![
        (config::ROLE_NAME_PREFIX, ROLE_NAME_PREFIX.to_string()),
        (config::SENDER_ADDRESS, SENDER_ADDRESS.to_string()),
        (config::ALLOWED_SENDERS, SENDER_ADDRESS.to_string()),
        (config::ALLOWED_RECIPIENT_DOMAINS, RECIPIENT_DOMAIN.to_string()),
        (config::DEPLOYMENT_ACCOUNT_ID, ACCOUNT_ID.to_string()),
        (config::PERMISSIONS_BOUNDARY_ARN, permissions_boundary_arn()),
    ]
}

#[derive(Clone, Debug)]
pub struct Options {
    /// The project root (holds `.venv`, `local-aws/router.py`, the workspace).
    pub root: PathBuf,
    pub region: String,
    /// Where the servers' logs go.
    pub log_dir: PathBuf,
    /// Concurrent instances per function.
    pub concurrency: u32,
    /// The workflow's tunables (the validate function reads them from its environment).
    pub tunables: deploy::Tunables,
    /// The deployment template whose policies the functions' calls are authorized by.
    pub template: PathBuf,
}

impl Options {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        let root = root.into();
        let log_dir = std::env::temp_dir().join(format!("sagemaker-onboarding-local-{}", std::process::id()));
        let template = root.join("infra/template.yaml");
        Options { root, region: "us-east-1".into(), log_dir, concurrency: 8, tunables: deploy::LOCAL_TUNABLES, template }
    }
}

/// The project root as seen from this crate's sources (the workspace's top).
pub fn project_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().unwrap_or_else(|_| PathBuf::from("."))
}

pub struct LocalAws {
    pub region: String,
    pub moto_port: u16,
    pub router_port: u16,
    pub log_dir: PathBuf,
    config: aws_config::SdkConfig,
    // Stopped in reverse order of start when dropped.
    processes: Vec<Managed>,
}

impl LocalAws {
    /// Builds the function binaries, then starts moto and the router (which runs them), and
    /// waits until each answers.
    pub async fn start(options: Options) -> Result<LocalAws> {
        let root = &options.root;
        let venv_bin = root.join(".venv/bin");
        if !venv_bin.join("moto_server").exists() {
            bail!("the local AWS is not installed: run scripts/setup first (it creates .venv with moto)");
        }
        std::fs::create_dir_all(&options.log_dir)?;
        let binaries = build_functions(root)?;
        let policies = authorization::write_function_policies(&options)?;
        let credentials = authorization::write_function_credentials(&options.log_dir)?;

        let [moto_port, router_port] = free_ports::<2>()?;
        let mut processes = Vec::new();

        let mut moto = Command::new(venv_bin.join("moto_server"));
        moto.args(["-H", "127.0.0.1", "-p", &moto_port.to_string()])
            // The interpreter sends Lambda invocations and aws-sdk integrations to MOTO_PORT: the router.
            .env("MOTO_PORT", router_port.to_string())
            .env("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")
            .env("MOTO_EC2_LOAD_DEFAULT_AMIS", "false");
        processes.push(Managed::spawn("moto_server", moto, &options.log_dir.join("moto.log"))?);

        let function_env = options.log_dir.join("function-env.json");
        std::fs::write(&function_env, serde_json::to_vec_pretty(&function_environment(&options, router_port, &credentials))?)?;
        let mut router = Command::new(venv_bin.join("python"));
        router.arg(root.join("local-aws/router.py")).args([
            "--port",
            &router_port.to_string(),
            "--moto-port",
            &moto_port.to_string(),
            "--region",
            &options.region,
            "--policies",
            &policies.display().to_string(),
            "--functions",
            &binaries.display().to_string(),
            "--function-env",
            &function_env.display().to_string(),
            "--function-log",
            &options.log_dir.join("functions.log").display().to_string(),
            "--concurrency",
            &options.concurrency.to_string(),
        ]);
        processes.push(Managed::spawn("router", router, &options.log_dir.join("router.log"))?);

        let config = sdk_config(router_port, &options.region).await;
        let mut local = LocalAws { region: options.region.clone(), moto_port, router_port, log_dir: options.log_dir.clone(), config, processes };
        local.wait_until_ready(Duration::from_secs(120))?;
        http::json(moto_port, "POST", "/moto-api/config", Some(&json!({"stepfunctions": {"execute_state_machine": true}})))?;
        Ok(local)
    }

    fn wait_until_ready(&mut self, limit: Duration) -> Result<()> {
        let deadline = Instant::now() + limit;
        let checks: [(u16, &str); 2] = [(self.moto_port, "moto_server"), (self.router_port, "router")];
        for (port, name) in checks {
            loop {
                if http::is_listening(port) {
                    break;
                }
                if let Some(p) = self.processes.iter_mut().find(|p| p.name == name) {
                    if p.has_exited() {
                        bail!("{name} stopped while starting; see {}", self.log_dir.display());
                    }
                }
                if Instant::now() > deadline {
                    bail!("{name} did not start within {limit:?}; see {}", self.log_dir.display());
                }
                std::thread::sleep(Duration::from_millis(100));
            }
        }
        Ok(())
    }

    /// The endpoint every client uses.
    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.router_port)
    }

    /// SDK configuration for the local endpoint (dummy credentials, the local region).
    pub fn sdk_config(&self) -> &aws_config::SdkConfig {
        &self.config
    }

    /// SDK configuration that signs as `function` does here: its calls are authorized by that
    /// function's policies (for tests that call a handler in-process).
    pub fn sdk_config_as(&self, function: &str) -> aws_config::SdkConfig {
        let credentials = aws_sdk_sfn::config::Credentials::new(function, "local", None, None, "local-function");
        self.config.to_builder().credentials_provider(aws_sdk_sfn::config::SharedCredentialsProvider::new(credentials)).build()
    }

    /// The pids of the servers, for the user who keeps them running.
    pub fn pids(&self) -> Vec<(&'static str, u32)> {
        self.processes.iter().map(|p| (p.name, p.pid())).collect()
    }

    /// Leaves the servers running after this value is dropped (`onboard local --keep`).
    pub fn keep_running(mut self) {
        for p in self.processes.drain(..) {
            std::mem::forget(p);
        }
    }

    /// An SES 24-hour sending quota over the sends whose body holds `matching` (a domain name):
    /// past `max` sends SES answers "Daily message quota exceeded", `refusals` times, and then the
    /// 24 hours move on (counted in calls, not time, so that a test does not depend on speed).
    pub fn limit_daily_sends(&self, matching: &str, max: u32, refusals: u32) -> Result<()> {
        let body = json!({"match": matching, "max24HourSend": max, "refusals": refusals});
        http::json(self.router_port, "POST", "/_local/ses-quota", Some(&body)).map(|_| ())
    }

    /// Router settings: `{"domainPendingPolls": N, "failDomains": {"name": "reason"}}`.
    pub fn configure(&self, settings: Value) -> Result<()> {
        http::json(self.router_port, "POST", "/_local/config", Some(&settings)).map(|_| ())
    }

    /// Fails (or delays) the next `count` calls of `op` (`service:Action`, for example
    /// `sagemaker:CreateDomain`, `iam:*`, `lambda:Invoke:poll-domain`); `fault["match"]` limits
    /// it to requests holding a text, `fault["matchDomain"]` to those naming a domain's application.
    pub fn inject_fault(&self, op: &str, count: u32, fault: Value) -> Result<()> {
        let mut body = fault;
        body["op"] = json!(op);
        body["count"] = json!(count);
        http::json(self.router_port, "POST", "/_local/faults", Some(&body)).map(|_| ())
    }

    /// The Identity Center assignments of the application `application_arn`: `{PrincipalType, PrincipalId}`.
    pub fn assignments(&self, application_arn: &str) -> Result<Vec<Value>> {
        self.read_back("/_local/assignments", &[("application", application_arn)])
    }

    /// One of the router's filtered reads (`/_local/recorded`, `/_local/emails`, ...): what one
    /// test made, whatever the others do at the same time.
    fn read_back<T: serde::de::DeserializeOwned>(&self, endpoint: &str, filters: &[(&str, &str)]) -> Result<T> {
        let query: Vec<String> = filters.iter().map(|(key, value)| format!("{key}={}", http::query_escape(value))).collect();
        let path = if query.is_empty() { endpoint.to_string() } else { format!("{endpoint}?{}", query.join("&")) };
        Ok(serde_json::from_value(http::json(self.router_port, "GET", &path, None)?)?)
    }

    /// Leaves the statement `sid` out of `function`'s policies for the calls that name `domain`
    /// (its name or id): the other tests, sharing this local AWS, keep the whole policy.
    pub fn leave_out_statement(&self, function: &str, sid: &str, domain: &str) -> Result<()> {
        let body = json!({"function": function, "withoutStatement": sid, "matchDomain": domain});
        http::json(self.router_port, "POST", "/_local/policies", Some(&body)).map(|_| ())
    }

    /// What the router holds: assignments, user profiles, call counts, refusals (not the recorded
    /// bodies: `recorded_matching` reads those).
    pub fn router_state(&self) -> Result<Value> {
        http::json(self.router_port, "GET", "/_local/state", None)
    }

    /// The events published on EventBridge so far in calls that mention `text` (a ticket, a run):
    /// (detail-type, detail), oldest first.
    pub fn published_events(&self, text: &str) -> Result<Vec<(String, Value)>> {
        let mut out = Vec::new();
        for body in self.recorded_matching("events:PutEvents", Some(text))? {
            let call: Value = serde_json::from_str(&body).unwrap_or(Value::Null);
            for entry in call["Entries"].as_array().into_iter().flatten() {
                let detail = entry["Detail"].as_str().and_then(|d| serde_json::from_str(d).ok()).unwrap_or(Value::Null);
                out.push((entry["DetailType"].as_str().unwrap_or_default().to_string(), detail));
            }
        }
        Ok(out)
    }

    /// The request bodies of the recorded calls of `op` (`iam:CreateRole`, `sagemaker:CreateDomain`,
    /// `sagemaker:CreateUserProfile`, `sagemaker:DeleteDomain`, `sso:CreateApplicationAssignment`, `ses:SendEmail`,
    /// `events:PutEvents`), oldest first.
    pub fn recorded(&self, op: &str) -> Result<Vec<String>> {
        self.recorded_matching(op, None)
    }

    /// The recorded bodies of `op` that hold `text` (filtered by the router: a test reads only its own).
    pub fn recorded_matching(&self, op: &str, text: Option<&str>) -> Result<Vec<String>> {
        let filters: Vec<(&str, &str)> = [("op", op)].into_iter().chain(text.map(|t| ("match", t))).collect();
        self.read_back("/_local/recorded", &filters)
    }

    /// How many recorded calls of `op` mention `text` (a domain name, a role name, an address).
    pub fn count_calls(&self, op: &str, text: &str) -> Result<usize> {
        Ok(self.recorded_matching(op, Some(text))?.len())
    }

    /// The calls IAM refused whose resource holds `text`: `{"function", "action", "resource", "decision"}`.
    pub fn denied(&self, text: &str) -> Result<Vec<Value>> {
        self.read_back("/_local/denied", &[("match", text)])
    }

    /// Clears moto and the router (a fresh account), keeping the servers.
    pub fn reset(&self) -> Result<()> {
        http::json(self.moto_port, "POST", "/moto-api/reset", None)?;
        http::json(self.router_port, "POST", "/_local/reset", None)?;
        http::json(self.moto_port, "POST", "/moto-api/config", Some(&json!({"stepfunctions": {"execute_state_machine": true}})))?;
        Ok(())
    }

    /// Every e-mail SES accepted.
    pub fn sent_emails(&self) -> Result<Vec<SentEmail>> {
        self.read_back("/_local/emails", &[])
    }

    /// The e-mails whose subject names `domain`: what one test sent, whatever others send at
    /// the same time through this local AWS.
    pub fn emails_about(&self, domain: &str) -> Result<Vec<SentEmail>> {
        self.read_back("/_local/emails", &[("about", domain)])
    }

    /// Where each server logs.
    pub fn logs(&self) -> PathBuf {
        self.log_dir.clone()
    }
}

/// An e-mail SES accepted, as the router keeps it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Deserialize)]
pub struct SentEmail {
    pub id: String,
    pub source: String,
    pub subject: String,
    pub body: String,
    pub destinations: Vec<String>,
}

impl SentEmail {
    /// Whether the subject names `domain` as a whole word (`team-a` is not `team-ab`): tests that
    /// share the local AWS look only at the e-mails about their own domain.
    pub fn is_about(&self, domain: &str) -> bool {
        self.subject.split_whitespace().any(|word| word == domain)
    }
}

/// SDK configuration for a local endpoint.
pub async fn sdk_config(router_port: u16, region: &str) -> aws_config::SdkConfig {
    aws_config::defaults(aws_config::BehaviorVersion::latest())
        .endpoint_url(format!("http://127.0.0.1:{router_port}"))
        .region(aws_config::Region::new(region.to_string()))
        .credentials_provider(aws_sdk_sfn::config::Credentials::new("testing", "testing", None, None, "local-aws"))
        .load()
        .await
}

/// Builds every function binary (the local AWS runs them as they are: no build per instance) and
/// returns the directory that holds them.
fn build_functions(root: &Path) -> Result<PathBuf> {
    let mut cmd = Command::new(cargo());
    cmd.args(["build", "--quiet", "--bins"]).current_dir(root);
    for name in function_names(root)? {
        cmd.args(["-p", &name]);
    }
    let status = cmd.status().context("running cargo build")?;
    if !status.success() {
        bail!("building the functions failed");
    }
    Ok(target_dir(root)?.join("debug"))
}

fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".into())
}

/// Where Cargo builds the workspace (`CARGO_TARGET_DIR`, a config file, or `target/`).
pub fn target_dir(root: &Path) -> Result<PathBuf> {
    let out = Command::new(cargo()).args(["metadata", "--format-version", "1", "--no-deps"]).current_dir(root).output().context("running cargo metadata")?;
    if !out.status.success() {
        bail!("cargo metadata failed: {}", String::from_utf8_lossy(&out.stderr));
    }
    let metadata: Value = serde_json::from_slice(&out.stdout).context("cargo metadata printed no JSON")?;
    metadata["target_directory"].as_str().map(PathBuf::from).context("cargo metadata names no target directory")
}

/// What every local function finds in its environment beside what Lambda sets: the endpoint,
/// the credentials that name it, the deployment's variables and the workflow's tunables.
fn function_environment(options: &Options, router_port: u16, credentials: &Path) -> serde_json::Map<String, Value> {
    use onboarding_core::config;
    let region = &options.region;
    let mut env: Vec<(String, String)> = vec![
        ("PATH".into(), std::env::var("PATH").unwrap_or_default()),
        ("AWS_ENDPOINT_URL".into(), format!("http://127.0.0.1:{router_port}")),
        ("AWS_REGION".into(), region.clone()),
        ("IDENTITY_CENTER_REGION".into(), region.clone()),
        (config::EVENT_BUS_NAME.into(), deploy::LOCAL_EVENT_BUS.into()),
        ("POLL_INTERVAL_SECONDS".into(), options.tunables.poll_interval_seconds.to_string()),
        ("MAX_POLLS".into(), options.tunables.max_polls.to_string()),
        (config::QUOTA_WAIT_SECONDS.into(), options.tunables.quota_wait_seconds.to_string()),
        (config::INVITATIONS_TABLE.into(), ledger::LOCAL_INVITATIONS_TABLE.into()),
        ("RUST_LOG".into(), std::env::var("RUST_LOG").unwrap_or_else(|_| "info".into())),
    ];
    // The entry point's: each workflow's state machine, as LocalSession deploys it.
    env.extend(onboarding_core::Workflow::ALL.map(|w| (w.facts().state_machine_arn_variable.to_string(), deploy::local_state_machine_arn(region, w))));
    env.extend(authorization::function_credentials_env(credentials).into_iter().map(|(k, v)| (k.to_string(), v)));
    env.extend(deployment_env().into_iter().map(|(k, v)| (k.to_string(), v)));
    env.into_iter().map(|(k, v)| (k, Value::String(v))).collect()
}

/// The function crates: `functions/<group>/<name>`, a group per workflow (`shared` for the steps
/// several workflows run, `entry` for the entry points); each is named after its Task state.
pub fn function_names(root: &Path) -> Result<Vec<String>> {
    Ok(function_dirs(root)?.into_iter().map(|(name, _)| name).collect())
}

/// The group of the functions that start the workflows rather than run in them (the API and
/// ticket entry point, the dry runs): no definition names them.
pub const ENTRY_GROUP: &str = "entry";

/// The functions the definitions' Task states run: every function outside the entry group.
pub fn step_function_names(root: &Path) -> Result<Vec<String>> {
    Ok(function_dirs(root)?.into_iter().filter(|(_, dir)| group_of(dir) != ENTRY_GROUP).map(|(name, _)| name).collect())
}

fn group_of(dir: &Path) -> &str {
    dir.parent().and_then(|g| g.file_name()).and_then(|g| g.to_str()).unwrap_or_default()
}

/// Each function crate's name and directory, by name.
pub fn function_dirs(root: &Path) -> Result<Vec<(String, PathBuf)>> {
    let mut found = Vec::new();
    for group in std::fs::read_dir(root.join("functions")).context("reading functions/")? {
        let group = group?.path();
        if !group.is_dir() {
            continue;
        }
        for function in std::fs::read_dir(&group)? {
            let dir = function?.path();
            if let (true, Some(name)) = (dir.join("Cargo.toml").exists(), dir.file_name().and_then(|n| n.to_str())) {
                found.push((name.to_string(), dir.clone()));
            }
        }
    }
    found.sort();
    Ok(found)
}

/// The group (`onboarding`, `shared`, `entry`, ...) a function crate is in.
pub fn function_group(root: &Path, name: &str) -> Result<String> {
    let dirs = function_dirs(root)?;
    let (_, dir) = dirs.iter().find(|(n, _)| n == name).with_context(|| format!("no function {name} under functions/"))?;
    Ok(group_of(dir).to_string())
}
