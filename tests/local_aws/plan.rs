//! `onboard plan` against the local AWS: the read-only checks run and nothing is created; after
//! the onboarding, the same plan finds and reuses what it made.

use std::sync::Arc;

use anyhow::{ensure, Result};
use libtest_mimic::Trial;
use onboard::local::LocalSession;
use onboard::plan::{plan, Deployment, PlanLine, Readers};
use onboarding_aws::ec2::Ec2Adapter;
use onboarding_aws::iam::IamAdapter;
use onboarding_aws::identity_center::IdentityCenterAdapter;
use onboarding_aws::sagemaker::SageMakerAdapter;
use serde_json::json;
use tests::Env;

use crate::local_test;

pub fn trials(env: &Arc<Env>) -> Vec<Trial> {
    vec![local_test!(env, a_plan_creates_nothing_and_a_second_plan_reuses_what_the_onboarding_made)]
}

async fn plan_lines(s: &LocalSession, request: &serde_json::Value) -> Result<Vec<String>> {
    let config = s.aws.sdk_config();
    let (identity, network, iam, sagemaker) =
        (IdentityCenterAdapter::from_config(config), Ec2Adapter::from_config(config), IamAdapter::from_config(config), SageMakerAdapter::from_config(config));
    let validation = local_aws::validation_context();
    let deployment = Deployment { validation: &validation, region: &s.aws.region, identity_center_instance_arn: None };
    let lines = plan(Readers { identity: &identity, network: &network, iam: &iam, sagemaker: &sagemaker }, &deployment, &request.to_string()).await?;
    Ok(lines.iter().map(|PlanLine { action, what }| format!("{} {what}", action.as_str())).collect())
}

async fn a_plan_creates_nothing_and_a_second_plan_reuses_what_the_onboarding_made(s: &LocalSession) -> Result<()> {
    let d = "planned-team";
    let request = json!({
        "domainName": d,
        "ticket": {"id": format!("T-{d}"), "requester": "lead@example.com"},
        "identityCenter": {"users": ["jane"], "groups": ["ml-team"]}
    });
    let role = format!("{}{d}-execution", local_aws::ROLE_NAME_PREFIX);
    let before = plan_lines(s, &request).await?;
    ensure!(before.contains(&format!("create role {role}")), "{before:#?}");
    ensure!(before.iter().any(|l| l.starts_with(&format!("create domain {d}"))), "{before:#?}");
    ensure!(before.iter().any(|l| l.starts_with("send an invitation to each of at most 4 people")), "{before:#?}");
    ensure!(
        s.aws.count_calls("iam:CreateRole", &role)? == 0 && s.aws.count_calls("sagemaker:CreateDomain", &format!("\"{d}\""))? == 0,
        "the plan created something"
    );

    let outcome = s.onboard(&request.to_string(), |_| {}).await?;
    ensure!(outcome.succeeded(), "{:?} {:?}", outcome.error, outcome.cause);
    let after = plan_lines(s, &request).await?;
    ensure!(after.iter().any(|l| l.starts_with(&format!("reuse role {role}"))), "{after:#?}");
    ensure!(after.iter().any(|l| l.starts_with(&format!("reuse domain {d}"))), "{after:#?}");
    Ok(())
}
