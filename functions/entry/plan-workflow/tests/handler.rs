//! `POST /plans` with in-memory fakes: each answer is one the OpenAPI document lists, and
//! nothing is created whatever the answer.

use aws_lambda_events::apigw::{ApiGatewayV2httpRequest, ApiGatewayV2httpResponse};
use aws_lambda_events::encodings::Body;
use lambda_runtime::{Context, LambdaEvent};
use onboarding_core::fakes::FakeAws;
use onboarding_core::fakes::FakeRole;
use onboarding_core::ports::RoleInfo;
use onboarding_core::validate::ValidationContext;
use onboarding_core::{ErrorName, OnboardingError};
use plan_workflow::{handler, plan, Deployment, PlanLine, Readers};
use serde_json::{json, Value};

const WRITES: &[&str] = &[
    "DeleteApp",
    "DeleteSpace",
    "DeleteUserProfile",
    "DeleteApplicationAssignment",
    "DeleteRole",
    "DeleteSecurityGroup",
    "CreateRole",
    "AttachRolePolicy",
    "PutRolePolicy",
    "CreateDomain",
    "DeleteDomain",
    "AddTags",
    "CreateApplicationAssignment",
    "CreateUserProfile",
    "SendEmail",
];

fn documented_answers() -> Value {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../infra/openapi.json")).expect("openapi.json");
    let doc: Value = serde_json::from_str(&text).expect("JSON");
    doc["paths"]["/plans"]["post"]["responses"].clone()
}

async fn post(fake: &FakeAws, body: &str) -> (i64, Value) {
    let mut request = ApiGatewayV2httpRequest::default();
    request.route_key = Some("POST /plans".into());
    request.body = Some(body.to_string());
    let deployment = Deployment { role_name_prefix: "so-", region: "us-east-1", identity_center_instance_arn: None };
    let readers = Readers { identity: fake, network: fake, iam: fake, sagemaker: fake, sso: fake };
    let response: ApiGatewayV2httpResponse =
        handler(readers, &deployment, &ValidationContext::new("so-"), LambdaEvent::new(request, Context::default())).await.expect("answered");
    for write in WRITES {
        assert_eq!(fake.calls(write), 0, "the dry run made a {write} call");
    }
    let body = match response.body {
        Some(Body::Text(text)) => serde_json::from_str(&text).expect("a JSON body"),
        other => panic!("unexpected body {other:?}"),
    };
    assert!(documented_answers()[response.status_code.to_string()].is_object(), "{} is not a documented answer", response.status_code);
    (response.status_code, body)
}

fn request(users: &[&str]) -> String {
    json!({"domainName": "team-a", "ticket": {"id": "OPS-1", "requester": "lead@example.com"}, "identityCenter": {"users": users, "groups": ["ml-team"]}})
        .to_string()
}

#[tokio::test]
async fn a_valid_request_gets_its_plan() {
    let fake = FakeAws::standard();
    let (status, body) = post(&fake, &request(&["jane"])).await;
    assert_eq!(status, 200, "{body}");
    let plan = body["plan"].as_array().expect("plan");
    assert!(plan.iter().any(|l| l["action"] == "create" && l["what"] == "role so-team-a-execution"), "{body}");
    assert!(plan.iter().any(|l| l["action"] == "send"), "{body}");
}

#[tokio::test]
async fn an_invalid_request_gets_its_problems() {
    let (status, body) = post(&FakeAws::standard(), r#"{"domainName": "bad name"}"#).await;
    assert_eq!(status, 400);
    assert!(body["problems"].as_array().is_some_and(|p| p.iter().any(|p| p["path"] == "domainName")), "{body}");
}

#[tokio::test]
async fn a_check_that_would_fail_names_the_error() {
    let (status, body) = post(&FakeAws::standard(), &request(&["ghost"])).await;
    assert_eq!((status, body["error"].as_str()), (422, Some("PrincipalNotFound")), "{body}");
}

async fn plan_of(fake: &FakeAws, request: Value) -> Result<Vec<PlanLine>, OnboardingError> {
    let request = onboarding_core::validate::validate_json(&request.to_string(), &ValidationContext::new("so-"))
        .map_err(|p| OnboardingError::new(ErrorName::RequestInvalid, format!("{p:?}")))?;
    let deployment = Deployment { role_name_prefix: "so-", region: "us-east-1", identity_center_instance_arn: None };
    let readers = Readers { identity: fake, network: fake, iam: fake, sagemaker: fake, sso: fake };
    let lines = plan(readers, &deployment, request).await;
    for write in WRITES {
        assert_eq!(fake.calls(write), 0, "the plan made a {write} call");
    }
    lines
}

fn team_a() -> Value {
    serde_json::from_str(&request(&["jane"])).expect("JSON")
}

#[tokio::test]
async fn a_new_team_would_get_a_role_a_domain_access_and_invitations() {
    let fake = FakeAws::standard();
    let lines = plan_of(&fake, team_a()).await.expect("a plan");
    let shown: Vec<String> = lines.iter().map(|l| format!("{} {}", l.action.as_str(), l.what)).collect();
    assert!(shown.iter().any(|l| l == "create role so-team-a-execution"), "{shown:#?}");
    assert!(shown.iter().any(|l| l.starts_with("create domain team-a")), "{shown:#?}");
    assert!(shown.iter().any(|l| l.starts_with("assign 1 users and 1 groups")), "{shown:#?}");
    assert!(shown.iter().any(|l| l.starts_with("send an invitation to each of at most 3 people")), "{shown:#?}");
}

#[tokio::test]
async fn a_role_name_taken_by_someone_else_fails_the_plan_by_name() {
    let fake = FakeAws::standard();
    let info = RoleInfo {
        arn: "arn:aws:iam::123456789012:role/so-team-a-execution".into(),
        trust_policy: json!({}),
        tags: Default::default(),
        permissions_boundary: None,
    };
    fake.world().roles.insert("so-team-a-execution".into(), FakeRole { info, managed: vec![], inline: Default::default() });
    assert_eq!(plan_of(&fake, team_a()).await.expect_err("taken").name, ErrorName::RoleNameConflict);
}

/// Creates the domain `team-a` in the fake, with `execution_role_arn` (empty: none); its id.
async fn team_a_domain(fake: &FakeAws, execution_role_arn: &str) -> String {
    use onboarding_core::ports::SageMakerPort;
    use onboarding_core::state::{OnboardingState, ResolvedNetwork, Roles};
    let state = OnboardingState {
        request: onboarding_core::OnboardingRequest { domain_name: "team-a".into(), ..Default::default() },
        roles: Some(Roles { execution_role_arn: execution_role_arn.into(), ..Default::default() }),
        network: Some(ResolvedNetwork { vpc_id: "vpc-0default".into(), ..Default::default() }),
        ..Default::default()
    };
    fake.create_domain(&onboarding_core::domain_spec::domain_spec(&state).expect("spec")).await.expect("domain").domain_id
}

/// `route` with `body`: its status and its plan as `action what` lines.
async fn plan_lines(fake: &FakeAws, route: &str, body: Value) -> (i64, Vec<String>) {
    let mut request = ApiGatewayV2httpRequest::default();
    request.route_key = Some(route.into());
    request.body = Some(body.to_string());
    let deployment = Deployment { role_name_prefix: "so-", region: "us-east-1", identity_center_instance_arn: None };
    let readers = Readers { identity: fake, network: fake, iam: fake, sagemaker: fake, sso: fake };
    let response = handler(readers, &deployment, &ValidationContext::new("so-"), LambdaEvent::new(request, Context::default())).await.expect("answered");
    let Some(Body::Text(text)) = response.body else { panic!("no body") };
    let body: Value = serde_json::from_str(&text).expect("JSON");
    let shown = body["plan"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|l| format!("{} {}", l["action"].as_str().unwrap_or_default(), l["what"].as_str().unwrap_or_default()))
        .collect();
    (response.status_code, shown)
}

#[tokio::test]
async fn an_offboarding_plan_says_what_goes_and_what_stays_and_deletes_nothing() {
    use onboarding_core::naming::{MANAGED_BY, TAG_DOMAIN, TAG_MANAGED_BY};
    use onboarding_core::ports::{IamPort, StudioApp, Tags};
    let fake = FakeAws::standard();
    let tags = Tags::from([(TAG_MANAGED_BY.to_string(), MANAGED_BY.to_string()), (TAG_DOMAIN.to_string(), "team-a".to_string())]);
    fake.create_role("so-team-a-execution", &json!({}), &tags).await.expect("role");
    let id = team_a_domain(&fake, "arn:aws:iam::123456789012:role/so-team-a-execution").await;
    let app = StudioApp {
        app_type: "JupyterLab".into(),
        app_name: "default".into(),
        user_profile_name: None,
        space_name: Some("s".into()),
        status: "InService".into(),
    };
    fake.world().apps.push(onboarding_core::fakes::FakeApp::new(&id, app));
    let (status, shown) = plan_lines(&fake, "POST /offboarding-plans", json!({"domainName": "team-a", "homeEfsFileSystem": "Retain"})).await;
    assert_eq!(status, 200);
    assert!(shown.iter().any(|l| l.starts_with("delete 1 apps")), "{shown:#?}");
    assert!(shown.iter().any(|l| l.starts_with("keep home EFS file system fs-")), "{shown:#?}");
    assert!(shown.iter().any(|l| l.starts_with("delete role so-team-a-execution")), "{shown:#?}");
    // The test itself created the role and the domain; the plan deleted and sent nothing.
    for write in WRITES.iter().filter(|w| w.starts_with("Delete") || **w == "SendEmail") {
        assert_eq!(fake.calls(write), 0, "the plan made a {write} call");
    }
    assert!(documented_answers()["200"].is_object());
}

#[tokio::test]
async fn an_amendment_plan_says_who_joins_and_who_leaves_and_changes_nothing() {
    let fake = FakeAws::standard();
    team_a_domain(&fake, "").await;
    let request = json!({"domainName": "team-a", "add": {"groups": ["ml-team"]}, "remove": {"users": ["jane"]}, "removedUserData": "Delete"});
    let (status, shown) = plan_lines(&fake, "POST /amendment-plans", request).await;
    assert_eq!(status, 200);
    assert!(shown.iter().any(|l| l.starts_with("assign 0 users and 1 groups")), "{shown:#?}");
    assert!(shown.iter().any(|l| l.starts_with("delete the private spaces and user profiles of [jane]")), "{shown:#?}");
    for write in WRITES.iter().filter(|w| **w != "CreateDomain") {
        assert_eq!(fake.calls(write), 0, "the plan made a {write} call");
    }
}

#[tokio::test]
async fn a_plan_checks_the_images_the_request_names() {
    let fake = FakeAws::standard();
    let mut body: Value = serde_json::from_str(&request(&["jane"])).expect("JSON");
    body["studio"] = json!({"jupyterLab": {"customImages": [{"imageName": "gpu-research", "appImageConfigName": "gpu-lab"}]}});
    let (status, answer) = post(&fake, &body.to_string()).await;
    assert_eq!(status, 422, "{answer}");
    assert!(answer.to_string().contains("StudioResourceNotFound") && answer.to_string().contains("no image gpu-research"), "{answer}");
    {
        let mut w = fake.world();
        w.images.push(("gpu-research".into(), vec![1]));
        w.app_image_configs.push(("gpu-lab".into(), vec!["JupyterLab".into()]));
    }
    let (status, answer) = post(&fake, &body.to_string()).await;
    assert_eq!(status, 200, "{answer}");
    assert!(answer["plan"].as_array().is_some_and(|p| p.iter().any(|l| l["what"].as_str().is_some_and(|w| w.contains("custom images")))), "{answer}");
}

#[tokio::test]
async fn a_rerun_plan_lists_the_settings_it_would_update_and_those_it_cannot() {
    use onboarding_core::naming::{MANAGED_BY, TAG_DOMAIN, TAG_MANAGED_BY};
    use onboarding_core::ports::{IamPort, SageMakerPort, Tags};
    let fake = FakeAws::standard();
    let tags = Tags::from([(TAG_MANAGED_BY.to_string(), MANAGED_BY.to_string()), (TAG_DOMAIN.to_string(), "team-a".to_string())]);
    let role = fake.create_role("so-team-a-execution", &json!({}), &tags).await.expect("role");
    let id = team_a_domain(&fake, &role).await;
    let arn = fake.world().domains[0].summary.domain_arn.clone();
    fake.add_tags(&arn, &tags).await.expect("tagged");

    let (status, unchanged) = plan_lines(&fake, "POST /plans", team_a()).await;
    assert_eq!(status, 200, "{unchanged:#?}");
    assert!(unchanged.iter().any(|l| l.starts_with(&format!("reuse domain team-a ({id}"))), "{unchanged:#?}");
    assert!(!unchanged.iter().any(|l| l.starts_with("update ")), "nothing differs: {unchanged:#?}");

    let mut changed = team_a();
    changed["tagPropagation"] = json!(true);
    changed["storage"] = json!({"kmsKeyId": "alias/team-a"});
    let (status, shown) = plan_lines(&fake, "POST /plans", changed).await;
    assert_eq!(status, 200, "{shown:#?}");
    assert!(shown.iter().any(|l| l == "update domain setting TagPropagation"), "{shown:#?}");
    assert!(shown.iter().any(|l| l.starts_with("keep domain setting KmsKeyId")), "{shown:#?}");
    assert_eq!(fake.calls("UpdateDomain"), 0, "a plan changes nothing");
}
