//! Shared pieces of the tests that run through the local AWS: one local AWS per test binary,
//! started on first use and stopped when the binary ends.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use libtest_mimic::{Failed, Trial};

use anyhow::Result;
use local_aws::deploy::Tunables;
use onboard::local::LocalSession;

/// The shared environment: one runtime, one local AWS with the workflow deployed.
pub struct Env {
    pub runtime: tokio::runtime::Runtime,
    session: OnceLock<std::result::Result<LocalSession, String>>,
}

impl Env {
    pub fn new() -> Arc<Env> {
        let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap_or_else(|e| panic!("runtime: {e}"));
        Arc::new(Env { runtime, session: OnceLock::new() })
    }

    /// The local AWS, started by the first test that needs it.
    pub fn session(&self) -> Result<&LocalSession> {
        let started = self.session.get_or_init(|| {
            // Short polls and a generous bound: tests hold domains Pending on purpose.
            let tunables = Tunables { poll_interval_seconds: 1, max_polls: 8, quota_wait_seconds: 2 };
            let started = std::time::Instant::now();
            let session = self.runtime.block_on(LocalSession::start(&root(), tunables)).map_err(|e| format!("{e:#}"));
            eprintln!("    (the local AWS started in {:.1} s)", started.elapsed().as_secs_f64());
            session
        });
        started.as_ref().map_err(|e| anyhow::anyhow!("the local AWS did not start: {e}"))
    }

    /// Stops the local AWS (it would otherwise outlive the test binary).
    pub fn shutdown(self: Arc<Self>) {
        if let Ok(env) = Arc::try_unwrap(self) {
            drop(env.session);
            env.runtime.shutdown_background();
        }
    }
}

/// The project root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..").canonicalize().unwrap_or_else(|_| PathBuf::from(".."))
}

/// Reads a file of the project.
pub fn read(relative: &str) -> String {
    std::fs::read_to_string(root().join(relative)).unwrap_or_else(|e| panic!("reading {relative}: {e}"))
}

/// Each `examples/DIR/*.json` is run by `test_file`, which reads it with `example("NAME"`.
pub fn every_example_runs_in(test_file: &str, dir: &str) -> Result<()> {
    let this = read(test_file);
    for entry in std::fs::read_dir(root().join("examples").join(dir))? {
        let path = entry?.path();
        let name = path.file_stem().and_then(|n| n.to_str()).ok_or_else(|| anyhow::anyhow!("a file name"))?;
        anyhow::ensure!(this.contains(&format!("example(\"{name}\"")), "examples/{dir}/{name}.json runs in no test");
    }
    Ok(())
}

/// The IAM role the tests call the API as.
pub const API_CALLER: &str = "arn:aws:sts::123456789012:assumed-role/ticket-bridge/session";

/// What API Gateway sends to the entry point for `route_key` (`METHOD /path`), signed by
/// `API_CALLER`, as JSON.
pub fn api_event(route_key: &str, id: Option<&str>, body: Option<&str>, base64: bool) -> serde_json::Value {
    serde_json::to_value(start_workflow::signed_by(start_workflow::api_request(route_key, id, body, base64), API_CALLER)).unwrap_or_default()
}

/// A failed trial's message: the error with its causes.
pub fn failed(e: anyhow::Error) -> Failed {
    Failed::from(format!("{e:#}"))
}

/// Each trial's wall time, for the list of the slowest printed at the end.
static WALL_TIMES: Mutex<Vec<(String, Duration)>> = Mutex::new(Vec::new());

/// A trial whose wall time is printed when it ends (the first one to need the local AWS also
/// pays for starting it).
pub fn trial(name: impl Into<String>, run: impl FnOnce() -> Result<(), Failed> + Send + 'static) -> Trial {
    let name = name.into();
    Trial::test(name.clone(), move || {
        let started = Instant::now();
        let result = run();
        let took = started.elapsed();
        eprintln!("    {name}: {:.1} s", took.as_secs_f64());
        if let Ok(mut times) = WALL_TIMES.lock() {
            times.push((name, took));
        }
        result
    })
}

pub fn print_slowest(count: usize) {
    let Ok(mut times) = WALL_TIMES.lock() else { return };
    times.sort_by(|a, b| b.1.cmp(&a.1));
    if times.is_empty() {
        return;
    }
    println!("\nThe {} slowest trials (wall time):", count.min(times.len()));
    for (name, took) in times.iter().take(count) {
        println!("  {:>6.1} s  {name}", took.as_secs_f64());
    }
}
