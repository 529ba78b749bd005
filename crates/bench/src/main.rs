//! `bench`: cold start, peak memory, package size, cost per onboarding and build times, with a
//! boto3 baseline measured in the same run on the same machine. Prints a table (Markdown).
//!
//! Each function's release build is started as a fresh process under a minimal local Runtime
//! API that gives it its real input twice, its AWS calls answered by the local AWS: init (until
//! it asks for its first invocation, Lambda's Init Duration), the first answer from process start,
//! the warm answer (the second invocation), and the cold start: first answer minus warm answer.

mod runtime_api;
mod team_sizes;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use aws_sdk_sfn::types::HistoryEventType;
use onboard::local::LocalSession;
use runtime_api::RuntimeApi;
use serde_json::{json, Value};

const RUNS: usize = 5;
/// Public prices (us-east-1, 2026): Step Functions Standard per state transition, Lambda arm64
/// per GB-second and per request.
const PRICE_PER_TRANSITION: f64 = 0.025 / 1000.0;
const PRICE_PER_GB_SECOND_ARM: f64 = 0.000_013_333_4;
const PRICE_PER_REQUEST: f64 = 0.20 / 1_000_000.0;
const MEMORY_MB: f64 = 128.0;

/// One function's runs, each a fresh process given the same input twice.
#[derive(Default)]
struct Measure {
    /// Process start until it asks for its first invocation: Lambda's Init Duration.
    init_ms: Vec<f64>,
    /// Process start until its first answer: what a request that meets a cold function waits.
    first_answer_ms: Vec<f64>,
    /// The second invocation, from its request to its answer: what a warm function takes.
    warm_ms: Vec<f64>,
    rss_kib: Vec<u64>,
    answered_ok: bool,
}

impl Measure {
    /// The cold start: how much longer the first answer takes than a warm one (init, first
    /// connections, lazy set-up), the median over the runs.
    fn cold_start_ms(&self) -> f64 {
        let penalties: Vec<f64> = self.first_answer_ms.iter().zip(&self.warm_ms).map(|(first, warm)| first - warm).collect();
        median(&penalties)
    }
}

fn median(values: &[f64]) -> f64 {
    let mut v = values.to_vec();
    v.sort_by(|a, b| a.total_cmp(b));
    v.get(v.len() / 2).copied().unwrap_or(f64::NAN)
}

fn main() -> Result<()> {
    let root = local_aws::project_root();
    let args: Vec<String> = std::env::args().collect();
    // The cold build is timed unless asked not to (it empties nothing: it builds into a
    // directory of its own).
    let cold_build = !args.iter().any(|a| a == "--no-cold-build");
    let team_sizes: Vec<usize> = match args.iter().position(|a| a == "--team-sizes") {
        Some(i) => args.get(i + 1).map(|list| list.split(',').filter_map(|n| n.trim().parse().ok()).collect()).unwrap_or_default(),
        None => vec![10, 100, 1_000, 5_000],
    };
    if args.iter().any(|a| a == "--teams-only") {
        return onboard_teams(&root, team_sizes);
    }
    let target = PathBuf::from(std::env::var("CARGO_TARGET_DIR").unwrap_or_else(|_| root.join("target").display().to_string()));
    let functions = local_aws::function_names(&root)?;

    let build = build_times(&root, cold_build)?;
    eprintln!("building the release functions...");
    let mut cmd = Command::new("cargo");
    cmd.args(["build", "--release", "--quiet"]).current_dir(&root);
    for f in &functions {
        cmd.args(["-p", f]);
    }
    if !cmd.status()?.success() {
        bail!("release build failed");
    }

    let runtime = tokio::runtime::Runtime::new()?;
    let session = runtime.block_on(LocalSession::start(&root, local_aws::deploy::LOCAL_TUNABLES))?;
    eprintln!("local AWS at {}", session.aws.endpoint());

    // One onboarding gives every function its real input.
    let request = std::fs::read_to_string(root.join("examples/cli-flow.json"))?;
    let first = runtime.block_on(session.onboard(&request, |_| {}))?;
    if !first.succeeded() {
        bail!("the sample onboarding failed: {:?} {:?}", first.error, first.cause);
    }
    let (inputs, _) = runtime.block_on(task_history(&session, &first.execution_arn))?;
    let inputs = function_inputs(&inputs, &first);
    let domain_id = first.output.as_ref().and_then(|o| o["domainId"].as_str()).unwrap_or_default().to_string();

    let api = RuntimeApi::start()?;
    let mut rows = Vec::new();
    for f in &functions {
        let input = inputs.get(f).with_context(|| format!("no input for {f}"))?;
        let binary = target.join("release").join(f);
        let m = cold_starts(&api, || Command::new(&binary), input, &session)?;
        rows.push((f.clone(), m));
    }
    let python = root.join(".venv/bin/python");
    let baseline_input = json!({"domain": {"domainId": domain_id}}).to_string();
    let baseline = cold_starts(
        &api,
        || {
            let mut c = Command::new(&python);
            c.arg(root.join("bench/baseline_boto3.py"));
            c
        },
        &baseline_input,
        &session,
    )?;

    // An onboarding whose domain needs ten polls: wall time, Lambda time, transitions, cost.
    session.aws.configure(json!({"pendingPollsByName": {"bench-ten-polls": 9}}))?;
    let mut ten = serde_json::from_str::<Value>(&request)?;
    ten["domainName"] = json!("bench-ten-polls");
    ten["ticket"]["id"] = json!("BENCH-10");
    let started = Instant::now();
    let outcome = runtime.block_on(session.onboard(&ten.to_string(), |_| {}))?;
    let wall = started.elapsed();
    let (_, lambda) = runtime.block_on(task_history(&session, &outcome.execution_arn))?;
    let polls = outcome.steps.iter().filter(|s| s.state == "PollDomain").count();

    let mut teams = Vec::new();
    for people in team_sizes {
        eprintln!("onboarding a team of {people}...");
        teams.push(runtime.block_on(team_sizes::onboard_team(&session, people))?);
    }

    print_report(&rows, &baseline, &sizes(&root, &target, &functions)?, (wall, lambda, outcome.transitions, polls, outcome.succeeded()), &build);
    print_teams(&teams);
    Ok(())
}

/// Starts the process `RUNS` times and gives it `input` twice: cold, then warm.
fn cold_starts(api: &RuntimeApi, command: impl Fn() -> Command, input: &str, session: &LocalSession) -> Result<Measure> {
    let mut m = Measure { answered_ok: true, ..Measure::default() };
    for _ in 0..RUNS {
        api.queue(&[input, input]);
        let mut cmd = command();
        cmd.env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("AWS_LAMBDA_RUNTIME_API", format!("127.0.0.1:{}", api.port))
            .env("AWS_LAMBDA_FUNCTION_NAME", "bench")
            .env("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128")
            .env("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
            .env("AWS_LAMBDA_LOG_STREAM_NAME", "bench")
            .env("AWS_LAMBDA_LOG_GROUP_NAME", "bench")
            .env("AWS_REGION", &session.aws.region)
            .env("AWS_DEFAULT_REGION", &session.aws.region)
            .env("AWS_ENDPOINT_URL", session.aws.endpoint())
            .env("AWS_ACCESS_KEY_ID", "testing")
            .env("AWS_SECRET_ACCESS_KEY", "testing")
            .env("IDENTITY_CENTER_REGION", &session.aws.region)
            .env("ROLE_NAME_PREFIX", local_aws::ROLE_NAME_PREFIX)
            .env("SENDER_ADDRESS", local_aws::SENDER_ADDRESS)
            .envs(onboarding_core::Workflow::ALL.map(|w| (w.facts().state_machine_arn_variable, session.arn(w).to_string())))
            .env("EVENT_BUS_NAME", local_aws::deploy::LOCAL_EVENT_BUS)
            .env("RUST_LOG", "info")
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        let start = Instant::now();
        let mut child = cmd.spawn()?;
        let answers = api.answer(Duration::from_secs(60)).and_then(|first| Ok((first, api.answer(Duration::from_secs(60))?)));
        let rss = peak_rss_kib(child.id());
        let _ = child.kill();
        let _ = child.wait();
        let (first, warm) = answers?;
        for answer in [&first, &warm] {
            m.answered_ok &= !answer.error;
            if answer.error {
                eprintln!("answered with an error: {}", answer.body);
            }
        }
        let asked = api.asked();
        let (Some(first_ask), Some(second_ask)) = (asked.first(), asked.get(1)) else { bail!("the function did not ask for two invocations") };
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        m.init_ms.push(ms(first_ask.duration_since(start)));
        m.first_answer_ms.push(ms(first.at.duration_since(start)));
        m.warm_ms.push(ms(warm.at.duration_since(*second_ask)));
        m.rss_kib.push(rss.unwrap_or(0));
    }
    Ok(m)
}

fn peak_rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status.lines().find(|l| l.starts_with("VmHWM:")).and_then(|l| l.split_whitespace().nth(1)).and_then(|v| v.parse().ok())
}

/// Per task: its function and input (first time scheduled), and the sum of Lambda run times.
async fn task_history(session: &LocalSession, arn: &str) -> Result<(Vec<(String, Value)>, Duration)> {
    let events = session.sfn.get_execution_history().execution_arn(arn).into_paginator().items().send().collect::<Result<Vec<_>, _>>().await?;
    let mut inputs = Vec::new();
    let mut started: Option<i64> = None;
    let mut total = 0i64;
    for e in &events {
        match e.r#type() {
            HistoryEventType::TaskScheduled => {
                if let Some(d) = e.task_scheduled_event_details() {
                    let p: Value = serde_json::from_str(d.parameters()).unwrap_or_default();
                    if let Some(name) = p["FunctionName"].as_str() {
                        inputs.push((name.to_string(), p["Payload"].clone()));
                    }
                }
            }
            HistoryEventType::TaskStarted => started = e.timestamp().to_millis().ok(),
            HistoryEventType::TaskSucceeded | HistoryEventType::TaskFailed => {
                if let (Some(s), Ok(end)) = (started.take(), e.timestamp().to_millis()) {
                    total += end - s;
                }
            }
            _ => {}
        }
    }
    Ok((inputs, Duration::from_millis(total.max(0) as u64)))
}

fn function_inputs(scheduled: &[(String, Value)], first: &onboard::execution::Outcome) -> BTreeMap<String, String> {
    let mut inputs: BTreeMap<String, String> = BTreeMap::new();
    for (name, payload) in scheduled {
        inputs.entry(name.clone()).or_insert_with(|| payload.to_string());
    }
    // The error path and the entry point did not run: give them what they would get.
    let mut failed: Value = scheduled.iter().find(|(n, _)| n == "send-invitations").map(|(_, p)| p.clone()).unwrap_or_default();
    failed["failure"] = json!({"Error": "DomainFailed", "Cause": "{\"errorType\":\"DomainFailed\",\"errorMessage\":\"bench\"}"});
    inputs.insert("notify-failure".into(), json!({"state": failed, "input": {}}).to_string());
    let id = first.execution_arn.rsplit(':').next().unwrap_or_default();
    let status = start_workflow::api_request("GET /onboardings/{id}", Some(id), None, false);
    inputs.insert("start-workflow".into(), serde_json::to_string(&status).unwrap_or_default());
    inputs
}

/// arm64 binaries and zips from `cargo lambda build --release --arm64` (target/lambda/NAME/bootstrap).
fn sizes(root: &Path, target: &Path, functions: &[String]) -> Result<BTreeMap<String, (u64, u64)>> {
    let mut out = BTreeMap::new();
    for f in functions {
        let bootstrap = target.join("lambda").join(f).join("bootstrap");
        let Ok(meta) = std::fs::metadata(&bootstrap) else { continue };
        let zip = std::env::temp_dir().join(format!("bench-{f}.zip"));
        let status = Command::new(root.join(".venv/bin/python"))
            .args(["-c", "import sys, zipfile; z = zipfile.ZipFile(sys.argv[1], 'w', zipfile.ZIP_DEFLATED, compresslevel=9); z.write(sys.argv[2], 'bootstrap'); z.close()"])
            .arg(&zip)
            .arg(&bootstrap)
            .status()?;
        let zipped = if status.success() { std::fs::metadata(&zip).map(|m| m.len()).unwrap_or(0) } else { 0 };
        out.insert(f.clone(), (meta.len(), zipped));
    }
    Ok(out)
}

struct BuildTimes {
    warm_noop: Duration,
    incremental: Duration,
    cold: Option<Duration>,
}

fn timed(root: &Path, args: &[&str], env: &[(&str, String)]) -> Result<Duration> {
    let start = Instant::now();
    let mut cmd = Command::new("cargo");
    cmd.args(args).current_dir(root).stdout(Stdio::null()).stderr(Stdio::null());
    for (k, v) in env {
        cmd.env(k, v);
    }
    if !cmd.status()?.success() {
        bail!("cargo {args:?} failed");
    }
    Ok(start.elapsed())
}

fn build_times(root: &Path, cold: bool) -> Result<BuildTimes> {
    eprintln!("timing builds...");
    timed(root, &["build", "--workspace", "--tests"], &[])?;
    let warm_noop = timed(root, &["build", "--workspace", "--tests"], &[])?;
    // An edit of the core crate: everything above it rebuilds.
    let lib = root.join("crates/onboarding-core/src/lib.rs");
    let text = std::fs::read_to_string(&lib)?;
    let modified = std::fs::metadata(&lib)?.modified()?;
    std::fs::write(&lib, format!("{text}\n"))?;
    let incremental = timed(root, &["build", "--workspace", "--tests"], &[]);
    std::fs::write(&lib, text)?;
    // The old time back, so that the release build is not made stale by this measurement.
    std::fs::File::options().write(true).open(&lib)?.set_modified(modified)?;
    timed(root, &["build", "--workspace", "--tests"], &[])?;
    let incremental = incremental?;
    let cold = if cold {
        let dir = std::env::temp_dir().join("sagemaker-onboarding-cold-build");
        let _ = std::fs::remove_dir_all(&dir);
        let t = timed(root, &["build", "--workspace", "--tests", "--quiet"], &[("CARGO_TARGET_DIR", dir.display().to_string())])?;
        let _ = std::fs::remove_dir_all(&dir);
        Some(t)
    } else {
        None
    };
    Ok(BuildTimes { warm_noop, incremental, cold })
}

fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|c| c.lines().find(|l| l.starts_with("model name")).map(|l| l.split(':').nth(1).unwrap_or("").trim().to_string()))
        .unwrap_or_default();
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0);
    let mem = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|m| m.lines().next().and_then(|l| l.split_whitespace().nth(1)).and_then(|k| k.parse::<u64>().ok()))
        .unwrap_or(0);
    format!("{cores} cores ({cpu}), {:.0} GiB", mem as f64 / 1024.0 / 1024.0)
}

/// Step Functions, Lambda (compute and requests) for one onboarding.
fn cost(transitions: u32, lambda: Duration) -> f64 {
    let lambda_cost = lambda.as_secs_f64() * MEMORY_MB / 1024.0 * PRICE_PER_GB_SECOND_ARM;
    let requests = transitions as f64 * PRICE_PER_REQUEST; // at most one Lambda request per transition
    transitions as f64 * PRICE_PER_TRANSITION + lambda_cost + requests
}

/// Only the teams: their onboardings on the local AWS, which serves the functions' own (debug)
/// builds; what they show (the state's size, transitions, invitations) does not depend on the
/// build.
fn onboard_teams(root: &std::path::Path, team_sizes: Vec<usize>) -> Result<()> {
    let runtime = tokio::runtime::Runtime::new()?;
    let session = runtime.block_on(LocalSession::start(root, local_aws::deploy::LOCAL_TUNABLES))?;
    let mut teams = Vec::new();
    for people in team_sizes {
        eprintln!("onboarding a team of {people}...");
        teams.push(runtime.block_on(team_sizes::onboard_team(&session, people))?);
    }
    println!("Teams, {}, on {}:", utc_now(), machine());
    print_teams(&teams);
    Ok(())
}

fn utc_now() -> String {
    Command::new("date").arg("-u").arg("+%Y-%m-%d %H:%M UTC").output().map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string()).unwrap_or_default()
}

fn print_teams(teams: &[team_sizes::TeamRow]) {
    if teams.is_empty() {
        return;
    }
    println!("\nTeams of growing size (groups of about 100 people, at most 20 groups; each person invited by e-mail, at most once):\n");
    println!("| people | groups | largest state (KiB) | within 256 KiB | state transitions | Lambda GB-s | wall time (s) | cost per onboarding | outcome |");
    println!("|---:|---:|---:|---|---:|---:|---:|---:|---|");
    for t in teams {
        let fits = if t.largest_state_bytes <= team_sizes::STATE_LIMIT_BYTES { "yes" } else { "**no**: AWS fails the execution" };
        println!(
            "| {} | {} | {:.1} | {fits} | {} | {:.3} | {:.1} | ${:.6} | {} |",
            t.people,
            t.groups,
            t.largest_state_bytes as f64 / 1024.0,
            t.transitions,
            t.lambda.as_secs_f64() * MEMORY_MB / 1024.0,
            t.wall.as_secs_f64(),
            cost(t.transitions, t.lambda),
            t.outcome
        );
    }
}

fn print_report(
    rows: &[(String, Measure)],
    baseline: &Measure,
    sizes: &BTreeMap<String, (u64, u64)>,
    e2e: (Duration, Duration, u32, usize, bool),
    build: &BuildTimes,
) {
    let date = utc_now();
    let base_cold = baseline.cold_start_ms();
    let base_rss = baseline.rss_kib.iter().max().copied().unwrap_or(0) as f64 / 1024.0;
    println!("Benchmarks, {date}, on {}; medians of {RUNS} fresh processes each.\n", machine());
    println!("| function | init (ms) | first answer (ms) | warm answer (ms) | cold start (ms) | boto3 cold start (ms) | faster | peak RSS (MiB) | arm64 binary (MB) | arm64 zip (MB) |");
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    let row = |m: &Measure| format!("{:.1} | {:.1} | {:.1} | {:.1}", median(&m.init_ms), median(&m.first_answer_ms), median(&m.warm_ms), m.cold_start_ms());
    for (name, m) in rows {
        let rss = m.rss_kib.iter().max().copied().unwrap_or(0) as f64 / 1024.0;
        let (bin, zip) =
            sizes.get(name).map(|(b, z)| (format!("{:.1}", *b as f64 / 1e6), format!("{:.1}", *z as f64 / 1e6))).unwrap_or(("n/a".into(), "n/a".into()));
        let flag = if m.answered_ok { "" } else { " (answered an error)" };
        println!("| {name}{flag} | {} | {base_cold:.0} | {:.0}x | {rss:.1} | {bin} | {zip} |", row(m), base_cold / m.cold_start_ms());
    }
    println!("| *boto3 baseline (Python, DescribeDomain)* | {} | | | {base_rss:.1} | | |", row(baseline));
    let (wall, lambda, transitions, polls, ok) = e2e;
    let sfn_cost = transitions as f64 * PRICE_PER_TRANSITION;
    let lambda_and_requests = cost(transitions, lambda) - sfn_cost;
    println!("\nOne onboarding on the local AWS with {polls} polls ({}): wall time {:.1} s, Lambda run time {:.2} s, {transitions} state transitions ({:.1} per poll).",
        if ok { "succeeded" } else { "FAILED" }, wall.as_secs_f64(), lambda.as_secs_f64(), 3.0);
    println!("Estimated cost per onboarding: ${:.6} (Step Functions ${sfn_cost:.6} at $0.025 per 1,000 transitions; Lambda ${:.8} at 128 MB, $0.0000133334 per GB-s arm64, $0.20 per million requests).",
        cost(transitions, lambda), lambda_and_requests);
    println!(
        "\nBuild: no-op rebuild of the workspace and its tests {:.1} s; after an edit of onboarding-core {:.1} s{}.",
        build.warm_noop.as_secs_f64(),
        build.incremental.as_secs_f64(),
        build.cold.map(|c| format!("; cold (empty target directory) {:.0} s", c.as_secs_f64())).unwrap_or_else(|| "; cold: not timed (--no-cold-build)".into())
    );
}
