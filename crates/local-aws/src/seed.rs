//! Demo data, created through the AWS APIs as a user would: IAM Identity Center users with
//! e-mail addresses, groups, a verified SES sender, and the ticket system's event bus.

use anyhow::{Context, Result};
use aws_sdk_identitystore::types::{Email, MemberId, Name};

/// (user name, given name, family name); each gets `<user name>@example.com`.
pub const DEMO_USERS: &[(&str, &str, &str)] = &[("jane", "Jane", "Doe"), ("omar", "Omar", "Haddad"), ("li", "Li", "Wei"), ("sam", "Sam", "Rivera")];
/// The demo groups and their members: the team, and the group an amendment adds.
pub const DEMO_GROUPS: &[(&str, &[&str])] = &[("ml-team", &["omar", "li"]), ("data-eng", &["sam"])];

#[derive(Clone, Debug)]
pub struct Seeded {
    pub identity_store_id: String,
    pub user_ids: Vec<(String, String)>,
    /// The team's group (`ml-team`).
    pub group_id: String,
}

/// Creates the demo directory and verifies the sender.
pub async fn seed_demo(config: &aws_config::SdkConfig, sender: &str) -> Result<Seeded> {
    let sso = aws_sdk_ssoadmin::Client::new(config);
    let store = aws_sdk_identitystore::Client::new(config);
    let instances = sso.list_instances().send().await.context("listing Identity Center instances")?;
    let store_id = instances.instances().first().and_then(|i| i.identity_store_id()).context("no Identity Center instance")?.to_string();

    let mut user_ids = Vec::new();
    for (user_name, given, family) in DEMO_USERS {
        let out = store
            .create_user()
            .identity_store_id(&store_id)
            .user_name(*user_name)
            .display_name(format!("{given} {family}"))
            .name(Name::builder().given_name(*given).family_name(*family).build())
            .emails(Email::builder().value(format!("{user_name}@example.com")).primary(true).r#type("work").build())
            .send()
            .await
            .with_context(|| format!("creating user {user_name}"))?;
        user_ids.push((user_name.to_string(), out.user_id().to_string()));
    }
    let mut group_ids = Vec::new();
    for (group_name, members) in DEMO_GROUPS {
        let group = store.create_group().identity_store_id(&store_id).display_name(*group_name).send().await.context("creating a group")?;
        for member in *members {
            let Some((_, user_id)) = user_ids.iter().find(|(name, _)| name == member) else { continue };
            store
                .create_group_membership()
                .identity_store_id(&store_id)
                .group_id(group.group_id())
                .member_id(MemberId::UserId(user_id.clone()))
                .send()
                .await
                .context("adding a group member")?;
        }
        group_ids.push(group.group_id().to_string());
    }
    seed_permissions_boundary(config).await?;
    seed_studio_catalog(config).await?;
    aws_sdk_eventbridge::Client::new(config).create_event_bus().name(crate::deploy::LOCAL_EVENT_BUS).send().await.context("creating the ticket bus")?;
    aws_sdk_sesv2::Client::new(config).create_email_identity().email_identity(sender).send().await.context("verifying the sender")?;
    Ok(Seeded { identity_store_id: store_id, user_ids, group_id: group_ids.first().cloned().unwrap_or_default() })
}

/// The GPU research team's image (three versions), its JupyterLab app image config and its
/// lifecycle configuration, as `examples/gpu-research-team.json` names them.
pub const DEMO_IMAGE: &str = "gpu-research";
pub const DEMO_APP_IMAGE_CONFIG: &str = "gpu-research-jupyterlab";
pub const DEMO_LIFECYCLE_CONFIG: &str = "install-cuda-tools";

async fn seed_studio_catalog(config: &aws_config::SdkConfig) -> Result<()> {
    use aws_sdk_sagemaker::types::{JupyterLabAppImageConfig, StudioLifecycleConfigAppType};
    let sagemaker = aws_sdk_sagemaker::Client::new(config);
    let role = format!("arn:aws:iam::{}:role/sagemaker-image-builder", crate::ACCOUNT_ID);
    sagemaker.create_image().image_name(DEMO_IMAGE).role_arn(&role).send().await.context("creating the demo image")?;
    for tag in ["v1", "v2", "v3"] {
        let region = config.region().map(|r| r.to_string()).unwrap_or_default();
        let base = format!("{}.dkr.ecr.{region}.amazonaws.com/{DEMO_IMAGE}:{tag}", crate::ACCOUNT_ID);
        sagemaker.create_image_version().image_name(DEMO_IMAGE).base_image(base).client_token(tag).send().await.context("creating an image version")?;
    }
    sagemaker
        .create_app_image_config()
        .app_image_config_name(DEMO_APP_IMAGE_CONFIG)
        .jupyter_lab_app_image_config(JupyterLabAppImageConfig::builder().build())
        .send()
        .await
        .context("creating the demo app image config")?;
    // `pip install nvitop` once the app starts: the lifecycle configuration's script, base64.
    sagemaker
        .create_studio_lifecycle_config()
        .studio_lifecycle_config_name(DEMO_LIFECYCLE_CONFIG)
        .studio_lifecycle_config_app_type(StudioLifecycleConfigAppType::JupyterLab)
        .studio_lifecycle_config_content("IyEvYmluL2Jhc2gKcGlwIGluc3RhbGwgbnZpdG9wCg==")
        .send()
        .await
        .context("creating the demo lifecycle configuration")?;
    Ok(())
}

/// The permissions boundary the stack creates (`TeamPermissionsBoundary` in infra/template.yaml,
/// its substitutions resolved for the local account), at `crate::permissions_boundary_arn()`.
async fn seed_permissions_boundary(config: &aws_config::SdkConfig) -> Result<()> {
    let template = crate::deployment_template()?;
    let document = resolve(&template["Resources"]["TeamPermissionsBoundary"]["Properties"]["PolicyDocument"]);
    let name = crate::permissions_boundary_arn().rsplit('/').next().unwrap_or_default().to_string();
    aws_sdk_iam::Client::new(config)
        .create_policy()
        .policy_name(name)
        .policy_document(serde_json::to_string(&document)?)
        .send()
        .await
        .context("creating the permissions boundary")?;
    Ok(())
}

/// YAML to JSON, with the template's `!Sub` strings resolved for the local deployment.
fn resolve(value: &serde_yaml::Value) -> serde_json::Value {
    use serde_yaml::Value as Y;
    match value {
        Y::Tagged(tagged) if tagged.tag == "!Sub" => resolve(&tagged.value).as_str().map_or(serde_json::Value::Null, |text| {
            serde_json::Value::String(
                text.replace("${AWS::Partition}", "aws").replace("${AWS::AccountId}", crate::ACCOUNT_ID).replace("${RoleNamePrefix}", crate::ROLE_NAME_PREFIX),
            )
        }),
        Y::Tagged(tagged) => resolve(&tagged.value),
        Y::Mapping(map) => serde_json::Value::Object(map.iter().filter_map(|(k, v)| Some((k.as_str()?.to_string(), resolve(v)))).collect()),
        Y::Sequence(items) => serde_json::Value::Array(items.iter().map(resolve).collect()),
        other => serde_json::to_value(other).unwrap_or(serde_json::Value::Null),
    }
}

/// Identity store writes in flight while seeding a team.
const SEEDING: usize = 16;

/// Creates `people` users named `<prefix>-user<n>` (each with `<name>@example.com`) in `groups`
/// groups `<prefix>-group<n>` of about equal size; returns the groups' display names.
pub async fn seed_team(config: &aws_config::SdkConfig, store_id: &str, prefix: &str, people: usize, groups: usize) -> Result<Vec<String>> {
    use futures::{StreamExt, TryStreamExt};
    let store = aws_sdk_identitystore::Client::new(config);
    let user_ids: Vec<String> = futures::stream::iter((0..people).map(|i| {
        let name = format!("{prefix}-user{i:05}");
        let request = store
            .create_user()
            .identity_store_id(store_id)
            .user_name(&name)
            .display_name(format!("Team Member {i}"))
            .name(Name::builder().given_name("Team").family_name(format!("Member {i}")).build())
            .emails(Email::builder().value(format!("{name}@example.com")).primary(true).build());
        async move { anyhow::Ok(request.send().await.with_context(|| format!("creating {name}"))?.user_id().to_string()) }
    }))
    .buffered(SEEDING)
    .try_collect()
    .await?;

    let per_group = people.div_ceil(groups.max(1)).max(1);
    let mut names = Vec::new();
    for (g, members) in user_ids.chunks(per_group).enumerate() {
        let name = format!("{prefix}-group{g:02}");
        let group = store.create_group().identity_store_id(store_id).display_name(&name).send().await.with_context(|| format!("creating {name}"))?;
        let group_id = group.group_id().to_string();
        futures::stream::iter(members.iter().map(|user_id| {
            let request = store.create_group_membership().identity_store_id(store_id).group_id(&group_id).member_id(MemberId::UserId(user_id.clone()));
            async move { request.send().await.context("adding a member") }
        }))
        .buffered(SEEDING)
        .try_collect::<Vec<_>>()
        .await?;
        names.push(name);
    }
    Ok(names)
}
