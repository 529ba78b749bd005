//! The handler of `compare-members` with in-memory fakes.

use compare_members::*;
use lambda_runtime::{Context, LambdaEvent};
use onboarding_core::amendment::{AmendmentState, RemovedUserData};
use onboarding_core::fakes::FakeAws;
use onboarding_core::ports::{AssignmentPort, DomainStatus, InvitationLedgerPort, InvitationRecord, StudioPort, TeamRecord};
use onboarding_core::reconciliation::TeamRef;
use onboarding_core::state::{PrincipalType, Settings};
use onboarding_core::{ErrorName, OnboardingError};

fn config() -> Config {
    Config { domain_region: "us-east-1".into(), identity_center_instance_arn: None, settings: Settings::default(), lease_seconds: 600 }
}

fn invited(person: &str) -> InvitationRecord {
    InvitationRecord { person: person.into(), address: String::new(), delivered: true, run_id: "onboarding".into(), message_id: None, reason: None }
}

/// team-a, onboarded for the group ml-team (li) and jane by name; jane then lost her assignment.
/// The ledger knows jane and omar (invited; omar is in no assigned group any more) but not li.
async fn team(fake: &FakeAws, record: TeamRecord) -> (String, String) {
    let created = fake.onboarded_domain("team-a".into()).await.expect("domain");
    let application = fake.domain_details(&created.domain_id).await.expect("read").and_then(|d| d.sso_application_arn).expect("application");
    fake.create_assignment(&application, PrincipalType::Group, "g-ml").await.expect("assigned");
    for person in ["user#u-jane", "user#u-omar", "address#lead@example.com"] {
        fake.record(&created.domain_arn, &invited(person)).await.expect("recorded");
    }
    fake.record_team(&created.domain_arn, &record).await.expect("team");
    (created.domain_id, created.domain_arn)
}

async fn reconcile(fake: &FakeAws, domain_id: &str, run: &str) -> Result<AmendmentState, OnboardingError> {
    let ports = Ports { sagemaker: fake, identity: fake, sso: fake, ledger: fake };
    let input = TeamInput { team: TeamRef { domain_id: domain_id.into(), domain_name: "team-a".into() }, trigger: "schedule".into(), run_id: run.into() };
    handler(ports, &config(), LambdaEvent::new(input, Context::default())).await
}

#[tokio::test]
async fn new_members_go_to_the_invitations_and_the_departed_to_the_owner() {
    let fake = FakeAws::standard();
    let (id, _) = team(&fake, TeamRecord { owner: Some("lead@example.com".into()), ..Default::default() }).await;
    let state = reconcile(&fake, &id, "run-1").await.expect("compared");
    let section = state.reconciliation.as_ref().expect("section");
    let names = |members: &[onboarding_core::reconciliation::Member]| members.iter().filter_map(|m| m.user_name.clone()).collect::<Vec<_>>();
    assert_eq!(names(&section.joined), ["li"]);
    assert_eq!(names(&section.departed), ["jane", "omar"]);
    assert_eq!(section.owner.as_deref(), Some("lead@example.com"));
    assert!(!section.removes_departed, "the onboarding did not ask for removal");
    let grant = state.grant.expect("invitations to send").state;
    let groups: Vec<&str> = grant.identities.as_ref().map(|i| i.groups.iter().map(|g| g.group_id.as_str()).collect()).unwrap_or_default();
    assert_eq!(groups, ["g-ml"]);
    assert!(grant.request.notification.extra_recipients.is_empty() && grant.request.membership.is_none(), "no team record rewritten");
    assert!(state.revoke.expect("always there").users.is_empty());
    assert_eq!(fake.calls("CreateApplicationAssignment"), 1, "only the set-up's");
}

#[tokio::test]
async fn the_departed_are_removed_when_the_onboarding_asked() {
    let fake = FakeAws::standard();
    let (id, _) = team(&fake, TeamRecord { remove_departed_members: true, delete_departed_data: true, ..Default::default() }).await;
    let state = reconcile(&fake, &id, "run-1").await.expect("compared");
    assert!(state.reconciliation.as_ref().is_some_and(|r| r.removes_departed));
    assert_eq!(state.request.removed_user_data, Some(RemovedUserData::Delete));
    let revoke = state.revoke.expect("revoke");
    assert_eq!(revoke.profiles, ["jane", "omar"]);
    assert!(revoke.groups.is_empty(), "the groups stay assigned");
}

#[tokio::test]
async fn a_second_run_waits_for_the_first() {
    let fake = FakeAws::standard();
    let (id, _) = team(&fake, TeamRecord::default()).await;
    reconcile(&fake, &id, "run-1").await.expect("first");
    let busy = reconcile(&fake, &id, "run-2").await.expect_err("the lease is held");
    assert_eq!(busy.name, ErrorName::ReconciliationInProgress);
    reconcile(&fake, &id, "run-1").await.expect("the holder's retry goes on");
}

#[tokio::test]
async fn a_domain_not_ready_is_skipped_without_the_lease() {
    let fake = FakeAws::standard();
    let (id, arn) = team(&fake, TeamRecord::default()).await;
    fake.world().domains[0].status = DomainStatus::Updating;
    let state = reconcile(&fake, &id, "run-1").await.expect("skipped");
    assert!(state.reconciliation.and_then(|r| r.skipped).is_some_and(|why| why.contains("Updating")));
    assert!(state.target.is_none() && state.grant.is_none());
    assert!(!fake.world().leases.contains_key(&arn));
}

#[tokio::test]
async fn a_failure_under_the_lease_gives_it_back() {
    let fake = FakeAws::standard();
    let (id, arn) = team(&fake, TeamRecord::default()).await;
    fake.fail_next("ListApplicationAssignments", ErrorName::AwsAccessDenied, 1);
    let e = reconcile(&fake, &id, "run-1").await.expect_err("denied");
    assert_eq!(e.name, ErrorName::AwsAccessDenied);
    assert!(!fake.world().leases.contains_key(&arn), "the next run need not wait");
    reconcile(&fake, &id, "run-2").await.expect("another run goes ahead");
}
