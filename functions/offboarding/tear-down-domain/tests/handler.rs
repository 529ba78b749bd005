//! The handler of `tear-down-domain` with in-memory fakes: the phases in SageMaker's order, the
//! bound, and the retention choice.

use lambda_runtime::{Context, LambdaEvent};
use onboarding_core::fakes::{DomainDeletion, FakeApp, FakeAws, FakeSpace};
use onboarding_core::offboarding::state::OffboardingTarget;
use onboarding_core::offboarding::{HomeEfsRetention, OffboardingState};
use onboarding_core::ports::{SageMakerPort, StudioApp, StudioResource};
use onboarding_core::state::Settings;
use onboarding_core::{ErrorName, OnboardingError};
use tear_down_domain::handler;

async fn team(fake: &FakeAws, retention: HomeEfsRetention) -> OffboardingState {
    let id = fake.onboarded_domain("team-a".into()).await.expect("domain").domain_id;
    fake.create_user_profile(&id, "jane", "jane", &Default::default()).await.expect("profile");
    {
        let mut w = fake.world();
        let app = |name: &str, space: Option<&str>, profile: Option<&str>| StudioApp {
            app_type: "JupyterLab".into(),
            app_name: name.into(),
            user_profile_name: profile.map(str::to_string),
            space_name: space.map(str::to_string),
            status: "InService".into(),
        };
        w.apps.push(FakeApp::new(&id, app("default", Some("jane-space"), None)));
        w.apps.push(FakeApp::new(&id, app("classic", None, Some("jane"))));
        w.spaces.push(FakeSpace::new(&id, StudioResource { name: "jane-space".into(), status: "InService".into(), owner: Some("jane".into()) }));
    }
    let mut state = OffboardingState {
        settings: Settings { poll_interval_seconds: 1, max_polls: 3, quota_wait_seconds: 1 },
        target: Some(OffboardingTarget { domain_id: id, ..Default::default() }),
        ..Default::default()
    };
    state.request.home_efs_file_system = Some(retention);
    state
}

async fn pass(fake: &FakeAws, s: OffboardingState) -> Result<OffboardingState, OnboardingError> {
    handler(fake, LambdaEvent::new(s, Context::default())).await
}

#[tokio::test]
async fn apps_then_spaces_then_profiles_then_the_domain_with_the_chosen_retention() {
    let fake = FakeAws::new();
    let mut s = team(&fake, HomeEfsRetention::Retain).await;
    let mut phases = Vec::new();
    for _ in 0..10 {
        s = pass(&fake, s).await.expect("pass");
        let t = s.teardown.clone().expect("teardown");
        phases.push(t.phase.clone());
        if t.complete {
            break;
        }
    }
    let t = s.teardown.expect("teardown");
    assert!(t.complete && t.domain_deleted, "{phases:?}");
    assert_eq!((t.apps_deleted, t.spaces_deleted, t.user_profiles_deleted), (2, 1, 1));
    assert_eq!(phases.first().map(String::as_str), Some("apps"));
    assert!(phases.contains(&"spaces".to_string()) && phases.contains(&"domain".to_string()), "{phases:?}");
    let w = fake.world();
    assert!(w.domains.is_empty() && w.profiles.is_empty() && w.spaces.is_empty());
    assert_eq!(w.domain_deletions.len(), 1);
    assert_eq!(w.domain_deletions[0].retention, HomeEfsRetention::Retain);
}

#[tokio::test]
async fn an_app_stuck_deleting_fails_by_name_after_the_bound_and_a_rerun_continues() {
    let fake = FakeAws::new();
    let mut s = team(&fake, HomeEfsRetention::Delete).await;
    fake.world().apps_stuck_deleting = true;
    let error = loop {
        match pass(&fake, s.clone()).await {
            Ok(next) => s = next,
            Err(e) => break e,
        }
    };
    assert_eq!(error.name, ErrorName::TeardownTimedOut);
    assert!(error.message.contains("app(s)"), "{}", error.message);
    assert_eq!(fake.world().domain_deletions.len(), 0, "nothing past the apps was deleted");

    // The app finally goes; a new execution (the same request) starts over and finishes.
    fake.world().apps_stuck_deleting = false;
    let mut s = OffboardingState { teardown: None, ..s };
    for _ in 0..10 {
        s = pass(&fake, s).await.expect("pass");
        if s.teardown.as_ref().is_some_and(|t| t.complete) {
            break;
        }
    }
    assert!(s.teardown.expect("teardown").complete);
    assert_eq!(fake.world().domain_deletions, vec![DomainDeletion { domain_id: s.target.expect("target").domain_id, retention: HomeEfsRetention::Delete }]);
}
