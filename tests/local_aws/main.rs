//! Tests through the local AWS (moto server, the router, the function binaries), one binary with a
//! custom harness so that the local AWS starts once and stops when the tests end.

mod agreement;
mod amendment;
mod bad_input;
mod entry_points;
mod handlers;
mod invitations;
mod least_privilege;
mod offboarding;
mod onboarding;
mod plan;
mod reconciliation;
mod resilience;
mod router;
mod team;

use std::sync::Arc;

use libtest_mimic::{Arguments, Trial};
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

pub(crate) use tests::{failed, trial};

fn main() {
    let mut args = Arguments::from_args();
    // Most of a test's time is spent waiting on the engine: run several at once.
    args.test_threads.get_or_insert(6);
    let env: Arc<Env> = Env::new();
    let mut trials: Vec<Trial> = Vec::new();
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
    tests::print_slowest(10);
    env.shutdown();
    conclusion.exit();
}
