//! The handler of `report-to-owner` with in-memory fakes.

use lambda_runtime::{Context, LambdaEvent};
use onboarding_core::amendment::state::AmendmentTarget;
use onboarding_core::amendment::AmendmentState;
use onboarding_core::fakes::FakeAws;
use onboarding_core::ports::{InvitationLedgerPort, InvitationRecord};
use onboarding_core::reconciliation::{Member, Reconciliation};
use onboarding_core::ErrorName;
use report_to_owner::handler;

fn state(owner: Option<&str>) -> AmendmentState {
    AmendmentState {
        target: Some(AmendmentTarget { domain_id: "d-1".into(), domain_arn: "arn:d-1".into(), domain_name: "team-a".into(), ..Default::default() }),
        reconciliation: Some(Reconciliation {
            trigger: "schedule".into(),
            run_id: "run-1".into(),
            owner: owner.map(str::to_string),
            joined: vec![Member { user_id: "u-li".into(), user_name: Some("li".into()), display_name: None }],
            departed: vec![Member { user_id: "u-jane".into(), user_name: Some("jane".into()), display_name: None }],
            ..Default::default()
        }),
        ..Default::default()
    }
}

async fn ledger(fake: &FakeAws) {
    for person in ["user#u-jane", "user#u-li"] {
        let record = InvitationRecord { person: person.into(), address: String::new(), delivered: true, run_id: "r".into(), message_id: None, reason: None };
        fake.record("arn:d-1", &record).await.expect("recorded");
    }
    fake.take_lease("arn:d-1", "run-1", 0, 100).await.expect("taken");
}

async fn people(fake: &FakeAws) -> Vec<String> {
    fake.records("arn:d-1").await.expect("records").into_iter().map(|r| r.person).collect()
}

#[tokio::test]
async fn the_owner_is_told_the_departed_are_forgotten_and_the_lease_given_back() {
    let fake = FakeAws::standard();
    ledger(&fake).await;
    let done =
        handler(&fake, &fake, Some("onboarding@example.com"), LambdaEvent::new(state(Some("lead@example.com")), Context::default())).await.expect("reported");
    assert!(done.reconciliation.is_some_and(|r| r.report_sent));
    let w = fake.world();
    assert_eq!(w.sent.len(), 1);
    assert_eq!(w.sent[0].to, "lead@example.com");
    assert!(w.sent[0].text.contains("- li") && w.sent[0].text.contains("- jane"));
    assert!(w.leases.is_empty());
    drop(w);
    assert_eq!(people(&fake).await, ["user#u-li"]);
}

#[tokio::test]
async fn a_throttled_report_keeps_everyone_for_the_retry() {
    let fake = FakeAws::standard();
    ledger(&fake).await;
    fake.fail_next("SendEmail", ErrorName::AwsThrottled, 1);
    let e = handler(&fake, &fake, Some("onboarding@example.com"), LambdaEvent::new(state(Some("lead@example.com")), Context::default()))
        .await
        .expect_err("throttled");
    assert_eq!(e.name, ErrorName::AwsThrottled);
    assert_eq!(people(&fake).await, ["user#u-jane", "user#u-li"], "jane is still to be reported");
    handler(&fake, &fake, Some("onboarding@example.com"), LambdaEvent::new(state(Some("lead@example.com")), Context::default())).await.expect("retried");
    assert_eq!(fake.world().sent.len(), 1);
}

#[tokio::test]
async fn without_an_owner_nothing_is_sent_and_the_reason_recorded() {
    let fake = FakeAws::standard();
    ledger(&fake).await;
    let done = handler(&fake, &fake, Some("onboarding@example.com"), LambdaEvent::new(state(None), Context::default())).await.expect("done");
    assert!(done.reconciliation.and_then(|r| r.report_not_sent).is_some_and(|why| why.contains("no owner")));
    assert!(fake.world().sent.is_empty());
}
