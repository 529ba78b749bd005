//! One build of every dependency: Cargo unifies features per selection of packages, so the demo
//! (`cargo build --workspace --bins --exclude bench`), the CLI (`cargo run -p onboard`), the local AWS's
//! function binaries (`cargo build --bins -p <every function>`) and the tests (`cargo test --workspace`) would
//! each compile the AWS SDK again if a shared dependency's features differed between them.
//! `crates/workspace-hack` pins one feature set; this test fails, naming the crate and the
//! features, when a change of dependencies breaks that.

use std::collections::{BTreeMap, BTreeSet};
use std::process::Command;

use anyhow::{ensure, Context, Result};
use libtest_mimic::Trial;
use tests::root;

pub fn trials() -> Vec<Trial> {
    vec![tests::trial("every_build_shares_one_feature_set_per_dependency", || one_feature_set().map_err(tests::failed))]
}

/// (package with version, built for the host) -> the features it is built with.
type Features = BTreeMap<(String, bool), BTreeSet<String>>;

fn one_feature_set() -> Result<()> {
    let mut selections: Vec<(String, Vec<String>, bool)> = vec![
        ("cargo test --workspace".into(), vec!["--workspace".into()], true),
        ("cargo build --workspace --bins --exclude bench".into(), vec!["--workspace".into(), "--exclude".into(), "bench".into()], false),
        ("cargo run -p onboard".into(), vec!["-p".into(), "onboard".into()], false),
    ];
    // What the local AWS builds before it runs the function binaries: every function at once.
    let functions: Vec<String> = local_aws::function_names(&root())?.into_iter().flat_map(|f| ["-p".to_string(), f]).collect();
    selections.push(("cargo build --bins -p <every function>".into(), functions, false));
    let members = workspace_members()?;
    let mut seen: BTreeMap<(String, bool), BTreeMap<BTreeSet<String>, Vec<String>>> = BTreeMap::new();
    for (label, args, dev) in &selections {
        for (key, features) in tree(args, *dev)? {
            // The tests build the workspace's own crates once more with their test-only
            // features (onboarding-core's fakes); everything else is shared.
            if !(*dev && members.contains(key.0.split(' ').next().unwrap_or_default())) {
                seen.entry(key).or_default().entry(features).or_default().push(label.clone());
            }
        }
    }
    let differing: Vec<String> = seen
        .iter()
        .filter(|(_, variants)| variants.len() > 1)
        .map(|((package, host), variants)| {
            let detail: Vec<String> =
                variants.iter().map(|(f, who)| format!("[{}] in {}", f.iter().cloned().collect::<Vec<_>>().join(","), who.join(", "))).collect();
            format!("{package}{}: {}", if *host { " (host)" } else { "" }, detail.join("; "))
        })
        .collect();
    ensure!(differing.is_empty(), "built with different features (add the union to crates/workspace-hack/Cargo.toml):\n{}", differing.join("\n"));
    Ok(())
}

fn workspace_members() -> Result<BTreeSet<String>> {
    let out = cargo(&["metadata", "--no-deps", "--format-version", "1", "--offline"])?;
    let metadata: serde_json::Value = serde_json::from_str(&out)?;
    Ok(metadata["packages"].as_array().into_iter().flatten().filter_map(|p| p["name"].as_str().map(str::to_string)).collect())
}

fn cargo(args: &[&str]) -> Result<String> {
    let out = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into())).args(args).current_dir(root()).output().context("running cargo")?;
    ensure!(out.status.success(), "cargo {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// The features of every package in `cargo tree` for a selection, telling host builds (build
/// scripts' dependencies, proc macros and theirs) from target builds, as Cargo does.
fn tree(selection: &[String], dev: bool) -> Result<Features> {
    let edges = if dev { "normal,build,dev" } else { "normal,build" };
    let mut args = vec!["tree", "--offline", "-e", edges, "-f", "{p}|{f}", "--prefix", "indent", "--charset", "ascii"];
    args.extend(selection.iter().map(String::as_str));
    let text = cargo(&args)?;
    let mut features = Features::new();
    // (depth, host) of the chain of parents; build-dependency headers per depth.
    let mut parents: Vec<(usize, bool)> = Vec::new();
    let mut headers: BTreeMap<usize, bool> = BTreeMap::new();
    for line in text.lines() {
        if line.trim().is_empty() {
            parents.clear();
            headers.clear();
            continue;
        }
        let content_at = line.find(|c: char| !matches!(c, '|' | ' ' | '`' | '-')).unwrap_or(line.len());
        let (indent, content) = line.split_at(content_at);
        if content.starts_with('[') {
            // `[build-dependencies]` heads the children of the package above it.
            let depth = indent.len() / 4 + 1;
            headers.retain(|d, _| *d < depth);
            headers.insert(depth, content.starts_with("[build-dependencies]"));
            continue;
        }
        let depth = indent.len() / 4;
        parents.retain(|(d, _)| *d < depth);
        headers.retain(|d, _| *d <= depth);
        let parent_host = parents.last().is_some_and(|(_, host)| *host);
        let (package, feature_list) = content.split_once('|').unwrap_or((content, ""));
        let host = parent_host || package.contains("(proc-macro)") || headers.get(&depth).copied().unwrap_or(false);
        let name = package.replace(" (*)", "").replace(" (proc-macro)", "");
        let name = name.split(" (").next().unwrap_or_default().trim().to_string();
        let set: BTreeSet<String> = feature_list.replace(" (*)", "").split(',').map(str::trim).filter(|f| !f.is_empty()).map(str::to_string).collect();
        features.entry((name, host)).or_default().extend(set);
        parents.push((depth, host));
    }
    Ok(features)
}
