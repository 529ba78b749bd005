//! The handler of `invite-notification` with in-memory fakes.

use invite_notification::*;
use lambda_runtime::Context;
use lambda_runtime::LambdaEvent;
use onboarding_core::fakes::FakeAws;
use onboarding_core::ports::SageMakerPort;
use onboarding_core::request::{OnboardingRequest, Ticket};
use onboarding_core::state::RejectedInvitation;
use onboarding_core::state::{DomainRecord, Identities, ResolvedGroup, ResolvedNetwork, ResolvedUser, Roles};
use onboarding_core::ErrorName;
use onboarding_core::OnboardingError;
use onboarding_core::OnboardingState;

fn user(name: &str, email: Option<&str>) -> ResolvedUser {
    ResolvedUser { user_name: name.into(), user_id: format!("u-{name}"), display_name: Some(format!("<b>{name}</b>")), email: email.map(str::to_string) }
}

async fn state(fake: &FakeAws) -> OnboardingState {
    let mut s = OnboardingState {
        request: OnboardingRequest {
            domain_name: "team-a".into(),
            ticket: Some(Ticket { id: "OPS-7".into(), requester: Some("lead@example.com".into()) }),
            ..Default::default()
        },
        roles: Some(Roles::default()),
        network: Some(ResolvedNetwork::default()),
        identities: Some(Identities {
            users: vec![user("jane", Some("jane@example.com")), user("nomail", None)],
            groups: vec![ResolvedGroup {
                display_name: "ml".into(),
                group_id: "g-1".into(),
                members: vec![user("li", Some("li@example.com")), user("jane", Some("JANE@example.com"))],
            }],
            ..Default::default()
        }),
        ..Default::default()
    };
    s.request.notification.extra_recipients = vec!["lead@example.com".into()];
    let d = fake.create_domain(&onboarding_core::domain_spec::domain_spec(&s).expect("spec")).await.expect("domain");
    s.domain = Some(DomainRecord { domain_id: d.domain_id, domain_arn: d.domain_arn, url: d.url, status: "InService".into(), ..Default::default() });
    s
}

async fn run(fake: &FakeAws, s: OnboardingState) -> Result<OnboardingState, OnboardingError> {
    handler(fake, fake, Some("onboarding@example.com"), LambdaEvent::new(s, Context::default())).await
}

#[tokio::test]
async fn one_invitation_per_person_with_the_url() {
    let fake = FakeAws::new();
    let s = state(&fake).await;
    let url = s.domain.as_ref().map(|d| d.url.clone()).expect("url");
    let inv = run(&fake, s).await.expect("sent").invitations.expect("section");
    let to: Vec<&str> = inv.sent.iter().map(|s| s.recipient.as_str()).collect();
    assert_eq!(to, vec!["jane@example.com", "li@example.com", "lead@example.com"]);
    assert_eq!(inv.rejected, vec![RejectedInvitation { recipient: "nomail".into(), reason: "no e-mail address in IAM Identity Center".into() }]);
    let w = fake.world();
    assert_eq!(w.sent.len(), 3);
    assert!(w.sent.iter().all(|e| e.text.contains(&url) && e.html.contains(&url) && e.from == "onboarding@example.com"));
    assert!(w.sent[0].html.contains("&lt;b&gt;jane&lt;/b&gt;") && !w.sent[0].html.contains("<b>jane"));
}

#[tokio::test]
async fn a_rerun_sends_nothing() {
    let fake = FakeAws::new();
    let s = state(&fake).await;
    run(&fake, s.clone()).await.expect("first");
    let inv = run(&fake, s).await.expect("second").invitations.expect("section");
    assert!(inv.already_sent && inv.sent.is_empty());
    assert_eq!(fake.world().sent.len(), 3);
}

#[tokio::test]
async fn a_rejected_address_does_not_stop_the_others() {
    let fake = FakeAws::new();
    fake.world().rejecting.push("li@example.com".into());
    let inv = run(&fake, state(&fake).await).await.expect("sent").invitations.expect("section");
    assert_eq!(inv.sent.len(), 2);
    assert!(inv.rejected.iter().any(|r| r.recipient == "li@example.com"));
}

#[tokio::test]
async fn nobody_reachable_is_invitations_rejected() {
    let fake = FakeAws::new();
    fake.world().rejecting = vec!["jane@example.com".into(), "li@example.com".into(), "lead@example.com".into()];
    assert_eq!(run(&fake, state(&fake).await).await.expect_err("none").name, ErrorName::InvitationsRejected);
}

#[tokio::test]
async fn throttling_mid_way_keeps_what_was_sent_and_resumes() {
    let fake = FakeAws::new();
    let s = state(&fake).await;
    // The first message goes out, the second is throttled.
    fake.pass_next("SendEmail", 1);
    fake.fail_next("SendEmail", ErrorName::AwsThrottled, 1);
    let paused = run(&fake, s).await.expect("paused");
    let inv = paused.invitations.clone().expect("section");
    assert!(!inv.complete);
    assert_eq!(inv.sent.len(), 1);
    let done = run(&fake, paused).await.expect("resumed").invitations.expect("section");
    assert!(done.complete);
    assert_eq!(done.sent.len(), 3);
    assert_eq!(fake.world().sent.len(), 3);
}

#[tokio::test]
async fn throttling_before_any_progress_is_left_to_the_retrier() {
    let fake = FakeAws::new();
    fake.fail_next("SendEmail", ErrorName::AwsThrottled, 1);
    assert_eq!(run(&fake, state(&fake).await).await.expect_err("throttled").name, ErrorName::AwsThrottled);
}
