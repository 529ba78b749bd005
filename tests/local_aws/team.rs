//! A team for the day-two and last-day tests: onboarded through the workflow, then using Studio.

use anyhow::{ensure, Context, Result};
use aws_sdk_sagemaker::types::{AppType, OwnershipSettings, SharingType, SpaceSharingSettings};
use onboard::local::LocalSession;
use serde_json::json;

/// Seeds `people` users `<domain>-user<n>` in `groups` groups `<domain>-group<nn>`, and one more
/// user `<domain>-solo-user00000` in no assigned group, and onboards `domain` for the first group
/// and that user by name (who gets a user profile). Returns the domain id and that user's name.
pub async fn onboarded(s: &LocalSession, domain: &str, people: usize, groups: usize) -> Result<(String, String)> {
    onboarded_with(s, domain, people, groups, json!({})).await
}

/// As [`onboarded`], with more keys of the onboarding request (`extra`'s, over the defaults).
pub async fn onboarded_with(s: &LocalSession, domain: &str, people: usize, groups: usize, extra: serde_json::Value) -> Result<(String, String)> {
    local_aws::seed::seed_team(s.aws.sdk_config(), &s.seeded.identity_store_id, domain, people, groups).await?;
    let solo = format!("{domain}-solo");
    local_aws::seed::seed_team(s.aws.sdk_config(), &s.seeded.identity_store_id, &solo, 1, 1).await?;
    let user = format!("{solo}-user00000");
    let mut request = json!({
        "domainName": domain,
        "ticket": {"id": format!("ON-{domain}"), "requester": "lead@example.com"},
        "identityCenter": {"users": [user], "groups": [format!("{domain}-group00")]},
    });
    for (key, value) in extra.as_object().into_iter().flatten() {
        request[key] = value.clone();
    }
    let outcome = s.onboard(&request.to_string(), |_| {}).await?;
    ensure!(outcome.succeeded(), "{domain} was not onboarded: {:?} {:?}", outcome.error, outcome.cause);
    let id = outcome.output.as_ref().and_then(|o| o["domainId"].as_str()).context("no domainId")?.to_string();
    Ok((id, user))
}

/// What a team member does in Studio: a private space with a JupyterLab app, and a Studio
/// Classic app of their own.
pub async fn use_studio(s: &LocalSession, domain_id: &str, profile: &str) -> Result<()> {
    let sm = aws_sdk_sagemaker::Client::new(s.aws.sdk_config());
    let space = format!("{profile}-space");
    sm.create_space()
        .domain_id(domain_id)
        .space_name(&space)
        .ownership_settings(OwnershipSettings::builder().owner_user_profile_name(profile).build())
        .space_sharing_settings(SpaceSharingSettings::builder().sharing_type(SharingType::Private).build())
        .send()
        .await?;
    sm.create_app().domain_id(domain_id).space_name(&space).app_type(AppType::JupyterLab).app_name("default").send().await?;
    sm.create_app().domain_id(domain_id).user_profile_name(profile).app_type(AppType::JupyterServer).app_name("default").send().await?;
    Ok(())
}

/// Who received e-mails about `domain` whose subject contains `subject` (and not `but_not`), sorted.
pub fn recipients(s: &LocalSession, domain: &str, subject: &str, but_not: &str) -> Result<Vec<String>> {
    let mut to: Vec<String> =
        s.aws.emails_about(domain)?.into_iter().filter(|e| e.subject.contains(subject) && !e.subject.contains(but_not)).flat_map(|e| e.destinations).collect();
    to.sort();
    Ok(to)
}

/// The principal ids assigned to the domain's Identity Center application.
pub async fn assigned(s: &LocalSession, domain_id: &str) -> Result<Vec<String>> {
    let sm = aws_sdk_sagemaker::Client::new(s.aws.sdk_config());
    let application = sm.describe_domain().domain_id(domain_id).send().await?.single_sign_on_application_arn().context("application")?.to_string();
    let sso = aws_sdk_ssoadmin::Client::new(s.aws.sdk_config());
    let out = sso.list_application_assignments().application_arn(application).send().await?;
    let mut ids: Vec<String> = out.application_assignments().iter().map(|a| a.principal_id().to_string()).collect();
    ids.sort();
    Ok(ids)
}

/// The identity store's way of naming a user (`userName`) or a group (`displayName`).
fn named(path: &str, value: &str) -> Result<aws_sdk_identitystore::types::AlternateIdentifier> {
    let attribute =
        aws_sdk_identitystore::types::UniqueAttribute::builder().attribute_path(path).attribute_value(aws_smithy_types::Document::from(value)).build()?;
    Ok(aws_sdk_identitystore::types::AlternateIdentifier::UniqueAttribute(attribute))
}

pub async fn user_id(s: &LocalSession, user_name: &str) -> Result<String> {
    let store = aws_sdk_identitystore::Client::new(s.aws.sdk_config());
    let id = store.get_user_id().identity_store_id(&s.seeded.identity_store_id).alternate_identifier(named("userName", user_name)?).send().await?;
    Ok(id.user_id().to_string())
}

pub async fn group_id(s: &LocalSession, display_name: &str) -> Result<String> {
    let store = aws_sdk_identitystore::Client::new(s.aws.sdk_config());
    let id = store.get_group_id().identity_store_id(&s.seeded.identity_store_id).alternate_identifier(named("displayName", display_name)?).send().await?;
    Ok(id.group_id().to_string())
}
