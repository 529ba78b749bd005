//! The handler of `notify-removed` with in-memory fakes.

use lambda_runtime::{Context, LambdaEvent};
use notify_removed::handler;
use onboarding_core::amendment::state::{AmendmentTarget, Revocation};
use onboarding_core::amendment::{AmendmentState, RemovedUserData};
use onboarding_core::fakes::FakeAws;
use onboarding_core::state::{ResolvedGroup, ResolvedUser};

#[tokio::test]
async fn removed_users_and_the_members_of_removed_groups_are_told_once_each() {
    let fake = FakeAws::standard();
    // li is in ml-team and also removed by name: one notice.
    let li = ResolvedUser { user_name: "li".into(), user_id: "u-li".into(), display_name: Some("<b>LI</b>".into()), email: Some("li@example.com".into()) };
    let mut state = AmendmentState {
        target: Some(AmendmentTarget { domain_id: "d-1".into(), domain_name: "team-a".into(), identity_store_id: "d-store".into(), ..Default::default() }),
        revoke: Some(Revocation {
            users: vec![li],
            groups: vec![ResolvedGroup { display_name: "ml-team".into(), group_id: "g-ml".into(), member_count: 1 }],
            ..Default::default()
        }),
        ..Default::default()
    };
    state.request.removed_user_data = Some(RemovedUserData::Keep);
    let state = handler(&fake, &fake, &fake, Some("onboarding@example.com"), LambdaEvent::new(state, Context::default())).await.expect("sent");
    assert_eq!(state.revoke.expect("revoke").notices_sent, 1);
    let w = fake.world();
    assert_eq!(w.sent.len(), 1);
    assert!(w.sent[0].subject.contains("team-a has ended"));
    assert!(w.sent[0].text.contains("are kept"));
    assert!(w.sent[0].html.contains("&lt;b&gt;LI&lt;/b&gt;"));
}

#[tokio::test]
async fn the_people_removed_are_dropped_from_the_ledger() {
    use onboarding_core::ports::{InvitationLedgerPort, InvitationRecord};
    let fake = FakeAws::standard();
    let li = ResolvedUser { user_name: "li".into(), user_id: "u-li".into(), display_name: None, email: Some("li@example.com".into()) };
    let record = |person: &str| InvitationRecord {
        person: person.into(),
        address: String::new(),
        delivered: true,
        run_id: "run-1".into(),
        message_id: None,
        reason: None,
    };
    for person in ["user#u-li", "user#u-jane"] {
        fake.record("arn:d-1", &record(person)).await.expect("recorded");
    }
    let state = AmendmentState {
        target: Some(AmendmentTarget { domain_id: "d-1".into(), domain_arn: "arn:d-1".into(), domain_name: "team-a".into(), ..Default::default() }),
        revoke: Some(Revocation { users: vec![li], ..Default::default() }),
        ..Default::default()
    };
    handler(&fake, &fake, &fake, Some("onboarding@example.com"), LambdaEvent::new(state, Context::default())).await.expect("sent");
    let left: Vec<String> = fake.records("arn:d-1").await.expect("records").into_iter().map(|r| r.person).collect();
    assert_eq!(left, ["user#u-jane"], "li can be invited again if she comes back; jane stays");
}
