//! The handler of `revoke-access` with in-memory fakes.

use lambda_runtime::{Context, LambdaEvent};
use onboarding_core::amendment::state::{AmendmentTarget, Revocation};
use onboarding_core::amendment::{AmendmentState, RemovedUserData};
use onboarding_core::fakes::{FakeApp, FakeAws, FakeSpace};
use onboarding_core::ports::{AssignmentPort, SageMakerPort, StudioApp, StudioResource};
use onboarding_core::state::{PrincipalType, ResolvedUser, Settings};
use revoke_access::handler;

async fn team(fake: &FakeAws, data: RemovedUserData) -> AmendmentState {
    for (kind, id) in [(PrincipalType::User, "u-jane"), (PrincipalType::User, "u-omar"), (PrincipalType::Group, "g-ml")] {
        fake.create_assignment("arn:app", kind, id).await.expect("assigned");
    }
    for profile in ["jane", "omar"] {
        fake.create_user_profile("d-1", profile, profile, &Default::default()).await.expect("profile");
    }
    {
        let mut w = fake.world();
        let app = |name: &str, profile: Option<&str>, space: Option<&str>| StudioApp {
            app_type: "JupyterLab".into(),
            app_name: name.into(),
            user_profile_name: profile.map(str::to_string),
            space_name: space.map(str::to_string),
            status: "InService".into(),
        };
        w.apps.push(FakeApp::new("d-1", app("default", None, Some("jane-space"))));
        w.apps.push(FakeApp::new("d-1", app("classic", Some("jane"), None)));
        w.apps.push(FakeApp::new("d-1", app("default", None, Some("omar-space"))));
        for owner in ["jane", "omar"] {
            w.spaces.push(FakeSpace::new("d-1", StudioResource { name: format!("{owner}-space"), status: "InService".into(), owner: Some(owner.into()) }));
        }
    }
    let mut state = AmendmentState {
        settings: Settings { poll_interval_seconds: 1, max_polls: 5, quota_wait_seconds: 1 },
        target: Some(AmendmentTarget { domain_id: "d-1".into(), sso_application_arn: "arn:app".into(), ..Default::default() }),
        revoke: Some(Revocation {
            users: vec![ResolvedUser { user_name: "jane".into(), user_id: "u-jane".into(), ..Default::default() }],
            profiles: vec!["jane".into()],
            ..Default::default()
        }),
        ..Default::default()
    };
    state.request.removed_user_data = Some(data);
    state
}

async fn until_done(fake: &FakeAws, mut state: AmendmentState) -> AmendmentState {
    for _ in 0..10 {
        state = handler(fake, fake, LambdaEvent::new(state, Context::default())).await.expect("pass");
        if state.revoke.as_ref().is_some_and(|r| r.teardown.complete) {
            return state;
        }
    }
    panic!("not done after 10 passes");
}

#[tokio::test]
async fn a_removed_user_loses_access_apps_spaces_and_profile_and_nobody_else_does() {
    let fake = FakeAws::new();
    let state = until_done(&fake, team(&fake, RemovedUserData::Delete).await).await;
    let revoke = state.revoke.expect("revoke");
    assert_eq!((revoke.assignments_removed, revoke.teardown.apps_deleted, revoke.teardown.spaces_deleted, revoke.teardown.user_profiles_deleted), (1, 2, 1, 1));
    let w = fake.world();
    let assigned: Vec<&str> = w.assignments.iter().map(|a| a.principal_id.as_str()).collect();
    assert_eq!(assigned, vec!["u-omar", "g-ml"]);
    let profiles: Vec<&str> = w.profiles.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(profiles, vec!["omar"]);
    let spaces: Vec<&str> = w.spaces.iter().map(|s| s.space.name.as_str()).collect();
    assert_eq!(spaces, vec!["omar-space"]);
    assert!(w.apps.iter().filter(|a| a.app.space_name.as_deref() == Some("omar-space")).all(|a| a.app.status == "InService"));
}

#[tokio::test]
async fn keeping_the_data_deletes_only_the_apps() {
    let fake = FakeAws::new();
    let state = until_done(&fake, team(&fake, RemovedUserData::Keep).await).await;
    let revoke = state.revoke.expect("revoke");
    assert_eq!((revoke.teardown.apps_deleted, revoke.teardown.spaces_deleted, revoke.teardown.user_profiles_deleted), (2, 0, 0));
    let w = fake.world();
    assert_eq!(w.profiles.len(), 2);
    assert_eq!(w.spaces.len(), 2);
    assert_eq!(fake_calls(&w), 0);
}

fn fake_calls(w: &onboarding_core::fakes::World) -> usize {
    w.calls.iter().filter(|c| **c == "DeleteSpace" || **c == "DeleteUserProfile").count()
}
