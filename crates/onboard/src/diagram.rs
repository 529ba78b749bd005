//! Mermaid flowcharts of the state machine definitions (`statemachine/*.asl.json`), for the
//! workflow pages under `docs/`: `onboard diagram` rewrites each block between
//! `<!-- diagram: FILE -->` and `<!-- /diagram -->`, `onboard diagram --check` and a test fail
//! when one is stale.

use std::fmt::Write as _;
use std::path::Path;

use anyhow::{bail, Context, Result};
use serde_json::Value;

/// The flowchart of one definition: a node per state (shaped by its type, a Task labelled with
/// its function), `Next` and `Default` edges, labelled Choice edges, dotted Catch edges with the
/// errors they catch, and Map or Parallel states as subgraphs.
pub fn mermaid(definition: &Value) -> Result<String> {
    let mut out = String::from("flowchart TD\n");
    let start = definition["StartAt"].as_str().context("the definition has no StartAt")?;
    let _ = writeln!(out, "    start([start]) --> {}", id("", start));
    states(&mut out, "", definition, 1)?;
    Ok(out)
}

fn states(out: &mut String, scope: &str, machine: &Value, depth: usize) -> Result<()> {
    let indent = "    ".repeat(depth);
    let Some(all) = machine["States"].as_object() else { bail!("no States in {scope:?}") };
    for (name, state) in all {
        let node = id(scope, name);
        let kind = state["Type"].as_str().unwrap_or("Task");
        match kind {
            "Map" | "Parallel" => {
                let _ = writeln!(out, "{indent}subgraph {node} [\"{} ({kind})\"]", label(name));
                let inner = if kind == "Map" {
                    vec![state.get("ItemProcessor").or_else(|| state.get("Iterator")).cloned().unwrap_or_default()]
                } else {
                    state["Branches"].as_array().cloned().unwrap_or_default()
                };
                for (i, branch) in inner.iter().enumerate() {
                    let inner_scope = format!("{node}_{i}");
                    let first = branch["StartAt"].as_str().context("a branch has no StartAt")?;
                    let _ = writeln!(out, "{indent}    {inner_scope}_start([start]) --> {}", id(&inner_scope, first));
                    states(out, &inner_scope, branch, depth + 1)?;
                }
                let _ = writeln!(out, "{indent}end");
            }
            _ => {
                let _ = writeln!(out, "{indent}{node}{}", shape(kind, name, state));
            }
        }
        edges(out, &indent, scope, &node, state);
    }
    Ok(())
}

fn edges(out: &mut String, indent: &str, scope: &str, node: &str, state: &Value) {
    if let Some(next) = state["Next"].as_str() {
        let _ = writeln!(out, "{indent}{node} --> {}", id(scope, next));
    }
    for choice in state["Choices"].as_array().into_iter().flatten() {
        if let Some(next) = choice["Next"].as_str() {
            let _ = writeln!(out, "{indent}{node} -->|\"{}\"| {}", label(&condition(choice)), id(scope, next));
        }
    }
    if let Some(default) = state["Default"].as_str() {
        let _ = writeln!(out, "{indent}{node} -->|otherwise| {}", id(scope, default));
    }
    for catch in state["Catch"].as_array().into_iter().flatten() {
        if let Some(next) = catch["Next"].as_str() {
            let errors: Vec<&str> = catch["ErrorEquals"].as_array().into_iter().flatten().filter_map(Value::as_str).collect();
            let _ = writeln!(out, "{indent}{node} -.->|\"{}\"| {}", label(&errors.join(", ")), id(scope, next));
        }
    }
    if state["End"].as_bool() == Some(true) {
        let _ = writeln!(out, "{indent}{node} --> {}([end])", if scope.is_empty() { "done".to_string() } else { format!("{scope}_done") });
    }
}

/// The node's shape and text: Tasks name their function, Waits their duration.
fn shape(kind: &str, name: &str, state: &Value) -> String {
    let name = label(name);
    match kind {
        "Task" => {
            let function = state["Parameters"]["FunctionName"]
                .as_str()
                .or_else(|| state["Arguments"]["FunctionName"].as_str())
                .or_else(|| state["Resource"].as_str())
                .unwrap_or_default();
            let function = function.trim_start_matches("arn:aws:states:::").trim_start_matches("${").trim_end_matches('}');
            format!("[\"{name}<br/>{}\"]", label(function))
        }
        "Choice" => format!("{{\"{name}\"}}"),
        "Wait" => {
            let how = match state.get("Seconds") {
                Some(seconds) => format!("{seconds} s"),
                None => ["SecondsPath", "Timestamp", "TimestampPath"].iter().find_map(|k| state[*k].as_str().map(str::to_string)).unwrap_or_default(),
            };
            format!("([\"{name}<br/>wait {}\"])", label(&how))
        }
        "Pass" => format!("[/\"{name}\"/]"),
        "Succeed" => format!("([\"{name}\"])"),
        "Fail" => format!("[[\"{name}\"]]"),
        _ => format!("[\"{name}\"]"),
    }
}

/// A Choice rule in a few words: `$.domain.status == InService`, `not(...)`, `and(...)`.
fn condition(rule: &Value) -> String {
    for (combinator, joiner) in [("And", " and "), ("Or", " or ")] {
        if let Some(rules) = rule[combinator].as_array() {
            return rules.iter().map(condition).collect::<Vec<_>>().join(joiner);
        }
    }
    if rule.get("Not").is_some() {
        return format!("not {}", condition(&rule["Not"]));
    }
    if let Some(expression) = rule["Condition"].as_str() {
        return expression.to_string();
    }
    let variable = rule["Variable"].as_str().unwrap_or("?");
    let Some(object) = rule.as_object() else { return variable.to_string() };
    let test = object.iter().find(|(k, _)| !matches!(k.as_str(), "Variable" | "Next" | "Comment"));
    match test {
        Some((operator, value)) => {
            let op = operator.trim_end_matches("Path");
            let symbol = match op {
                o if o.ends_with("Equals") => "==",
                o if o.ends_with("GreaterThanEquals") => ">=",
                o if o.ends_with("LessThanEquals") => "<=",
                o if o.ends_with("GreaterThan") => ">",
                o if o.ends_with("LessThan") => "<",
                "IsPresent" => "present:",
                "IsNull" => "null:",
                _ => op,
            };
            format!("{variable} {symbol} {}", value.to_string().trim_matches('"'))
        }
        None => variable.to_string(),
    }
}

/// A node id Mermaid accepts (letters, digits, underscores), unique within its scope.
fn id(scope: &str, name: &str) -> String {
    let clean: String = name.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '_' }).collect();
    if scope.is_empty() {
        format!("s_{clean}")
    } else {
        format!("{scope}_{clean}")
    }
}

/// Text safe inside a quoted Mermaid label.
fn label(text: &str) -> String {
    text.replace('"', "#quot;").replace('<', "#lt;").replace('>', "#gt;")
}

const OPEN: &str = "<!-- diagram: ";
const CLOSE: &str = "<!-- /diagram -->";

/// `text` with every diagram block regenerated from the definition it names (relative to `root`).
pub fn refresh(text: &str, root: &Path) -> Result<String> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(OPEN) {
        let (before, from) = rest.split_at(at);
        out.push_str(before);
        let header_end = from.find("-->").context("an unclosed diagram marker")? + 3;
        let file = from[OPEN.len()..header_end - 3].trim();
        let close = from.find(CLOSE).with_context(|| format!("no {CLOSE} after the diagram of {file}"))?;
        let definition: Value = serde_json::from_str(&std::fs::read_to_string(root.join(file)).with_context(|| format!("reading {file}"))?)
            .with_context(|| format!("{file} is not JSON"))?;
        let _ = write!(out, "{OPEN}{file} -->\n```mermaid\n{}```\n{CLOSE}", mermaid(&definition)?);
        rest = &from[close + CLOSE.len()..];
    }
    out.push_str(rest);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn states_edges_choices_and_catches_are_drawn() {
        let definition = json!({
            "StartAt": "Poll",
            "States": {
                "Poll": {"Type": "Task", "Parameters": {"FunctionName": "${PollDomainFunction}"}, "Next": "Ready?",
                         "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Failed"}]},
                "Ready?": {"Type": "Choice", "Choices": [{"Variable": "$.status", "StringEquals": "InService", "Next": "Done"}], "Default": "Wait"},
                "Wait": {"Type": "Wait", "SecondsPath": "$.interval", "Next": "Poll"},
                "Done": {"Type": "Succeed"},
                "Failed": {"Type": "Fail"}
            }
        });
        let chart = mermaid(&definition).unwrap_or_default();
        for line in [
            "start([start]) --> s_Poll",
            "s_Poll[\"Poll<br/>PollDomainFunction\"]",
            "s_Poll --> s_Ready_",
            "s_Ready_ -->|\"$.status == InService\"| s_Done",
            "s_Ready_ -->|otherwise| s_Wait",
            "s_Poll -.->|\"States.ALL\"| s_Failed",
            "s_Wait([\"Wait<br/>wait $.interval\"])",
            "s_Failed[[\"Failed\"]]",
        ] {
            assert!(chart.contains(line), "missing {line:?} in\n{chart}");
        }
    }

    #[test]
    fn map_states_are_subgraphs() {
        let definition = json!({
            "StartAt": "Each",
            "States": {"Each": {"Type": "Map", "ItemProcessor": {"StartAt": "Do", "States": {"Do": {"Type": "Pass", "End": true}}}, "End": true}}
        });
        let chart = mermaid(&definition).unwrap_or_default();
        assert!(chart.contains("subgraph s_Each [\"Each (Map)\"]") && chart.contains("s_Each_0_start([start]) --> s_Each_0_Do"), "{chart}");
        assert!(chart.contains("s_Each_0_Do --> s_Each_0_done([end])") && chart.contains("s_Each --> done([end])"), "{chart}");
    }

    #[test]
    fn refresh_rewrites_only_the_marked_blocks() {
        let root = std::env::temp_dir().join(format!("diagram-test-{}", std::process::id()));
        std::fs::create_dir_all(&root).unwrap_or_default();
        std::fs::write(root.join("m.asl.json"), json!({"StartAt": "A", "States": {"A": {"Type": "Succeed"}}}).to_string()).unwrap_or_default();
        let text = "intro\n<!-- diagram: m.asl.json -->\nstale\n<!-- /diagram -->\noutro\n";
        let fresh = refresh(text, &root).unwrap_or_default();
        assert!(
            fresh.starts_with("intro\n<!-- diagram: m.asl.json -->\n```mermaid\nflowchart TD\n") && fresh.ends_with("```\n<!-- /diagram -->\noutro\n"),
            "{fresh}"
        );
        assert!(!fresh.contains("stale"));
        assert_eq!(refresh(&fresh, &root).unwrap_or_default(), fresh, "refreshing twice changes nothing");
        let _ = std::fs::remove_dir_all(root);
    }
}
