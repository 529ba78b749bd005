//! The dry run (`POST /plans`, `onboard plan`) against the local AWS, signed as its function (its
//! calls are authorized by its policy in the template): the read-only checks run and nothing is
//! created; after the onboarding, the same plan finds and reuses what it made, and the
//! amendment's and the offboarding's plans (`POST /amendment-plans`, `POST /offboarding-plans`)
//! say what they would change, changing nothing.

use std::sync::Arc;

use anyhow::{ensure, Context, Result};
use aws_lambda_events::apigw::ApiGatewayV2httpRequest;
use aws_lambda_events::encodings::Body;
use lambda_runtime::{Context as LambdaContext, LambdaEvent};
use libtest_mimic::Trial;
use onboard::local::LocalSession;
use onboarding_aws::ec2::Ec2Adapter;
use onboarding_aws::iam::IamAdapter;
use onboarding_aws::identity_center::IdentityCenterAdapter;
use onboarding_aws::sagemaker::SageMakerAdapter;
use onboarding_aws::sso_assignments::AssignmentAdapter;
use plan_workflow::{handler, Deployment, Readers};
use serde_json::{json, Value};
use tests::Env;

use crate::local_test;

pub fn trials(env: &Arc<Env>) -> Vec<Trial> {
    vec![local_test!(env, a_plan_creates_nothing_and_a_second_plan_reuses_what_the_onboarding_made)]
}

/// `POST /plans` with `request`: the status and the body.
async fn post_plan(s: &LocalSession, request: &Value) -> Result<(i64, Value)> {
    post_to(s, "POST /plans", request).await
}

/// `route` (a plan route) with `request`: the status and the body.
async fn post_to(s: &LocalSession, route: &str, request: &Value) -> Result<(i64, Value)> {
    let config = s.aws.sdk_config_as("plan-workflow");
    let (identity, network, iam, sagemaker, sso) = (
        IdentityCenterAdapter::from_config(&config),
        Ec2Adapter::from_config(&config),
        IamAdapter::from_config(&config),
        SageMakerAdapter::from_config(&config),
        AssignmentAdapter::from_config(&config),
    );
    let validation = local_aws::validation_context();
    let deployment = Deployment { role_name_prefix: local_aws::ROLE_NAME_PREFIX, region: &s.aws.region, identity_center_instance_arn: None };
    let event: ApiGatewayV2httpRequest = serde_json::from_value(tests::api_event(route, None, Some(&request.to_string()), false))?;
    let readers = Readers { identity: &identity, network: &network, iam: &iam, sagemaker: &sagemaker, sso: &sso };
    let response = handler(readers, &deployment, &validation, LambdaEvent::new(event, LambdaContext::default())).await?;
    let Some(Body::Text(text)) = response.body else { anyhow::bail!("no body") };
    Ok((response.status_code, serde_json::from_str(&text)?))
}

fn lines(body: &Value) -> Vec<String> {
    body["plan"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|l| format!("{} {}", l["action"].as_str().unwrap_or_default(), l["what"].as_str().unwrap_or_default()))
        .collect()
}

async fn a_plan_creates_nothing_and_a_second_plan_reuses_what_the_onboarding_made(s: &LocalSession) -> Result<()> {
    let d = "planned-team";
    let request = json!({
        "domainName": d,
        "ticket": {"id": format!("T-{d}"), "requester": "lead@example.com"},
        "identityCenter": {"users": ["jane"], "groups": ["ml-team"]}
    });
    let role = format!("{}{d}-execution", local_aws::ROLE_NAME_PREFIX);
    let (status, body) = post_plan(s, &request).await?;
    ensure!(status == 200, "{status} {body}");
    let before = lines(&body);
    ensure!(before.contains(&format!("create role {role}")), "{before:#?}");
    ensure!(before.iter().any(|l| l.starts_with(&format!("create domain {d}"))), "{before:#?}");
    ensure!(before.iter().any(|l| l.starts_with("send an invitation to each of at most 4 people")), "{before:#?}");
    ensure!(
        s.aws.count_calls("iam:CreateRole", &role)? == 0 && s.aws.count_calls("sagemaker:CreateDomain", &format!("\"{d}\""))? == 0,
        "the plan created something"
    );

    let mut unknown = request.clone();
    unknown["identityCenter"]["users"] = json!(["nobody-here"]);
    let (status, body) = post_plan(s, &unknown).await?;
    ensure!(status == 422 && body["error"] == "PrincipalNotFound", "{status} {body}");

    let outcome = s.onboard(&request.to_string(), |_| {}).await?;
    ensure!(outcome.succeeded(), "{:?} {:?}", outcome.error, outcome.cause);
    let (status, body) = post_plan(s, &request).await?;
    ensure!(status == 200, "{status} {body}");
    let after = lines(&body);
    ensure!(after.iter().any(|l| l.starts_with(&format!("reuse role {role}"))), "{after:#?}");
    ensure!(after.iter().any(|l| l.starts_with(&format!("reuse domain {d}"))), "{after:#?}");
    let domain_id = outcome.output.as_ref().and_then(|o| o["domainId"].as_str()).context("domainId")?;
    ensure!(after.iter().any(|l| l.contains(domain_id)), "{after:#?}");
    // The domain is as the request wants it: nothing to update; a changed request shows the change.
    ensure!(!after.iter().any(|l| l.contains("domain setting")), "{after:#?}");
    let mut changed = request.clone();
    changed["tagPropagation"] = json!(true);
    let (status, body) = post_plan(s, &changed).await?;
    ensure!(status == 200, "{status} {body}");
    let update = lines(&body);
    ensure!(update.iter().filter(|l| l.contains("domain setting")).collect::<Vec<_>>() == ["update domain setting TagPropagation"], "{update:#?}");
    ensure!(s.aws.recorded_matching("sagemaker:UpdateDomain", Some(&domain_id))?.is_empty(), "the plan updated the domain");

    let offboarding = json!({"domainName": d, "homeEfsFileSystem": "Delete", "ticket": {"id": format!("OFF-{d}"), "requester": "lead@example.com"}});
    let (status, body) = post_to(s, "POST /offboarding-plans", &offboarding).await?;
    ensure!(status == 200, "{status} {body}");
    let last_day = lines(&body);
    for expected in [
        "remove 1 users and 1 groups".to_string(),
        "delete 0 apps, then 0 spaces, then 1 user profiles".to_string(),
        format!("delete domain {domain_id} with its home EFS file system fs-"),
        format!("delete role {role}"),
        "send the report to 1 people".to_string(),
    ] {
        ensure!(last_day.iter().any(|l| l.starts_with(&expected)), "no '{expected}' in {last_day:#?}");
    }
    ensure!(s.aws.recorded_matching("sagemaker:DeleteDomain", Some(&domain_id))?.is_empty(), "the offboarding's plan deleted the domain");
    let application = aws_sdk_sagemaker::Client::new(s.aws.sdk_config())
        .describe_domain()
        .domain_id(domain_id)
        .send()
        .await?
        .single_sign_on_application_arn()
        .context("application")?
        .to_string();
    let sso = aws_sdk_ssoadmin::Client::new(s.aws.sdk_config());
    let assigned_before = sso.list_application_assignments().application_arn(&application).send().await?.application_assignments().len();
    let amendment = json!({"domainName": d, "add": {"users": ["omar"]}, "remove": {"users": ["jane"]}, "removedUserData": "Keep"});
    let (status, body) = post_to(s, "POST /amendment-plans", &amendment).await?;
    ensure!(status == 200, "{status} {body}");
    let day_two = lines(&body);
    for expected in [
        "assign 1 users and 0 groups",
        "create user profiles [omar]",
        "remove 1 users and 0 groups",
        "delete the apps of [jane]",
        "keep the private spaces and user profiles of [jane]",
    ] {
        ensure!(day_two.iter().any(|l| l.starts_with(expected)), "no '{expected}' in {day_two:#?}");
    }
    let assigned_after = sso.list_application_assignments().application_arn(&application).send().await?.application_assignments().len();
    ensure!(assigned_after == assigned_before && assigned_before == 2, "the amendment's plan changed the assignments: {assigned_before} -> {assigned_after}");
    let (status, body) = post_to(s, "POST /offboarding-plans", &json!({"domainName": "nobody-has-this", "homeEfsFileSystem": "Retain"})).await?;
    ensure!(status == 422 && body["error"] == "DomainNotFound", "{status} {body}");
    Ok(())
}
