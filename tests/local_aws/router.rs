//! The router's own behaviour (`local-aws/router.py`): the gaps it fills in moto and its fault
//! injection, through the AWS SDK as the functions use it.

use std::sync::Arc;

use anyhow::{ensure, Context, Result};
use aws_sdk_sagemaker::error::ProvideErrorMetadata;
use aws_sdk_sagemaker::operation::describe_domain::DescribeDomainError;
use aws_sdk_sagemaker::operation::describe_user_profile::DescribeUserProfileError;
use aws_sdk_sagemaker::types::{AuthMode, UserSettings};
use aws_sdk_ssoadmin::types::PrincipalType;
use libtest_mimic::Trial;
use onboard::local::LocalSession;
use serde_json::json;
use tests::Env;

use crate::local_test;

pub fn trials(env: &Arc<Env>) -> Vec<Trial> {
    vec![
        local_test!(env, router_holds_a_new_domain_pending_then_in_service_or_failed),
        local_test!(env, router_serves_assignments_and_user_profiles),
        local_test!(env, router_injects_faults_only_where_they_match),
        local_test!(env, router_refuses_what_the_service_model_refuses),
        local_test!(env, router_refuses_domains_naming_what_the_studio_catalog_lacks),
        local_test!(env, validate_and_iam_agree_on_the_role_policy_quota),
    ]
}

async fn create_domain(s: &LocalSession, name: &str) -> Result<String> {
    let sm = aws_sdk_sagemaker::Client::new(s.aws.sdk_config());
    let out = sm
        .create_domain()
        .domain_name(name)
        .auth_mode(AuthMode::Sso)
        .vpc_id("vpc-0123abcd")
        .subnet_ids("subnet-0123abcd")
        .default_user_settings(UserSettings::builder().execution_role("arn:aws:iam::123456789012:role/r").build())
        .send()
        .await?;
    Ok(out.domain_arn().context("arn")?.rsplit('/').next().unwrap_or_default().to_string())
}

/// SageMaker refuses a domain whose settings name an image, app image config or lifecycle
/// configuration the account does not have, or one made for another app; so does the router.
async fn router_refuses_domains_naming_what_the_studio_catalog_lacks(s: &LocalSession) -> Result<()> {
    use aws_sdk_sagemaker::types::{CodeEditorAppSettings, CustomImage, JupyterLabAppSettings};
    let sm = aws_sdk_sagemaker::Client::new(s.aws.sdk_config());
    let lifecycle = format!("arn:aws:sagemaker:us-east-1:123456789012:studio-lifecycle-config/{}", local_aws::seed::DEMO_LIFECYCLE_CONFIG);
    let image = |name: &str, version: i32| {
        CustomImage::builder().image_name(name).image_version_number(version).app_image_config_name(local_aws::seed::DEMO_APP_IMAGE_CONFIG).build()
    };
    let with = |lab: JupyterLabAppSettings, editor: Option<CodeEditorAppSettings>| {
        UserSettings::builder().execution_role("arn:aws:iam::123456789012:role/r").jupyter_lab_app_settings(lab).set_code_editor_app_settings(editor).build()
    };
    let create = |name: &'static str, settings: UserSettings| {
        sm.create_domain()
            .domain_name(name)
            .auth_mode(AuthMode::Sso)
            .vpc_id("vpc-0123abcd")
            .subnet_ids("subnet-0123abcd")
            .default_user_settings(settings)
            .send()
    };
    let unknown = create("router-catalog-unknown", with(JupyterLabAppSettings::builder().custom_images(image("no-such-image", 1)).build(), None)).await;
    let message = unknown.err().and_then(|e| e.into_service_error().message().map(str::to_string)).unwrap_or_default();
    ensure!(message.contains("no-such-image"), "an unknown image was accepted: {message:?}");
    let too_new =
        create("router-catalog-version", with(JupyterLabAppSettings::builder().custom_images(image(local_aws::seed::DEMO_IMAGE, 4)).build(), None)).await;
    ensure!(too_new.is_err(), "a version the image does not have was accepted");
    // The JupyterLab lifecycle configuration is not Code Editor's.
    let editor = CodeEditorAppSettings::builder().lifecycle_config_arns(&lifecycle).build();
    let other_app = create("router-catalog-app", with(JupyterLabAppSettings::builder().build(), Some(editor))).await;
    ensure!(other_app.is_err(), "a JupyterLab lifecycle configuration was accepted for Code Editor");
    let known = JupyterLabAppSettings::builder().custom_images(image(local_aws::seed::DEMO_IMAGE, 3)).lifecycle_config_arns(&lifecycle).build();
    create("router-catalog-known", with(known, None)).await?;
    Ok(())
}

async fn status(s: &LocalSession, id: &str) -> Result<(String, Option<String>)> {
    let d = aws_sdk_sagemaker::Client::new(s.aws.sdk_config()).describe_domain().domain_id(id).send().await?;
    Ok((d.status().map(|x| x.as_str().to_string()).unwrap_or_default(), d.failure_reason().map(str::to_string)))
}

async fn router_holds_a_new_domain_pending_then_in_service_or_failed(s: &LocalSession) -> Result<()> {
    s.aws.configure(json!({"pendingPollsByName": {"router-slow": 2}, "failDomains": {"router-failed": "no capacity"}}))?;
    let slow = create_domain(s, "router-slow").await?;
    ensure!(status(s, &slow).await?.0 == "Pending");
    ensure!(status(s, &slow).await?.0 == "Pending");
    ensure!(status(s, &slow).await?.0 == "InService");
    // The domain's application is named as Identity Center names it (IAM authorizes on that ARN).
    let described = aws_sdk_sagemaker::Client::new(s.aws.sdk_config()).describe_domain().domain_id(&slow).send().await?;
    let application = described.single_sign_on_application_arn().unwrap_or_default();
    ensure!(application.starts_with("arn:aws:sso::123456789012:application/ssoins-"), "{application}");
    let failed = create_domain(s, "router-failed").await?;
    ensure!(status(s, &failed).await? == ("Failed".to_string(), Some("no capacity".to_string())));
    // An unknown id is ResourceNotFound, as the API answers (moto says ValidationException).
    let missing = aws_sdk_sagemaker::Client::new(s.aws.sdk_config()).describe_domain().domain_id("d-missing").send().await;
    ensure!(matches!(missing.as_ref().map_err(|e| e.as_service_error()), Err(Some(DescribeDomainError::ResourceNotFound(_)))), "{missing:?}");
    Ok(())
}

async fn router_serves_assignments_and_user_profiles(s: &LocalSession) -> Result<()> {
    let sso = aws_sdk_ssoadmin::Client::new(s.aws.sdk_config());
    // Ids in their real formats: the local AWS holds requests to the service models.
    let app = "arn:aws:sso::123456789012:application/ssoins-0123456789abcdef/apl-0123456789abcdef";
    for _ in 0..2 {
        sso.create_application_assignment()
            .application_arn(app)
            .principal_id("01234567-89ab-cdef-0123-456789abcdef")
            .principal_type(PrincipalType::User)
            .send()
            .await?;
    }
    let listed = sso.list_application_assignments().application_arn(app).send().await?;
    ensure!(listed.application_assignments().len() == 1, "assigning twice keeps one assignment");

    let sm = aws_sdk_sagemaker::Client::new(s.aws.sdk_config());
    let domain = create_domain(s, "router-profiles").await?;
    sm.create_user_profile()
        .domain_id(&domain)
        .user_profile_name("jane")
        .single_sign_on_user_identifier("UserName")
        .single_sign_on_user_value("jane")
        .send()
        .await?;
    let again = sm.create_user_profile().domain_id(&domain).user_profile_name("JANE").send().await;
    ensure!(again.is_err(), "profile names are not case sensitive");
    let profile = sm.describe_user_profile().domain_id(&domain).user_profile_name("jane").send().await?;
    ensure!(profile.single_sign_on_user_value() == Some("jane"));
    let missing = sm.describe_user_profile().domain_id(&domain).user_profile_name("omar").send().await;
    ensure!(matches!(missing.as_ref().map_err(|e| e.as_service_error()), Err(Some(DescribeUserProfileError::ResourceNotFound(_)))));
    Ok(())
}

async fn router_injects_faults_only_where_they_match(s: &LocalSession) -> Result<()> {
    s.aws.inject_fault("sagemaker:CreateDomain", 1, json!({"status": 400, "code": "ResourceLimitExceeded", "message": "quota", "match": "router-fault-a"}))?;
    // Another domain's call passes; the matching one fails once, then passes.
    create_domain(s, "router-fault-b").await?;
    let failed = create_domain(s, "router-fault-a").await;
    ensure!(failed.as_ref().err().map(|e| format!("{e:?}")).is_some_and(|e| e.contains("ResourceLimitExceeded")), "{failed:?}");
    create_domain(s, "router-fault-a").await?;
    ensure!(s.aws.count_calls("sagemaker:CreateDomain", "router-fault-a")? == 1, "a failed call is not recorded as created");
    Ok(())
}

/// moto would create a domain named `router_model` (an underscore); SageMaker refuses it, and so
/// does the local AWS, before anything is created.
async fn router_refuses_what_the_service_model_refuses(s: &LocalSession) -> Result<()> {
    let refused = create_domain(s, "router_model").await;
    let message = format!("{:#}", refused.as_ref().err().context("an invalid domain name was accepted")?);
    ensure!(message.contains("ValidationException") || message.contains("regular expression pattern"), "{message}");
    let listed = aws_sdk_sagemaker::Client::new(s.aws.sdk_config()).list_domains().send().await?;
    ensure!(listed.domains().iter().all(|d| d.domain_name() != Some("router_model")), "the domain was created");
    let state = s.aws.router_state()?;
    ensure!(state["invalid"].as_array().into_iter().flatten().any(|m| m.as_str().is_some_and(|m| m.contains("router_model"))), "not on record");
    Ok(())
}

/// The ML activities policy at IAM's quota (10,240 characters of inline policy per role) and one
/// bucket past it: Validate accepts the first and refuses the second, and so does the local AWS.
async fn validate_and_iam_agree_on_the_role_policy_quota(s: &LocalSession) -> Result<()> {
    use onboarding_core::policies::ml_activities_policy;
    use onboarding_core::request::{MlActivity, MlActivityKind};
    use onboarding_core::validate::{policy_chars, validate_json, MAX_ROLE_INLINE_POLICY_CHARS};
    let activity =
        |n: usize| MlActivity { activity: MlActivityKind::S3BucketAccess, s3_buckets: (0..n).map(|i| format!("quota-{i:03}-{}", "q".repeat(50))).collect() };
    let size = |n: usize| ml_activities_policy(&[activity(n)], "aws").map(|p| policy_chars(&p.to_string())).unwrap_or_default();
    let at = (1..200).take_while(|&n| size(n) <= MAX_ROLE_INLINE_POLICY_CHARS).last().context("no bucket count fits")?;
    let request = |n: usize| {
        json!({
            "domainName": "router-quota",
            "ticket": {"id": "Q-1", "requester": "lead@example.com"},
            "identityCenter": {"users": ["jane"]},
            "executionRole": {"mlActivities": [activity(n)]}
        })
    };
    let context = local_aws::validation_context();
    ensure!(validate_json(&request(at).to_string(), &context).is_ok(), "{at} buckets ({} characters) refused by Validate", size(at));
    let refused = validate_json(&request(at + 1).to_string(), &context).err().context("one bucket past the quota passed Validate")?;
    ensure!(refused.iter().any(|p| p.path == "executionRole.mlActivities"), "{refused:?}");

    let iam = aws_sdk_iam::Client::new(s.aws.sdk_config());
    let trust = onboarding_core::policies::sagemaker_trust_policy().to_string();
    for (n, role) in [(at, "sagemaker-onboarding-quota-at"), (at + 1, "sagemaker-onboarding-quota-past")] {
        iam.create_role().role_name(role).assume_role_policy_document(&trust).send().await?;
        let document = ml_activities_policy(&[activity(n)], "aws").context("policy")?.to_string();
        let put = iam.put_role_policy().role_name(role).policy_name("ml-activities").policy_document(document).send().await;
        let code = put.as_ref().err().and_then(|e| aws_sdk_iam::error::ProvideErrorMetadata::code(e).map(str::to_string));
        ensure!((n == at) == put.is_ok(), "{n} buckets: {code:?}");
        ensure!(n == at || code.as_deref() == Some("LimitExceeded"), "{n} buckets: {code:?}");
    }
    Ok(())
}
