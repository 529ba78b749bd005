//! The handler of `resolve-identities` with in-memory fakes.

use lambda_runtime::Context;
use lambda_runtime::LambdaEvent;
use onboarding_core::fakes::FakeAws;
use onboarding_core::ports::IdentityCenterInstance;
use onboarding_core::request::{IdentityCenterSelection, OnboardingRequest};
use onboarding_core::ErrorName;
use onboarding_core::OnboardingError;
use onboarding_core::OnboardingState;
use resolve_identities::*;

fn state(users: &[&str], groups: &[&str], region: Option<&str>) -> OnboardingState {
    let selection = IdentityCenterSelection { users: users.iter().map(|s| s.to_string()).collect(), groups: groups.iter().map(|s| s.to_string()).collect() };
    OnboardingState {
        request: OnboardingRequest { domain_name: "team-a".into(), region: region.map(str::to_string), identity_center: selection, ..Default::default() },
        ..Default::default()
    }
}

async fn run(fake: &FakeAws, s: OnboardingState) -> Result<OnboardingState, OnboardingError> {
    handler(fake, "us-east-1", None, LambdaEvent::new(s, Context::default())).await
}

#[tokio::test]
async fn resolves_users_and_counts_group_members() {
    let fake = FakeAws::standard();
    let out = run(&fake, state(&["jane"], &["ml-team"], Some("us-east-1"))).await.expect("resolved");
    let ids = out.identities.expect("identities");
    assert_eq!(ids.identity_store_id, "d-store");
    assert_eq!(ids.users[0].email.as_deref(), Some("jane@example.com"));
    assert_eq!(ids.groups[0].group_id, "g-ml");
    assert_eq!(ids.groups[0].member_count, 1);
    assert_eq!(fake.calls("DescribeUser"), 0, "members are not read into the state");
}

#[tokio::test]
async fn names_every_missing_principal() {
    let e = run(&FakeAws::standard(), state(&["jane", "ghost"], &["nobody"], None)).await.expect_err("missing");
    assert_eq!(e.name, ErrorName::PrincipalNotFound);
    assert!(e.message.contains("user \"ghost\"") && e.message.contains("group \"nobody\"") && !e.message.contains("jane"));
}

#[tokio::test]
async fn region_mismatch_and_missing_instance_are_named() {
    let e = run(&FakeAws::standard(), state(&["jane"], &[], Some("eu-west-1"))).await.expect_err("mismatch");
    assert_eq!(e.name, ErrorName::IdentityCenterRegionMismatch);
    assert!(e.message.contains("eu-west-1") && e.message.contains("us-east-1"));
    let e = run(&FakeAws::new(), state(&["jane"], &[], None)).await.expect_err("no instance");
    assert_eq!(e.name, ErrorName::IdentityCenterNotFound);
}

#[tokio::test]
async fn throttling_surfaces_as_its_name() {
    let fake = FakeAws::standard();
    fake.fail_next("GetUserId", ErrorName::AwsThrottled, 1);
    assert_eq!(run(&fake, state(&["jane"], &[], None)).await.expect_err("throttled").name, ErrorName::AwsThrottled);
}

#[tokio::test]
async fn several_active_instances_need_the_configured_one() {
    let fake = FakeAws::standard();
    let second = "arn:aws:sso:::instance/ssoins-2";
    fake.world().instances.push(IdentityCenterInstance { instance_arn: second.into(), identity_store_id: "d-second".into() });
    let ambiguous = run(&fake, state(&["jane"], &[], None)).await.expect_err("two instances");
    assert_eq!(ambiguous.name, ErrorName::IdentityCenterAmbiguous);
    let chosen = handler(&fake, "us-east-1", Some(second), LambdaEvent::new(state(&["jane"], &[], None), Context::default())).await.expect("configured");
    let ids = chosen.identities.expect("identities");
    assert_eq!((ids.instance_arn.as_str(), ids.identity_store_id.as_str()), (second, "d-second"));
}
