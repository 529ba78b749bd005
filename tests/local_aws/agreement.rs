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
use onboarding_core::fakes::{FakeApp, FakeProfile, FakeSpace};
use onboarding_core::ports::{HomeEfsRetention, SageMakerPort, StudioApp, StudioPort, StudioResource};
use onboarding_core::request::OnboardingRequest;
use onboarding_core::state::{OnboardingState, ResolvedNetwork, Roles};
use onboarding_core::validate::validate_json;
use serde_json::{json, Value};
use tests::Env;

use crate::local_test;

pub fn trials(env: &Arc<Env>) -> Vec<Trial> {
    vec![
        crate::trial("instance_types_are_sagemakers_app_instance_types", || instance_types_are_sagemakers().map_err(crate::failed)),
        crate::trial("ml_tools_are_sagemakers", || ml_tools_are_sagemakers().map_err(crate::failed)),
        local_test!(env, validate_and_create_domain_agree_at_and_past_each_limit),
        local_test!(env, validate_and_iam_agree_on_role_names),
        local_test!(env, the_fake_and_the_local_aws_agree_on_sagemakers_deletion_rules),
    ]
}

/// The JupyterLab app in jane's private space, in both models.
fn jane_app() -> StudioApp {
    StudioApp {
        app_type: "JupyterLab".into(),
        app_name: "default".into(),
        user_profile_name: None,
        space_name: Some("jane-private".into()),
        status: "InService".into(),
    }
}

/// What a domain holds, as `studio` lists it (listing moves deletions on, in both models).
async fn holdings<S: StudioPort>(studio: &S, domain_id: &str, after: &str) -> Result<String> {
    let mut apps: Vec<String> = studio.apps(domain_id).await?.into_iter().map(|a| format!("{}/{} {}", a.app_type, a.app_name, a.status)).collect();
    let mut spaces: Vec<String> = studio.spaces(domain_id).await?.into_iter().map(|s| format!("{} {}", s.name, s.status)).collect();
    let mut profiles: Vec<String> = studio.user_profiles(domain_id).await?.into_iter().map(|p| p.name).collect();
    apps.sort();
    spaces.sort();
    profiles.sort();
    Ok(format!("after {after}: apps {apps:?}, spaces {spaces:?}, profiles {profiles:?}"))
}

/// The same deletions, in an order SageMaker refuses and then in the one it accepts, against a
/// domain holding jane's profile, her private space and a JupyterLab app in it: what each model
/// holds after each step. A refused deletion changes nothing (the adapter reads SageMaker's
/// ResourceInUse as "not yet", the fake answers it), so the models agree when the holdings do.
async fn deletion_script<S: StudioPort>(studio: &S, domain_id: &str) -> Result<Vec<String>> {
    let app = jane_app();
    let mut seen = vec![holdings(studio, domain_id, "nothing").await?];
    let _ = studio.delete_domain_retaining(domain_id, HomeEfsRetention::Retain).await;
    seen.push(holdings(studio, domain_id, "deleting the domain first").await?);
    let _ = studio.delete_user_profile(domain_id, "jane").await;
    seen.push(holdings(studio, domain_id, "deleting the profile before its space").await?);
    let _ = studio.delete_space(domain_id, "jane-private").await;
    seen.push(holdings(studio, domain_id, "deleting the space before its app").await?);
    studio.delete_app(domain_id, &app).await?;
    seen.push(holdings(studio, domain_id, "deleting the app").await?);
    seen.push(holdings(studio, domain_id, "listing again").await?);
    studio.delete_space(domain_id, "jane-private").await?;
    seen.push(holdings(studio, domain_id, "deleting the space").await?);
    seen.push(holdings(studio, domain_id, "listing again").await?);
    studio.delete_user_profile(domain_id, "jane").await?;
    seen.push(holdings(studio, domain_id, "deleting the profile").await?);
    studio.delete_domain_retaining(domain_id, HomeEfsRetention::Retain).await?;
    // Deleting, or already gone (other tests' listings move the local AWS's deletions on).
    let domain = studio.domain_details(domain_id).await?;
    seen.push(format!("the domain deleted: {}", domain.is_none_or(|d| d.status == onboarding_core::ports::DomainStatus::Deleting)));
    Ok(seen)
}

/// One model of SageMaker's deletion rules, held in two places: the handler tests' fake and the
/// local AWS's router go through the same script and must hold the same things after each step.
async fn the_fake_and_the_local_aws_agree_on_sagemakers_deletion_rules(s: &LocalSession) -> Result<()> {
    // The fake: a domain arranged with what the onboarding below makes.
    let fake = onboarding_core::fakes::FakeAws::standard();
    let created = fake.onboarded_domain("agree-deletion").await?;
    {
        let mut w = fake.world();
        w.profiles.push(FakeProfile::new(&created.domain_id, "jane", "u-jane"));
        let space = StudioResource { name: "jane-private".into(), status: "InService".into(), owner: Some("jane".into()) };
        w.spaces.push(FakeSpace::new(&created.domain_id, space));
        w.apps.push(FakeApp::new(&created.domain_id, jane_app()));
    }
    let faked = deletion_script(&fake, &created.domain_id).await?;

    // The local AWS: an onboarding with jane's private space, and an app started in it.
    let request = json!({
        "domainName": "agree-deletion",
        "ticket": {"id": "AGREE-DELETION", "requester": "lead@example.com"},
        "identityCenter": {"users": ["jane"]},
        "studio": {"privateSpaces": {"appType": "JupyterLab"}},
        "notification": {"sender": local_aws::SENDER_ADDRESS}
    });
    let outcome = s.onboard(&request.to_string(), |_| {}).await?;
    ensure!(outcome.succeeded(), "the onboarding {}: {:?} {:?}", outcome.status, outcome.error, outcome.cause);
    let domain_id = outcome.output.as_ref().and_then(|o| o["domainId"].as_str()).context("domainId")?.to_string();
    let sm = aws_sdk_sagemaker::Client::new(s.aws.sdk_config());
    sm.create_app().domain_id(&domain_id).space_name("jane-private").app_type(aws_sdk_sagemaker::types::AppType::JupyterLab).app_name("default").send().await?;
    let local = deletion_script(&SageMakerAdapter::from_config(s.aws.sdk_config()), &domain_id).await?;

    for (step, (f, l)) in faked.iter().zip(&local).enumerate() {
        ensure!(f == l, "step {step}: the fake holds {f}\nthe local AWS holds {l}");
    }
    ensure!(faked.len() == local.len(), "{faked:?} / {local:?}");
    Ok(())
}

/// `ours` holds the same values as the SDK's enum `sdk` (generated from SageMaker's model).
fn same_values(ours: &[&str], sdk: &[&str], what: &str) -> Result<()> {
    let (mut ours, mut sdk) = (ours.to_vec(), sdk.to_vec());
    ours.sort_unstable();
    sdk.sort_unstable();
    ensure!(ours == sdk, "onboarding-core's {what} differs from the SDK's: regenerate it from the service model");
    Ok(())
}

fn instance_types_are_sagemakers() -> Result<()> {
    same_values(onboarding_core::instance_types::APP_INSTANCE_TYPES, aws_sdk_sagemaker::types::AppInstanceType::values(), "APP_INSTANCE_TYPES")
}

fn ml_tools_are_sagemakers() -> Result<()> {
    same_values(onboarding_core::validate::ML_TOOLS, aws_sdk_sagemaker::types::MlTools::values(), "ML_TOOLS")
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
    let ids = |kind: &str, n: usize| json!((0..n).map(|i| format!("{kind}-0abc{i:04}")).collect::<Vec<_>>());
    // s3://agree-bucket/ and a prefix, `len` characters in all.
    let s3_path = |len: usize| format!("s3://agree-bucket/{}", "p".repeat(len - "s3://agree-bucket/".len()));
    let image = |name: &str| format!("arn:aws:sagemaker:us-east-1:123456789012:image/{name}");
    let docker_accounts = |n: usize| {
        let accounts: Vec<String> = (0..n).map(|i| format!("{:012}", 210_987_654_300u64 + i as u64)).collect();
        json!({
            "network": {"accessType": "VpcOnly", "vpcId": "vpc-0abc1234", "subnetIds": ["subnet-0abc1234"], "securityGroupIds": ["sg-0abc1234"]},
            "domainSettings": {"docker": {"enabled": true, "vpcOnlyTrustedAccounts": accounts}}
        })
    };
    let tag_key = |key: String| json!({"tags": Value::Object([(key, json!("v"))].into_iter().collect())});
    vec![
        Limit {
            name: "notebook sharing path length",
            at: json!({"studio": {"defaultExperience": "StudioClassic", "notebookSharing": {"s3OutputPath": s3_path(1024)}}}),
            past: json!({"studio": {"defaultExperience": "StudioClassic", "notebookSharing": {"s3OutputPath": s3_path(1025)}}}),
            aws_refuses_past: true,
        },
        Limit {
            name: "security group count",
            at: json!({"network": {"vpcId": "vpc-0abc1234", "subnetIds": ["subnet-0abc1234"], "securityGroupIds": ids("sg", 5)}}),
            past: json!({"network": {"vpcId": "vpc-0abc1234", "subnetIds": ["subnet-0abc1234"], "securityGroupIds": ids("sg", 6)}}),
            aws_refuses_past: true,
        },
        Limit {
            name: "subnet count",
            at: json!({"network": {"vpcId": "vpc-0abc1234", "subnetIds": ids("subnet", 10)}}),
            past: json!({"network": {"vpcId": "vpc-0abc1234", "subnetIds": ids("subnet", 11)}}),
            aws_refuses_past: false,
        },
        Limit {
            name: "custom image name",
            at: json!({"studio": {"jupyterServer": {"sageMakerImageArn": image("Team-Image.v2")}}}),
            past: json!({"studio": {"jupyterServer": {"sageMakerImageArn": image("Team_Image")}}}),
            aws_refuses_past: true,
        },
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
            name: "idle timeout",
            at: json!({"studio": {"idleShutdown": {"idleTimeoutMinutes": 525_600}}}),
            past: json!({"studio": {"idleShutdown": {"idleTimeoutMinutes": 525_601}}}),
            aws_refuses_past: true,
        },
        Limit {
            name: "hidden ML tool",
            at: json!({"studio": {"hiddenMlTools": ["JumpStart", "Evaluators"]}}),
            past: json!({"studio": {"hiddenMlTools": ["JumpStart", "Evaluator"]}}),
            aws_refuses_past: true,
        },
        Limit {
            name: "hidden instance type",
            at: json!({"studio": {"hiddenInstanceTypes": ["ml.p5.48xlarge"]}}),
            past: json!({"studio": {"hiddenInstanceTypes": ["ml.p5.96xlarge"]}}),
            aws_refuses_past: true,
        },
        Limit { name: "Docker's trusted accounts", at: docker_accounts(20), past: docker_accounts(21), aws_refuses_past: true },
        Limit { name: "tag key length", at: tag_key("k".repeat(128)), past: tag_key("k".repeat(129)), aws_refuses_past: true },
        Limit { name: "tag key characters", at: tag_key("cost-center:team/a".into()), past: tag_key("cost!center".into()), aws_refuses_past: true },
        Limit {
            name: "KMS key length",
            at: json!({"storage": {"kmsKeyId": "k".repeat(2048)}}),
            past: json!({"storage": {"kmsKeyId": "k".repeat(2049)}}),
            aws_refuses_past: true,
        },
        Limit {
            name: "tag value length",
            at: json!({"tags": {"team": "v".repeat(256)}}),
            past: json!({"tags": {"team": "v".repeat(257)}}),
            aws_refuses_past: true,
        },
        Limit {
            name: "domain security groups",
            at: json!({"domainSettings": {"securityGroupIds": ids("sg", 3)}}),
            past: json!({"domainSettings": {"securityGroupIds": ids("sg", 4)}}),
            aws_refuses_past: true,
        },
        Limit {
            name: "Amazon Q profile ARN",
            at: json!({"domainSettings": {"amazonQ": {"enabled": true, "qProfileArn": "arn:aws:codewhisperer:us-east-1:123456789012:profile/Q1"}}}),
            past: json!({"domainSettings": {"amazonQ": {"enabled": true, "qProfileArn": "arn:aws:codewhisperer:us-east-1:123456789012:"}}}),
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
    let named = &request.network;
    let subnet_ids = if named.subnet_ids.is_empty() { vec!["subnet-0abc1234".to_string()] } else { named.subnet_ids.clone() };
    let network = ResolvedNetwork { vpc_id: "vpc-0abc1234".into(), subnet_ids, security_group_ids: named.security_group_ids.clone(), ..Default::default() };
    OnboardingState {
        request,
        roles: Some(Roles { execution_role_arn: "arn:aws:iam::123456789012:role/sagemaker-onboarding-agree-execution".into(), ..Default::default() }),
        network: Some(network),
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

/// `executionRole.roleName` at the longest IAM allows with the deployment's prefix, and one
/// character more: Validate and IAM (the local AWS, held to IAM's model) agree on both.
async fn validate_and_iam_agree_on_role_names(s: &LocalSession) -> Result<()> {
    let context = local_aws::validation_context();
    let iam = aws_sdk_iam::Client::new(s.aws.sdk_config());
    let trust = onboarding_core::policies::sagemaker_trust_policy().to_string();
    let room = 64 - local_aws::ROLE_NAME_PREFIX.len();
    for (len, fits) in [(room, true), (room + 1, false)] {
        let name = format!("agree-role-{}", "r".repeat(len - "agree-role-".len()));
        let request = json!({
            "domainName": format!("agree-role-{len}"),
            "ticket": {"id": format!("AGREE-ROLE-{len}"), "requester": "lead@example.com"},
            "identityCenter": {"users": ["jane"]},
            "executionRole": {"roleName": name}
        });
        let valid = validate_json(&request.to_string(), &context);
        ensure!(valid.is_ok() == fits, "a role name of {len} characters after the prefix: Validate said {valid:?}");
        let created = iam.create_role().role_name(format!("{}{name}", local_aws::ROLE_NAME_PREFIX)).assume_role_policy_document(&trust).send().await;
        ensure!(created.is_ok() == fits, "a role name of {} characters: IAM said {created:?}", local_aws::ROLE_NAME_PREFIX.len() + len);
    }
    Ok(())
}
