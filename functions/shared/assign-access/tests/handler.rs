//! The handler of `assign-access` with in-memory fakes.

use assign_access::*;
use lambda_runtime::Context;
use lambda_runtime::LambdaEvent;
use onboarding_core::fakes::{FakeAws, FakeProfile};
use onboarding_core::request::OnboardingRequest;
use onboarding_core::state::PrincipalType;
use onboarding_core::state::{DomainRecord, Identities, ResolvedGroup, ResolvedUser};
use onboarding_core::ErrorName;
use onboarding_core::OnboardingError;
use onboarding_core::OnboardingState;

const APP: &str = "arn:aws:sso::123456789012:application/ssoins-1/apl-1";

fn state() -> OnboardingState {
    OnboardingState {
        request: OnboardingRequest { domain_name: "team-a".into(), ..Default::default() },
        identities: Some(Identities {
            users: vec![ResolvedUser { user_name: "jane.doe@example.com".into(), user_id: "u-jane".into(), ..Default::default() }],
            groups: vec![ResolvedGroup { display_name: "ml-team".into(), group_id: "g-ml".into(), member_count: 0 }],
            instance_arn: "arn:aws:sso:::instance/ssoins-1".into(),
            ..Default::default()
        }),
        domain: Some(DomainRecord { domain_id: "d-1".into(), status: "InService".into(), sso_application_arn: Some(APP.into()), ..Default::default() }),
        ..Default::default()
    }
}

async fn run(fake: &FakeAws, s: OnboardingState) -> Result<OnboardingState, OnboardingError> {
    handler(fake, fake, LambdaEvent::new(s, Context::default())).await
}

#[tokio::test]
async fn assigns_users_and_groups_and_creates_profiles() {
    let fake = FakeAws::new();
    let access = run(&fake, state()).await.expect("access").access.expect("section");
    assert_eq!(access.user_profiles, vec!["jane-doe-example-com"]);
    let w = fake.world();
    let assigned: Vec<(&str, PrincipalType, &str)> =
        w.assignments.iter().map(|a| (a.application_arn.as_str(), a.principal_type, a.principal_id.as_str())).collect();
    assert_eq!(assigned, vec![(APP, PrincipalType::User, "u-jane"), (APP, PrincipalType::Group, "g-ml")]);
    assert_eq!(w.profiles, vec![FakeProfile::new("d-1", "jane-doe-example-com", "jane.doe@example.com")]);
}

#[tokio::test]
async fn a_rerun_assigns_nothing_twice() {
    let fake = FakeAws::new();
    run(&fake, state()).await.expect("first");
    let access = run(&fake, state()).await.expect("second").access.expect("section");
    assert!(access.assignments.iter().all(|a| !a.created));
    assert_eq!(fake.calls("CreateApplicationAssignment"), 2);
    assert_eq!(fake.calls("CreateUserProfile"), 1);
}

#[tokio::test]
async fn conflicts_surface_for_the_retrier_and_non_sso_domains_are_named() {
    let fake = FakeAws::new();
    fake.fail_next("CreateApplicationAssignment", ErrorName::AssignmentConflict, 1);
    assert_eq!(run(&fake, state()).await.expect_err("conflict").name, ErrorName::AssignmentConflict);
    run(&fake, state()).await.expect("retried");
    assert_eq!(fake.world().assignments.len(), 2);

    let mut s = state();
    if let Some(d) = s.domain.as_mut() {
        d.sso_application_arn = None;
    }
    assert_eq!(run(&fake, s).await.expect_err("iam domain").name, ErrorName::DomainNotSso);
}

#[tokio::test]
async fn an_application_of_another_instance_is_refused_before_any_assignment() {
    let fake = FakeAws::new();
    let mut s = state();
    if let Some(d) = s.domain.as_mut() {
        d.sso_application_arn = Some("arn:aws:sso::123456789012:application/ssoins-other/apl-1".into());
    }
    assert_eq!(run(&fake, s).await.expect_err("other instance").name, ErrorName::DomainApplicationMismatch);
    assert_eq!(fake.calls("ListApplicationAssignments") + fake.calls("CreateApplicationAssignment"), 0);
}

#[tokio::test]
async fn a_named_user_gets_the_private_space_the_request_asks_for_once() {
    use onboarding_core::request::{PrivateSpaces, SpaceAppType};
    let fake = FakeAws::new();
    let mut s = state();
    s.request.studio.private_spaces =
        Some(PrivateSpaces { app_type: SpaceAppType::CodeEditor, instance_type: Some("ml.t3.large".into()), storage_gb: None, idle_timeout_minutes: None });
    s.request.storage.default_space_size_gb = Some(15);
    let access = run(&fake, s.clone()).await.expect("access").access.expect("section");
    assert_eq!(access.private_spaces, vec!["jane-doe-example-com-private"]);
    run(&fake, s).await.expect("a rerun");
    let w = fake.world();
    assert_eq!(w.private_spaces.len(), 1, "one space, whatever the reruns");
    let space = &w.private_spaces[0];
    assert_eq!(
        (space.owner_profile.as_str(), space.app_type, space.instance_type.as_deref(), space.storage_gb),
        ("jane-doe-example-com", "CodeEditor", Some("ml.t3.large"), Some(15))
    );
}
