//! Creates the state machines from `statemachine/*.asl.json`, filling their `${...}`
//! substitutions as the deployment template does, with local values.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{bail, Context, Result};
use aws_sdk_sfn::types::StateMachineType;

use onboarding_core::Workflow;

use crate::ACCOUNT_ID;

/// The definition's substitution key for a function crate: `validate` -> `ValidateFunction`.
pub fn substitution_key(crate_name: &str) -> String {
    let pascal: String = crate_name
        .split('-')
        .map(|part| {
            let mut chars = part.chars();
            chars.next().map(|c| c.to_ascii_uppercase().to_string() + chars.as_str()).unwrap_or_default()
        })
        .collect();
    format!("{pascal}Function")
}

/// The `${Name}` placeholders of a definition, in order of first appearance.
pub fn placeholders(definition: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut rest = definition;
    while let Some(start) = rest.find("${") {
        let after = &rest[start + 2..];
        let Some(end) = after.find('}') else { break };
        let name = after[..end].to_string();
        if !found.contains(&name) {
            found.push(name);
        }
        rest = &after[end + 1..];
    }
    found
}

/// Replaces every placeholder; a placeholder without a value is an error.
pub fn substitute(definition: &str, values: &BTreeMap<String, String>) -> Result<String> {
    let mut out = definition.to_string();
    for name in placeholders(definition) {
        let value = values.get(&name).with_context(|| format!("no value for ${{{name}}}"))?;
        out = out.replace(&format!("${{{name}}}"), value);
    }
    Ok(out)
}

/// The event bus the local workflow publishes its result events on.
pub const LOCAL_EVENT_BUS: &str = "tickets";

/// The ARN the local state machine `name` gets in `region`.
pub fn local_state_machine_arn_named(region: &str, name: &str) -> String {
    format!("arn:aws:states:{region}:{ACCOUNT_ID}:stateMachine:{name}")
}

/// The ARN `workflow`'s local state machine gets in `region` (the entry point's variable the
/// registry names for it).
pub fn local_state_machine_arn(region: &str, workflow: Workflow) -> String {
    local_state_machine_arn_named(region, workflow.facts().local_state_machine)
}

/// The workflow's tunables (the same settings the deployed validate function reads); locally they
/// reach the state through the validate function's environment.
pub use onboarding_core::state::Settings as Tunables;

/// Short polls with a generous bound and short quota waits, so that a demo and the tests are quick.
pub const LOCAL_TUNABLES: Tunables = Tunables { poll_interval_seconds: 1, max_polls: 30, quota_wait_seconds: 2 };

/// The local substitutions: bare binary names (what the local Lambda runs) and the bus.
pub fn local_substitutions(root: &Path) -> Result<BTreeMap<String, String>> {
    let mut values: BTreeMap<String, String> = crate::step_function_names(root)?.into_iter().map(|name| (substitution_key(&name), name)).collect();
    values.insert("EventBusName".into(), LOCAL_EVENT_BUS.into());
    values.insert("InvitationsTable".into(), crate::ledger::LOCAL_INVITATIONS_TABLE.into());
    Ok(values)
}

/// Retry intervals locally are this many times shorter than in the definition (at least a
/// second, ASL's smallest), so that tests of retries wait seconds, not minutes.
pub const LOCAL_RETRY_SCALE: u64 = 5;

/// The definition with every Retry's `IntervalSeconds` and `MaxDelaySeconds` divided by
/// `LOCAL_RETRY_SCALE` (rounded up), as names are substituted: what is retried, how often and
/// with which backoff stays the definition's.
pub fn scale_retries(definition: &str) -> Result<String> {
    fn walk(value: &mut serde_json::Value) {
        match value {
            serde_json::Value::Object(map) => {
                if let Some(serde_json::Value::Array(retriers)) = map.get_mut("Retry") {
                    for retrier in retriers.iter_mut() {
                        for key in ["IntervalSeconds", "MaxDelaySeconds"] {
                            if let Some(seconds) = retrier.get(key).and_then(serde_json::Value::as_u64) {
                                retrier[key] = seconds.div_ceil(LOCAL_RETRY_SCALE).max(1).into();
                            }
                        }
                    }
                }
                map.values_mut().for_each(walk);
            }
            serde_json::Value::Array(items) => items.iter_mut().for_each(walk),
            _ => {}
        }
    }
    let mut parsed: serde_json::Value = serde_json::from_str(definition).context("the definition is not JSON")?;
    walk(&mut parsed);
    Ok(serde_json::to_string_pretty(&parsed)?)
}

/// Creates every workflow's state machine (Standard) from its definition, under its local name;
/// their ARNs by workflow.
pub async fn deploy_workflows(config: &aws_config::SdkConfig, root: &Path) -> Result<BTreeMap<Workflow, String>> {
    let mut arns = BTreeMap::new();
    for workflow in Workflow::ALL {
        let facts = workflow.facts();
        arns.insert(workflow, deploy_definition(config, root, facts.definition, facts.local_state_machine).await?);
    }
    Ok(arns)
}

/// Creates the state machine `name` from the definition at `path` (under `root`) and returns its ARN.
pub async fn deploy_definition(config: &aws_config::SdkConfig, root: &Path, path: &str, name: &str) -> Result<String> {
    let definition = std::fs::read_to_string(root.join(path)).with_context(|| format!("reading {path}"))?;
    let definition = scale_retries(&substitute(&definition, &local_substitutions(root)?)?)?;
    let sfn = aws_sdk_sfn::Client::new(config);
    let out = sfn
        .create_state_machine()
        .name(name)
        .definition(definition)
        .role_arn(format!("arn:aws:iam::{ACCOUNT_ID}:role/{name}-state-machine"))
        .r#type(StateMachineType::Standard)
        .send()
        .await
        .context("creating the state machine")?;
    if out.state_machine_arn().is_empty() {
        bail!("the state machine has no ARN");
    }
    Ok(out.state_machine_arn().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_and_placeholders() {
        assert_eq!(substitution_key("validate"), "ValidateFunction");
        assert_eq!(placeholders("a ${X} b ${Y} ${X}"), vec!["X", "Y"]);
        let values = BTreeMap::from([("X".to_string(), "1".to_string())]);
        assert_eq!(substitute("${X}${X}", &values).expect("ok"), "11");
        assert!(substitute("${Y}", &values).is_err());
    }

    #[test]
    fn retries_are_scaled_down_and_nothing_else() {
        let definition = r#"{"States": {"A": {"Retry": [{"ErrorEquals": ["X"], "IntervalSeconds": 2, "MaxAttempts": 5, "MaxDelaySeconds": 30}],
            "Parameters": {"IntervalSeconds": 10}, "Branches": [{"States": {"B": {"Retry": [{"ErrorEquals": ["Y"], "IntervalSeconds": 6}]}}}]}}}"#;
        let scaled: serde_json::Value = serde_json::from_str(&scale_retries(definition).expect("scaled")).expect("JSON");
        let retry = &scaled["States"]["A"]["Retry"][0];
        assert_eq!((retry["IntervalSeconds"].as_u64(), retry["MaxAttempts"].as_u64(), retry["MaxDelaySeconds"].as_u64()), (Some(1), Some(5), Some(6)));
        assert_eq!(scaled["States"]["A"]["Parameters"]["IntervalSeconds"], 10);
        assert_eq!(scaled["States"]["A"]["Branches"][0]["States"]["B"]["Retry"][0]["IntervalSeconds"], 2);
    }
}
