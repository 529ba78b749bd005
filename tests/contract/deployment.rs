//! The deployment template agrees with the workspace and the definition, grants least privilege
//! as written out in it, and passes cfn-lint and `sam validate --lint` (both offline); as
//! translated for deployment, it passes cfn-lint and every IAM statement names actions, resources
//! and condition keys that the IAM service definitions know (`infra/check_policies.py`).

use std::collections::BTreeSet;
use std::process::Command;

use anyhow::{bail, ensure, Context, Result};
use libtest_mimic::Trial;
use local_aws::deploy::{placeholders, substitution_key};
use onboarding_core::Workflow;
use serde_yaml::Value;
use tests::{read, root};

pub fn trials() -> Vec<Trial> {
    let t = |name: &'static str, f: fn() -> Result<()>| tests::trial(name, move || f().map_err(tests::failed));
    vec![
        t("template_functions_are_the_workspace_functions", functions_match),
        t("template_fills_every_definition_substitution", substitutions_match),
        t("template_grants_no_wildcard_actions_and_narrow_resources", least_privilege),
        t("template_api_is_iam_authenticated_and_matches_openapi", api_matches),
        t("template_deploys_every_workflow_as_the_registry_says", registry_matches),
        t("template_passes_cfn_lint", cfn_lint),
        t("template_passes_sam_validate_lint", sam_validate),
        t("translated_template_names_only_real_actions_resources_and_condition_keys", policies_as_deployed),
        t("policy_check_refuses_unknown_actions_resources_an_action_does_not_take_and_foreign_keys", policy_check_refuses_mistakes),
    ]
}

fn template() -> Result<Value> {
    serde_yaml::from_str(&read("infra/template.yaml")).context("infra/template.yaml is not YAML")
}

/// The template's functions: (logical id, crate name from CodeUri).
fn functions(t: &Value) -> Result<Vec<(String, String, Value)>> {
    let mut out = Vec::new();
    for (id, resource) in t["Resources"].as_mapping().context("Resources")? {
        if resource["Type"].as_str() == Some("AWS::Serverless::Function") {
            let uri = resource["Properties"]["CodeUri"].as_str().context("CodeUri")?;
            let crate_name = uri
                .strip_prefix("../functions/")
                .and_then(|p| p.split_once('/'))
                .map(|(_, name)| name)
                .with_context(|| format!("CodeUri {uri} is not a function crate"))?;
            out.push((id.as_str().unwrap_or_default().to_string(), crate_name.to_string(), resource.clone()));
        }
    }
    Ok(out)
}

fn functions_match() -> Result<()> {
    let t = template()?;
    let globals = &t["Globals"]["Function"];
    ensure!(globals["Runtime"].as_str() == Some("provided.al2023"), "Runtime");
    ensure!(globals["Architectures"][0].as_str() == Some("arm64"), "Architectures");
    ensure!(globals["Handler"].as_str() == Some("bootstrap"));
    ensure!(globals["Timeout"].as_u64().is_some_and(|s| s <= 900), "Timeout above Lambda's 900 s");
    ensure!(globals["Tracing"].as_str() == Some("Active"));
    let fns = functions(&t)?;
    for (id, crate_name, resource) in &fns {
        ensure!(resource["Metadata"]["BuildMethod"].as_str() == Some("rust-cargolambda"), "{id} is not built with cargo-lambda");
        ensure!(*id == substitution_key(crate_name), "{id} should be named {} after its crate", substitution_key(crate_name));
        let group = local_aws::function_group(&root(), crate_name)?;
        let uri = resource["Properties"]["CodeUri"].as_str().unwrap_or_default();
        ensure!(uri == format!("../functions/{group}/{crate_name}"), "{id}: CodeUri {uri} is not its crate's folder");
    }
    let deployed: BTreeSet<String> = fns.iter().map(|f| f.1.clone()).collect();
    let crates: BTreeSet<String> = local_aws::function_names(&root())?.into_iter().collect();
    ensure!(deployed == crates, "template deploys {deployed:?}, the workspace has {crates:?}");
    Ok(())
}

fn substitutions_match() -> Result<()> {
    let t = template()?;
    let machines: Vec<&Value> =
        t["Resources"].as_mapping().context("Resources")?.values().filter(|r| r["Type"].as_str() == Some("AWS::Serverless::StateMachine")).collect();
    let deployed: BTreeSet<String> = machines.iter().filter_map(|m| m["Properties"]["DefinitionUri"].as_str().map(str::to_string)).collect();
    let defined: BTreeSet<String> = Workflow::ALL.iter().map(|w| format!("../{}", w.facts().definition)).collect();
    ensure!(deployed == defined, "the template deploys {deployed:?}, the definitions are {defined:?}");
    for machine in machines {
        let uri = machine["Properties"]["DefinitionUri"].as_str().unwrap_or_default();
        ensure!(machine["Properties"]["Type"].as_str() == Some("STANDARD"));
        let given: BTreeSet<String> = machine["Properties"]["DefinitionSubstitutions"]
            .as_mapping()
            .context("substitutions")?
            .keys()
            .filter_map(|k| k.as_str().map(str::to_string))
            .collect();
        let needed: BTreeSet<String> = placeholders(&read(uri.trim_start_matches("../"))).into_iter().collect();
        ensure!(given == needed, "{uri}: the template gives {given:?}, the definition needs {needed:?}");
        // Each function substitution points at the function of the same name.
        for (key, value) in machine["Properties"]["DefinitionSubstitutions"].as_mapping().into_iter().flatten() {
            let key = key.as_str().unwrap_or_default();
            if key.ends_with("Function") {
                let target = format!("{value:?}");
                ensure!(target.contains(&format!("{key}.Arn")), "{key} is {target}");
            }
        }
        let logging = &machine["Properties"]["Logging"];
        ensure!(logging["IncludeExecutionData"].as_bool() == Some(false), "{uri}: execution data (e-mail addresses) must stay out of the logs");
        ensure!(machine["Properties"]["Tracing"]["Enabled"].as_bool() == Some(true));
    }
    Ok(())
}

fn statements(resource: &Value) -> Vec<Value> {
    resource["Properties"]["Policies"].as_sequence().into_iter().flatten().flat_map(|p| p["Statement"].as_sequence().cloned().unwrap_or_default()).collect()
}

fn strings(v: &Value) -> Vec<String> {
    match v {
        Value::String(s) => vec![s.clone()],
        Value::Sequence(items) => items.iter().flat_map(strings).collect(),
        Value::Tagged(tagged) => strings(&tagged.value),
        _ => Vec::new(),
    }
}

fn least_privilege() -> Result<()> {
    let t = template()?;
    for (id, resource) in t["Resources"].as_mapping().context("Resources")? {
        for statement in statements(resource) {
            let actions = strings(&statement["Action"]);
            for action in &actions {
                ensure!(!action.contains('*'), "{id:?} grants a wildcard action {action}");
            }
            // Which actions may take "*" is checked against the IAM service definitions
            // (policies_as_deployed).
            let resources = strings(&statement["Resource"]);
            if actions.iter().any(|a| a == "iam:PassRole") {
                ensure!(resources.iter().all(|r| r.contains("role/${RoleNamePrefix}*")), "{id:?} passes roles beyond the prefix");
                ensure!(format!("{:?}", statement["Condition"]).contains("sagemaker.amazonaws.com"), "{id:?} PassRole without iam:PassedToService");
            }
            if actions.iter().any(|a| a == "iam:CreateRole" || a == "iam:AttachRolePolicy") {
                ensure!(resources.iter().all(|r| r.contains("role/${RoleNamePrefix}*")), "{id:?} manages roles beyond the prefix");
            }
        }
    }
    // Functions that need no AWS access get none.
    let validate = &t["Resources"]["ValidateFunction"];
    ensure!(validate["Properties"]["Policies"].is_null(), "validate needs no AWS permissions");
    Ok(())
}

fn api_matches() -> Result<()> {
    let t = template()?;
    ensure!(t["Resources"]["OnboardingApi"]["Properties"]["Auth"]["DefaultAuthorizer"].as_str() == Some("AWS_IAM"), "the API must use IAM authorization");
    let openapi: serde_json::Value = serde_json::from_str(&read("infra/openapi.json"))?;
    let documented: BTreeSet<String> = openapi["paths"]
        .as_object()
        .context("paths")?
        .iter()
        .flat_map(|(path, ops)| ops.as_object().into_iter().flatten().map(move |(method, _)| format!("{} {path}", method.to_uppercase())))
        .collect();
    // Every function's HttpApi events (the entry point's and the dry run's).
    let resources = t["Resources"].as_mapping().context("Resources")?;
    let events = resources.values().filter_map(|r| r["Properties"]["Events"].as_mapping()).flat_map(|events| events.values());
    let routed: BTreeSet<String> = events
        .filter(|e| e["Type"].as_str() == Some("HttpApi"))
        .map(|e| format!("{} {}", e["Properties"]["Method"].as_str().unwrap_or_default(), e["Properties"]["Path"].as_str().unwrap_or_default()))
        .collect();
    ensure!(documented == routed, "OpenAPI documents {documented:?}, the template routes {routed:?}");
    Ok(())
}

/// Every workflow in the registry is deployed as the registry says: its state machine resource
/// from its definition, its ARN in the entry point's variable, its routes on the API, and its
/// ticket detail-type given to the entry point.
fn registry_matches() -> Result<()> {
    let t = template()?;
    let entry = &t["Resources"]["StartWorkflowFunction"];
    let variables = &entry["Properties"]["Environment"]["Variables"];
    let routes: BTreeSet<String> = entry["Properties"]["Events"]
        .as_mapping()
        .into_iter()
        .flatten()
        .map(|(_, e)| format!("{} {}", e["Properties"]["Method"].as_str().unwrap_or_default(), e["Properties"]["Path"].as_str().unwrap_or_default()))
        .collect();
    let plans = &t["Resources"]["PlanWorkflowFunction"]["Properties"]["Events"];
    for workflow in Workflow::ALL {
        let facts = workflow.facts();
        let machine = &t["Resources"][facts.template_resource];
        ensure!(machine["Type"].as_str() == Some("AWS::Serverless::StateMachine"), "{workflow}: no state machine {}", facts.template_resource);
        let uri = format!("../{}", facts.definition);
        ensure!(machine["Properties"]["DefinitionUri"].as_str() == Some(uri.as_str()), "{workflow}: {} is not deployed from {uri}", facts.template_resource);
        let arn = format!("{:?}", variables[facts.state_machine_arn_variable]);
        ensure!(arn.contains(facts.template_resource), "{workflow}: the entry point's {} is {arn}", facts.state_machine_arn_variable);
        for route in [format!("POST {}", facts.collection), format!("GET {}/{{id}}", facts.collection)] {
            ensure!(routes.contains(&route), "{workflow}: the entry point does not serve {route}");
        }
        if let Some(variable) = facts.detail_type_variable {
            ensure!(!variables[variable].is_null(), "{workflow}: the entry point is not given {variable}");
        }
        if let Some(plan) = facts.plan_route {
            let served = plans.as_mapping().into_iter().flatten().any(|(_, e)| e["Properties"]["Path"].as_str() == Some(plan));
            ensure!(served, "{workflow}: the dry run does not serve {plan}");
        }
    }
    Ok(())
}

fn tool(name: &str) -> Result<std::path::PathBuf> {
    let path = root().join(".venv-infra/bin").join(name);
    if !path.exists() {
        bail!("{name} is not installed: run scripts/setup");
    }
    Ok(path)
}

fn cfn_lint() -> Result<()> {
    let out = Command::new(tool("cfn-lint")?).arg(root().join("infra/template.yaml")).output()?;
    ensure!(out.status.success(), "cfn-lint:\n{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    Ok(())
}

fn sam_validate() -> Result<()> {
    let out = Command::new(tool("sam")?)
        .args(["validate", "--lint", "--region", "us-east-1", "--template-file"])
        .arg(root().join("infra/template.yaml"))
        .env("SAM_CLI_TELEMETRY", "0")
        .output()?;
    ensure!(out.status.success(), "sam validate --lint:\n{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    Ok(())
}

fn check_policies(template: &std::path::Path) -> Result<std::process::Output> {
    Ok(Command::new(tool("python")?)
        .arg(root().join("infra/check_policies.py"))
        .arg(template)
        .arg("--base")
        .arg(root().join("infra"))
        .env("SAM_CLI_TELEMETRY", "0")
        .output()?)
}

fn policies_as_deployed() -> Result<()> {
    let out = check_policies(&root().join("infra/template.yaml"))?;
    ensure!(out.status.success(), "infra/check_policies.py:\n{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    Ok(())
}

/// The check fails on each kind of mistake it is there for, named in its output.
fn policy_check_refuses_mistakes() -> Result<()> {
    let mistakes = [
        ("Action: sso:DescribeManagedApplicationInstance\n              Resource: \"*\"", "names no IAM action"),
        ("Action: sso:ListInstances\n              Resource: !Sub arn:${AWS::Partition}:sso:::instance/*", "applies to none of"),
        ("Action: sagemaker:DescribeDomain\n              Resource: \"*\"", "although it can be scoped"),
        (
            "Action: ses:SendEmail\n              Resource: \"*\"\n              Condition:\n                StringEquals:\n                  iam:PassedToService: ses.amazonaws.com",
            "condition key iam:PassedToService",
        ),
    ];
    let template = read("infra/template.yaml");
    let anchor = "            - Sid: DescribeNetwork\n";
    ensure!(template.contains(anchor), "the template has no DescribeNetwork statement to add a mistake beside");
    // Every mistake in one template, one run of the check (each costs seconds of SAM translation).
    let statements: String = mistakes
        .iter()
        .enumerate()
        .map(|(i, (statement, _))| format!("            - Sid: Mistake{i}\n              Effect: Allow\n              {statement}\n"))
        .collect();
    let wrong = template.replacen(anchor, &format!("{statements}{anchor}"), 1);
    let path = std::env::temp_dir().join(format!("template-mistakes-{}.yaml", std::process::id()));
    std::fs::write(&path, wrong)?;
    let out = check_policies(&path);
    let _ = std::fs::remove_file(&path);
    let out = out?;
    let printed = String::from_utf8_lossy(&out.stdout);
    ensure!(!out.status.success(), "the check passed a template with mistakes:\n{printed}");
    for (i, (_, named)) in mistakes.iter().enumerate() {
        let refused = printed.lines().any(|line| line.contains(&format!("[Mistake{i}]: ")) && line.contains(named));
        ensure!(refused, "mistake {i} was not refused as {named:?}:\n{printed}");
    }
    Ok(())
}
