//! The handler of `notify-failure` with in-memory fakes.

use lambda_runtime::Context;
use lambda_runtime::LambdaEvent;
use notify_failure::*;
use onboarding_core::fakes::FakeAws;
use onboarding_core::request::{OnboardingRequest, Ticket};
use onboarding_core::state::{DomainRecord, Failure, Identities, ResolvedNetwork, Roles};
use onboarding_core::ErrorName;
use onboarding_core::OnboardingState;

fn failed_state() -> OnboardingState {
    OnboardingState {
        request: OnboardingRequest {
            domain_name: "team-a".into(),
            ticket: Some(Ticket { id: "OPS-9".into(), requester: Some("lead@example.com".into()) }),
            ..Default::default()
        },
        identities: Some(Identities::default()),
        roles: Some(Roles::default()),
        network: Some(ResolvedNetwork::default()),
        domain: Some(DomainRecord { status: "Pending".into(), ..Default::default() }),
        failure: Some(Failure { error: "DomainFailed".into(), cause: r#"{"errorType":"DomainFailed","errorMessage":"d-1 is Failed: <capacity>"}"#.into() }),
        ..Default::default()
    }
}

async fn run(fake: &FakeAws, s: OnboardingState) -> NoticeResult {
    let payload = serde_json::json!({"state": s, "input": {}});
    handler(fake, Some("onboarding@example.com"), LambdaEvent::new(payload, Context::default())).await.expect("never fails")
}

#[tokio::test]
async fn tells_the_requester_step_error_and_reason() {
    let fake = FakeAws::new();
    let result = run(&fake, failed_state()).await;
    assert!(result.sent);
    assert_eq!((result.step.as_str(), result.error.as_str()), ("WaitForDomain", "DomainFailed"));
    let w = fake.world();
    assert_eq!(w.sent[0].to, "lead@example.com");
    assert!(w.sent[0].text.contains("d-1 is Failed: <capacity>") && w.sent[0].html.contains("&lt;capacity&gt;"));
}

#[tokio::test]
async fn an_invalid_request_with_a_requester_is_answered() {
    let fake = FakeAws::new();
    let payload = serde_json::json!({
        "state": {"Error": "RequestInvalid", "Cause": "{\"errorType\":\"RequestInvalid\",\"errorMessage\":\"storage.maxSpaceSizeGb: 20000 is above 16384\"}"},
        "input": {"domainName": "team_a", "ticket": {"id": "T-1", "requester": "lead@example.com"}}
    });
    let result = handler(&fake, Some("onboarding@example.com"), LambdaEvent::new(payload, Context::default())).await.expect("never fails");
    assert!(result.sent);
    assert!(fake.world().sent[0].text.contains("storage.maxSpaceSizeGb"));
}

#[tokio::test]
async fn never_fails_the_error_path() {
    let fake = FakeAws::new();
    fake.fail_next("SendEmail", ErrorName::AwsThrottled, 1);
    let result = run(&fake, failed_state()).await;
    assert!(!result.sent && result.not_sent_because.is_some());

    let mut anonymous = failed_state();
    anonymous.request.ticket = None;
    let result = run(&fake, anonymous).await;
    assert!(!result.sent);
    assert_eq!(fake.calls("SendEmail"), 1);

    // Validate's failure replaces the state; the request is the execution's input.
    let invalid = serde_json::json!({"state": {"Error": "RequestInvalid", "Cause": "..."}, "input": {"domainName": 7, "ticket": {"id": "T-9"}}});
    let result = handler(&fake, None, LambdaEvent::new(invalid, Context::default())).await.expect("never fails");
    assert_eq!((result.step.as_str(), result.error.as_str(), result.sent), ("Validate", "RequestInvalid", false));
    assert_eq!(result.ticket_id.as_deref(), Some("T-9"));
    let not_an_object = serde_json::json!({"state": {"Error": "RequestInvalid", "Cause": "..."}, "input": "team-a"});
    let result = handler(&fake, None, LambdaEvent::new(not_an_object, Context::default())).await.expect("never fails");
    assert_eq!((result.ticket_id, result.domain_name), (None, None));
}

#[tokio::test]
async fn an_offboarding_failure_names_its_step_and_says_offboarding() {
    use onboarding_core::offboarding::state::{OffboardingTarget, RemovedAccess, Teardown};
    use onboarding_core::offboarding::OffboardingState;
    let fake = FakeAws::new();
    let mut s = OffboardingState {
        target: Some(OffboardingTarget { domain_id: "d-1".into(), domain_name: "team-a".into(), ..Default::default() }),
        access: Some(RemovedAccess::default()),
        teardown: Some(Teardown { phase: "apps".into(), ..Default::default() }),
        failure: Some(Failure {
            error: "TeardownTimedOut".into(),
            cause: r#"{"errorType":"TeardownTimedOut","errorMessage":"1 app(s) still being deleted"}"#.into(),
        }),
        ..Default::default()
    };
    s.request.domain_name = Some("team-a".into());
    s.request.ticket = Some(Ticket { id: "OFF-1".into(), requester: Some("lead@example.com".into()) });
    let payload = serde_json::json!({"workflow": "offboarding", "state": s, "input": {}});
    let result = handler(&fake, Some("onboarding@example.com"), LambdaEvent::new(payload, Context::default())).await.expect("never fails");
    assert!(result.sent);
    assert_eq!((result.step.as_str(), result.ticket_id.as_deref(), result.domain_name.as_deref()), ("TearDownDomain", Some("OFF-1"), Some("team-a")));
    {
        let w = fake.world();
        assert!(w.sent[0].subject.contains("offboarding of team-a failed"), "{}", w.sent[0].subject);
        assert!(w.sent[0].text.contains("Nothing more is deleted"));
    }

    // The first step failed: the request is the execution's input.
    let payload = serde_json::json!({"workflow": "offboarding", "state": {"Error": "RequestInvalid", "Cause": "x"}, "input": {"domainName": "team-b", "ticket": {"id": "OFF-2", "requester": "lead@example.com"}}});
    let result = handler(&fake, Some("onboarding@example.com"), LambdaEvent::new(payload, Context::default())).await.expect("never fails");
    assert_eq!((result.step.as_str(), result.domain_name.as_deref()), ("FindDomain", Some("team-b")));
}
