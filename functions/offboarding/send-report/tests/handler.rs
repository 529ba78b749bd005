//! The handler of `send-report` with in-memory fakes.

use lambda_runtime::{Context, LambdaEvent};
use onboarding_core::fakes::FakeAws;
use onboarding_core::offboarding::state::{Cleanup, OffboardingTarget, Teardown};
use onboarding_core::offboarding::OffboardingState;
use onboarding_core::request::Ticket;
use send_report::handler;

fn done() -> OffboardingState {
    let mut s = OffboardingState {
        target: Some(OffboardingTarget { domain_id: "d-1".into(), domain_name: "team-a".into(), ..Default::default() }),
        teardown: Some(Teardown { phase: "done".into(), complete: true, apps_deleted: 2, domain_deleted: true, ..Default::default() }),
        cleanup: Some(Cleanup { home_efs_file_system_retained: Some("fs-1".into()), ..Default::default() }),
        ..Default::default()
    };
    s.request.domain_name = Some("team-a".into());
    s
}

#[tokio::test]
async fn the_requester_and_the_extra_recipients_get_the_report() {
    let fake = FakeAws::new();
    let mut s = done();
    s.request.ticket = Some(Ticket { id: "OFF-1".into(), requester: Some("lead@example.com".into()) });
    s.request.notification.extra_recipients = vec!["finops@example.com".into()];
    let s = handler(&fake, Some("ops@example.com"), LambdaEvent::new(s, Context::default())).await.expect("sent");
    assert_eq!(s.report.expect("report").sent, 2);
    let w = fake.world();
    let to: Vec<&str> = w.sent.iter().map(|e| e.to.as_str()).collect();
    assert_eq!(to, vec!["lead@example.com", "finops@example.com"]);
    assert!(w.sent[0].text.contains("Apps: 2") && w.sent[0].text.contains("fs-1") && w.sent[0].text.contains("ticket OFF-1"));
}

#[tokio::test]
async fn without_a_recipient_nothing_is_sent_and_the_reason_is_recorded() {
    let fake = FakeAws::new();
    let s = handler(&fake, Some("ops@example.com"), LambdaEvent::new(done(), Context::default())).await.expect("ok");
    assert_eq!(s.report.expect("report").not_sent.len(), 1);
    assert!(fake.world().sent.is_empty());
}
