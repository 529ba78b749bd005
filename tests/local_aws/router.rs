//! The router's own behaviour (`local-aws/router.py`): the gaps it fills in moto and its fault
//! injection, through the AWS SDK as the functions use it.

use std::sync::Arc;

use anyhow::{ensure, Context, Result};
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
        sso.create_application_assignment().application_arn(app).principal_id("01234567-89ab-cdef-0123-456789abcdef").principal_type(PrincipalType::User).send().await?;
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
