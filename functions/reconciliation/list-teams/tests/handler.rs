//! The handler of `list-teams` with in-memory fakes.

use lambda_runtime::{Context, LambdaEvent};
use list_teams::{handler, Config};
use onboarding_core::fakes::FakeAws;
use onboarding_core::ports::{AssignmentPort, DomainStatus, SageMakerPort, StudioPort};
use onboarding_core::reconciliation::TeamList;
use onboarding_core::state::PrincipalType;
use onboarding_core::validate::ValidationContext;
use onboarding_core::{ErrorName, OnboardingError};
use serde_json::{json, Value};

async fn domain(fake: &FakeAws, name: &str) -> String {
    fake.onboarded_domain(name.into()).await.expect("domain").domain_id
}

async fn list(fake: &FakeAws, input: Value) -> Result<TeamList, OnboardingError> {
    let config = Config { validation: ValidationContext::new("so-"), domain_region: "us-east-1".into() };
    handler(fake, fake, &config, LambdaEvent::new(input, Context::default())).await
}

fn names(list: &TeamList) -> Vec<&str> {
    list.teams.iter().map(|t| t.domain_name.as_str()).collect()
}

/// Three of ours (one still being created) and one created by hand.
async fn account(fake: &FakeAws) {
    for name in ["team-a", "team-b", "team-c", "by-hand"] {
        domain(fake, name).await;
    }
    let mut w = fake.world();
    w.domains[2].status = DomainStatus::Pending;
    w.domains[3].tags.clear();
}

#[tokio::test]
async fn the_schedule_reconciles_every_ready_domain_of_ours() {
    let fake = FakeAws::standard();
    account(&fake).await;
    let listed = list(&fake, json!({"trigger": "schedule"})).await.expect("listed");
    assert_eq!((listed.trigger.as_str(), names(&listed)), ("schedule", vec!["team-a", "team-b"]));
    let listed = list(&fake, json!({"ticket": {"id": "REC-1"}})).await.expect("listed");
    assert_eq!((listed.trigger.as_str(), names(&listed)), ("request", vec!["team-a", "team-b"]), "a request naming no domain");
}

#[tokio::test]
async fn a_membership_change_reconciles_the_domains_with_that_group() {
    let fake = FakeAws::standard();
    account(&fake).await;
    let b = fake.find_domain("team-b").await.expect("listed").expect("team-b").domain_id;
    let application = fake.domain_details(&b).await.expect("read").and_then(|d| d.sso_application_arn).expect("application");
    fake.create_assignment(&application, PrincipalType::Group, "g-ml").await.expect("assigned");
    let event = |params: Value| json!({"source": "aws.identitystore", "detail-type": "AWS API Call via CloudTrail", "detail": {"requestParameters": params}});
    let listed = list(&fake, event(json!({"groupId": "g-ml", "memberId": {"userId": "u-jane"}}))).await.expect("listed");
    assert_eq!((listed.trigger.as_str(), names(&listed)), ("membership-change", vec!["team-b"]));
    // A deleted membership's event names no group: every team is looked at.
    let listed = list(&fake, event(json!({"membershipId": "m-1"}))).await.expect("listed");
    assert_eq!(names(&listed), vec!["team-a", "team-b"]);
}

#[tokio::test]
async fn a_named_domain_must_be_ours() {
    let fake = FakeAws::standard();
    account(&fake).await;
    let listed = list(&fake, json!({"domainName": "team-a"})).await.expect("listed");
    assert_eq!((listed.trigger.as_str(), names(&listed)), ("request", vec!["team-a"]));
    let refused = list(&fake, json!({"domainName": "by-hand"})).await.expect_err("not ours");
    assert_eq!(refused.name, ErrorName::DomainNotManaged);
    let refused = list(&fake, json!({"domainName": "team-a", "extra": 1})).await.expect_err("unknown key");
    assert_eq!(refused.name, ErrorName::RequestInvalid);
}
