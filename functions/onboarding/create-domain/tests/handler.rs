//! The handler of `create-domain` with in-memory fakes.

use create_domain::*;
use lambda_runtime::Context;
use lambda_runtime::LambdaEvent;
use onboarding_core::fakes::FakeAws;
use onboarding_core::ports::{DomainStatus, SettingsDrift};
use onboarding_core::request::OnboardingRequest;
use onboarding_core::state::{ResolvedNetwork, Roles};
use onboarding_core::ErrorName;
use onboarding_core::OnboardingError;
use onboarding_core::OnboardingState;

fn state() -> OnboardingState {
    OnboardingState {
        request: OnboardingRequest { domain_name: "team-a".into(), ..Default::default() },
        roles: Some(Roles { execution_role_arn: "arn:aws:iam::123456789012:role/so-team-a-execution".into(), ..Default::default() }),
        network: Some(ResolvedNetwork { vpc_id: "vpc-1".into(), subnet_ids: vec!["subnet-a".into()], ..Default::default() }),
        ..Default::default()
    }
}

async fn run(fake: &FakeAws, s: OnboardingState) -> Result<OnboardingState, OnboardingError> {
    handler(fake, LambdaEvent::new(s, Context::default())).await
}

#[tokio::test]
async fn creates_once_and_adopts_on_rerun() {
    let fake = FakeAws::new();
    let first = run(&fake, state()).await.expect("created").domain.expect("domain");
    assert!(first.created);
    assert_eq!(first.status, "Pending");
    let second = run(&fake, state()).await.expect("adopted").domain.expect("domain");
    assert!(!second.created);
    assert_eq!(second.domain_id, first.domain_id);
    assert_eq!(fake.calls("CreateDomain"), 1);
    assert_eq!(fake.world().domains[0].spec.user.execution_role_arn, "arn:aws:iam::123456789012:role/so-team-a-execution");
}

#[tokio::test]
async fn a_failed_domain_of_an_earlier_run_is_deleted_then_replaced() {
    for failed in [DomainStatus::Failed, DomainStatus::DeleteFailed] {
        let fake = FakeAws::new();
        let first = run(&fake, state()).await.expect("created").domain.expect("domain");
        fake.world().domains[0].status = failed.clone();
        let deleting = run(&fake, state()).await.expect_err("still deleting");
        assert_eq!(deleting.name, ErrorName::DomainStillDeleting, "{failed:?}");
        assert!(deleting.name.is_retryable());
        assert_eq!(fake.calls("DeleteDomain"), 1);
        let second = run(&fake, state()).await.expect("replaced").domain.expect("domain");
        assert!(second.created);
        assert_ne!(second.domain_id, first.domain_id);
        assert_eq!(fake.calls("CreateDomain"), 2);
    }
}

#[tokio::test]
async fn a_deleting_domain_is_waited_for_not_adopted() {
    let fake = FakeAws::new();
    run(&fake, state()).await.expect("created");
    fake.world().domains[0].status = DomainStatus::Deleting;
    assert_eq!(run(&fake, state()).await.expect_err("waits").name, ErrorName::DomainStillDeleting);
    assert_eq!(fake.calls("DeleteDomain"), 0);
    assert_eq!(fake.calls("CreateDomain"), 1);
}

#[tokio::test]
async fn a_foreign_domain_is_a_conflict() {
    let fake = FakeAws::new();
    run(&fake, state()).await.expect("created");
    fake.world().domains[0].tags.clear();
    assert_eq!(run(&fake, state()).await.expect_err("conflict").name, ErrorName::DomainNameConflict);
}

#[tokio::test]
async fn an_unassumable_role_waits_only_when_just_created() {
    let fake = FakeAws::new();
    fake.fail_next("CreateDomain", ErrorName::RoleNotAssumableYet, 2);
    let mut fresh = state();
    fresh.roles.as_mut().expect("roles").execution_role_created = true;
    assert_eq!(run(&fake, fresh).await.expect_err("propagating").name, ErrorName::RoleNotAssumableYet);
    assert_eq!(run(&fake, state()).await.expect_err("existing role").name, ErrorName::RoleNotAssumable);
}

#[tokio::test]
async fn api_errors_keep_their_names_and_earlier_sections_are_required() {
    let fake = FakeAws::new();
    fake.fail_next("CreateDomain", ErrorName::KmsKeyInvalid, 1);
    assert_eq!(run(&fake, state()).await.expect_err("kms").name, ErrorName::KmsKeyInvalid);
    let mut s = state();
    s.network = None;
    assert_eq!(run(&fake, s).await.expect_err("state").name, ErrorName::StateInvalid);
}

#[tokio::test]
async fn a_rerun_with_changed_settings_updates_the_domain_and_reports_what_it_cannot() {
    let fake = FakeAws::new();
    let first = run(&fake, state()).await.expect("created").domain.expect("domain");
    assert_eq!(first.settings, SettingsDrift::default(), "a new domain has nothing to apply");
    let same = run(&fake, state()).await.expect("adopted").domain.expect("domain");
    assert_eq!(same.settings, SettingsDrift::default());
    assert_eq!(fake.calls("UpdateDomain"), 0, "an unchanged request changes nothing");

    let mut changed = state();
    changed.request.tag_propagation = true;
    changed.request.studio.hidden_ml_tools = vec!["JumpStart".into()];
    changed.network.as_mut().expect("network").subnet_ids = vec!["subnet-b".into()];
    let updated = run(&fake, changed.clone()).await.expect("updated").domain.expect("domain");
    assert_eq!(updated.settings.applied, ["DefaultUserSettings", "TagPropagation"]);
    assert_eq!(updated.settings.needs_reonboarding, ["SubnetIds"]);
    assert_eq!(fake.calls("UpdateDomain"), 1);
    assert_eq!(fake.calls("CreateDomain"), 1);
    let domain = &fake.world().domains[0];
    assert_eq!(domain.spec.user.hidden_ml_tools, ["JumpStart"]);
    assert_eq!(domain.spec.subnet_ids, ["subnet-a"], "the network is not changed in place");
}

#[tokio::test]
async fn a_domain_still_pending_is_not_compared() {
    let fake = FakeAws::new();
    run(&fake, state()).await.expect("created");
    fake.world().domains[0].status = DomainStatus::Pending;
    let mut changed = state();
    changed.request.tag_propagation = true;
    let adopted = run(&fake, changed).await.expect("adopted").domain.expect("domain");
    assert_eq!(adopted.settings, SettingsDrift::default());
    assert_eq!(fake.calls("UpdateDomain"), 0);
}
