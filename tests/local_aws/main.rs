//! Tests through the local AWS (moto server, the router, the function binaries), one binary with a
//! custom harness so that the local AWS starts once and stops when the tests end.

mod agreement;
mod amendment;
mod bad_input;
mod contract;
mod deployment;
mod entry_points;
mod handlers;
mod invitations;
mod least_privilege;
mod offboarding;
mod onboarding;
mod one_build;
mod plan;
mod reconciliation;
mod resilience;
mod router;
mod team;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use libtest_mimic::{Arguments, Failed, Trial};
use tests::Env;

/// A test that needs the local AWS: an `async fn(&LocalSession) -> anyhow::Result<()>`.
macro_rules! local_test {
    ($env:expr, $name:path) => {{
        let env = $env.clone();
        let name = stringify!($name).rsplit("::").next().unwrap_or(stringify!($name)).to_string();
        crate::trial(name, move || {
            let session = env.session().map_err(|e| crate::failed(e))?;
            env.runtime.block_on($name(session)).map_err(crate::failed)
        })
    }};
}
pub(crate) use local_test;

pub(crate) fn failed(e: anyhow::Error) -> Failed {
    Failed::from(format!("{e:#}"))
}

/// Each trial's wall time, for the list of the slowest printed at the end.
static WALL_TIMES: Mutex<Vec<(String, Duration)>> = Mutex::new(Vec::new());

/// A trial whose wall time is printed when it ends (the first one to need the local AWS also
/// pays for starting it).
pub(crate) fn trial(name: impl Into<String>, run: impl FnOnce() -> Result<(), Failed> + Send + 'static) -> Trial {
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

fn print_slowest(count: usize) {
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

fn main() {
    let mut args = Arguments::from_args();
    // Most of a test's time is spent waiting on the engine: run several at once.
    args.test_threads.get_or_insert(6);
    let env: Arc<Env> = Env::new();
    let mut trials: Vec<Trial> = Vec::new();
    trials.extend(contract::trials());
    trials.extend(deployment::trials());
    trials.extend(one_build::trials());
    trials.extend(handlers::trials(&env));
    trials.extend(onboarding::trials(&env));
    trials.extend(entry_points::trials(&env));
    trials.extend(resilience::trials(&env));
    trials.extend(invitations::trials(&env));
    trials.extend(offboarding::trials(&env));
    trials.extend(amendment::trials(&env));
    trials.extend(plan::trials(&env));
    trials.extend(reconciliation::trials(&env));
    trials.extend(bad_input::trials(&env));
    trials.extend(router::trials(&env));
    trials.extend(least_privilege::trials(&env));
    trials.extend(agreement::trials(&env));
    let conclusion = libtest_mimic::run(&args, trials);
    print_slowest(10);
    env.shutdown();
    conclusion.exit();
}
