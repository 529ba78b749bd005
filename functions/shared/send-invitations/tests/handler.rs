//! The handler of `send-invitations` with in-memory fakes.

use std::collections::HashMap;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use lambda_runtime::{Context, LambdaEvent};
use onboarding_core::fakes::{FakeAws, FakeGroup};
use onboarding_core::ports::{Email, MailPort, PortResult, SageMakerPort, SendOutcome, SendQuota};
use onboarding_core::request::{OnboardingRequest, Ticket};
use onboarding_core::state::{DomainRecord, Identities, Invitations, RejectedInvitation, ResolvedGroup, ResolvedNetwork, ResolvedUser, Roles};
use onboarding_core::{ErrorName, OnboardingError, OnboardingState};
use send_invitations::*;

fn user(name: &str, email: Option<&str>) -> ResolvedUser {
    ResolvedUser { user_name: name.into(), user_id: format!("u-{name}"), display_name: Some(format!("<b>{name}</b>")), email: email.map(str::to_string) }
}

/// A domain, and a state naming jane (and a user without e-mail), the group `ml` (li, and jane
/// under another spelling of her address), an extra recipient who is also the requester.
async fn state(fake: &FakeAws) -> OnboardingState {
    {
        let mut w = fake.world();
        w.users.extend([user("li", Some("li@example.com")), user("jane", Some("JANE@example.com"))]);
        w.groups.push(FakeGroup::new("ml", "g-1", &["u-li", "u-jane"]));
    }
    let mut s = OnboardingState {
        request: OnboardingRequest {
            domain_name: "team-a".into(),
            ticket: Some(Ticket { id: "OPS-7".into(), requester: Some("lead@example.com".into()) }),
            ..Default::default()
        },
        roles: Some(Roles::default()),
        network: Some(ResolvedNetwork::default()),
        identities: Some(Identities {
            identity_store_id: "d-store".into(),
            users: vec![user("jane", Some("jane@example.com")), user("nomail", None)],
            groups: vec![ResolvedGroup { display_name: "ml".into(), group_id: "g-1".into(), member_count: 2 }],
            ..Default::default()
        }),
        ..Default::default()
    };
    s.request.notification.extra_recipients = vec!["lead@example.com".into()];
    let d = fake.create_domain(&onboarding_core::domain_spec::domain_spec(&s).expect("spec")).await.expect("domain");
    s.domain = Some(DomainRecord { domain_id: d.domain_id, domain_arn: d.domain_arn, url: d.url, status: "InService".into(), ..Default::default() });
    s
}

/// A team of `people` in one group, and a state naming only the group.
async fn team(fake: &FakeAws, people: usize) -> OnboardingState {
    let ids: Vec<String> = (0..people).map(|i| format!("u-{i:03}")).collect();
    {
        let mut w = fake.world();
        // Fast unless a test sets the rate.
        w.max_send_rate.get_or_insert(1000.0);
        for (i, id) in ids.iter().enumerate() {
            w.users.push(ResolvedUser {
                user_name: format!("member{i:03}"),
                user_id: id.clone(),
                display_name: None,
                email: Some(format!("member{i:03}@example.com")),
            });
        }
        w.groups.push(FakeGroup { display_name: "big".into(), group_id: "g-big".into(), member_ids: ids });
    }
    let mut s = state(fake).await;
    s.request.ticket = None;
    s.request.notification.extra_recipients.clear();
    if let Some(ids) = s.identities.as_mut() {
        ids.users.clear();
        ids.groups = vec![ResolvedGroup { display_name: "big".into(), group_id: "g-big".into(), member_count: people as u32 }];
    }
    s
}

fn context(run: &str, deadline: Option<Duration>) -> Context {
    let mut context = Context::default();
    context.request_id = run.to_string();
    if let Some(left) = deadline {
        context.deadline = (SystemTime::now() + left).duration_since(UNIX_EPOCH).map(|d| d.as_millis() as u64).unwrap_or_default();
    }
    context
}

async fn run_with<M: MailPort>(fake: &FakeAws, mail: &M, s: OnboardingState, context: Context) -> Result<OnboardingState, OnboardingError> {
    handler(Ports { identity: fake, mail, ledger: fake }, Some("onboarding@example.com"), LambdaEvent::new(s, context)).await
}

async fn run(fake: &FakeAws, s: OnboardingState, run: &str) -> Result<OnboardingState, OnboardingError> {
    run_with(fake, fake, s, context(run, None)).await
}

fn section(s: &OnboardingState) -> Invitations {
    s.invitations.clone().expect("an invitations section")
}

/// How many messages each address received.
fn received(fake: &FakeAws) -> HashMap<String, usize> {
    let mut counts = HashMap::new();
    for email in &fake.world().sent {
        *counts.entry(email.to.to_lowercase()).or_default() += 1;
    }
    counts
}

/// `people` addresses got an invitation, each exactly one.
fn assert_each_invited_once(fake: &FakeAws, people: usize) {
    let received = received(fake);
    assert_eq!(received.len(), people);
    assert!(received.values().all(|n| *n == 1), "somebody got two invitations: {received:?}");
}

/// Runs the step as the state machine does, until it is complete; returns the runs it took.
async fn until_complete<M: MailPort>(fake: &FakeAws, mail: &M, mut s: OnboardingState, run: &str, deadline: Option<Duration>) -> (OnboardingState, usize) {
    for runs in 1..=100 {
        s = run_with(fake, mail, s, context(run, deadline)).await.expect("the step runs");
        if section(&s).complete {
            return (s, runs);
        }
    }
    panic!("the step never completed");
}

#[tokio::test]
async fn one_invitation_per_person_with_the_url() {
    let fake = FakeAws::new();
    let s = state(&fake).await;
    let url = s.domain.as_ref().map(|d| d.url.clone()).expect("url");
    let inv = section(&run(&fake, s, "run-1").await.expect("sent"));
    assert_eq!((inv.delivered, inv.earlier, inv.rejected_count), (3, 0, 1));
    assert_eq!(inv.rejected, vec![RejectedInvitation { recipient: "user#u-nomail".into(), reason: "no e-mail address in IAM Identity Center".into() }]);
    let w = fake.world();
    let to: Vec<&str> = w.sent.iter().map(|e| e.to.as_str()).collect();
    assert_eq!(to, vec!["jane@example.com", "li@example.com", "lead@example.com"]);
    assert!(w.sent.iter().all(|e| e.text.contains(&url) && e.html.contains(&url) && e.from == "onboarding@example.com"));
    assert!(w.sent[0].html.contains("&lt;b&gt;jane&lt;/b&gt;") && !w.sent[0].html.contains("<b>jane"));
    assert_eq!(w.ledger.values().filter(|r| r.delivered).count(), 3, "each delivery is recorded");
    assert!(w.ledger.values().filter(|r| r.delivered).all(|r| r.message_id.is_some()));
}

#[tokio::test]
async fn a_rerun_sends_nothing() {
    let fake = FakeAws::new();
    let s = state(&fake).await;
    run(&fake, s.clone(), "run-1").await.expect("first");
    let inv = section(&run(&fake, s, "run-2").await.expect("second"));
    assert!(inv.already_sent && inv.delivered == 0 && inv.earlier == 3);
    assert_eq!(fake.world().sent.len(), 3);
}

#[tokio::test]
async fn a_rejected_address_is_invited_by_the_rerun_after_it_is_fixed() {
    let fake = FakeAws::new();
    fake.world().rejecting.push("li@example.com".into());
    let s = state(&fake).await;
    let inv = section(&run(&fake, s.clone(), "run-1").await.expect("sent"));
    assert_eq!(inv.delivered, 2);
    assert!(inv.rejected.iter().any(|r| r.recipient == "li@example.com"));
    // Resumed within the same run, the refusal stands: li is not tried twice.
    run(&fake, s.clone(), "run-1").await.expect("resumed");
    assert_eq!(fake.calls("SendEmail"), 3);

    fake.world().rejecting.clear();
    let inv = section(&run(&fake, s, "run-2").await.expect("rerun"));
    assert_eq!((inv.delivered, inv.earlier), (1, 2));
    assert_each_invited_once(&fake, 3);
}

#[tokio::test]
async fn nobody_reachable_is_invitations_rejected() {
    let fake = FakeAws::new();
    fake.world().rejecting = vec!["jane@example.com".into(), "li@example.com".into(), "lead@example.com".into()];
    assert_eq!(run(&fake, state(&fake).await, "run-1").await.expect_err("none").name, ErrorName::InvitationsRejected);
}

#[tokio::test]
async fn throttling_mid_way_keeps_what_was_sent_and_resumes() {
    let fake = FakeAws::new();
    let s = state(&fake).await;
    // The first message goes out, the second is throttled.
    fake.pass_next("SendEmail", 1);
    fake.fail_next("SendEmail", ErrorName::AwsThrottled, 1);
    let paused = run(&fake, s, "run-1").await.expect("paused");
    let inv = section(&paused);
    assert!(!inv.complete);
    assert_eq!((inv.delivered, inv.wait_seconds), (1, THROTTLE_WAIT_SECONDS));
    let done = section(&run(&fake, paused, "run-1").await.expect("resumed"));
    assert!(done.complete);
    assert_eq!(done.delivered, 3);
    assert_eq!(fake.world().sent.len(), 3);
}

#[tokio::test]
async fn throttling_before_any_progress_is_left_to_the_retrier() {
    let fake = FakeAws::new();
    fake.fail_next("SendEmail", ErrorName::AwsThrottled, 1);
    assert_eq!(run(&fake, state(&fake).await, "run-1").await.expect_err("throttled").name, ErrorName::AwsThrottled);
}

/// SES as slow as the network makes it: each send takes `delay` (of tokio's clock).
struct SlowMail<'a> {
    fake: &'a FakeAws,
    delay: Duration,
}

impl MailPort for SlowMail<'_> {
    async fn send(&self, email: &Email) -> PortResult<SendOutcome> {
        tokio::time::sleep(self.delay).await;
        self.fake.send(email).await
    }

    async fn send_quota(&self) -> PortResult<SendQuota> {
        self.fake.send_quota().await
    }
}

#[tokio::test]
async fn a_deadline_in_the_middle_of_300_invitations_yields_and_resumes() {
    let fake = FakeAws::new();
    fake.world().max_send_rate = Some(1000.0);
    let s = team(&fake, 300).await;
    let mail = SlowMail { fake: &fake, delay: Duration::from_millis(15) };
    // 300 sends of 15 ms do not fit in the second an invocation has left past the margin: the
    // step yields before its deadline and resumes.
    let (done, runs) = until_complete(&fake, &mail, s, "run-1", Some(DEADLINE_MARGIN + Duration::from_secs(1))).await;
    assert!(runs >= 3, "the step yielded before its deadline ({runs} runs)");
    let inv = section(&done);
    assert_eq!((inv.delivered, inv.rejected_count), (300, 0));
    assert_each_invited_once(&fake, 300);
}

#[tokio::test]
async fn a_step_killed_in_the_middle_of_300_invitations_is_run_again_and_invites_only_the_rest() {
    let fake = FakeAws::new();
    let s = team(&fake, 300).await;
    let mail = SlowMail { fake: &fake, delay: Duration::from_millis(5) };
    // Lambda's timeout, without warning: the invocation is dropped part-way through its sends.
    let killed = tokio::time::timeout(Duration::from_millis(500), run_with(&fake, &mail, s.clone(), context("run-1", None))).await;
    assert!(killed.is_err(), "the step finished before it was killed");
    let before = fake.world().sent.len();
    assert!(before > 0 && before < 300, "{before} sent before the timeout");
    // The state machine's Retry runs the step again with the same input (another invocation).
    let (done, _) = until_complete(&fake, &mail, s, "run-2", None).await;
    let inv = section(&done);
    assert_eq!((inv.delivered as usize, inv.earlier as usize, inv.rejected_count), (300 - before, before, 0));
    assert_each_invited_once(&fake, 300);
}

#[tokio::test]
async fn a_used_up_daily_quota_waits_as_ses_advises_and_resumes() {
    let fake = FakeAws::new();
    fake.world().daily_quota = Some(120);
    let s = team(&fake, 300).await;
    let paused = run(&fake, s, "run-1").await.expect("paused");
    let inv = section(&paused);
    assert!(!inv.complete);
    assert_eq!((inv.delivered, inv.quota_waits, inv.wait_seconds), (120, 1, paused.settings.quota_wait_seconds));

    // Still used up: GetAccount says so, and nothing is tried.
    let sends = fake.calls("SendEmail");
    let still = run(&fake, paused, "run-1").await.expect("still paused");
    assert_eq!((section(&still).quota_waits, fake.calls("SendEmail")), (2, sends));

    // GetAccount said how many the 24 hours allowed: none was sent into SES's refusal.
    assert_eq!(fake.calls("SendEmail"), 120);

    // The 24-hour window moves on.
    fake.world().daily_quota = Some(1000);
    let done = section(&run(&fake, still, "run-1").await.expect("resumed"));
    assert!(done.complete && done.delivered == 300);
    assert_each_invited_once(&fake, 300);
}

#[tokio::test]
async fn a_quota_used_up_for_a_day_fails_the_step_by_name() {
    let fake = FakeAws::new();
    fake.world().daily_quota = Some(0);
    let mut s = state(&fake).await;
    s.invitations = Some(Invitations { run_id: "run-1".into(), complete: false, quota_waits: MAX_QUOTA_WAITS, ..Default::default() });
    assert_eq!(run(&fake, s, "run-1").await.expect_err("a day of waiting").name, ErrorName::SesDailyQuotaExceeded);
}

#[tokio::test]
async fn sends_follow_the_accounts_maximum_send_rate() {
    let fake = FakeAws::new();
    fake.world().max_send_rate = Some(20.0);
    let s = team(&fake, 21).await;
    let started = std::time::Instant::now();
    run(&fake, s, "run-1").await.expect("sent");
    // 21 sends at twenty a second: the first at once, the last a second later.
    assert!(started.elapsed() >= Duration::from_secs(1), "{:?}", started.elapsed());
    assert_eq!(fake.world().sent.len(), 21);
}

#[tokio::test]
async fn an_onboarding_records_its_team_and_an_amendments_additions_do_not() {
    use onboarding_core::amendment::RemovedUserData;
    use onboarding_core::ports::TeamRecord;
    use onboarding_core::request::Membership;
    let fake = FakeAws::new();
    let mut s = state(&fake).await;
    let arn = s.domain.as_ref().map(|d| d.domain_arn.clone()).expect("arn");
    // An amendment's additions carry no team record, whatever their request says: nothing is recorded.
    s.request.membership = Some(Membership { report_to: None, remove_departed_members: true, departed_user_data: Some(RemovedUserData::Keep) });
    run(&fake, s.clone(), "run-1").await.expect("sent");
    assert!(fake.world().teams.is_empty());
    // An onboarding's state carries the record Validate made from its request.
    s.team = Some(onboarding_core::state::team_record(&s.request));
    run(&fake, s, "run-2").await.expect("sent");
    let expected = TeamRecord {
        owner: Some("lead@example.com".into()),
        sender: None,
        remove_departed_members: true,
        delete_departed_data: false,
        ticket_id: Some("OPS-7".into()),
    };
    assert_eq!(fake.world().teams.get(&arn), Some(&expected), "the requester owns the team");
}
