//! The handler of `validate` with in-memory fakes.

use lambda_runtime::Context;
use lambda_runtime::LambdaEvent;
use onboarding_core::state::Settings;
use onboarding_core::validate::ValidationContext;
use onboarding_core::ErrorName;
use onboarding_core::OnboardingError;
use onboarding_core::OnboardingState;
use serde_json::json;
use validate::*;

fn config() -> Config {
    Config {
        validation: ValidationContext::new("so-"),
        domain_region: "us-east-1".into(),
        settings: Settings { poll_interval_seconds: 5, max_polls: 3, quota_wait_seconds: 60 },
    }
}

async fn run(input: serde_json::Value) -> Result<OnboardingState, OnboardingError> {
    let input: RequestInput = serde_json::from_value(input).expect("input");
    handler(&config(), LambdaEvent::new(input, Context::default())).await
}

#[tokio::test]
async fn a_valid_request_becomes_the_state_with_defaults() {
    let state = run(json!({
        "request": {"domainName": "team-a", "identityCenter": {"users": ["jane"]}}
    }))
    .await
    .expect("valid");
    assert_eq!(state.request.region.as_deref(), Some("us-east-1"));
    assert_eq!(state.settings, Settings { poll_interval_seconds: 5, max_polls: 3, quota_wait_seconds: 60 });
    assert_eq!(state.request.studio.jupyter_server.instance_type.as_deref(), Some("system"));
}

#[tokio::test]
async fn the_state_carries_the_team_record_the_invitations_write() {
    let state = run(json!({
        "request": {"domainName": "team-a", "ticket": {"id": "OPS-1", "requester": "lead@example.com"}, "identityCenter": {"users": ["jane"]},
                    "membership": {"removeDepartedMembers": true, "departedUserData": "Delete"}}
    }))
    .await
    .expect("valid");
    let team = state.team.expect("a team record");
    assert_eq!(team.owner.as_deref(), Some("lead@example.com"), "the requester owns the team when reportTo is not given");
    assert!(team.remove_departed_members && team.delete_departed_data);
    assert_eq!(team.ticket_id.as_deref(), Some("OPS-1"));
}

#[tokio::test]
async fn an_invalid_request_is_request_invalid_with_every_path() {
    let e =
        run(json!({"request": {"domainName": "-bad", "identityCenter": {}, "storage": {"maxSpaceSizeGb": 20000}, "colour": 1}})).await.expect_err("invalid");
    assert_eq!(e.name, ErrorName::RequestInvalid);
    for path in ["domainName", "identityCenter", "storage.maxSpaceSizeGb: 20000 is above 16384", "colour: unknown field"] {
        assert!(e.message.contains(path), "{path} missing from {}", e.message);
    }
}

#[tokio::test]
async fn who_asked_is_recorded_and_a_direct_start_is_the_console() {
    let direct = run(json!({"request": {"domainName": "team-a", "identityCenter": {"users": ["jane"]}}})).await.expect("valid");
    assert_eq!(direct.request.requested_by.as_deref(), Some("console"));
    let api = run(json!({"request": {"domainName": "team-a", "identityCenter": {"users": ["jane"]}, "requestedBy": "arn:aws:iam::123456789012:role/tickets"}}))
        .await
        .expect("valid");
    assert_eq!(api.request.requested_by.as_deref(), Some("arn:aws:iam::123456789012:role/tickets"));
    let forged = run(json!({"request": {"domainName": "team-a", "identityCenter": {"users": ["jane"]}, "requestedBy": "a\r\nb"}})).await.expect_err("invalid");
    assert!(forged.message.contains("requestedBy"), "{}", forged.message);
}
