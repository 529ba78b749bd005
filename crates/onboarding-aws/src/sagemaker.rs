//! SageMaker domains and user profiles.

use aws_sdk_sagemaker::operation::create_domain::CreateDomainError;
use aws_sdk_sagemaker::operation::create_space::CreateSpaceError;
use aws_sdk_sagemaker::operation::create_user_profile::CreateUserProfileError;
use aws_sdk_sagemaker::operation::delete_domain::DeleteDomainError;
use aws_sdk_sagemaker::operation::describe_domain::DescribeDomainError;
use aws_sdk_sagemaker::operation::describe_user_profile::DescribeUserProfileError;
use aws_sdk_sagemaker::types::{
    AppInstanceType, AppNetworkAccessType, AppSecurityGroupManagement, AppType, AuthMode, CustomFileSystem as SdkCustomFileSystem, DomainStatus as SdkStatus,
    EbsStorageSettings, EfsFileSystem, FSxLustreFileSystem, OwnershipSettings, ResourceSpec, RetentionPolicy, RetentionType, SharingType,
    SpaceAppLifecycleManagement, SpaceCodeEditorAppSettings, SpaceIdleSettings, SpaceJupyterLabAppSettings, SpaceSettings, SpaceSharingSettings,
    SpaceStorageSettings, Tag, TagPropagation,
};
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use onboarding_core::domain_spec::{DomainSpec, PrivateSpaceSpec};
use onboarding_core::ports::{CreatedDomain, DomainDescription, DomainStatus, DomainSummary, PortResult, SageMakerPort, SettingsDrift, Tags};
use onboarding_core::request::CustomFileSystem;
use onboarding_core::{ErrorName, OnboardingError};

use crate::classify;
use crate::domain_body::{domain_settings, domain_settings_for_update, space_settings, user_settings};
use crate::drift;

#[derive(Clone, Debug)]
pub struct SageMakerAdapter {
    client: aws_sdk_sagemaker::Client,
}

impl SageMakerAdapter {
    pub fn new(client: aws_sdk_sagemaker::Client) -> Self {
        SageMakerAdapter { client }
    }

    pub fn from_config(config: &aws_config::SdkConfig) -> Self {
        Self::new(aws_sdk_sagemaker::Client::new(config))
    }

    pub(crate) fn client(&self) -> &aws_sdk_sagemaker::Client {
        &self.client
    }
}

fn sdk_tags(tags: &Tags) -> Vec<Tag> {
    tags.iter().map(|(k, v)| Tag::builder().key(k).value(v).build()).collect()
}

/// A domain file system as a space mounts it (the space takes the file system, not a
/// directory); the spec carries none a space cannot mount (`CustomFileSystem::mounts_in_spaces`).
fn space_file_system(system: &CustomFileSystem) -> Option<SdkCustomFileSystem> {
    match system {
        CustomFileSystem::Efs(m) => Some(SdkCustomFileSystem::EfsFileSystem(EfsFileSystem::builder().file_system_id(&m.file_system_id).build())),
        CustomFileSystem::FsxLustre(m) => {
            Some(SdkCustomFileSystem::FSxLustreFileSystem(FSxLustreFileSystem::builder().file_system_id(&m.file_system_id).build()))
        }
        CustomFileSystem::S3(_) => None,
    }
}

/// CreateDomain's ValidationException covers several causes that the workflow must tell apart.
fn create_domain_error(e: &SdkError<CreateDomainError, HttpResponse>) -> OnboardingError {
    match e.as_service_error() {
        Some(CreateDomainError::ResourceInUse(inner)) => {
            OnboardingError::new(ErrorName::DomainNameConflict, format!("sagemaker:CreateDomain: {}", inner.message().unwrap_or("the domain name is in use")))
        }
        Some(CreateDomainError::ResourceLimitExceeded(inner)) => OnboardingError::new(
            ErrorName::DomainLimitExceeded,
            format!("sagemaker:CreateDomain: {}", inner.message().unwrap_or("the domain quota is used up")),
        ),
        Some(other) if other.code() == Some("ValidationException") => {
            let message = other.message().unwrap_or_default();
            let lower = message.to_lowercase();
            let name = if lower.contains("assume") && lower.contains("role") {
                ErrorName::RoleNotAssumableYet
            } else if lower.contains("kms") {
                ErrorName::KmsKeyInvalid
            } else {
                ErrorName::DomainRequestRejected
            };
            OnboardingError::new(name, format!("sagemaker:CreateDomain: {message}"))
        }
        _ => classify("sagemaker:CreateDomain", e),
    }
}

pub(crate) fn domain_status(s: Option<&SdkStatus>) -> DomainStatus {
    match s {
        Some(SdkStatus::Pending) => DomainStatus::Pending,
        Some(SdkStatus::InService) => DomainStatus::InService,
        Some(SdkStatus::Updating) => DomainStatus::Updating,
        Some(SdkStatus::Failed) => DomainStatus::Failed,
        Some(SdkStatus::UpdateFailed) => DomainStatus::UpdateFailed,
        Some(SdkStatus::Deleting) => DomainStatus::Deleting,
        Some(SdkStatus::DeleteFailed) => DomainStatus::DeleteFailed,
        Some(other) => DomainStatus::Other(other.as_str().to_string()),
        None => DomainStatus::Other("Unknown".into()),
    }
}

impl SageMakerPort for SageMakerAdapter {
    async fn find_domain(&self, name: &str) -> PortResult<Option<DomainSummary>> {
        Ok(self.list_domains().await?.into_iter().find(|(n, _)| n == name).map(|(_, summary)| summary))
    }

    async fn list_domains(&self) -> PortResult<Vec<(String, DomainSummary)>> {
        let items = self.client.list_domains().into_paginator().items().send().collect::<Result<Vec<_>, _>>().await;
        let items = items.map_err(|e| classify("sagemaker:ListDomains", &e))?;
        Ok(items
            .iter()
            .map(|d| {
                let summary = DomainSummary {
                    domain_id: d.domain_id().unwrap_or_default().to_string(),
                    domain_arn: d.domain_arn().unwrap_or_default().to_string(),
                    status: domain_status(d.status()),
                };
                (d.domain_name().unwrap_or_default().to_string(), summary)
            })
            .collect())
    }

    async fn list_tags(&self, arn: &str) -> PortResult<Tags> {
        let items = self.client.list_tags().resource_arn(arn).into_paginator().items().send().collect::<Result<Vec<_>, _>>().await;
        let items = items.map_err(|e| classify("sagemaker:ListTags", &e))?;
        Ok(items.iter().map(|t| (t.key().unwrap_or_default().to_string(), t.value().unwrap_or_default().to_string())).collect())
    }

    async fn add_tags(&self, arn: &str, tags: &Tags) -> PortResult<()> {
        self.client.add_tags().resource_arn(arn).set_tags(Some(sdk_tags(tags))).send().await.map_err(|e| classify("sagemaker:AddTags", &e))?;
        Ok(())
    }

    async fn create_domain(&self, spec: &DomainSpec) -> PortResult<CreatedDomain> {
        let out = self
            .client
            .create_domain()
            .domain_name(&spec.domain_name)
            .auth_mode(AuthMode::Sso)
            .vpc_id(&spec.vpc_id)
            .set_subnet_ids(Some(spec.subnet_ids.clone()))
            .app_network_access_type(AppNetworkAccessType::from(spec.app_network_access_type))
            .set_app_security_group_management(spec.app_security_group_management.map(AppSecurityGroupManagement::from))
            .set_kms_key_id(spec.kms_key_id.clone())
            .default_user_settings(user_settings(spec))
            .default_space_settings(space_settings(spec))
            .set_domain_settings(domain_settings(spec))
            .set_tags(Some(sdk_tags(&spec.tags)))
            .set_tag_propagation(spec.tag_propagation.then_some(TagPropagation::Enabled))
            .send()
            .await
            .map_err(|e| create_domain_error(&e))?;
        let domain_arn = out.domain_arn().unwrap_or_default().to_string();
        // The ARN ends in the id (`...:domain/d-xxxx`); some endpoints answer only the ARN.
        let domain_id = out.domain_id().map(str::to_string).unwrap_or_else(|| domain_arn.rsplit('/').next().unwrap_or_default().to_string());
        Ok(CreatedDomain { domain_id, domain_arn, url: out.url().unwrap_or_default().to_string() })
    }

    async fn describe_domain(&self, domain_id: &str) -> PortResult<Option<DomainDescription>> {
        match self.client.describe_domain().domain_id(domain_id).send().await {
            Ok(out) => Ok(Some(DomainDescription {
                status: domain_status(out.status()),
                failure_reason: out.failure_reason().map(str::to_string),
                url: out.url().map(str::to_string),
                sso_application_arn: out.single_sign_on_application_arn().map(str::to_string),
            })),
            Err(e) if matches!(e.as_service_error(), Some(DescribeDomainError::ResourceNotFound(_))) => Ok(None),
            Err(e) => Err(classify("sagemaker:DescribeDomain", &e)),
        }
    }

    async fn delete_domain(&self, domain_id: &str) -> PortResult<()> {
        let retention = RetentionPolicy::builder().home_efs_file_system(RetentionType::Delete).build();
        match self.client.delete_domain().domain_id(domain_id).retention_policy(retention).send().await {
            Ok(_) => Ok(()),
            Err(e) if matches!(e.as_service_error(), Some(DeleteDomainError::ResourceNotFound(_))) => Ok(()),
            Err(e) => Err(classify("sagemaker:DeleteDomain", &e)),
        }
    }

    async fn user_profile_exists(&self, domain_id: &str, profile_name: &str) -> PortResult<bool> {
        match self.client.describe_user_profile().domain_id(domain_id).user_profile_name(profile_name).send().await {
            Ok(_) => Ok(true),
            Err(e) if matches!(e.as_service_error(), Some(DescribeUserProfileError::ResourceNotFound(_))) => Ok(false),
            Err(e) => Err(classify("sagemaker:DescribeUserProfile", &e)),
        }
    }

    async fn create_user_profile(&self, domain_id: &str, profile_name: &str, sso_user_name: &str, tags: &Tags) -> PortResult<()> {
        let sent = self
            .client
            .create_user_profile()
            .domain_id(domain_id)
            .user_profile_name(profile_name)
            .single_sign_on_user_identifier("UserName")
            .single_sign_on_user_value(sso_user_name)
            .set_tags(Some(sdk_tags(tags)))
            .send()
            .await;
        match sent {
            Ok(_) => Ok(()),
            // Created by an earlier attempt (or at first sign-in): the profile is there, which is the goal.
            Err(e) if matches!(e.as_service_error(), Some(CreateUserProfileError::ResourceInUse(_))) => Ok(()),
            Err(e) => Err(classify("sagemaker:CreateUserProfile", &e)),
        }
    }

    async fn settings_drift(&self, domain_id: &str, spec: &DomainSpec) -> PortResult<SettingsDrift> {
        let domain = self.client.describe_domain().domain_id(domain_id).send().await.map_err(|e| classify("sagemaker:DescribeDomain", &e))?;
        Ok(drift::compare(spec, &domain))
    }

    async fn apply_settings(&self, domain_id: &str, spec: &DomainSpec) -> PortResult<SettingsDrift> {
        let drift = self.settings_drift(domain_id, spec).await?;
        if drift.applied.is_empty() {
            return Ok(drift);
        }
        let touched = |prefix: &str| drift.applied.iter().any(|setting| setting.starts_with(prefix));
        self.client
            .update_domain()
            .domain_id(domain_id)
            .set_default_user_settings(touched("DefaultUserSettings.").then(|| user_settings(spec)))
            .set_default_space_settings(touched("DefaultSpaceSettings.").then(|| space_settings(spec)))
            .set_domain_settings_for_update(touched("DomainSettings.").then(|| domain_settings_for_update(spec)))
            .set_tag_propagation(touched("TagPropagation").then_some(TagPropagation::Enabled))
            .send()
            .await
            .map_err(|e| match e.as_service_error() {
                Some(other) if other.code() == Some("ValidationException") => {
                    OnboardingError::new(ErrorName::DomainRequestRejected, format!("sagemaker:UpdateDomain: {}", other.message().unwrap_or_default()))
                }
                _ => classify("sagemaker:UpdateDomain", &e),
            })?;
        Ok(drift)
    }

    async fn create_private_space(&self, domain_id: &str, space: &PrivateSpaceSpec, tags: &Tags) -> PortResult<bool> {
        let resource = space.instance_type.as_deref().map(|t| ResourceSpec::builder().instance_type(AppInstanceType::from(t)).build());
        let lifecycle = space.idle_timeout_minutes.map(|minutes| {
            let idle = SpaceIdleSettings::builder().idle_timeout_in_minutes(i32::try_from(minutes).unwrap_or(i32::MAX)).build();
            SpaceAppLifecycleManagement::builder().idle_settings(idle).build()
        });
        let app_settings = resource.is_some() || lifecycle.is_some();
        let mut settings = SpaceSettings::builder().app_type(AppType::from(space.app_type));
        settings = match space.app_type {
            "CodeEditor" => settings.set_code_editor_app_settings(
                app_settings.then(|| SpaceCodeEditorAppSettings::builder().set_default_resource_spec(resource).set_app_lifecycle_management(lifecycle).build()),
            ),
            _ => settings.set_jupyter_lab_app_settings(
                app_settings.then(|| SpaceJupyterLabAppSettings::builder().set_default_resource_spec(resource).set_app_lifecycle_management(lifecycle).build()),
            ),
        };
        let mounts: Vec<SdkCustomFileSystem> = space.custom_file_systems.iter().filter_map(space_file_system).collect();
        settings = settings.set_custom_file_systems((!mounts.is_empty()).then_some(mounts));
        if let Some(gb) = space.storage_gb {
            let ebs = EbsStorageSettings::builder().ebs_volume_size_in_gb(i32::try_from(gb).unwrap_or(i32::MAX)).build();
            settings = settings.space_storage_settings(SpaceStorageSettings::builder().ebs_storage_settings(ebs).build());
        }
        let sharing = SpaceSharingSettings::builder().sharing_type(SharingType::Private).build();
        let sent = self
            .client
            .create_space()
            .domain_id(domain_id)
            .space_name(&space.space_name)
            .ownership_settings(OwnershipSettings::builder().owner_user_profile_name(&space.owner_profile).build())
            .space_sharing_settings(sharing)
            .space_settings(settings.build())
            .set_tags(Some(sdk_tags(tags)))
            .send()
            .await;
        match sent {
            Ok(_) => Ok(true),
            // Made by an earlier attempt: the space is there, which is the goal.
            Err(e) if matches!(e.as_service_error(), Some(CreateSpaceError::ResourceInUse(_))) => Ok(false),
            Err(e) => Err(classify("sagemaker:CreateSpace", &e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_sagemaker::operation::create_domain::CreateDomainOutput;
    use aws_sdk_sagemaker::operation::create_user_profile::CreateUserProfileOutput;
    use aws_sdk_sagemaker::operation::describe_domain::DescribeDomainOutput;
    use aws_sdk_sagemaker::operation::list_domains::ListDomainsOutput;
    use aws_sdk_sagemaker::types::error::{ResourceInUse, ResourceLimitExceeded, ResourceNotFound};
    use aws_sdk_sagemaker::types::DomainDetails;
    use aws_sdk_sagemaker::types::{
        AppLifecycleManagement, CustomFileSystemConfig, ExecutionRoleIdentityConfig, FeatureStatus, LifecycleManagement, MlTools, NotebookOutputOption,
        RStudioServerProUserGroup, StudioWebPortal,
    };
    use aws_sdk_sagemaker::Client;
    use aws_smithy_mocks::{mock, mock_client, RuleMode};
    use onboarding_core::domain_spec::{DockerSpec, IdleSpec, RStudioDomainSpec, SharingSpec, UserSettingsSpec};
    use onboarding_core::request::{CustomFileSystem, CustomImage as RequestImage, FileSystemMount, IdeSettings, PosixUser};

    fn spec() -> DomainSpec {
        DomainSpec {
            domain_name: "team-a".into(),
            vpc_id: "vpc-1".into(),
            subnet_ids: vec!["subnet-1".into(), "subnet-2".into()],
            app_network_access_type: "VpcOnly",
            app_security_group_management: Some("Service"),
            kms_key_id: Some("key-1".into()),
            rstudio: Some(RStudioDomainSpec {
                domain_execution_role_arn: "arn:aws:iam::123456789012:role/rs".into(),
                connect_url: Some("https://connect".into()),
                package_manager_url: None,
                instance_type: "system".into(),
            }),
            user: UserSettingsSpec {
                execution_role_arn: "arn:aws:iam::123456789012:role/exec".into(),
                security_group_ids: vec!["sg-1".into()],
                studio_web_portal: "DISABLED",
                default_landing_uri: "app:JupyterServer:",
                jupyter_instance_type: "system".into(),
                jupyter_image_arn: Some("arn:aws:sagemaker:us-east-1:081325390199:image/jupyter-server-3".into()),
                sharing: Some(SharingSpec { notebook_output_option: "Allowed", s3_output_path: Some("s3://b/p".into()), s3_kms_key_id: None }),
                hidden_app_types: vec!["Canvas"],
                rstudio_access: ("ENABLED", "R_STUDIO_ADMIN"),
                space_storage_gb: Some((10, 50)),
                jupyter_lab_idle: Some(IdleSpec { idle_timeout: 120, min_idle_timeout: 60, max_idle_timeout: 240 }),
                code_editor_idle: None,
                hidden_instance_types: vec!["ml.p5.48xlarge".into()],
                hidden_ml_tools: vec!["JumpStart".into()],
                hidden_distribution_versions: vec!["1.9".into()],
                jupyter_lab: Some(IdeSettings {
                    default_instance_type: Some("ml.g5.xlarge".into()),
                    custom_images: vec![RequestImage {
                        image_name: "gpu-research".into(),
                        image_version: Some(2),
                        app_image_config_name: "gpu-research-config".into(),
                    }],
                    lifecycle_config_arns: vec!["arn:aws:sagemaker:us-east-1:123456789012:studio-lifecycle-config/install-deps".into()],
                    default_lifecycle_config_arn: Some("arn:aws:sagemaker:us-east-1:123456789012:studio-lifecycle-config/install-deps".into()),
                }),
                code_editor: None,
                custom_file_systems: vec![CustomFileSystem::FsxLustre(FileSystemMount {
                    file_system_id: "fs-0123456789abcdef0".into(),
                    path: Some("/scratch".into()),
                })],
                posix_user: Some(PosixUser { uid: 200001, gid: 1001 }),
            },
            tags: Tags::from([("team".to_string(), "a".to_string())]),
            tag_propagation: true,
            space_idle: Some(IdleSpec { idle_timeout: 120, min_idle_timeout: 120, max_idle_timeout: 120 }),
            docker: Some(DockerSpec { enabled: true, rootless: None, vpc_only_trusted_accounts: vec!["210987654321".into()] }),
            source_identity: true,
            trusted_identity_propagation: true,
            domain_security_group_ids: vec!["sg-0domain1".into()],
            amazon_q: Some((true, Some("arn:aws:codewhisperer:us-east-1:123456789012:profile/Q1".into()))),
        }
    }

    /// (timeout, minimum, maximum) of an enabled idle shutdown.
    fn idle(lifecycle: Option<&AppLifecycleManagement>) -> Option<(i32, i32, i32)> {
        let idle = lifecycle?.idle_settings()?;
        (idle.lifecycle_management() == Some(&LifecycleManagement::Enabled)).then_some((
            idle.idle_timeout_in_minutes()?,
            idle.min_idle_timeout_in_minutes()?,
            idle.max_idle_timeout_in_minutes()?,
        ))
    }

    #[tokio::test]
    async fn create_domain_maps_every_field() {
        let rule = mock!(Client::create_domain)
            .match_requests(|r| {
                let u = r.default_user_settings().expect("user settings");
                let ebs = u.space_storage_settings().and_then(|s| s.default_ebs_storage_settings());
                r.auth_mode() == Some(&AuthMode::Sso)
                    && r.app_network_access_type() == Some(&AppNetworkAccessType::VpcOnly)
                    && r.app_security_group_management() == Some(&AppSecurityGroupManagement::Service)
                    && r.kms_key_id() == Some("key-1")
                    && r.subnet_ids().len() == 2
                    && u.studio_web_portal() == Some(&StudioWebPortal::Disabled)
                    && u.default_landing_uri() == Some("app:JupyterServer:")
                    && u.security_groups() == ["sg-1"]
                    && u.sharing_settings().and_then(|s| s.notebook_output_option()) == Some(&NotebookOutputOption::Allowed)
                    && u.jupyter_server_app_settings().and_then(|j| j.default_resource_spec()).and_then(|s| s.sage_maker_image_arn()).is_some()
                    && u.studio_web_portal_settings().map(|p| p.hidden_app_types()) == Some(&[AppType::Canvas][..])
                    && u.r_studio_server_pro_app_settings().and_then(|r| r.user_group()) == Some(&RStudioServerProUserGroup::Admin)
                    && ebs.and_then(|e| e.default_ebs_volume_size_in_gb()) == Some(10)
                    && ebs.and_then(|e| e.maximum_ebs_volume_size_in_gb()) == Some(50)
                    && r.domain_settings().and_then(|d| d.r_studio_server_pro_domain_settings()).and_then(|s| s.r_studio_connect_url())
                        == Some("https://connect")
                    && r.default_space_settings().and_then(|s| s.execution_role()) == Some("arn:aws:iam::123456789012:role/exec")
                    && r.tags().len() == 1
                    && r.tag_propagation() == Some(&TagPropagation::Enabled)
                    && r.domain_settings().and_then(|d| d.docker_settings()).is_some_and(|d| {
                        d.enable_docker_access() == Some(&FeatureStatus::Enabled)
                            && d.rootless_docker().is_none()
                            && d.vpc_only_trusted_accounts() == ["210987654321"]
                    })
                    && idle(u.jupyter_lab_app_settings().and_then(|a| a.app_lifecycle_management())) == Some((120, 60, 240))
                    && u.code_editor_app_settings().is_none()
                    && idle(r.default_space_settings().and_then(|s| s.jupyter_lab_app_settings()).and_then(|a| a.app_lifecycle_management()))
                        == Some((120, 120, 120))
                    && u.studio_web_portal_settings().map(|p| p.hidden_instance_types()) == Some(&[AppInstanceType::from("ml.p5.48xlarge")][..])
                    && u.studio_web_portal_settings().map(|p| p.hidden_ml_tools()) == Some(&[MlTools::JumpStart][..])
                    && u.studio_web_portal_settings().map(|p| p.hidden_sage_maker_image_version_aliases()).is_some_and(|hidden| {
                        hidden.len() == 1 && hidden[0].version_aliases() == ["1.9"] && hidden[0].sage_maker_image_name().is_some()
                    })
                    && u.jupyter_lab_app_settings().is_some_and(|j| {
                        let lcc = "arn:aws:sagemaker:us-east-1:123456789012:studio-lifecycle-config/install-deps";
                        j.default_resource_spec().and_then(|r| r.instance_type()) == Some(&AppInstanceType::from("ml.g5.xlarge"))
                            && j.default_resource_spec().and_then(|r| r.lifecycle_config_arn()) == Some(lcc)
                            && j.lifecycle_config_arns() == [lcc]
                            && j.custom_images().iter().map(|i| (i.image_name(), i.image_version_number(), i.app_image_config_name())).collect::<Vec<_>>()
                                == [(Some("gpu-research"), Some(2), Some("gpu-research-config"))]
                    })
                    && r.default_space_settings().and_then(|s| s.jupyter_lab_app_settings()).is_some_and(|j| j.custom_images().len() == 1)
                    && [u.custom_file_system_configs(), r.default_space_settings().map(|s| s.custom_file_system_configs()).unwrap_or_default()].iter().all(|c| {
                        matches!(c, [CustomFileSystemConfig::FSxLustreFileSystemConfig(f)] if f.file_system_id() == Some("fs-0123456789abcdef0") && f.file_system_path() == Some("/scratch"))
                    })
                    && u.custom_posix_user_config().map(|p| (p.uid(), p.gid())) == Some((Some(200001), Some(1001)))
                    && r.default_space_settings().and_then(|s| s.custom_posix_user_config()).is_some()
                    && r.domain_settings().is_some_and(|d| {
                        d.execution_role_identity_config() == Some(&ExecutionRoleIdentityConfig::UserProfileName)
                            && d.trusted_identity_propagation_settings().and_then(|t| t.status()) == Some(&FeatureStatus::Enabled)
                            && d.security_group_ids() == ["sg-0domain1"]
                            && d.amazon_q_settings().is_some_and(|q| {
                                q.status() == Some(&FeatureStatus::Enabled)
                                    && q.q_profile_arn() == Some("arn:aws:codewhisperer:us-east-1:123456789012:profile/Q1")
                            })
                    })
            })
            .then_output(|| {
                CreateDomainOutput::builder()
                    .domain_id("d-1")
                    .domain_arn("arn:aws:sagemaker:us-east-1:123456789012:domain/d-1")
                    .url("https://d-1.studio")
                    .build()
            });
        let sm = SageMakerAdapter::new(mock_client!(aws_sdk_sagemaker, [&rule]));
        let created = sm.create_domain(&spec()).await.expect("created");
        assert_eq!(created.domain_id, "d-1");
        assert_eq!(rule.num_calls(), 1);
    }

    #[tokio::test]
    async fn a_private_space_is_sent_whole_and_an_existing_one_is_no_error() {
        use aws_sdk_sagemaker::operation::create_space::CreateSpaceOutput;
        use aws_sdk_sagemaker::types::error::ResourceInUse;
        let space = PrivateSpaceSpec {
            space_name: "jane-private".into(),
            owner_profile: "jane".into(),
            app_type: "CodeEditor",
            instance_type: Some("ml.t3.large".into()),
            storage_gb: Some(15),
            idle_timeout_minutes: Some(90),
            custom_file_systems: vec![CustomFileSystem::Efs(FileSystemMount { file_system_id: "fs-01234567".into(), path: Some("/team".into()) })],
        };
        let created = mock!(Client::create_space)
            .match_requests(|r| {
                let settings = r.space_settings();
                r.ownership_settings().and_then(|o| o.owner_user_profile_name()) == Some("jane")
                    && r.space_sharing_settings().and_then(|s| s.sharing_type()) == Some(&SharingType::Private)
                    && settings.and_then(|s| s.app_type()) == Some(&AppType::CodeEditor)
                    && settings.and_then(|s| s.code_editor_app_settings()).and_then(|c| c.default_resource_spec()).and_then(|r| r.instance_type())
                        == Some(&AppInstanceType::from("ml.t3.large"))
                    && settings.and_then(|s| s.space_storage_settings()).and_then(|s| s.ebs_storage_settings()).and_then(|e| e.ebs_volume_size_in_gb())
                        == Some(15)
                    && settings
                        .and_then(|s| s.code_editor_app_settings())
                        .and_then(|c| c.app_lifecycle_management())
                        .and_then(|l| l.idle_settings())
                        .and_then(|i| i.idle_timeout_in_minutes())
                        == Some(90)
                    && matches!(settings.map(|s| s.custom_file_systems()), Some([SdkCustomFileSystem::EfsFileSystem(e)]) if e.file_system_id() == Some("fs-01234567"))
            })
            .then_output(|| CreateSpaceOutput::builder().build());
        let sm = SageMakerAdapter::new(mock_client!(aws_sdk_sagemaker, [&created]));
        assert!(sm.create_private_space("d-1", &space, &Tags::new()).await.expect("created"));
        let exists = mock!(Client::create_space).then_error(|| CreateSpaceError::ResourceInUse(ResourceInUse::builder().message("exists").build()));
        let sm = SageMakerAdapter::new(mock_client!(aws_sdk_sagemaker, [&exists]));
        assert!(!sm.create_private_space("d-1", &space, &Tags::new()).await.expect("there already"));
    }

    #[tokio::test]
    async fn domain_id_falls_back_to_the_arn() {
        let rule = mock!(Client::create_domain)
            .then_output(|| CreateDomainOutput::builder().domain_arn("arn:aws:sagemaker:us-east-1:123456789012:domain/d-abc").build());
        let sm = SageMakerAdapter::new(mock_client!(aws_sdk_sagemaker, [&rule]));
        assert_eq!(sm.create_domain(&spec()).await.expect("created").domain_id, "d-abc");
    }

    #[tokio::test]
    async fn create_domain_errors_are_named() {
        let cases: Vec<(CreateDomainError, ErrorName)> = vec![
            (CreateDomainError::ResourceInUse(ResourceInUse::builder().message("in use").build()), ErrorName::DomainNameConflict),
            (CreateDomainError::ResourceLimitExceeded(ResourceLimitExceeded::builder().message("quota").build()), ErrorName::DomainLimitExceeded),
        ];
        for (error, name) in cases {
            let error = std::sync::Mutex::new(Some(error));
            let rule = mock!(Client::create_domain).then_error(move || error.lock().ok().and_then(|mut e| e.take()).expect("one call"));
            let sm = SageMakerAdapter::new(mock_client!(aws_sdk_sagemaker, [&rule]));
            assert_eq!(sm.create_domain(&spec()).await.expect_err("fails").name, name);
        }
    }

    #[tokio::test]
    async fn validation_exceptions_are_told_apart() {
        for (message, name) in [
            ("Could not assume role arn:aws:iam::123456789012:role/exec. Please ensure that the role exists and allows principal 'sagemaker.amazonaws.com' to assume the role.", ErrorName::RoleNotAssumableYet),
            ("KMS key arn:aws:kms:us-east-1:123456789012:key/x does not exist", ErrorName::KmsKeyInvalid),
            ("Subnets must be in at least two availability zones", ErrorName::DomainRequestRejected),
        ] {
            let body = format!(r#"{{"__type":"ValidationException","message":"{message}"}}"#);
            let rule = mock!(Client::create_domain).then_http_response(move || {
                aws_smithy_runtime_api::http::Response::new(aws_smithy_runtime_api::http::StatusCode::try_from(400).expect("status"), aws_smithy_types::body::SdkBody::from(body.clone()))
            });
            let sm = SageMakerAdapter::new(mock_client!(aws_sdk_sagemaker, [&rule]));
            assert_eq!(sm.create_domain(&spec()).await.expect_err("fails").name, name, "{message}");
        }
    }

    #[tokio::test]
    async fn describe_maps_status_and_not_found() {
        let failed = mock!(Client::describe_domain).match_requests(|r| r.domain_id() == Some("d-1")).then_output(|| {
            DescribeDomainOutput::builder().status(SdkStatus::Failed).failure_reason("no capacity").single_sign_on_application_arn("arn:app").build()
        });
        let missing = mock!(Client::describe_domain).then_error(|| DescribeDomainError::ResourceNotFound(ResourceNotFound::builder().build()));
        let sm = SageMakerAdapter::new(mock_client!(aws_sdk_sagemaker, RuleMode::MatchAny, [&failed, &missing]));
        let d = sm.describe_domain("d-1").await.expect("describe").expect("found");
        assert_eq!(d.status, DomainStatus::Failed);
        assert_eq!(d.failure_reason.as_deref(), Some("no capacity"));
        assert_eq!(sm.describe_domain("d-2").await.expect("describe"), None);
    }

    #[tokio::test]
    async fn finds_domains_by_name_across_pages() {
        let page1 = mock!(Client::list_domains).match_requests(|r| r.next_token().is_none()).then_output(|| {
            ListDomainsOutput::builder().domains(DomainDetails::builder().domain_name("other").domain_id("d-0").build()).next_token("t").build()
        });
        let page2 = mock!(Client::list_domains).match_requests(|r| r.next_token() == Some("t")).then_output(|| {
            ListDomainsOutput::builder()
                .domains(DomainDetails::builder().domain_name("team-a").domain_id("d-1").domain_arn("arn:d-1").status(SdkStatus::Failed).build())
                .build()
        });
        let sm = SageMakerAdapter::new(mock_client!(aws_sdk_sagemaker, RuleMode::MatchAny, [&page1, &page2]));
        assert_eq!(
            sm.find_domain("team-a").await.expect("list"),
            Some(DomainSummary { domain_id: "d-1".into(), domain_arn: "arn:d-1".into(), status: DomainStatus::Failed })
        );
    }

    #[tokio::test]
    async fn tags_are_read_and_written_and_deletion_tolerates_a_gone_domain() {
        use aws_sdk_sagemaker::operation::add_tags::AddTagsOutput;
        use aws_sdk_sagemaker::operation::delete_domain::DeleteDomainOutput;
        use aws_sdk_sagemaker::operation::list_tags::ListTagsOutput;
        let list = mock!(Client::list_tags).then_output(|| ListTagsOutput::builder().tags(Tag::builder().key("k").value("v").build()).build());
        let add = mock!(Client::add_tags)
            .match_requests(|r| r.tags().len() == 1 && r.resource_arn() == Some("arn:d"))
            .then_output(|| AddTagsOutput::builder().build());
        let delete = mock!(Client::delete_domain)
            .match_requests(|r| r.retention_policy().and_then(|p| p.home_efs_file_system()) == Some(&RetentionType::Delete))
            .then_output(|| DeleteDomainOutput::builder().build());
        let gone = mock!(Client::delete_domain).then_error(|| DeleteDomainError::ResourceNotFound(ResourceNotFound::builder().build()));
        let sm = SageMakerAdapter::new(mock_client!(aws_sdk_sagemaker, RuleMode::Sequential, [&list, &add, &delete, &gone]));
        assert_eq!(sm.list_tags("arn:d").await.expect("tags").get("k").map(String::as_str), Some("v"));
        sm.add_tags("arn:d", &Tags::from([("a".to_string(), "b".to_string())])).await.expect("added");
        sm.delete_domain("d-1").await.expect("deleted");
        sm.delete_domain("d-1").await.expect("already gone");
    }

    #[tokio::test]
    async fn user_profile_existence() {
        use aws_sdk_sagemaker::operation::describe_user_profile::DescribeUserProfileOutput;
        let found = mock!(Client::describe_user_profile)
            .match_requests(|r| r.user_profile_name() == Some("jane"))
            .then_output(|| DescribeUserProfileOutput::builder().build());
        let missing = mock!(Client::describe_user_profile).then_error(|| DescribeUserProfileError::ResourceNotFound(ResourceNotFound::builder().build()));
        let sm = SageMakerAdapter::new(mock_client!(aws_sdk_sagemaker, RuleMode::MatchAny, [&found, &missing]));
        assert!(sm.user_profile_exists("d-1", "jane").await.expect("found"));
        assert!(!sm.user_profile_exists("d-1", "omar").await.expect("missing"));
    }

    #[tokio::test]
    async fn user_profiles_use_the_user_name_identifier() {
        let create = mock!(Client::create_user_profile)
            .match_requests(|r| r.single_sign_on_user_identifier() == Some("UserName") && r.single_sign_on_user_value() == Some("jane@example.com"))
            .then_output(|| CreateUserProfileOutput::builder().build());
        let again = mock!(Client::create_user_profile).then_error(|| CreateUserProfileError::ResourceInUse(ResourceInUse::builder().build()));
        let sm = SageMakerAdapter::new(mock_client!(aws_sdk_sagemaker, RuleMode::Sequential, [&create, &again]));
        sm.create_user_profile("d-1", "jane-example-com", "jane@example.com", &Tags::new()).await.expect("created");
        sm.create_user_profile("d-1", "jane-example-com", "jane@example.com", &Tags::new()).await.expect("already there");
    }
}
