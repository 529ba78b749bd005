//! The handler of `set-up-roles` with in-memory fakes.

use lambda_runtime::Context;
use lambda_runtime::LambdaEvent;
use onboarding_core::fakes::{FakeAws, FakeRole};
use onboarding_core::naming::MANAGED_BY;
use onboarding_core::naming::TAG_MANAGED_BY;
use onboarding_core::policies::rstudio_policy;
use onboarding_core::policies::sagemaker_trust_policy;
use onboarding_core::policies::trusts_sagemaker;
use onboarding_core::policies::ML_ACTIVITIES_POLICY_NAME;
use onboarding_core::policies::RSTUDIO_POLICY_NAME;
use onboarding_core::ports::RoleInfo;
use onboarding_core::ports::Tags;
use onboarding_core::request::{MlActivity, MlActivityKind, RStudio};
use onboarding_core::validate::sagemaker_full_access;
use onboarding_core::ErrorName;
use onboarding_core::OnboardingError;
use onboarding_core::OnboardingRequest;
use onboarding_core::OnboardingState;
use set_up_roles::*;

fn request() -> OnboardingRequest {
    OnboardingRequest { domain_name: "team-a".into(), ..Default::default() }
}

async fn run(fake: &FakeAws, request: OnboardingRequest) -> Result<OnboardingState, OnboardingError> {
    handler(fake, "so-", "us-east-1", LambdaEvent::new(OnboardingState { request, ..Default::default() }, Context::default())).await
}

#[tokio::test]
async fn creates_the_role_with_trust_policies_and_tags() {
    let fake = FakeAws::new();
    let mut r = request();
    r.execution_role.ml_activities = vec![MlActivity { activity: MlActivityKind::S3BucketAccess, s3_buckets: vec!["team-data".into()] }];
    let out = run(&fake, r).await.expect("created");
    let roles = out.roles.expect("roles");
    assert_eq!(roles.execution_role_arn, "arn:aws:iam::123456789012:role/so-team-a-execution");
    assert!(roles.execution_role_created);
    let w = fake.world();
    let role = &w.roles["so-team-a-execution"];
    assert!(trusts_sagemaker(&role.info.trust_policy));
    assert_eq!(role.managed, vec![sagemaker_full_access("aws")]);
    assert!(role.inline[ML_ACTIVITIES_POLICY_NAME].to_string().contains("team-data"));
    assert_eq!(role.info.tags.get(TAG_MANAGED_BY).map(String::as_str), Some(MANAGED_BY));
}

#[tokio::test]
async fn a_rerun_reuses_the_role_and_creates_nothing() {
    let fake = FakeAws::new();
    run(&fake, request()).await.expect("first");
    let out = run(&fake, request()).await.expect("second");
    assert!(!out.roles.expect("roles").execution_role_created);
    assert_eq!(fake.calls("CreateRole"), 1);
    assert_eq!(fake.calls("AttachRolePolicy"), 1);
}

#[tokio::test]
async fn a_foreign_role_of_the_same_name_is_a_conflict() {
    let fake = FakeAws::new();
    fake.world().roles.insert(
        "so-team-a-execution".into(),
        FakeRole {
            info: RoleInfo {
                arn: "arn:aws:iam::123456789012:role/so-team-a-execution".into(),
                trust_policy: sagemaker_trust_policy(),
                tags: Tags::new(),
                permissions_boundary: None,
            },
            managed: vec![],
            inline: Default::default(),
        },
    );
    assert_eq!(run(&fake, request()).await.expect_err("conflict").name, ErrorName::RoleNameConflict);
}

#[tokio::test]
async fn existing_roles_are_checked_not_changed() {
    let fake = FakeAws::new();
    let arn = "arn:aws:iam::123456789012:role/team/existing";
    let mut r = request();
    r.execution_role.existing_role_arn = Some(arn.into());
    assert_eq!(run(&fake, r.clone()).await.expect_err("missing").name, ErrorName::ExecutionRoleNotFound);

    let ec2_trust = serde_json::json!({"Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]});
    fake.world().roles.insert(
        "existing".into(),
        FakeRole {
            info: RoleInfo { arn: arn.into(), trust_policy: ec2_trust, tags: Tags::new(), permissions_boundary: None },
            managed: vec![],
            inline: Default::default(),
        },
    );
    assert_eq!(run(&fake, r.clone()).await.expect_err("untrusted").name, ErrorName::ExecutionRoleUntrusted);

    fake.world().roles.get_mut("existing").expect("role").info.trust_policy = sagemaker_trust_policy();
    let roles = run(&fake, r).await.expect("ok").roles.expect("roles");
    assert_eq!((roles.execution_role_arn.as_str(), roles.execution_role_created), (arn, false));
    assert_eq!(fake.calls("CreateRole"), 0);
}

#[tokio::test]
async fn rstudio_role_gets_the_guides_policy() {
    let fake = FakeAws::new();
    let mut r = request();
    r.rstudio = RStudio { enabled: true, ..Default::default() };
    let roles = run(&fake, r).await.expect("ok").roles.expect("roles");
    assert_eq!(roles.rstudio_role_arn.as_deref(), Some("arn:aws:iam::123456789012:role/so-team-a-rstudio"));
    assert_eq!(fake.world().roles["so-team-a-rstudio"].inline[RSTUDIO_POLICY_NAME], rstudio_policy());
}

#[tokio::test]
async fn a_failure_after_creation_is_finished_by_the_rerun() {
    let fake = FakeAws::new();
    // The role is created, attaching its policy is throttled; the retry adopts the role and attaches.
    fake.fail_next("AttachRolePolicy", ErrorName::AwsThrottled, 1);
    assert_eq!(run(&fake, request()).await.expect_err("throttled").name, ErrorName::AwsThrottled);
    let out = run(&fake, request()).await.expect("rerun");
    assert_eq!(fake.world().roles["so-team-a-execution"].managed, vec![sagemaker_full_access("aws")]);
    assert!(!out.roles.expect("roles").execution_role_created);
    assert_eq!(fake.calls("CreateRole"), 1);
}

#[tokio::test]
async fn a_new_role_that_cannot_be_read_back_is_not_visible_yet() {
    let fake = FakeAws::new();
    fake.world().unreadable_roles.push("so-team-a-execution".into());
    assert_eq!(run(&fake, request()).await.expect_err("invisible").name, ErrorName::RoleNotVisibleYet);
    fake.world().unreadable_roles.clear();
    run(&fake, request()).await.expect("visible now");
    assert_eq!(fake.calls("CreateRole"), 1);
}

#[tokio::test]
async fn a_role_made_before_the_boundary_gets_it_before_its_policies_change() {
    let fake = FakeAws::new();
    run(&fake, request()).await.expect("first, with no boundary deployed");
    assert_eq!(fake.world().roles["so-team-a-execution"].info.permissions_boundary, None);
    let boundary = "arn:aws:iam::123456789012:policy/team-boundary";
    fake.world().permissions_boundary = Some(boundary.into());
    run(&fake, request()).await.expect("rerun");
    assert_eq!(fake.world().roles["so-team-a-execution"].info.permissions_boundary.as_deref(), Some(boundary));
    assert_eq!(fake.calls("PutRolePermissionsBoundary"), 1);
    run(&fake, request()).await.expect("third run");
    assert_eq!(fake.calls("PutRolePermissionsBoundary"), 1, "a role with the boundary is left alone");
}

#[tokio::test]
async fn audit_settings_widen_the_trust_of_the_role_the_workflow_made_and_q_adds_its_policy() {
    use onboarding_core::policies::{trust_lacks, AMAZON_Q_POLICY_NAME};
    use onboarding_core::request::AmazonQ;
    let fake = FakeAws::new();
    run(&fake, request()).await.expect("created without audit settings");
    let needed = ["sts:AssumeRole", "sts:SetSourceIdentity", "sts:SetContext"];
    assert_eq!(trust_lacks(&fake.world().roles["so-team-a-execution"].info.trust_policy, &needed), ["sts:SetSourceIdentity", "sts:SetContext"]);

    // A rerun that asks for source identity, trusted identity propagation and Amazon Q.
    let mut r = request();
    r.domain_settings.source_identity = true;
    r.domain_settings.trusted_identity_propagation = true;
    r.domain_settings.amazon_q = Some(AmazonQ { enabled: true, q_profile_arn: None });
    run(&fake, r.clone()).await.expect("adopted");
    let w = fake.world();
    let role = &w.roles["so-team-a-execution"];
    assert!(trust_lacks(&role.info.trust_policy, &needed).is_empty(), "{}", role.info.trust_policy);
    assert!(role.inline[AMAZON_Q_POLICY_NAME].to_string().contains("q:SendMessage"));
    drop(w);
    assert_eq!((fake.calls("CreateRole"), fake.calls("UpdateAssumeRolePolicy")), (1, 1));
    run(&fake, r).await.expect("again");
    assert_eq!(fake.calls("UpdateAssumeRolePolicy"), 1, "a trust that allows it all is left alone");
}

#[tokio::test]
async fn an_existing_role_must_already_allow_what_the_audit_settings_need() {
    let fake = FakeAws::new();
    let arn = "arn:aws:iam::123456789012:role/team/existing";
    fake.world().roles.insert(
        "existing".into(),
        FakeRole {
            info: RoleInfo { arn: arn.into(), trust_policy: sagemaker_trust_policy(), tags: Tags::new(), permissions_boundary: None },
            managed: vec![],
            inline: Default::default(),
        },
    );
    let mut r = request();
    r.execution_role.existing_role_arn = Some(arn.into());
    r.domain_settings.source_identity = true;
    let refused = run(&fake, r).await.expect_err("its trust lacks sts:SetSourceIdentity");
    assert_eq!(refused.name, ErrorName::ExecutionRoleUntrusted);
    assert!(refused.message.contains("sts:SetSourceIdentity"), "{}", refused.message);
    assert_eq!(fake.calls("UpdateAssumeRolePolicy"), 0, "a role the workflow did not make is never changed");
}
