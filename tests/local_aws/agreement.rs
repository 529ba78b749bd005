//! Validate agrees with AWS: for each limit of the request contract that reaches CreateDomain,
//! a request at the limit passes Validate and its CreateDomain passes the local AWS (which holds
//! it to SageMaker's service model); one step past it, Validate refuses, and where the limit is
//! AWS's own the local AWS refuses the same CreateDomain too.

use std::sync::Arc;

use anyhow::{ensure, Context, Result};
use libtest_mimic::Trial;
use onboard::local::LocalSession;
use onboarding_aws::sagemaker::SageMakerAdapter;
use onboarding_core::domain_spec::domain_spec;
use onboarding_core::ports::SageMakerPort;
use onboarding_core::request::OnboardingRequest;
use onboarding_core::state::{OnboardingState, ResolvedNetwork, Roles};
use onboarding_core::validate::validate_json;
use serde_json::{json, Value};
use tests::Env;

use crate::local_test;

pub fn trials(env: &Arc<Env>) -> Vec<Trial> {
    vec![
        Trial::test("instance_types_are_sagemakers_app_instance_types", || instance_types_are_sagemakers().map_err(crate::failed)),
        local_test!(env, validate_and_create_domain_agree_at_and_past_each_limit),
    ]
}

fn instance_types_are_sagemakers() -> Result<()> {
    let mut ours: Vec<&str> = onboarding_core::instance_types::APP_INSTANCE_TYPES.to_vec();
    let mut sdk: Vec<&str> = aws_sdk_sagemaker::types::AppInstanceType::values().to_vec();
    ours.sort_unstable();
    sdk.sort_unstable();
    ensure!(ours == sdk, "onboarding-core's APP_INSTANCE_TYPES differs from the SDK's AppInstanceType: regenerate it from the service model");
    Ok(())
}

/// One limit: the request patch at it, the patch one step past it, and whether the limit is
/// AWS's own (else Validate's stricter one, with room for the workflow's own tags and the like).
struct Limit {
    name: &'static str,
    at: Value,
    past: Value,
    aws_refuses_past: bool,
}

fn limits() -> Vec<Limit> {
    let tags = |n: usize| Value::Object((0..n).map(|i| (format!("k{i:02}"), json!("v"))).collect());
    vec![
        Limit {
            name: "domain name length",
            at: json!({"domainName": format!("agree-{}", "n".repeat(57))}),
            past: json!({"domainName": format!("agree-{}", "n".repeat(58))}),
            aws_refuses_past: true,
        },
        Limit {
            name: "Jupyter server instance type",
            at: json!({"studio": {"jupyterServer": {"instanceType": "ml.g5.48xlarge"}}}),
            past: json!({"studio": {"jupyterServer": {"instanceType": "ml.g5.96xlarge"}}}),
            aws_refuses_past: true,
        },
        Limit {
            name: "space size",
            at: json!({"storage": {"defaultSpaceSizeGb": 16384, "maxSpaceSizeGb": 16384}}),
            past: json!({"storage": {"defaultSpaceSizeGb": 16384, "maxSpaceSizeGb": 16385}}),
            aws_refuses_past: true,
        },
        Limit { name: "tag count", at: json!({"tags": tags(45)}), past: json!({"tags": tags(46)}), aws_refuses_past: false },
        Limit {
            name: "tag value length",
            at: json!({"tags": {"team": "v".repeat(256)}}),
            past: json!({"tags": {"team": "v".repeat(257)}}),
            aws_refuses_past: true,
        },
    ]
}

fn request(case: usize, patch: &Value) -> Value {
    let mut request = json!({
        "domainName": format!("agree-{case}"),
        "ticket": {"id": format!("AGREE-{case}"), "requester": "lead@example.com"},
        "identityCenter": {"users": ["jane"]}
    });
    for (key, value) in patch.as_object().into_iter().flatten() {
        request[key] = value.clone();
    }
    request
}

/// The state CreateDomain is decided from, with roles and network as the earlier steps would
/// have resolved them.
fn state_for(request: OnboardingRequest) -> OnboardingState {
    OnboardingState {
        request,
        roles: Some(Roles { execution_role_arn: "arn:aws:iam::123456789012:role/sagemaker-onboarding-agree-execution".into(), ..Default::default() }),
        network: Some(ResolvedNetwork { vpc_id: "vpc-0abc1234".into(), subnet_ids: vec!["subnet-0abc1234".into()], ..Default::default() }),
        ..Default::default()
    }
}

async fn validate_and_create_domain_agree_at_and_past_each_limit(s: &LocalSession) -> Result<()> {
    let context = local_aws::validation_context();
    let sagemaker = SageMakerAdapter::from_config(s.aws.sdk_config());
    for (case, limit) in limits().iter().enumerate() {
        let at = request(case, &limit.at);
        let valid = validate_json(&at.to_string(), &context).map_err(|p| anyhow::anyhow!("{}: at the limit, Validate refused: {p:?}", limit.name))?;
        let spec = domain_spec(&state_for(valid))?;
        let created = sagemaker.create_domain(&spec).await.map_err(|e| anyhow::anyhow!("{}: at the limit, CreateDomain was refused: {e}", limit.name))?;
        sagemaker.delete_domain(&created.domain_id).await?;

        let past = request(case, &limit.past);
        ensure!(validate_json(&past.to_string(), &context).is_err(), "{}: one step past the limit passed Validate", limit.name);
        if limit.aws_refuses_past {
            let unchecked: OnboardingRequest = serde_json::from_value(past).with_context(|| format!("{}: the request's form", limit.name))?;
            let spec = domain_spec(&state_for(unchecked))?;
            let refused = sagemaker.create_domain(&spec).await;
            ensure!(refused.is_err(), "{}: the local AWS accepted what SageMaker's model refuses", limit.name);
        }
    }
    Ok(())
}
