//! Least privilege, enforced locally: each function signs its calls with credentials of its own
//! (a `credential_process` profile that names the function by `AWS_LAMBDA_FUNCTION_NAME`, which
//! the local Lambda sets), and the router authorizes every such call by that function's
//! policies in the deployment template, translated and resolved with the local deployment's
//! values (`infra/deployed_policies.py`).

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context, Result};
use onboarding_core::Workflow;
use serde_json::{json, Value};

use crate::{deploy, permissions_boundary_arn, Options, ACCOUNT_ID, RECIPIENT_DOMAIN, ROLE_NAME_PREFIX, SENDER_ADDRESS};

/// The profile the functions' SDK configuration loads.
pub const FUNCTION_PROFILE: &str = "local-function";

/// The local deployment's values for the template: what the resolved policies name must be
/// what the local AWS holds (the state machine, the ticket bus, the boundary, the role prefix).
pub fn deployment_values(region: &str) -> Value {
    let boundary_name = permissions_boundary_arn().rsplit('/').next().unwrap_or_default().to_string();
    let mut names = json!({
        "TicketBus": deploy::LOCAL_EVENT_BUS,
        "TeamPermissionsBoundary": boundary_name,
        "InvitationsTable": crate::ledger::LOCAL_INVITATIONS_TABLE,
    });
    for workflow in Workflow::ALL {
        names[workflow.facts().template_resource] = json!(workflow.facts().local_state_machine);
    }
    json!({
        "pseudo": {"AWS::Region": region, "AWS::AccountId": ACCOUNT_ID, "AWS::StackName": Workflow::Onboarding.facts().local_state_machine},
        "parameters": {
            "RoleNamePrefix": ROLE_NAME_PREFIX,
            "SenderAddress": SENDER_ADDRESS,
            "AllowedSenderAddresses": [SENDER_ADDRESS],
            "AllowedRecipientDomains": [RECIPIENT_DOMAIN],
            "TicketSystemPrincipalArn": format!("arn:aws:iam::{ACCOUNT_ID}:role/ticket-system"),
        },
        "names": names,
    })
}

/// Writes each function's policies (from `options.template`) where the router reads them.
pub fn write_function_policies(options: &Options) -> Result<PathBuf> {
    let values = options.log_dir.join("deployment-values.json");
    std::fs::write(&values, serde_json::to_vec_pretty(&deployment_values(&options.region))?)?;
    let out = Command::new(options.root.join(".venv/bin/python"))
        .arg(options.root.join("infra/deployed_policies.py"))
        .arg(&options.template)
        .arg("--values")
        .arg(&values)
        .output()
        .context("running infra/deployed_policies.py")?;
    if !out.status.success() {
        bail!("infra/deployed_policies.py failed on {}:\n{}", options.template.display(), String::from_utf8_lossy(&out.stderr));
    }
    let policies: Value = serde_json::from_slice(&out.stdout).context("infra/deployed_policies.py printed no JSON")?;
    if policies.as_object().is_none_or(|functions| functions.is_empty()) {
        bail!("{} gives no function a role", options.template.display());
    }
    let path = options.log_dir.join("function-policies.json");
    std::fs::write(&path, serde_json::to_vec_pretty(&policies)?)?;
    Ok(path)
}

/// Writes the functions' AWS config file: one profile whose credentials are the function's name.
pub fn write_function_credentials(dir: &Path) -> Result<PathBuf> {
    let path = dir.join("function-credentials.ini");
    let profile = format!(
        "[profile {FUNCTION_PROFILE}]\n\
         credential_process = printf '{{\"Version\":1,\"AccessKeyId\":\"%s\",\"SecretAccessKey\":\"local\"}}' \"$AWS_LAMBDA_FUNCTION_NAME\"\n"
    );
    std::fs::write(&path, profile)?;
    Ok(path)
}

/// The environment that makes a function load those credentials (and no others).
pub fn function_credentials_env(config_file: &Path) -> Vec<(&'static str, String)> {
    vec![
        ("AWS_CONFIG_FILE", config_file.display().to_string()),
        ("AWS_SHARED_CREDENTIALS_FILE", config_file.with_extension("none").display().to_string()),
        ("AWS_PROFILE", FUNCTION_PROFILE.to_string()),
    ]
}
