//! The onboarding request: the public contract that ticket systems, the API and console users send.
//!
//! Every option of the guide's six console steps and of its CLI flow has a field here. Defaults are
//! filled in by [`crate::onboarding::validate`], which also checks every rule.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

pub use crate::kernel::envelope::{Notification, RemovedUserData, Ticket, WorkflowRequest, MAX_REQUESTED_BY, STARTED_DIRECTLY};
pub use crate::ports::studio_settings::{CustomFileSystem, CustomImage, FileSystemMount, IdeSettings, PosixUser, S3Mount};

/// One team's onboarding to a SageMaker domain with IAM Identity Center authentication.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(deny_unknown_fields)]
pub struct OnboardingRequest {
    /// Step 1: the domain name, unique in the account and region (for example the team's name).
    pub domain_name: String,
    /// The domain's region; defaults to the workflow's own region. Must be IAM Identity Center's home region.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// The ticket this onboarding answers. `ticket.id` is the idempotency key of the whole onboarding.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ticket: Option<Ticket>,
    /// Step 2: who will use Studio.
    #[serde(default)]
    pub identity_center: IdentityCenterSelection,
    /// Step 2: the role the users' apps run as: an existing role, or one to create.
    #[serde(default)]
    pub execution_role: ExecutionRole,
    /// Step 3: Studio experience and Studio Classic settings.
    #[serde(default)]
    pub studio: Studio,
    /// Step 3: SageMaker Canvas.
    #[serde(default)]
    pub canvas: AppToggle,
    /// Step 3: Code Editor.
    #[serde(default)]
    pub code_editor: AppToggle,
    /// Step 3: RStudio on SageMaker (needs an RStudio license).
    #[serde(default)]
    pub rstudio: RStudio,
    /// Step 4: how Studio reaches other AWS services.
    #[serde(default)]
    pub network: Network,
    /// Step 5: encryption and space sizes.
    #[serde(default)]
    pub storage: Storage,
    /// Domain-level settings beyond the guide's steps.
    #[serde(default)]
    pub domain_settings: DomainSettingsRequest,
    /// Who sends the invitations and who else receives them.
    #[serde(default)]
    pub notification: Notification,
    /// Keeping the team in step with its Identity Center groups after the onboarding: who is
    /// told about members who left, and whether their access in the domain is removed too.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub membership: Option<Membership>,
    /// Tags for everything the onboarding creates (at most 45; the workflow adds its own).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub tags: BTreeMap<String, String>,
    /// Have SageMaker copy the domain's tags to the spaces, apps and home file system it
    /// creates, for cost allocation (`TagPropagation`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub tag_propagation: bool,
    /// What to do when the domain ends in a failed status.
    #[serde(default)]
    pub on_failure: OnFailure,
    /// Who asked, recorded in the summary, the result events and the e-mails. Set by the entry
    /// point (the API caller's IAM ARN; a ticket event's source and account), which replaces any
    /// value sent in; an execution started directly (the console) that names none is recorded as
    /// `console`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requested_by: Option<String>,
}

crate::kernel::envelope::workflow_request!(OnboardingRequest, |r| &r.domain_name);

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(deny_unknown_fields)]
pub struct IdentityCenterSelection {
    /// Identity Center user names (`userName`) to assign directly; each also gets a user profile.
    #[serde(default)]
    pub users: Vec<String>,
    /// Identity Center group display names to assign; members get a profile at first sign-in.
    #[serde(default)]
    pub groups: Vec<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(deny_unknown_fields)]
pub struct ExecutionRole {
    /// Use this role instead of creating one. Its trust policy must admit sagemaker.amazonaws.com.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub existing_role_arn: Option<String>,
    /// Name of the role to create; defaults to `<prefix><domainName>-execution`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role_name: Option<String>,
    /// Managed policies for the created role; defaults to AmazonSageMakerFullAccess, as in the guide's CLI flow.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub managed_policy_arns: Option<Vec<String>>,
    /// ML activities the created role allows (at most 10), each becoming policy statements.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ml_activities: Vec<MlActivity>,
}

/// One ML activity of the console's catalog, with the requirements it needs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(deny_unknown_fields)]
pub struct MlActivity {
    pub activity: MlActivityKind,
    /// Required by `S3BucketAccess`: the bucket names the role may use.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub s3_buckets: Vec<String>,
}

/// The ML activity catalog; [`crate::onboarding::policies`] maps each to IAM policy statements.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema)]
pub enum MlActivityKind {
    /// Access required AWS services (ECR, CloudWatch Logs, EC2 network interfaces).
    AccessRequiredAwsServices,
    /// Run Studio applications (JupyterLab, Code Editor, spaces).
    RunStudioApplications,
    /// Manage ML jobs (training, processing, tuning, transform).
    ManageMlJobs,
    /// Manage models, endpoints and the model registry.
    ManageModels,
    /// Manage SageMaker Pipelines.
    ManagePipelines,
    /// Manage experiments and trials.
    ManageExperiments,
    /// Read and write the named S3 buckets.
    S3BucketAccess,
    /// Use SageMaker Canvas.
    UseCanvas,
    /// Query data with Amazon Athena from Studio.
    QueryAthena,
}

impl MlActivityKind {
    /// The whole catalog.
    pub const ALL: [MlActivityKind; 9] = [
        MlActivityKind::AccessRequiredAwsServices,
        MlActivityKind::RunStudioApplications,
        MlActivityKind::ManageMlJobs,
        MlActivityKind::ManageModels,
        MlActivityKind::ManagePipelines,
        MlActivityKind::ManageExperiments,
        MlActivityKind::S3BucketAccess,
        MlActivityKind::UseCanvas,
        MlActivityKind::QueryAthena,
    ];
}

/// Which Studio opens by default.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum StudioExperience {
    /// SageMaker Studio (new): several IDEs, Studio Classic with default settings.
    #[default]
    Studio,
    /// SageMaker Studio Classic: the Jupyter IDE, with notebook sharing options.
    StudioClassic,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(deny_unknown_fields)]
pub struct Studio {
    #[serde(default)]
    pub default_experience: StudioExperience,
    /// The JupyterServer default resource spec (the guide's CLI flow passes it).
    #[serde(default)]
    pub jupyter_server: JupyterServer,
    /// Studio Classic only: notebook resource sharing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notebook_sharing: Option<NotebookSharing>,
    /// New Studio only: stop idle JupyterLab and Code Editor apps, in users' private spaces and
    /// in shared spaces (`AppLifecycleManagement.IdleSettings`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idle_shutdown: Option<IdleShutdown>,
    /// New Studio only: instance types Studio does not offer (SageMaker's `AppInstanceType` values).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub hidden_instance_types: Vec<String>,
    /// New Studio only: ML tools Studio does not show (SageMaker's `MlTools` values, such as
    /// `JumpStart`, `AutoMl`, `Endpoints`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub hidden_ml_tools: Vec<String>,
    /// New Studio only: a private space made for each user named in `identityCenter.users`, with
    /// its profile (`<profile>-private`); members of groups make their own in Studio.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub private_spaces: Option<PrivateSpaces>,
    /// New Studio only: what JupyterLab offers and starts with, in users' and shared spaces.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub jupyter_lab: Option<IdeSettings>,
    /// New Studio only, with `codeEditor.enabled`: what Code Editor offers and starts with.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code_editor: Option<IdeSettings>,
    /// New Studio only: SageMaker Distribution versions (`MAJOR.MINOR`, at most 20) Studio does
    /// not offer (`HiddenSageMakerImageVersionAliases`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub hidden_distribution_versions: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(deny_unknown_fields)]
pub struct PrivateSpaces {
    /// The space's app: `JupyterLab` or `CodeEditor` (Code Editor must be enabled).
    pub app_type: SpaceAppType,
    /// The app's instance type (SageMaker's `AppInstanceType`); SageMaker's default when left out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance_type: Option<String>,
    /// The space's storage in GB; the domain's default space size when left out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub storage_gb: Option<u32>,
    /// Minutes of idleness after which the space's app stops (60 to 525,600, within
    /// `studio.idleShutdown`'s minimum and maximum when set); the domain's default when left out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idle_timeout_minutes: Option<u32>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum SpaceAppType {
    JupyterLab,
    CodeEditor,
}

impl SpaceAppType {
    pub fn as_str(self) -> &'static str {
        match self {
            SpaceAppType::JupyterLab => "JupyterLab",
            SpaceAppType::CodeEditor => "CodeEditor",
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(deny_unknown_fields)]
pub struct DomainSettingsRequest {
    /// Docker in Studio's apps (`DockerSettings`): off unless asked for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub docker: Option<Docker>,
    /// Record each user's profile name as the source identity of their role sessions, so that
    /// CloudTrail names the person behind every call (`ExecutionRoleIdentityConfig:
    /// USER_PROFILE_NAME`). A created execution role's trust then allows `sts:SetSourceIdentity`;
    /// an existing one's must.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub source_identity: bool,
    /// Propagate users' IAM Identity Center identities to the AWS services they use from Studio
    /// (trusted identity propagation), for access decisions and audit per person. A created
    /// execution role's trust then allows `sts:SetContext`; an existing one's must.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub trusted_identity_propagation: bool,
    /// At most 3 security groups of the domain's VPC for the traffic between domain-level apps
    /// and users' apps (`DomainSettings.SecurityGroupIds`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub security_group_ids: Vec<String>,
    /// Amazon Q Developer in Studio (`AmazonQSettings`). Enabled, the created execution role may
    /// chat with Amazon Q and receive code suggestions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amazon_q: Option<AmazonQ>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(deny_unknown_fields)]
pub struct AmazonQ {
    pub enabled: bool,
    /// The Amazon Q Developer profile (`arn:aws:codewhisperer:REGION:ACCOUNT:profile/ID`) for
    /// the Pro tier; without it, the free tier.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub q_profile_arn: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(deny_unknown_fields)]
pub struct Docker {
    /// Let users build and run containers from their spaces.
    pub enabled: bool,
    /// Run Docker rootless.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rootless: Option<bool>,
    /// VpcOnly only: the accounts (at most 20) whose ECR repositories are trusted for images.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub vpc_only_trusted_accounts: Vec<String>,
}

/// Idle shutdown (minutes, 60 to 525,600 each).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(deny_unknown_fields)]
pub struct IdleShutdown {
    /// Minutes of idleness after which an app stops.
    pub idle_timeout_minutes: u32,
    /// The least a user may set for their own apps (defaults to the timeout: users cannot lower it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_idle_timeout_minutes: Option<u32>,
    /// The most a user may set for their own apps (defaults to the timeout: users cannot raise it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_idle_timeout_minutes: Option<u32>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(deny_unknown_fields)]
pub struct JupyterServer {
    /// Defaults to `system`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance_type: Option<String>,
    /// The SageMaker image ARN (see "Setting a default JupyterLab version").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sage_maker_image_arn: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(deny_unknown_fields)]
pub struct NotebookSharing {
    /// `s3://bucket/prefix` for shareable notebook resources.
    pub s3_output_path: String,
    /// Optional KMS key for the shared resources.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kms_key_id: Option<String>,
    /// Let users share cell output (default true).
    #[serde(default = "yes")]
    pub allow_cell_output: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(deny_unknown_fields)]
pub struct AppToggle {
    /// Shown in Studio (default true).
    #[serde(default = "yes")]
    pub enabled: bool,
}

impl Default for AppToggle {
    fn default() -> Self {
        AppToggle { enabled: true }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(deny_unknown_fields)]
pub struct RStudio {
    #[serde(default)]
    pub enabled: bool,
    /// Instance type of the RStudio Server (default `system`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance_type: Option<String>,
    /// The RStudioServerPro app role: an existing one, or created with the guide's policy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub existing_role_arn: Option<String>,
    /// Name of the RStudio role to create; defaults to `<prefix><domainName>-rstudio`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connect_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub package_manager_url: Option<String>,
    /// R_STUDIO_USER (default) or R_STUDIO_ADMIN for the domain's users.
    #[serde(default)]
    pub user_group: RStudioUserGroup,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[allow(non_camel_case_types)]
pub enum RStudioUserGroup {
    #[default]
    R_STUDIO_USER,
    R_STUDIO_ADMIN,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum NetworkAccessType {
    #[default]
    PublicInternetOnly,
    VpcOnly,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(deny_unknown_fields)]
pub struct Network {
    #[serde(default)]
    pub access_type: NetworkAccessType,
    /// Defaults to the account's default VPC.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vpc_id: Option<String>,
    /// Defaults to the VPC's subnets outside constrained Availability Zones, one per zone.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub subnet_ids: Vec<String>,
    /// Security groups for the users' apps (required for VpcOnly; at most 5).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub security_group_ids: Vec<String>,
    /// VpcOnly: the endpoints are served from elsewhere (a shared-services VPC, through Route 53
    /// Resolver rules), so their absence from this VPC is a warning in the summary, not an error.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub endpoints_provided_elsewhere: bool,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(deny_unknown_fields)]
pub struct Storage {
    /// KMS key for the domain's EFS and EBS volumes; cannot be changed later.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kms_key_id: Option<String>,
    /// Default space (EBS) size in GB, 5-16384.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_space_size_gb: Option<u32>,
    /// Maximum space (EBS) size in GB, 5-16384, at least the default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_space_size_gb: Option<u32>,
    /// New Studio only: file systems mounted in users' and shared spaces beside the home EFS (at
    /// most 10; `CustomFileSystemConfigs`); the EFS and FSx ones also in the private spaces made
    /// (at most 5 then: a space mounts S3 only in SageMaker Unified Studio).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub custom_file_systems: Vec<CustomFileSystem>,
    /// New Studio only: the POSIX user and group apps run as on those file systems
    /// (`CustomPosixUserConfig`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub posix_user: Option<PosixUser>,
}

/// What the reconciliation does for this team (the schedule and Identity Center's membership
/// events run it for every domain the workflow created).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(deny_unknown_fields)]
pub struct Membership {
    /// The domain's owner: who receives the report of members who joined and left its groups.
    /// Defaults to the ticket's requester; without either, no report is sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub report_to: Option<String>,
    /// Remove a member who left every assigned group from the domain too (their apps, and as
    /// `departedUserData` says their private spaces and profile). Otherwise they are only reported.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub remove_departed_members: bool,
    /// With `removeDepartedMembers`: `Delete` or `Keep` their private spaces and profile.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub departed_user_data: Option<RemovedUserData>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(deny_unknown_fields)]
pub struct OnFailure {
    /// Delete a domain that ends Failed (it counts against the domain quota until deleted).
    #[serde(default)]
    pub delete_failed_domain: bool,
}

fn yes() -> bool {
    true
}
