//! The handler of `find-team` with in-memory fakes.

use find_team::*;
use lambda_runtime::{Context, LambdaEvent};
use onboarding_core::fakes::FakeAws;
use onboarding_core::ports::DomainStatus;
use onboarding_core::state::Settings;
use onboarding_core::validate::ValidationContext;
use onboarding_core::{ErrorName, OnboardingError};
use serde_json::json;

fn config() -> Config {
    Config { validation: ValidationContext::new("so-"), domain_region: "us-east-1".into(), identity_center_instance_arn: None, settings: Settings::default() }
}

async fn domain(fake: &FakeAws, name: &str) -> String {
    fake.onboarded_domain(name.into()).await.expect("domain").domain_id
}

async fn lookup(fake: &FakeAws, request: serde_json::Value) -> Result<onboarding_core::amendment::AmendmentState, OnboardingError> {
    handler(fake, fake, fake, &config(), LambdaEvent::new(RequestInput { request }, Context::default())).await
}

#[tokio::test]
async fn additions_become_an_onboarding_of_the_domain_and_removals_a_revocation() {
    let fake = FakeAws::standard();
    let id = domain(&fake, "team-a").await;
    let request =
        json!({"domainName": "team-a", "add": {"groups": ["ml-team"]}, "remove": {"users": ["jane"]}, "removedUserData": "Delete", "ticket": {"id": "AM-1"}});
    let state = lookup(&fake, request).await.expect("found");
    let grant = state.grant.expect("grant").state;
    assert_eq!(grant.request.identity_center.groups, vec!["ml-team"]);
    assert_eq!(grant.identities.as_ref().map(|i| i.groups.len()), Some(1));
    let record = grant.domain.expect("domain");
    assert_eq!((record.domain_id.as_str(), record.status.as_str(), record.created), (id.as_str(), "InService", false));
    assert!(record.url.contains(&id) && record.sso_application_arn.is_some());
    let revoke = state.revoke.expect("revoke");
    assert_eq!(revoke.profiles, vec!["jane"]);
    assert_eq!(revoke.users[0].user_id, "u-jane");
    assert_eq!(state.ticket_id.as_deref(), Some("AM-1"));
}

#[tokio::test]
async fn a_domain_not_ours_not_ready_or_unknown_is_refused_by_name() {
    let fake = FakeAws::standard();
    domain(&fake, "team-a").await;
    fake.world().domains[0].status = DomainStatus::Updating;
    let e = lookup(&fake, json!({"domainName": "team-a", "add": {"users": ["omar"]}})).await.expect_err("not ready");
    assert_eq!(e.name, ErrorName::DomainNotInService);
    fake.world().domains[0].tags.clear();
    let e = lookup(&fake, json!({"domainName": "team-a", "add": {"users": ["omar"]}})).await.expect_err("not ours");
    assert_eq!(e.name, ErrorName::DomainNotManaged);
    let e = lookup(&fake, json!({"domainName": "team-b", "add": {"users": ["omar"]}})).await.expect_err("unknown");
    assert_eq!(e.name, ErrorName::DomainNotFound);
    let e = lookup(&fake, json!({"domainName": "team-a", "remove": {"users": ["omar"]}})).await.expect_err("invalid");
    assert_eq!(e.name, ErrorName::RequestInvalid);
}

#[tokio::test]
async fn a_user_removed_by_name_who_is_in_an_assigned_group_is_listed_as_keeping_access() {
    use onboarding_core::ports::AssignmentPort;
    use onboarding_core::state::PrincipalType;
    let fake = FakeAws::standard();
    let id = domain(&fake, "team-a").await;
    let application = fake.world().domains.iter().find(|d| d.summary.domain_id == id).and_then(|d| d.sso_application_arn.clone()).expect("application");
    // li is a member of ml-team, which stays assigned.
    fake.create_assignment(&application, PrincipalType::Group, "g-ml").await.expect("assigned");
    let request = json!({"domainName": "team-a", "remove": {"users": ["li", "jane"]}, "removedUserData": "Keep"});
    let state = lookup(&fake, request).await.expect("found");
    assert_eq!(state.revoke.expect("revoke").still_in_assigned_groups, vec!["li"]);
}
