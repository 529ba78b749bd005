//! The handler of `remove-access` with in-memory fakes.

use lambda_runtime::{Context, LambdaEvent};
use onboarding_core::fakes::FakeAws;
use onboarding_core::offboarding::state::OffboardingTarget;
use onboarding_core::offboarding::OffboardingState;
use onboarding_core::ports::AssignmentPort;
use onboarding_core::state::PrincipalType;
use remove_access::handler;

#[tokio::test]
async fn every_assignment_of_the_application_goes_and_a_rerun_finds_none() {
    let fake = FakeAws::new();
    for (kind, id) in [(PrincipalType::User, "u-1"), (PrincipalType::Group, "g-1"), (PrincipalType::User, "u-2")] {
        fake.create_assignment("arn:app", kind, id).await.expect("assigned");
    }
    fake.create_assignment("arn:other", PrincipalType::User, "u-1").await.expect("assigned");
    let state =
        OffboardingState { target: Some(OffboardingTarget { sso_application_arn: Some("arn:app".into()), ..Default::default() }), ..Default::default() };
    let done = handler(&fake, LambdaEvent::new(state.clone(), Context::default())).await.expect("removed");
    let access = done.access.expect("access");
    assert_eq!((access.users, access.groups), (2, 1));
    assert_eq!(fake.world().assignments.len(), 1, "another application's assignment stays");
    let again = handler(&fake, LambdaEvent::new(state, Context::default())).await.expect("rerun");
    assert_eq!(again.access.expect("access").users, 0);
}
