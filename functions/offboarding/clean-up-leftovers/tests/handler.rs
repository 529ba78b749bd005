//! The handler of `clean-up-leftovers` with in-memory fakes.

use clean_up_leftovers::handler;
use lambda_runtime::{Context, LambdaEvent};
use onboarding_core::fakes::FakeAws;
use onboarding_core::naming::{MANAGED_BY, TAG_DOMAIN, TAG_MANAGED_BY};
use onboarding_core::offboarding::state::OffboardingTarget;
use onboarding_core::offboarding::{HomeEfsRetention, OffboardingState};
use onboarding_core::ports::{DomainSecurityGroup, IamPort, Tags};
use serde_json::json;

fn own_tags(domain: &str) -> Tags {
    Tags::from([(TAG_MANAGED_BY.to_string(), MANAGED_BY.to_string()), (TAG_DOMAIN.to_string(), domain.to_string())])
}

async fn world(retention: HomeEfsRetention) -> (FakeAws, OffboardingState) {
    let fake = FakeAws::new();
    fake.create_role("team-a-execution", &json!({}), &own_tags("team-a")).await.expect("role");
    fake.create_role("retagged", &json!({}), &own_tags("team-b")).await.expect("role");
    fake.create_role("shared", &json!({}), &Tags::new()).await.expect("role");
    {
        let mut w = fake.world();
        for (id, name) in [("sg-in", "security-group-for-inbound-nfs-d-1"), ("sg-out", "security-group-for-outbound-nfs-d-1")] {
            w.domain_security_groups.push(("d-1".into(), DomainSecurityGroup { group_id: id.into(), group_name: name.into() }));
        }
    }
    let mut state = OffboardingState {
        target: Some(OffboardingTarget {
            domain_id: "d-1".into(),
            domain_name: "team-a".into(),
            vpc_id: "vpc-1".into(),
            home_efs_file_system_id: Some("fs-1".into()),
            own_roles: vec!["team-a-execution".into(), "retagged".into(), "already-gone".into()],
            other_roles: vec!["shared".into()],
            ..Default::default()
        }),
        ..Default::default()
    };
    state.request.home_efs_file_system = Some(retention);
    (fake, state)
}

#[tokio::test]
async fn deletes_only_its_own_roles_and_the_groups_of_a_deleted_file_system() {
    let (fake, state) = world(HomeEfsRetention::Delete).await;
    fake.world().network_interfaces.push(("eni-1".into(), vec!["sg-out".into()]));
    let state = handler(&fake, &fake, LambdaEvent::new(state, Context::default())).await.expect("cleaned");
    let c = state.cleanup.expect("cleanup");
    assert_eq!(c.roles_deleted, vec!["team-a-execution"]);
    let kept: Vec<&str> = c.roles_kept.iter().map(|k| k.id.as_str()).collect();
    assert_eq!(kept, vec!["retagged", "shared"]);
    assert!(fake.world().roles.contains_key("shared") && fake.world().roles.contains_key("retagged"));
    assert_eq!(c.security_groups_deleted, vec!["sg-in"]);
    assert_eq!(c.security_groups_kept.len(), 1);
    assert!(c.security_groups_kept[0].reason.contains("DependencyViolation"), "{:?}", c.security_groups_kept);
    assert_eq!(c.network_interfaces_left, vec!["eni-1"]);
    assert_eq!(c.home_efs_file_system_retained, None);
}

#[tokio::test]
async fn a_retained_file_system_keeps_its_groups_and_is_named() {
    let (fake, state) = world(HomeEfsRetention::Retain).await;
    let state = handler(&fake, &fake, LambdaEvent::new(state, Context::default())).await.expect("cleaned");
    let c = state.cleanup.expect("cleanup");
    assert_eq!(c.home_efs_file_system_retained.as_deref(), Some("fs-1"));
    assert!(c.security_groups_deleted.is_empty());
    assert_eq!(c.security_groups_kept.len(), 2);
    assert_eq!(fake.calls("DeleteSecurityGroup"), 0);
    assert_eq!(c.roles_deleted, vec!["team-a-execution"]);
}
