//! The handler of `find-domain` with in-memory fakes.

use find_domain::*;
use lambda_runtime::{Context, LambdaEvent};
use onboarding_core::fakes::FakeAws;
use onboarding_core::naming::{MANAGED_BY, TAG_DOMAIN, TAG_MANAGED_BY};
use onboarding_core::ports::{IamPort, SageMakerPort, Tags};
use onboarding_core::request::OnboardingRequest;
use onboarding_core::state::{OnboardingState, ResolvedNetwork, Roles, Settings};
use onboarding_core::validate::ValidationContext;
use onboarding_core::{ErrorName, OnboardingError};
use serde_json::json;

fn config() -> Config {
    Config { validation: ValidationContext::new("sagemaker-onboarding-"), domain_region: "us-east-1".into(), settings: Settings::default() }
}

fn own_tags(domain: &str) -> Tags {
    Tags::from([(TAG_MANAGED_BY.to_string(), MANAGED_BY.to_string()), (TAG_DOMAIN.to_string(), domain.to_string())])
}

/// A domain named `name` whose execution role is `role`, tagged as the workflow's when `own`.
async fn domain(fake: &FakeAws, name: &str, role: &str, own: bool) -> String {
    let mut s = OnboardingState {
        request: OnboardingRequest { domain_name: name.into(), ..Default::default() },
        roles: Some(Roles { execution_role_arn: format!("arn:aws:iam::123456789012:role/{role}"), ..Default::default() }),
        network: Some(ResolvedNetwork { vpc_id: "vpc-0default".into(), ..Default::default() }),
        ..Default::default()
    };
    if !own {
        s.request.tags.insert("team".into(), name.into());
    }
    let mut spec = onboarding_core::domain_spec::domain_spec(&s).expect("spec");
    if !own {
        spec.tags = Tags::from([("team".to_string(), name.to_string())]);
    }
    fake.create_domain(&spec).await.expect("domain").domain_id
}

async fn lookup(fake: &FakeAws, request: serde_json::Value) -> Result<onboarding_core::offboarding::OffboardingState, OnboardingError> {
    handler(fake, fake, &config(), LambdaEvent::new(RequestInput { request }, Context::default())).await
}

#[tokio::test]
async fn finds_the_domain_and_tells_its_own_roles_from_others() {
    let fake = FakeAws::standard();
    fake.create_role("sagemaker-onboarding-team-a-execution", &json!({}), &own_tags("team-a")).await.expect("role");
    let id = domain(&fake, "team-a", "sagemaker-onboarding-team-a-execution", true).await;
    let state = lookup(&fake, json!({"domainName": "team-a", "homeEfsFileSystem": "Delete", "ticket": {"id": "OFF-1"}})).await.expect("found");
    let target = state.target.expect("target");
    assert_eq!(target.domain_id, id);
    assert_eq!(target.own_roles, vec!["sagemaker-onboarding-team-a-execution"]);
    assert_eq!(state.ticket_id.as_deref(), Some("OFF-1"));
    assert_eq!(state.request.requested_by.as_deref(), Some("console"));

    // A role of another domain (or nobody's) is never the domain's own.
    fake.create_role("shared", &json!({}), &own_tags("team-b")).await.expect("role");
    domain(&fake, "team-c", "shared", true).await;
    let state = lookup(&fake, json!({"domainName": "team-c", "homeEfsFileSystem": "Retain"})).await.expect("found");
    let target = state.target.expect("target");
    assert!(target.own_roles.is_empty());
    assert_eq!(target.other_roles, vec!["shared"]);
}

#[tokio::test]
async fn refuses_domains_it_did_not_create_and_names_missing_ones() {
    let fake = FakeAws::standard();
    let id = domain(&fake, "theirs", "r", false).await;
    let e = lookup(&fake, json!({"domainId": id, "homeEfsFileSystem": "Delete"})).await.expect_err("not ours");
    assert_eq!(e.name, ErrorName::DomainNotManaged);
    let e = lookup(&fake, json!({"domainName": "nobody", "homeEfsFileSystem": "Delete"})).await.expect_err("missing");
    assert_eq!(e.name, ErrorName::DomainNotFound);
    let e = lookup(&fake, json!({"domainName": "theirs"})).await.expect_err("no retention");
    assert_eq!(e.name, ErrorName::RequestInvalid);
    assert!(e.message.contains("homeEfsFileSystem"), "{}", e.message);
    assert_eq!(fake.calls("ListDomains"), 1, "an invalid request reads nothing");
}
