//! CreateDomain's settings, field by field from the core's `DomainSpec`. The same builders give
//! UpdateDomain what the request wants when a rerun finds the domain's settings have drifted.

use aws_sdk_sagemaker::types::{
    AmazonQSettings, AppInstanceType, AppLifecycleManagement, AppType, CodeEditorAppSettings, CustomFileSystemConfig, CustomImage, CustomPosixUserConfig,
    DefaultEbsStorageSettings, DefaultSpaceSettings, DefaultSpaceStorageSettings, DockerSettings, DomainSettings, DomainSettingsForUpdate, EfsFileSystemConfig,
    ExecutionRoleIdentityConfig, FSxLustreFileSystemConfig, FeatureStatus, HiddenSageMakerImage, IdleSettings, JupyterLabAppSettings, JupyterServerAppSettings,
    LifecycleManagement, MlTools, NotebookOutputOption, RStudioServerProAccessStatus, RStudioServerProAppSettings, RStudioServerProDomainSettings,
    RStudioServerProDomainSettingsForUpdate, RStudioServerProUserGroup, ResourceSpec, S3FileSystemConfig, SageMakerImageName, SharingSettings, StudioWebPortal,
    StudioWebPortalSettings, TrustedIdentityPropagationSettings, UserSettings,
};
use onboarding_core::domain_spec::{DomainSpec, IdleSpec};
use onboarding_core::request::{CustomFileSystem, IdeSettings, PosixUser};

/// The CreateDomain default user settings, field by field from the spec.
pub fn user_settings(spec: &DomainSpec) -> UserSettings {
    let u = &spec.user;
    let jupyter = ResourceSpec::builder().instance_type(u.jupyter_instance_type.as_str().into()).set_sage_maker_image_arn(u.jupyter_image_arn.clone()).build();
    let mut portal = StudioWebPortalSettings::builder();
    for app in &u.hidden_app_types {
        portal = portal.hidden_app_types(AppType::from(*app));
    }
    for instance_type in &u.hidden_instance_types {
        portal = portal.hidden_instance_types(AppInstanceType::from(instance_type.as_str()));
    }
    for tool in &u.hidden_ml_tools {
        portal = portal.hidden_ml_tools(MlTools::from(tool.as_str()));
    }
    if !u.hidden_distribution_versions.is_empty() {
        portal = portal.hidden_sage_maker_image_version_aliases(
            HiddenSageMakerImage::builder()
                .sage_maker_image_name(SageMakerImageName::SagemakerDistribution)
                .set_version_aliases(Some(u.hidden_distribution_versions.clone()))
                .build(),
        );
    }
    let mut settings = UserSettings::builder()
        .execution_role(&u.execution_role_arn)
        .set_security_groups(Some(u.security_group_ids.clone()))
        .studio_web_portal(StudioWebPortal::from(u.studio_web_portal))
        .default_landing_uri(u.default_landing_uri)
        .jupyter_server_app_settings(JupyterServerAppSettings::builder().default_resource_spec(jupyter).build())
        .studio_web_portal_settings(portal.build())
        .r_studio_server_pro_app_settings(
            RStudioServerProAppSettings::builder()
                .access_status(RStudioServerProAccessStatus::from(u.rstudio_access.0))
                .user_group(RStudioServerProUserGroup::from(u.rstudio_access.1))
                .build(),
        )
        .set_jupyter_lab_app_settings(jupyter_lab(u.jupyter_lab.as_ref(), u.jupyter_lab_idle))
        .set_code_editor_app_settings(code_editor(u.code_editor.as_ref(), u.code_editor_idle))
        .set_custom_file_system_configs(file_systems(&u.custom_file_systems))
        .set_custom_posix_user_config(u.posix_user.map(posix));
    if let Some(sharing) = &u.sharing {
        settings = settings.sharing_settings(
            SharingSettings::builder()
                .notebook_output_option(NotebookOutputOption::from(sharing.notebook_output_option))
                .set_s3_output_path(sharing.s3_output_path.clone())
                .set_s3_kms_key_id(sharing.s3_kms_key_id.clone())
                .build(),
        );
    }
    settings.set_space_storage_settings(space_storage(spec)).build()
}

/// What JupyterLab's and Code Editor's settings share: the default instance and lifecycle
/// configuration, the images, the lifecycle configurations offered, idle shutdown.
struct AppParts {
    resource: Option<ResourceSpec>,
    images: Option<Vec<CustomImage>>,
    lifecycle_configs: Option<Vec<String>>,
    idle: Option<AppLifecycleManagement>,
}

fn app_parts(ide: Option<&IdeSettings>, idle: Option<IdleSpec>) -> Option<AppParts> {
    if ide.is_none() && idle.is_none() {
        return None;
    }
    let ide = ide.cloned().unwrap_or_default();
    Some(AppParts {
        resource: default_resource(&ide),
        images: custom_images(&ide),
        lifecycle_configs: (!ide.lifecycle_config_arns.is_empty()).then(|| ide.lifecycle_config_arns.clone()),
        idle: idle.map(lifecycle),
    })
}

fn jupyter_lab(ide: Option<&IdeSettings>, idle: Option<IdleSpec>) -> Option<JupyterLabAppSettings> {
    let parts = app_parts(ide, idle)?;
    Some(
        JupyterLabAppSettings::builder()
            .set_default_resource_spec(parts.resource)
            .set_custom_images(parts.images)
            .set_lifecycle_config_arns(parts.lifecycle_configs)
            .set_app_lifecycle_management(parts.idle)
            .build(),
    )
}

fn code_editor(ide: Option<&IdeSettings>, idle: Option<IdleSpec>) -> Option<CodeEditorAppSettings> {
    let parts = app_parts(ide, idle)?;
    Some(
        CodeEditorAppSettings::builder()
            .set_default_resource_spec(parts.resource)
            .set_custom_images(parts.images)
            .set_lifecycle_config_arns(parts.lifecycle_configs)
            .set_app_lifecycle_management(parts.idle)
            .build(),
    )
}

fn default_resource(ide: &IdeSettings) -> Option<ResourceSpec> {
    if ide.default_instance_type.is_none() && ide.default_lifecycle_config_arn.is_none() {
        return None;
    }
    Some(
        ResourceSpec::builder()
            .set_instance_type(ide.default_instance_type.as_deref().map(AppInstanceType::from))
            .set_lifecycle_config_arn(ide.default_lifecycle_config_arn.clone())
            .build(),
    )
}

fn custom_images(ide: &IdeSettings) -> Option<Vec<CustomImage>> {
    let images = ide.custom_images.iter().map(|image| {
        CustomImage::builder()
            .image_name(&image.image_name)
            .set_image_version_number(image.image_version.and_then(|v| i32::try_from(v).ok()))
            .app_image_config_name(&image.app_image_config_name)
            .build()
    });
    Some(images.collect::<Vec<_>>()).filter(|images| !images.is_empty())
}

/// The domain's custom file systems as `CustomFileSystemConfigs`.
fn file_systems(systems: &[CustomFileSystem]) -> Option<Vec<CustomFileSystemConfig>> {
    let configs = systems.iter().map(|system| match system {
        CustomFileSystem::Efs(m) => CustomFileSystemConfig::EfsFileSystemConfig(
            EfsFileSystemConfig::builder().file_system_id(&m.file_system_id).set_file_system_path(m.path.clone()).build(),
        ),
        CustomFileSystem::FsxLustre(m) => CustomFileSystemConfig::FSxLustreFileSystemConfig(
            FSxLustreFileSystemConfig::builder().file_system_id(&m.file_system_id).set_file_system_path(m.path.clone()).build(),
        ),
        CustomFileSystem::S3(m) => {
            CustomFileSystemConfig::S3FileSystemConfig(S3FileSystemConfig::builder().s3_uri(&m.uri).set_mount_path(m.mount_path.clone()).build())
        }
    });
    Some(configs.collect::<Vec<_>>()).filter(|configs| !configs.is_empty())
}

fn posix(user: PosixUser) -> CustomPosixUserConfig {
    let id = |n: u64| i64::try_from(n).unwrap_or(i64::MAX);
    CustomPosixUserConfig::builder().uid(id(user.uid)).gid(id(user.gid)).build()
}

/// Idle shutdown, on, with the spec's timeouts.
fn lifecycle(idle: IdleSpec) -> AppLifecycleManagement {
    let minutes = |m: u32| i32::try_from(m).unwrap_or(i32::MAX);
    let settings = IdleSettings::builder()
        .lifecycle_management(LifecycleManagement::Enabled)
        .idle_timeout_in_minutes(minutes(idle.idle_timeout))
        .min_idle_timeout_in_minutes(minutes(idle.min_idle_timeout))
        .max_idle_timeout_in_minutes(minutes(idle.max_idle_timeout))
        .build();
    AppLifecycleManagement::builder().idle_settings(settings).build()
}

fn space_storage(spec: &DomainSpec) -> Option<DefaultSpaceStorageSettings> {
    let (default, max) = spec.user.space_storage_gb?;
    let ebs = DefaultEbsStorageSettings::builder().default_ebs_volume_size_in_gb(default as i32).maximum_ebs_volume_size_in_gb(max as i32).build();
    Some(DefaultSpaceStorageSettings::builder().default_ebs_storage_settings(ebs).build())
}

/// Shared spaces get the same role, groups, JupyterLab settings and file systems as users
/// (CloudFormation deploys have failed without the role and groups).
pub fn space_settings(spec: &DomainSpec) -> DefaultSpaceSettings {
    DefaultSpaceSettings::builder()
        .execution_role(&spec.user.execution_role_arn)
        .set_security_groups(Some(spec.user.security_group_ids.clone()))
        .set_space_storage_settings(space_storage(spec))
        .set_jupyter_lab_app_settings(jupyter_lab(spec.user.jupyter_lab.as_ref(), spec.space_idle))
        .set_custom_file_system_configs(file_systems(&spec.user.custom_file_systems))
        .set_custom_posix_user_config(spec.user.posix_user.map(posix))
        .build()
}

fn status(on: bool) -> FeatureStatus {
    if on {
        FeatureStatus::Enabled
    } else {
        FeatureStatus::Disabled
    }
}

fn docker_settings(spec: &DomainSpec) -> Option<DockerSettings> {
    spec.docker.as_ref().map(|d| {
        DockerSettings::builder()
            .enable_docker_access(status(d.enabled))
            .set_rootless_docker(d.rootless.map(status))
            .set_vpc_only_trusted_accounts((!d.vpc_only_trusted_accounts.is_empty()).then(|| d.vpc_only_trusted_accounts.clone()))
            .build()
    })
}

fn amazon_q_settings(spec: &DomainSpec) -> Option<AmazonQSettings> {
    spec.amazon_q.as_ref().map(|(enabled, profile)| AmazonQSettings::builder().status(status(*enabled)).set_q_profile_arn(profile.clone()).build())
}

pub fn domain_settings(spec: &DomainSpec) -> Option<DomainSettings> {
    let identity_settings = spec.source_identity || spec.trusted_identity_propagation || spec.amazon_q.is_some();
    if spec.rstudio.is_none() && spec.docker.is_none() && spec.domain_security_group_ids.is_empty() && !identity_settings {
        return None;
    }
    let rstudio = spec.rstudio.as_ref().map(|rs| {
        RStudioServerProDomainSettings::builder()
            .domain_execution_role_arn(&rs.domain_execution_role_arn)
            .set_r_studio_connect_url(rs.connect_url.clone())
            .set_r_studio_package_manager_url(rs.package_manager_url.clone())
            .default_resource_spec(ResourceSpec::builder().instance_type(rs.instance_type.as_str().into()).build())
            .build()
    });
    Some(
        DomainSettings::builder()
            .set_r_studio_server_pro_domain_settings(rstudio)
            .set_docker_settings(docker_settings(spec))
            .set_security_group_ids((!spec.domain_security_group_ids.is_empty()).then(|| spec.domain_security_group_ids.clone()))
            .set_execution_role_identity_config(spec.source_identity.then_some(ExecutionRoleIdentityConfig::UserProfileName))
            .set_trusted_identity_propagation_settings(
                spec.trusted_identity_propagation.then(|| TrustedIdentityPropagationSettings::builder().status(FeatureStatus::Enabled).build()),
            )
            .set_amazon_q_settings(amazon_q_settings(spec))
            .build(),
    )
}

/// UpdateDomain's form of the domain settings: CreateDomain's, field by field.
pub fn domain_settings_for_update(spec: &DomainSpec) -> DomainSettingsForUpdate {
    let Some(d) = domain_settings(spec) else { return DomainSettingsForUpdate::builder().build() };
    let rstudio = d.r_studio_server_pro_domain_settings.map(|rs| {
        RStudioServerProDomainSettingsForUpdate::builder()
            .set_domain_execution_role_arn(rs.domain_execution_role_arn)
            .set_default_resource_spec(rs.default_resource_spec)
            .set_r_studio_connect_url(rs.r_studio_connect_url)
            .set_r_studio_package_manager_url(rs.r_studio_package_manager_url)
            .build()
    });
    DomainSettingsForUpdate::builder()
        .set_r_studio_server_pro_domain_settings_for_update(rstudio)
        .set_docker_settings(d.docker_settings)
        .set_security_group_ids(d.security_group_ids)
        .set_execution_role_identity_config(d.execution_role_identity_config)
        .set_trusted_identity_propagation_settings(d.trusted_identity_propagation_settings)
        .set_amazon_q_settings(d.amazon_q_settings)
        .build()
}
