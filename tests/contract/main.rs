//! The static checks, no local AWS needed: the definitions' contract (names, retriers,
//! substitutions, asl-validator, the drawings and the error table in `docs/`), the template's
//! (cfn-lint, `sam validate --lint`, the policies against the IAM service definitions) and one
//! feature set per dependency across the builds.

mod contract;
mod deployment;
mod one_build;

use libtest_mimic::{Arguments, Trial};

fn main() {
    let args = Arguments::from_args();
    let mut trials: Vec<Trial> = Vec::new();
    trials.extend(contract::trials());
    trials.extend(deployment::trials());
    trials.extend(one_build::trials());
    let conclusion = libtest_mimic::run(&args, trials);
    tests::print_slowest(5);
    conclusion.exit();
}
