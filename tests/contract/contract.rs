//! The definition's contract with the functions and the deployment: every error name it matches
//! is one the functions emit (or the service's own), every `Next` exists, every Lambda task
//! carries the service retrier, every substitution has a value, and asl-validator accepts it.

use std::collections::BTreeSet;
use std::process::Command;

use anyhow::{bail, ensure, Context, Result};
use libtest_mimic::Trial;
use local_aws::deploy::{local_substitutions, placeholders, substitute, substitution_key};
use onboarding_core::{ErrorName, Workflow};
use serde_json::Value;
use tests::{read, root};

const SERVICE_RETRIER: [&str; 4] = ["Lambda.ServiceException", "Lambda.AWSLambdaException", "Lambda.SdkClientException", "Lambda.TooManyRequestsException"];

pub fn trials() -> Vec<Trial> {
    let t = |name: &'static str, f: fn() -> Result<()>| tests::trial(name, move || f().map_err(tests::failed));
    vec![
        t("definition_error_names_are_emitted_by_the_functions", error_names),
        t("definition_next_states_exist_and_all_are_reachable", next_states),
        t("definition_lambda_tasks_carry_the_service_retrier", service_retrier),
        t("definition_substitutions_are_all_provided", substitutions),
        t("definition_passes_asl_validator", asl_validator),
        t("definition_polls_in_at_most_three_transitions", poll_loop),
        t("docs_list_every_error_name", docs_errors),
        t("docs_draw_every_state_machine_as_defined", docs_diagrams),
        t("every_task_state_runs_the_function_named_after_it", functions_named_after_states),
    ]
}

/// One hop from a state to its code: a Task state `CreateDomain` calls `${CreateDomainFunction}`,
/// the crate `functions/<workflow>/create-domain`; a state several workflows share calls a crate
/// under `functions/shared`, and only those do.
fn functions_named_after_states() -> Result<()> {
    let root = root();
    let mut users: std::collections::BTreeMap<String, BTreeSet<String>> = Default::default();
    for (path, def) in definitions()? {
        let workflow = path.trim_start_matches("statemachine/").trim_end_matches(".asl.json").to_string();
        for machine in machines(&def)? {
            for (state, body) in states(machine)? {
                let Some(function) = body["Parameters"]["FunctionName"].as_str() else { continue };
                let expected = format!("${{{state}Function}}");
                ensure!(function == expected, "{path}: the Task state {state} calls {function}, not {expected}");
                let crate_name = local_aws::function_names(&root)?
                    .into_iter()
                    .find(|name| substitution_key(name) == format!("{state}Function"))
                    .with_context(|| format!("{path}: no crate under functions/ is named after {state}"))?;
                users.entry(crate_name).or_default().insert(workflow.clone());
            }
        }
    }
    for (crate_name, workflows) in &users {
        let group = local_aws::function_group(&root, crate_name)?;
        if workflows.len() > 1 {
            ensure!(group == "shared", "{crate_name} serves {workflows:?}: it belongs under functions/shared, not functions/{group}");
        } else {
            let only = workflows.iter().next().context("a workflow")?;
            ensure!(group == *only, "{crate_name} serves only the {only}: it belongs under functions/{only}, not functions/{group}");
        }
    }
    for name in local_aws::step_function_names(&root)? {
        let group = local_aws::function_group(&root, &name)?;
        ensure!(users.contains_key(&name), "functions/{group}/{name} is no Task state's function and not under functions/{}", local_aws::ENTRY_GROUP);
    }
    Ok(())
}

/// Every `statemachine/*.asl.json` is drawn in its workflow's page under `docs/`, and each
/// drawing is what `onboard diagram --readme docs/PAGE.md` makes of the definition today.
fn docs_diagrams() -> Result<()> {
    let mut pages = Vec::new();
    for entry in std::fs::read_dir(root().join("docs"))? {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == "md") {
            pages.push((path.clone(), std::fs::read_to_string(&path)?));
        }
    }
    for entry in std::fs::read_dir(root().join("statemachine"))? {
        let name = entry?.file_name().to_string_lossy().into_owned();
        if name.ends_with(".asl.json") {
            let marker = format!("<!-- diagram: statemachine/{name} -->");
            ensure!(pages.iter().any(|(_, text)| text.contains(&marker)), "no page under docs/ draws statemachine/{name}");
        }
    }
    for (path, text) in &pages {
        let fresh = onboard::diagram::refresh(text, &root())?;
        ensure!(
            fresh == *text,
            "a diagram in {} no longer matches its definition: run `cargo run -p onboard -- diagram --readme {}`",
            path.display(),
            path.display()
        );
    }
    Ok(())
}

fn definition() -> Result<Value> {
    serde_json::from_str(&read("statemachine/onboarding.asl.json")).context("the definition is not JSON")
}

/// Every workflow's definition: (path, definition).
fn definitions() -> Result<Vec<(String, Value)>> {
    Workflow::ALL
        .iter()
        .map(|w| {
            let path = w.facts().definition;
            let definition: Value = serde_json::from_str(&read(path)).with_context(|| format!("{path} is not JSON"))?;
            Ok((path.to_string(), definition))
        })
        .collect()
}

fn states(def: &Value) -> Result<&serde_json::Map<String, Value>> {
    def["States"].as_object().context("no States")
}

/// The state machines within a definition: the definition itself, and each Map's item processor.
fn machines(def: &Value) -> Result<Vec<&Value>> {
    let mut found = vec![def];
    for state in states(def)?.values() {
        if state["Type"] == "Map" {
            found.extend(machines(&state["ItemProcessor"])?);
        }
    }
    Ok(found)
}

/// Every state of every definition, those inside Map states too: (name, state).
fn every_state(all: &[(String, Value)]) -> Result<Vec<(&String, &Value)>> {
    let mut found = Vec::new();
    for (_, def) in all {
        for machine in machines(def)? {
            found.extend(states(machine)?.iter());
        }
    }
    Ok(found)
}

fn error_names() -> Result<()> {
    let all = definitions()?;
    let ours: BTreeSet<&str> = ErrorName::ALL.iter().map(|n| n.as_str()).collect();
    for (name, state) in every_state(&all)? {
        for list in ["Retry", "Catch"] {
            for rule in state[list].as_array().into_iter().flatten() {
                for error in rule["ErrorEquals"].as_array().into_iter().flatten().filter_map(Value::as_str) {
                    // The service's own: Step Functions', the Lambda service's, and the Lambda runtime's
                    // names for a function that crashed (Runtime.ExitError) or timed out (Sandbox.Timedout).
                    let builtin = ["States.", "Lambda.", "Runtime.", "Sandbox."].iter().any(|p| error.starts_with(p));
                    ensure!(builtin || ours.contains(error), "{name} {list} names {error}, which no function emits");
                }
            }
        }
    }
    // Every retryable name is retried somewhere.
    let text: String = all.iter().map(|(_, def)| def.to_string()).collect();
    for name in ErrorName::ALL.iter().filter(|n| n.is_retryable()) {
        ensure!(text.contains(&format!("\"{}\"", name.as_str())), "{name} is retryable but no Retry names it");
    }
    Ok(())
}

fn next_states() -> Result<()> {
    for (path, def) in definitions()? {
        for machine in machines(&def)? {
            next_states_of(machine).with_context(|| path.clone())?;
        }
    }
    Ok(())
}

fn next_states_of(def: &Value) -> Result<()> {
    let all = states(def)?;
    let mut reachable = BTreeSet::new();
    let mut queue = vec![def["StartAt"].as_str().context("no StartAt")?.to_string()];
    while let Some(name) = queue.pop() {
        if !reachable.insert(name.clone()) {
            continue;
        }
        let state = all.get(&name).with_context(|| format!("{name} is referenced but does not exist"))?;
        let mut next: Vec<&str> = Vec::new();
        next.extend(state["Next"].as_str());
        next.extend(state["Default"].as_str());
        for list in ["Choices", "Catch"] {
            next.extend(state[list].as_array().into_iter().flatten().filter_map(|c| c["Next"].as_str()));
        }
        let terminal = matches!(state["Type"].as_str(), Some("Succeed" | "Fail")) || state["End"] == true;
        ensure!(terminal || !next.is_empty(), "{name} has no way on");
        queue.extend(next.into_iter().map(str::to_string));
    }
    let unreachable: Vec<&String> = all.keys().filter(|k| !reachable.contains(*k)).collect();
    ensure!(unreachable.is_empty(), "unreachable states: {unreachable:?}");
    Ok(())
}

fn service_retrier() -> Result<()> {
    let all = definitions()?;
    for (name, state) in every_state(&all)? {
        if state["Resource"] != "arn:aws:states:::lambda:invoke" {
            continue;
        }
        let covered: BTreeSet<&str> =
            state["Retry"].as_array().into_iter().flatten().flat_map(|r| r["ErrorEquals"].as_array().into_iter().flatten().filter_map(Value::as_str)).collect();
        for error in SERVICE_RETRIER {
            ensure!(covered.contains(error), "{name} does not retry {error}");
        }
        ensure!(state["Catch"].as_array().is_some_and(|c| !c.is_empty()), "{name} has no Catch: a failure would skip the failure path");
        let function = state["Parameters"]["FunctionName"].as_str().context("no FunctionName")?;
        ensure!(function.starts_with("${") && function.ends_with("Function}"), "{name} names its function literally: {function}");
    }
    Ok(())
}

fn substitutions() -> Result<()> {
    let text: String = Workflow::ALL.iter().map(|w| read(w.facts().definition)).collect();
    let values = local_substitutions(&root())?;
    let needed: BTreeSet<String> = placeholders(&text).into_iter().collect();
    let provided: BTreeSet<String> = values.keys().cloned().collect();
    ensure!(needed == provided, "the definition needs {needed:?}, the local deployment provides {provided:?}");
    for crate_name in local_aws::step_function_names(&root())? {
        ensure!(needed.contains(&substitution_key(&crate_name)), "functions/{crate_name} is never called by the definition");
    }
    let filled = substitute(&text, &values)?;
    ensure!(!filled.contains("${"), "placeholders left after substitution");
    Ok(())
}

fn asl_validator() -> Result<()> {
    let validator = root().join("node_modules/.bin/asl-validator");
    if !validator.exists() {
        bail!("asl-validator is not installed: run scripts/setup");
    }
    // Validate each definition as deployed (substituted): placeholders stand where numbers may not.
    for definition in Workflow::ALL.map(|w| w.facts().definition) {
        asl_validator_on(&validator, definition)?;
    }
    Ok(())
}

fn asl_validator_on(validator: &std::path::Path, definition: &str) -> Result<()> {
    let filled = substitute(&read(definition), &local_substitutions(&root())?)?;
    let path = std::env::temp_dir().join(format!("{}-{}.asl.json", definition.replace('/', "-"), std::process::id()));
    std::fs::write(&path, filled)?;
    for file in [path.clone(), root().join(definition)] {
        let out = Command::new(validator).arg("--json-path").arg(&file).output().context("running asl-validator")?;
        ensure!(
            out.status.success(),
            "asl-validator rejected {}: {}{}",
            file.display(),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let _ = std::fs::remove_file(path);
    Ok(())
}

fn poll_loop() -> Result<()> {
    // Wait -> PollDomain -> IsDomainReady -> Wait: three transitions per poll, and at most 40 for an
    // onboarding that polls ten times (Step Functions bills Standard workflows per transition).
    let def = definition()?;
    let happy_path = [
        "Validate",
        "ResolveIdentities",
        "DiscoverNetwork",
        "SetUpRoles",
        "CreateDomain",
        "AssignAccess",
        "SendInvitations",
        "AreInvitationsSent",
        "Summarize",
        "PublishSucceeded",
    ];
    let mut state = def["StartAt"].as_str().context("StartAt")?.to_string();
    let mut walked = Vec::new();
    while walked.len() < 50 {
        walked.push(state.clone());
        let s = &def["States"][&state];
        // Take the way an onboarding goes when the domain is ready at the first poll.
        let next = match state.as_str() {
            "IsDomainReady" => "AssignAccess".to_string(),
            "AreInvitationsSent" => s["Default"].as_str().unwrap_or_default().to_string(),
            _ => match s["Next"].as_str() {
                Some(n) => n.to_string(),
                None => break,
            },
        };
        state = next;
    }
    let polls: Vec<&String> = walked.iter().filter(|s| ["WaitForDomain", "PollDomain", "IsDomainReady"].contains(&s.as_str())).collect();
    ensure!(polls.len() == 3, "one poll costs {} transitions", polls.len());
    let others: Vec<&str> = walked.iter().map(String::as_str).filter(|s| !["WaitForDomain", "PollDomain", "IsDomainReady"].contains(s)).collect();
    ensure!(others == happy_path, "the happy path is {others:?}");
    ensure!(others.len() + 10 * 3 <= 40, "{} transitions for ten polls", others.len() + 30);
    let s = states(&def)?;
    ensure!(s["WaitForDomain"]["Type"] == "Wait" && s["WaitForDomain"]["Next"] == "PollDomain");
    ensure!(s["PollDomain"]["Next"] == "IsDomainReady");
    ensure!(s["IsDomainReady"]["Default"] == "WaitForDomain");
    ensure!(s["WaitForDomain"]["SecondsPath"] == "$.settings.pollIntervalSeconds", "the poll interval must come from the state");
    Ok(())
}

fn docs_errors() -> Result<()> {
    let errors = read("docs/errors.md");
    for name in ErrorName::ALL {
        let retried = if name.is_retryable() { "yes" } else { "no" };
        ensure!(errors.contains(&format!("| `{name}` | {retried} |")), "docs/errors.md does not list {name} (retried: {retried})");
    }
    Ok(())
}
