//! Least privilege proven by running: each function signs its calls as itself, and the local AWS
//! authorizes them by that function's policies in `infra/template.yaml` (as deployed), so every
//! onboarding of this suite runs under the template's own policies. These tests show that the
//! local AWS refuses what a policy does not grant (conditions included), and that an onboarding
//! fails with `AwsAccessDenied`, at the step concerned, when one statement is missing.

use std::sync::Arc;

use anyhow::{ensure, Context, Result};
use aws_sdk_iam::error::ProvideErrorMetadata;
use libtest_mimic::Trial;
use onboard::local::LocalSession;
use serde_json::{json, Value};
use tests::{root, Env};

use crate::local_test;

pub fn trials(env: &Arc<Env>) -> Vec<Trial> {
    vec![
        local_test!(env, a_function_is_refused_what_its_policy_does_not_grant),
        local_test!(env, without_one_statement_the_onboarding_fails_at_its_step),
        crate::trial("the_local_aws_rules_pass_their_own_tests", || the_local_aws_rules_pass_their_own_tests().map_err(crate::failed)),
    ]
}

/// An IAM client that signs as `function` does in the local AWS.
fn iam_as(s: &LocalSession, function: &str) -> aws_sdk_iam::Client {
    aws_sdk_iam::Client::new(&s.aws.sdk_config_as(function))
}

fn denied_code<T, E: ProvideErrorMetadata>(result: Result<T, E>) -> Option<String> {
    result.err().and_then(|e| e.code().map(str::to_string))
}

async fn a_function_is_refused_what_its_policy_does_not_grant(s: &LocalSession) -> Result<()> {
    let role = "sagemaker-onboarding-least-privilege-check";
    let trust = onboarding_core::policies::sagemaker_trust_policy().to_string();
    let boundary = local_aws::permissions_boundary_arn();

    // Domain creation may pass roles, not create them.
    let as_domain_creation = iam_as(s, "create-domain");
    let refused = as_domain_creation.create_role().role_name(role).assume_role_policy_document(&trust).permissions_boundary(&boundary).send().await;
    ensure!(denied_code(refused).as_deref() == Some("AccessDenied"), "create-domain created a role");

    // Role setup may create roles only within the boundary (iam:PermissionsBoundary) ...
    let as_role_setup = iam_as(s, "set-up-roles");
    let unbounded = as_role_setup.create_role().role_name(role).assume_role_policy_document(&trust).send().await;
    ensure!(denied_code(unbounded).as_deref() == Some("AccessDenied"), "set-up-roles created a role without the boundary");
    let admin = iam_as(s, "test");
    ensure!(admin.get_role().role_name(role).send().await.is_err(), "a refused CreateRole created the role");
    as_role_setup
        .create_role()
        .role_name(role)
        .assume_role_policy_document(&trust)
        .permissions_boundary(&boundary)
        .send()
        .await
        .context("CreateRole within the boundary")?;

    // ... and attach only the allowed managed policies (iam:PolicyARN).
    let administrator = as_role_setup.attach_role_policy().role_name(role).policy_arn("arn:aws:iam::aws:policy/AdministratorAccess").send().await;
    ensure!(denied_code(administrator).as_deref() == Some("AccessDenied"), "set-up-roles attached AdministratorAccess");
    as_role_setup
        .attach_role_policy()
        .role_name(role)
        .policy_arn("arn:aws:iam::aws:policy/AmazonSageMakerFullAccess")
        .send()
        .await
        .context("attaching an allowed policy")?;
    let attached = admin.list_attached_role_policies().role_name(role).send().await?;
    let names: Vec<&str> = attached.attached_policies().iter().filter_map(|p| p.policy_name()).collect();
    ensure!(names == ["AmazonSageMakerFullAccess"], "attached: {names:?}");

    // Each refusal is on record with the function, the action and the resource.
    let denied = s.aws.denied(role)?;
    let mine: Vec<&Value> = denied.iter().filter(|d| d["resource"].as_str().is_some_and(|r| r.ends_with(role))).collect();
    let seen: Vec<(&str, &str)> = mine.iter().map(|d| (d["function"].as_str().unwrap_or_default(), d["action"].as_str().unwrap_or_default())).collect();
    ensure!(
        seen == [("create-domain", "iam:CreateRole"), ("set-up-roles", "iam:CreateRole"), ("set-up-roles", "iam:AttachRolePolicy")],
        "refusals on record: {seen:?}"
    );
    Ok(())
}

/// The Python tests of the local AWS's rules: what each call asks IAM for
/// (`local-aws/authorization.py`) and what the service models refuse (`local-aws/service_models.py`).
fn the_local_aws_rules_pass_their_own_tests() -> Result<()> {
    let out = std::process::Command::new(root().join(".venv/bin/python"))
        .args(["-m", "unittest", "discover", "-s", "local-aws"])
        .current_dir(root())
        .output()
        .context("running the local AWS's Python tests (scripts/setup installs .venv)")?;
    let report = String::from_utf8_lossy(&out.stderr);
    ensure!(out.status.success(), "local-aws/test_*.py:\n{report}");
    ensure!(report.contains("Ran ") && !report.contains("Ran 0 tests"), "no test ran:\n{report}");
    Ok(())
}

/// Access assignment's `UserProfiles` statement left out of its policies for one domain's calls
/// (the other tests share this local AWS): that onboarding gets as far as assigning access, and
/// fails there.
async fn without_one_statement_the_onboarding_fails_at_its_step(s: &LocalSession) -> Result<()> {
    s.aws.leave_out_statement("assign-access", "UserProfiles", "least-privilege")?;
    let request = json!({
        "domainName": "least-privilege",
        "ticket": {"id": "LP-1", "requester": "lead@example.com"},
        "identityCenter": {"users": ["jane"]}
    });
    let outcome = s.onboard(&request.to_string(), |_| {}).await?;
    ensure!(outcome.status == "FAILED" && outcome.error.as_deref() == Some("AwsAccessDenied"), "{} {:?} {:?}", outcome.status, outcome.error, outcome.cause);
    let failed: Vec<&str> = outcome.steps.iter().filter(|st| st.failure.is_some()).map(|st| st.state.as_str()).collect();
    ensure!(failed.first() == Some(&"AssignAccess"), "failed steps: {failed:?}");
    // The refusals this onboarding met: access assignment's user-profile calls, nothing else.
    let listed = aws_sdk_sagemaker::Client::new(s.aws.sdk_config()).list_domains().send().await?;
    let domain_id = listed.domains().iter().find(|d| d.domain_name() == Some("least-privilege")).and_then(|d| d.domain_id()).context("the domain")?;
    let role = format!("{}least-privilege-execution", local_aws::ROLE_NAME_PREFIX);
    let denied = [s.aws.denied(domain_id)?, s.aws.denied(&role)?].concat();
    let refused: Vec<(&str, &str)> = denied.iter().map(|d| (d["function"].as_str().unwrap_or_default(), d["action"].as_str().unwrap_or_default())).collect();
    ensure!(!refused.is_empty() && refused.iter().all(|(f, a)| *f == "assign-access" && a.ends_with("UserProfile")), "refusals: {refused:?}");
    ensure!(s.aws.count_calls("sagemaker:CreateUserProfile", domain_id)? == 0, "a user profile was created");
    Ok(())
}
