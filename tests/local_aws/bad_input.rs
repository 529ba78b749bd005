//! The corpus of invalid requests in `tests/bad-requests/`: each is refused with its named error
//! and field path by the one validation the three entry points share (the CLI's and the API's
//! `validate_json`, the Validate state's handler), through the API, and, for a sample, through
//! `onboard validate` and a console execution of the state machine; nothing is created for any.

use std::path::PathBuf;
use std::process::Command;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{bail, ensure, Context, Result};
use aws_sdk_ec2::types::Filter;
use futures::stream::{self, TryStreamExt};
use lambda_runtime::{Context as LambdaContext, LambdaEvent};
use libtest_mimic::Trial;
use onboard::execution;
use onboard::local::LocalSession;
use onboarding_aws::step_functions::StepFunctionsAdapter;
use onboarding_core::naming::execution_arn;
use onboarding_core::ports::WorkflowPort;
use onboarding_core::Workflow;
use serde::Deserialize;
use serde_json::{json, Value};
use tests::{read, root, Env};

use crate::entry_points::Entry;
use crate::local_test;

pub fn trials(env: &Arc<Env>) -> Vec<Trial> {
    vec![local_test!(env, the_bad_request_corpus_is_refused_everywhere_and_creates_nothing), local_test!(env, a_request_near_the_state_size_limit_is_refused)]
}

#[derive(Clone, Debug, Deserialize)]
struct Case {
    file: String,
    error: String,
    path: String,
    stage: String,
    domain: String,
}

fn cases() -> Result<Vec<Case>> {
    let manifest: Value = serde_json::from_str(&read("tests/bad-requests/cases.json"))?;
    let cases: Vec<Case> = serde_json::from_value(manifest["cases"].clone())?;
    ensure!(cases.len() >= 50, "the corpus has {} requests", cases.len());
    Ok(cases)
}

/// The request text, with the local account's network ids where the case names placeholders.
async fn text(s: &LocalSession, case: &Case) -> Result<String> {
    let raw = read(&format!("tests/bad-requests/{}", case.file));
    if !raw.contains("{{") {
        return Ok(raw);
    }
    let ec2 = aws_sdk_ec2::Client::new(s.aws.sdk_config());
    let vpcs = ec2.describe_vpcs().filters(Filter::builder().name("is-default").values("true").build()).send().await?;
    let vpc = vpcs.vpcs().first().and_then(|v| v.vpc_id()).context("default VPC")?.to_string();
    let groups = ec2
        .describe_security_groups()
        .filters(Filter::builder().name("vpc-id").values(&vpc).build())
        .filters(Filter::builder().name("group-name").values("default").build())
        .send()
        .await?;
    let group = groups.security_groups().first().and_then(|g| g.group_id()).context("default security group")?.to_string();
    Ok(raw.replace("{{defaultVpc}}", &vpc).replace("{{defaultSecurityGroup}}", &group))
}

fn onboard_binary() -> Result<PathBuf> {
    let exe = std::env::current_exe()?;
    let dir = exe.parent().and_then(|d| d.parent()).context("target directory")?;
    // Built (or found up to date) here, so that the test never runs a stale binary.
    let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(["build", "--quiet", "-p", "onboard", "--bin", "onboard"])
        .current_dir(root())
        .status()?;
    ensure!(status.success(), "building onboard failed");
    Ok(dir.join("onboard"))
}

/// `onboard validate FILE`: refused cases exit 1 naming the path; workflow cases pass it.
fn through_onboard_validate(binary: &PathBuf, case: &Case, text: &str) -> Result<()> {
    let file = std::env::temp_dir().join(format!("bad-request-{}-{}", std::process::id(), case.file));
    std::fs::write(&file, text)?;
    let out = Command::new(binary).arg("validate").arg(&file).envs(local_aws::deployment_env()).output()?;
    let _ = std::fs::remove_file(&file);
    let stderr = String::from_utf8_lossy(&out.stderr);
    if case.stage == "validate" {
        ensure!(!out.status.success(), "{}: onboard validate accepted it", case.file);
        ensure!(stderr.contains(&format!("  {}: ", case.path)), "{}: onboard validate did not name {}: {stderr}", case.file, case.path);
    } else {
        ensure!(out.status.success(), "{}: valid in form, but onboard validate said {stderr}", case.file);
    }
    Ok(())
}

/// `POST /onboardings`: 400 with the path, or (valid in form) 202 and then the workflow refuses it.
async fn through_the_api(s: &LocalSession, entry: &Entry<'_>, case: &Case, text: &str) -> Result<()> {
    let event = tests::api_event("POST /onboardings", None, Some(text), false);
    let response = entry.call(event).await?;
    let body: Value = serde_json::from_str(response["body"].as_str().unwrap_or("{}"))?;
    if case.stage == "validate" {
        ensure!(response["statusCode"] == 400, "{}: the API answered {}", case.file, response["statusCode"]);
        let paths: Vec<&str> = body["problems"].as_array().into_iter().flatten().filter_map(|p| p["path"].as_str()).collect();
        ensure!(paths.contains(&case.path.as_str()), "{}: the API named {paths:?}, not {}", case.file, case.path);
        return Ok(());
    }
    ensure!(response["statusCode"] == 202, "{}: the API answered {} {body}", case.file, response["statusCode"]);
    let id = body["onboardingId"].as_str().context("onboardingId")?;
    let outcome = execution::follow(&s.sfn, &execution_arn(s.arn(Workflow::Onboarding), id), Duration::from_millis(300), |_| {}).await?;
    refused(case, outcome.error.as_deref(), outcome.cause.as_deref())
}

fn refused(case: &Case, error: Option<&str>, cause: Option<&str>) -> Result<()> {
    ensure!(error == Some(case.error.as_str()), "{}: failed with {error:?}, not {}", case.file, case.error);
    ensure!(cause.is_some_and(|c| c.contains(&case.path)), "{}: the cause does not name {}: {cause:?}", case.file, case.path);
    Ok(())
}

/// The request as an execution's input, as pasted in the console.
async fn through_the_state_machine(s: &LocalSession, case: &Case, text: &str) -> Result<()> {
    let name = format!("console-{}", case.file.trim_end_matches(".json"));
    let started = match StepFunctionsAdapter::new(s.sfn.clone(), s.arn(Workflow::Onboarding)).start(&name, text).await {
        Ok(started) => started,
        // Step Functions itself refuses input that is not JSON: nothing runs.
        Err(e) if serde_json::from_str::<Value>(text).is_err() => {
            ensure!(e.message.contains("StartExecution"), "{}: {e}", case.file);
            return Ok(());
        }
        Err(e) => bail!("{}: {e}", case.file),
    };
    let outcome = execution::follow(&s.sfn, &started.execution_arn, Duration::from_millis(300), |_| {}).await?;
    ensure!(outcome.status == "FAILED", "{}: the execution {}", case.file, outcome.status);
    refused(case, outcome.error.as_deref(), outcome.cause.as_deref())
}

/// The cases that also run through `onboard validate` and a console execution: the other entry
/// points are the same validation, which every case meets in-process.
const THROUGH_EVERY_ENTRY_POINT: &[&str] = &[
    "01-not-json.json",
    "10-unknown-top-level-key.json",
    "22-no-principals.json",
    "47-space-size-too-large.json",
    "54-unknown-user.json",
    "57-vpc-does-not-exist.json",
];

/// The shared validation, in-process: `validate_json` (what `onboard validate` and the API run)
/// and the Validate state's handler (what a console execution runs first).
async fn through_the_shared_validation(case: &Case, text: &str) -> Result<()> {
    let validation = local_aws::validation_context();
    let checked = onboarding_core::validate::validate_json(text, &validation);
    let config = validate::Config { validation, domain_region: "us-east-1".into(), settings: local_aws::deploy::LOCAL_TUNABLES };
    let handled = match serde_json::from_str::<Value>(text) {
        Ok(request) => Some(validate::handler(&config, LambdaEvent::new(validate::RequestInput { request }, LambdaContext::default())).await),
        Err(_) => None, // Step Functions refuses input that is not JSON: the state never sees it.
    };
    if case.stage == "validate" {
        let problems = checked.err().with_context(|| format!("{}: validate_json accepted it", case.file))?;
        ensure!(problems.iter().any(|p| p.to_string().contains(&case.path)), "{}: validate_json did not name {}", case.file, case.path);
        if let Some(handled) = handled {
            let error = handled.err().with_context(|| format!("{}: the Validate state accepted it", case.file))?;
            refused(case, Some(error.name.as_str()), Some(&error.message))?;
        }
    } else {
        ensure!(checked.is_ok(), "{}: valid in form, but validate_json refused it", case.file);
        ensure!(handled.is_some_and(|h| h.is_ok()), "{}: valid in form, but the Validate state refused it", case.file);
    }
    Ok(())
}

async fn the_bad_request_corpus_is_refused_everywhere_and_creates_nothing(s: &LocalSession) -> Result<()> {
    let cases = cases()?;
    for sampled in THROUGH_EVERY_ENTRY_POINT {
        ensure!(cases.iter().any(|c| c.file == *sampled), "{sampled} is not in the corpus");
    }
    let binary = onboard_binary()?;
    let cfg = s.aws.sdk_config();
    let entry = Entry::new(s);
    stream::iter(cases.iter().map(Ok::<_, anyhow::Error>))
        .try_for_each_concurrent(6, |case| {
            let (binary, entry) = (&binary, &entry);
            async move {
                let text = text(s, case).await?;
                through_the_shared_validation(case, &text).await?;
                through_the_api(s, entry, case, &text).await?;
                if THROUGH_EVERY_ENTRY_POINT.contains(&case.file.as_str()) {
                    through_onboard_validate(binary, case, &text)?;
                    through_the_state_machine(s, case, &text).await?;
                }
                Ok(())
            }
        })
        .await?;

    // Nothing was created for any of them.
    let domains = aws_sdk_sagemaker::Client::new(cfg).list_domains().send().await?;
    let iam = aws_sdk_iam::Client::new(cfg);
    for case in &cases {
        let emails = s.aws.emails_about(&case.domain)?;
        ensure!(!domains.domains().iter().any(|d| d.domain_name() == Some(case.domain.as_str())), "{}: a domain was created", case.file);
        ensure!(s.aws.count_calls("iam:CreateRole", &format!("{}-execution", case.domain))? == 0, "{}: a role was created", case.file);
        ensure!(iam.get_role().role_name(format!("{}{}-execution", local_aws::ROLE_NAME_PREFIX, case.domain)).send().await.is_err());
        ensure!(!emails.iter().any(|e| e.subject.contains("Your access")), "{}: an invitation was sent", case.file);
    }
    Ok(())
}

async fn a_request_near_the_state_size_limit_is_refused(s: &LocalSession) -> Result<()> {
    // About 230 KiB: under Step Functions' 256 KiB limit with room for the state's own fields,
    // far over the request's own limit (32 KiB).
    let padding: Vec<String> = (0..4600).map(|i| format!("user-{i:05}-{}", "x".repeat(38))).collect();
    let request = json!({"domainName": "bad-huge", "ticket": {"id": "BAD-HUGE"}, "identityCenter": {"users": padding}});
    let text = request.to_string();
    ensure!((220_000..240_000).contains(&text.len()), "{} bytes", text.len());
    let started = StepFunctionsAdapter::new(s.sfn.clone(), s.arn(Workflow::Onboarding)).start("console-bad-huge", &text).await?;
    let outcome = execution::follow(&s.sfn, &started.execution_arn, Duration::from_millis(300), |_| {}).await?;
    ensure!(outcome.error.as_deref() == Some("RequestInvalid"), "{:?}", outcome.error);
    ensure!(outcome.cause.as_deref().is_some_and(|c| c.contains("bytes")), "{:?}", outcome.cause);
    let domains = aws_sdk_sagemaker::Client::new(s.aws.sdk_config()).list_domains().send().await?;
    ensure!(!domains.domains().iter().any(|d| d.domain_name() == Some("bad-huge")));
    Ok(())
}
