//! The handler of `poll-domain` with in-memory fakes.

use lambda_runtime::Context;
use lambda_runtime::LambdaEvent;
use onboarding_core::fakes::FakeAws;
use onboarding_core::ports::DomainStatus;
use onboarding_core::ports::SageMakerPort;
use onboarding_core::request::OnboardingRequest;
use onboarding_core::state::{DomainRecord, ResolvedNetwork, Roles, Settings};
use onboarding_core::ErrorName;
use onboarding_core::OnboardingError;
use onboarding_core::OnboardingState;
use poll_domain::*;

async fn created(fake: &FakeAws, pending: u32) -> OnboardingState {
    fake.world().new_domain_pending_polls = pending;
    let mut s = OnboardingState {
        request: OnboardingRequest { domain_name: "team-a".into(), ..Default::default() },
        settings: Settings { poll_interval_seconds: 1, max_polls: 3, quota_wait_seconds: 60 },
        roles: Some(Roles::default()),
        network: Some(ResolvedNetwork::default()),
        ..Default::default()
    };
    let spec = onboarding_core::domain_spec::domain_spec(&s).expect("spec");
    let d = fake.create_domain(&spec).await.expect("domain");
    s.domain =
        Some(DomainRecord { domain_id: d.domain_id, domain_arn: d.domain_arn, url: d.url, created: true, status: "Pending".into(), ..Default::default() });
    s
}

async fn poll(fake: &FakeAws, s: OnboardingState) -> Result<OnboardingState, OnboardingError> {
    handler(fake, LambdaEvent::new(s, Context::default())).await
}

#[tokio::test]
async fn pending_then_in_service() {
    let fake = FakeAws::new();
    let s = created(&fake, 2).await;
    let s = poll(&fake, s).await.expect("poll 1");
    assert_eq!(s.domain.as_ref().map(|d| d.status.as_str()), Some(STILL_PENDING));
    let s = poll(&fake, s).await.expect("poll 2");
    let s = poll(&fake, s).await.expect("poll 3");
    let d = s.domain.expect("domain");
    assert_eq!((d.status.as_str(), d.polls), ("InService", 3));
    assert!(d.sso_application_arn.is_some());
}

#[tokio::test]
async fn polling_is_bounded() {
    let fake = FakeAws::new();
    let mut s = created(&fake, 10).await;
    for _ in 0..2 {
        s = poll(&fake, s).await.expect("pending");
    }
    let e = poll(&fake, s).await.expect_err("bound");
    assert_eq!(e.name, ErrorName::DomainPollingTimedOut);
    assert!(e.message.contains("after 3 polls"));
}

#[tokio::test]
async fn an_unknown_domain_right_after_creation_is_pending() {
    let fake = FakeAws::new();
    let mut s = created(&fake, 0).await;
    fake.world().domains.clear();
    s = poll(&fake, s).await.expect("pending");
    assert_eq!(s.domain.expect("domain").status, STILL_PENDING);
}

#[tokio::test]
async fn a_failed_domain_carries_its_reason_and_is_deleted_when_asked() {
    let fake = FakeAws::new();
    let s = created(&fake, 0).await;
    {
        let mut w = fake.world();
        w.domains[0].status = DomainStatus::Failed;
        w.domains[0].failure_reason = Some("InsufficientCapacity in use1-az3".into());
    }
    let e = poll(&fake, s.clone()).await.expect_err("failed");
    assert_eq!(e.name, ErrorName::DomainFailed);
    assert!(e.message.contains("InsufficientCapacity"));
    assert_eq!(fake.world().domains.len(), 1);

    let mut asks = s;
    asks.request.on_failure.delete_failed_domain = true;
    let e = poll(&fake, asks).await.expect_err("failed");
    assert!(e.message.contains("deleted"));
    assert!(fake.world().domains.is_empty());
}
