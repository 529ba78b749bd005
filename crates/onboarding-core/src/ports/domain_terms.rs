//! CreateDomain's and CreateSpace's terms, as the SageMaker port takes them: what `domain_spec`
//! decides from a request.

use crate::kernel::naming::Tags;
use crate::ports::studio_settings::{CustomFileSystem, IdeSettings, PosixUser};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DomainSpec {
    pub domain_name: String,
    pub vpc_id: String,
    pub subnet_ids: Vec<String>,
    /// `PublicInternetOnly` or `VpcOnly`.
    pub app_network_access_type: &'static str,
    /// `Service` when VpcOnly with RStudio (the API requires it then).
    pub app_security_group_management: Option<&'static str>,
    pub kms_key_id: Option<String>,
    pub rstudio: Option<RStudioDomainSpec>,
    pub user: UserSettingsSpec,
    pub tags: Tags,
    /// SageMaker copies the domain's tags to what it creates (`TagPropagation` ENABLED).
    pub tag_propagation: bool,
    /// Shared spaces' JupyterLab idle shutdown (`DefaultSpaceSettings`).
    pub space_idle: Option<IdleSpec>,
    pub docker: Option<DockerSpec>,
    /// `DomainSettings.ExecutionRoleIdentityConfig`: `USER_PROFILE_NAME` when asked for.
    pub source_identity: bool,
    /// `DomainSettings.TrustedIdentityPropagationSettings` ENABLED when asked for.
    pub trusted_identity_propagation: bool,
    /// `DomainSettings.SecurityGroupIds`.
    pub domain_security_group_ids: Vec<String>,
    /// `DomainSettings.AmazonQSettings`: (enabled, profile ARN).
    pub amazon_q: Option<(bool, Option<String>)>,
}

/// A user's private space, as CreateSpace takes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PrivateSpaceSpec {
    pub space_name: String,
    pub owner_profile: String,
    /// `JupyterLab` or `CodeEditor`.
    pub app_type: &'static str,
    pub instance_type: Option<String>,
    pub storage_gb: Option<u32>,
    /// The app's idle timeout in minutes (`SpaceIdleSettings`).
    pub idle_timeout_minutes: Option<u32>,
    /// The domain's EFS and FSx for Lustre file systems, mounted in the space.
    pub custom_file_systems: Vec<CustomFileSystem>,
}

/// `DomainSettings.DockerSettings`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DockerSpec {
    pub enabled: bool,
    pub rootless: Option<bool>,
    pub vpc_only_trusted_accounts: Vec<String>,
}

/// `AppLifecycleManagement.IdleSettings`, in minutes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IdleSpec {
    pub idle_timeout: u32,
    pub min_idle_timeout: u32,
    pub max_idle_timeout: u32,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RStudioDomainSpec {
    pub domain_execution_role_arn: String,
    pub connect_url: Option<String>,
    pub package_manager_url: Option<String>,
    pub instance_type: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UserSettingsSpec {
    pub execution_role_arn: String,
    pub security_group_ids: Vec<String>,
    /// `ENABLED` for the new Studio, `DISABLED` for Studio Classic.
    pub studio_web_portal: &'static str,
    /// `studio::` or `app:JupyterServer:`.
    pub default_landing_uri: &'static str,
    pub jupyter_instance_type: String,
    pub jupyter_image_arn: Option<String>,
    pub sharing: Option<SharingSpec>,
    /// Apps hidden in Studio (Canvas, CodeEditor, RStudioServerPro) when not enabled.
    pub hidden_app_types: Vec<&'static str>,
    /// `(AccessStatus, UserGroup)` of the RStudioServerPro app.
    pub rstudio_access: (&'static str, &'static str),
    /// `(default, maximum)` EBS space size in GB.
    pub space_storage_gb: Option<(u32, u32)>,
    /// Idle shutdown of users' JupyterLab apps.
    pub jupyter_lab_idle: Option<IdleSpec>,
    /// Idle shutdown of users' Code Editor apps (when Code Editor is on).
    pub code_editor_idle: Option<IdleSpec>,
    pub hidden_instance_types: Vec<String>,
    pub hidden_ml_tools: Vec<String>,
    /// `HiddenSageMakerImageVersionAliases` of `sagemaker_distribution`.
    pub hidden_distribution_versions: Vec<String>,
    /// JupyterLab's instance type, images and lifecycle configurations (users' and shared spaces).
    pub jupyter_lab: Option<IdeSettings>,
    /// Code Editor's, when Code Editor is on.
    pub code_editor: Option<IdeSettings>,
    /// `CustomFileSystemConfigs` (users' and shared spaces).
    pub custom_file_systems: Vec<CustomFileSystem>,
    /// `CustomPosixUserConfig` (users' and shared spaces).
    pub posix_user: Option<PosixUser>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SharingSpec {
    /// `Allowed` or `Disabled`.
    pub notebook_output_option: &'static str,
    pub s3_output_path: Option<String>,
    pub s3_kms_key_id: Option<String>,
}
