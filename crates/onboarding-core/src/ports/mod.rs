//! The small interfaces ("ports") each step's logic needs from AWS. The SDK adapters in
//! `onboarding-aws` implement them; tests implement them with hand-written fakes. `domain_terms` and
//! `studio_settings` are what the SageMaker port takes: CreateDomain's and CreateSpace's terms, and
//! the Studio settings a request names for them.

pub mod domain_terms;
pub mod studio_settings;

use std::future::Future;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

pub use crate::kernel::email::Email;
use crate::kernel::errors::OnboardingError;
pub use crate::kernel::identity::{PrincipalType, ResolvedUser};
pub use crate::kernel::naming::Tags;
use crate::ports::domain_terms::{DomainSpec, PrivateSpaceSpec};

pub type PortResult<T> = Result<T, OnboardingError>;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IdentityCenterInstance {
    pub instance_arn: String,
    pub identity_store_id: String,
}

/// IAM Identity Center: sso-admin ListInstances and the identity store.
pub trait IdentityCenterPort {
    fn instances(&self) -> impl Future<Output = PortResult<Vec<IdentityCenterInstance>>> + Send;
    fn find_user(&self, store_id: &str, user_name: &str) -> impl Future<Output = PortResult<Option<ResolvedUser>>> + Send;
    fn find_group(&self, store_id: &str, display_name: &str) -> impl Future<Output = PortResult<Option<String>>> + Send;
    /// The user ids of a group's members, read page by page.
    fn group_member_ids(&self, store_id: &str, group_id: &str) -> impl Future<Output = PortResult<Vec<String>>> + Send;
    /// `None` when no user has that id (any more): deleted since it was listed.
    fn describe_user(&self, store_id: &str, user_id: &str) -> impl Future<Output = PortResult<Option<ResolvedUser>>> + Send;
}

#[derive(Clone, Debug, PartialEq)]
pub struct RoleInfo {
    pub arn: String,
    pub trust_policy: Value,
    pub tags: Tags,
    pub permissions_boundary: Option<String>,
}

/// IAM roles.
pub trait IamPort {
    fn get_role(&self, name: &str) -> impl Future<Output = PortResult<Option<RoleInfo>>> + Send;
    /// Creates the role; an existing role of that name is not an error (the ARN is returned).
    fn create_role(&self, name: &str, trust_policy: &Value, tags: &Tags) -> impl Future<Output = PortResult<String>> + Send;
    fn attached_policy_arns(&self, role_name: &str) -> impl Future<Output = PortResult<Vec<String>>> + Send;
    fn attach_policy(&self, role_name: &str, policy_arn: &str) -> impl Future<Output = PortResult<()>> + Send;
    /// Writes (or overwrites) an inline policy, which makes the call idempotent.
    fn put_inline_policy(&self, role_name: &str, policy_name: &str, document: &Value) -> impl Future<Output = PortResult<()>> + Send;
    /// Gives a role the deployment's permissions boundary when `current` is another (or none):
    /// a role created before the deployment had one. Returns whether it changed anything.
    fn ensure_permissions_boundary(&self, role_name: &str, current: Option<&str>) -> impl Future<Output = PortResult<bool>> + Send;
    /// Replaces the role's trust policy (a role the workflow created, when the domain's settings
    /// now need SageMaker allowed more).
    fn update_trust_policy(&self, role_name: &str, trust_policy: &Value) -> impl Future<Output = PortResult<()>> + Send;
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SubnetInfo {
    pub subnet_id: String,
    pub availability_zone: String,
    pub availability_zone_id: String,
    pub available_ip_addresses: i32,
    /// The subnet's IPv4 range (`10.0.1.0/24`).
    pub cidr_block: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RouteInfo {
    pub destination: String,
    /// `igw-...`, `local`, a virtual private gateway, a firewall or Gateway Load Balancer endpoint (`vpce-...`)...
    pub gateway_id: Option<String>,
    pub nat_gateway_id: Option<String>,
    pub transit_gateway_id: Option<String>,
    /// A NAT instance (or appliance), by instance or by network interface.
    pub instance_id: Option<String>,
    pub network_interface_id: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RouteTableInfo {
    pub main: bool,
    pub subnet_ids: Vec<String>,
    pub routes: Vec<RouteInfo>,
}

/// What network discovery reads about one VPC.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct VpcNetwork {
    pub vpc_id: String,
    pub subnets: Vec<SubnetInfo>,
    pub route_tables: Vec<RouteTableInfo>,
    /// Service names of the VPC's endpoints that are available (`com.amazonaws.REGION.sagemaker.api`, ...).
    pub endpoint_services: Vec<String>,
    /// The available interface endpoints' security groups, by service name.
    pub endpoint_groups: Vec<(String, Vec<String>)>,
    pub security_group_ids: Vec<String>,
    /// The security groups' inbound rules, one per source (a security group or an IPv4 range).
    pub group_rules: Vec<GroupRule>,
}

/// An inbound rule of `group_id` admitting `protocol` (`tcp`, `-1` for all) on ports
/// `from_port`-`to_port` from `source_group_id`, or (when that is empty) from `source_cidr`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GroupRule {
    pub group_id: String,
    pub protocol: String,
    pub from_port: i32,
    pub to_port: i32,
    pub source_group_id: String,
    pub source_cidr: Option<String>,
}

/// What to read about a VPC beyond its subnets: each read is a call, and a step makes only the
/// ones its request needs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct VpcReads {
    /// The VPC was just found (the default VPC): its existence needs no confirming.
    pub known_to_exist: bool,
    /// Security groups, to check the ones a request names.
    pub security_groups: bool,
    /// Route tables and endpoints, for VpcOnly's checks.
    pub routes_and_endpoints: bool,
}

/// The account's Studio images and lifecycle configurations (SageMaker reads).
pub trait StudioCatalogPort {
    /// Whether the SageMaker image exists, in that version when one is given.
    fn image_exists(&self, name: &str, version: Option<u32>) -> impl Future<Output = PortResult<bool>> + Send;
    /// The apps an app image config serves (`JupyterLab`, `CodeEditor`, `KernelGateway`); `None`
    /// when it does not exist.
    fn app_image_config_apps(&self, name: &str) -> impl Future<Output = PortResult<Option<Vec<String>>>> + Send;
    /// The app a Studio lifecycle configuration is for; `None` when it does not exist.
    fn lifecycle_config_app(&self, name: &str) -> impl Future<Output = PortResult<Option<String>>> + Send;
}

/// EC2 network reads.
pub trait NetworkPort {
    fn default_vpc_id(&self) -> impl Future<Output = PortResult<Option<String>>> + Send;
    /// The VPC's subnets and what `reads` asks for (the rest left empty), or `None` when the VPC
    /// does not exist.
    fn describe_vpc(&self, vpc_id: &str, reads: VpcReads) -> impl Future<Output = PortResult<Option<VpcNetwork>>> + Send;
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DomainSummary {
    pub domain_id: String,
    pub domain_arn: String,
    /// As ListDomains reports it.
    pub status: DomainStatus,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CreatedDomain {
    pub domain_id: String,
    pub domain_arn: String,
    pub url: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DomainStatus {
    Pending,
    InService,
    Updating,
    Failed,
    UpdateFailed,
    Deleting,
    DeleteFailed,
    Other(String),
}

impl DomainStatus {
    pub fn as_str(&self) -> &str {
        match self {
            DomainStatus::Pending => "Pending",
            DomainStatus::InService => "InService",
            DomainStatus::Updating => "Updating",
            DomainStatus::Failed => "Failed",
            DomainStatus::UpdateFailed => "Update_Failed",
            DomainStatus::Deleting => "Deleting",
            DomainStatus::DeleteFailed => "Delete_Failed",
            DomainStatus::Other(s) => s,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DomainDescription {
    pub status: DomainStatus,
    pub failure_reason: Option<String>,
    pub url: Option<String>,
    pub sso_application_arn: Option<String>,
}

/// SageMaker domains and user profiles.
pub trait SageMakerPort {
    fn find_domain(&self, name: &str) -> impl Future<Output = PortResult<Option<DomainSummary>>> + Send;
    /// Every domain in the region, with its name.
    fn list_domains(&self) -> impl Future<Output = PortResult<Vec<(String, DomainSummary)>>> + Send;
    fn list_tags(&self, arn: &str) -> impl Future<Output = PortResult<Tags>> + Send;
    fn add_tags(&self, arn: &str, tags: &Tags) -> impl Future<Output = PortResult<()>> + Send;
    fn create_domain(&self, spec: &DomainSpec) -> impl Future<Output = PortResult<CreatedDomain>> + Send;
    /// `None` while the domain is not visible (right after creation, or gone).
    fn describe_domain(&self, domain_id: &str) -> impl Future<Output = PortResult<Option<DomainDescription>>> + Send;
    fn delete_domain(&self, domain_id: &str) -> impl Future<Output = PortResult<()>> + Send;
    fn user_profile_exists(&self, domain_id: &str, profile_name: &str) -> impl Future<Output = PortResult<bool>> + Send;
    fn create_user_profile(&self, domain_id: &str, profile_name: &str, sso_user_name: &str, tags: &Tags) -> impl Future<Output = PortResult<()>> + Send;
    /// Creates a user's private space; `false` when it exists already (a rerun).
    fn create_private_space(&self, domain_id: &str, space: &PrivateSpaceSpec, tags: &Tags) -> impl Future<Output = PortResult<bool>> + Send;
    /// How an existing domain's settings differ from the spec; changes nothing.
    fn settings_drift(&self, domain_id: &str, spec: &DomainSpec) -> impl Future<Output = PortResult<SettingsDrift>> + Send;
    /// Brings an existing domain's settings to the spec: what differs and UpdateDomain can change
    /// while apps run is updated; what it cannot is only reported.
    fn apply_settings(&self, domain_id: &str, spec: &DomainSpec) -> impl Future<Output = PortResult<SettingsDrift>> + Send;
}

/// The settings of an existing domain that differed from the request, by their API names
/// (`DefaultUserSettings.JupyterLabAppSettings.DefaultResourceSpec.InstanceType`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SettingsDrift {
    /// Updated with UpdateDomain.
    pub applied: Vec<String>,
    /// Only an offboarding and a new onboarding change these (the VPC, subnets, network access
    /// type, encryption key).
    pub needs_reonboarding: Vec<String>,
}

/// What offboarding needs to know of a domain before it deletes anything.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DomainDetails {
    pub domain_id: String,
    pub domain_arn: String,
    pub domain_name: String,
    pub status: DomainStatus,
    pub failure_reason: Option<String>,
    pub vpc_id: String,
    pub home_efs_file_system_id: Option<String>,
    pub sso_application_arn: Option<String>,
    /// The Studio URL.
    pub url: Option<String>,
    /// Every role the domain's settings name (users', spaces', RStudio's), without repeats.
    pub role_arns: Vec<String>,
}

/// A Studio app (ListApps).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StudioApp {
    pub app_type: String,
    pub app_name: String,
    pub user_profile_name: Option<String>,
    pub space_name: Option<String>,
    /// `Pending`, `InService`, `Deleting`, `Deleted`, `Failed`.
    pub status: String,
}

/// A space or a user profile (ListSpaces, ListUserProfiles): its name and status.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StudioResource {
    pub name: String,
    pub status: String,
    /// A private space's owner (its user profile); none for shared spaces and for profiles.
    pub owner: Option<String>,
}

/// What is inside a SageMaker domain, and deleting it. Deletions are asynchronous: a deleted
/// resource is listed `Deleting` until it is gone.
pub trait StudioPort {
    /// `None` when no domain has that id.
    fn domain_details(&self, domain_id: &str) -> impl Future<Output = PortResult<Option<DomainDetails>>> + Send;
    fn apps(&self, domain_id: &str) -> impl Future<Output = PortResult<Vec<StudioApp>>> + Send;
    fn delete_app(&self, domain_id: &str, app: &StudioApp) -> impl Future<Output = PortResult<()>> + Send;
    fn spaces(&self, domain_id: &str) -> impl Future<Output = PortResult<Vec<StudioResource>>> + Send;
    fn delete_space(&self, domain_id: &str, space_name: &str) -> impl Future<Output = PortResult<()>> + Send;
    fn user_profiles(&self, domain_id: &str) -> impl Future<Output = PortResult<Vec<StudioResource>>> + Send;
    fn delete_user_profile(&self, domain_id: &str, profile_name: &str) -> impl Future<Output = PortResult<()>> + Send;
    /// DeleteDomain with the home file system's retention stated explicitly.
    fn delete_domain_retaining(&self, domain_id: &str, home_efs: HomeEfsRetention) -> impl Future<Output = PortResult<()>> + Send;
}

/// sso-admin application assignments.
pub trait AssignmentPort {
    fn list_assignments(&self, application_arn: &str) -> impl Future<Output = PortResult<Vec<(PrincipalType, String)>>> + Send;
    fn create_assignment(&self, application_arn: &str, principal_type: PrincipalType, principal_id: &str) -> impl Future<Output = PortResult<()>> + Send;
    /// An assignment that is already gone is not an error.
    fn delete_assignment(&self, application_arn: &str, principal_type: PrincipalType, principal_id: &str) -> impl Future<Output = PortResult<()>> + Send;
}

/// Deleting the roles the workflow created.
pub trait RoleRemovalPort {
    /// Detaches the role's managed policies, deletes its inline ones, then the role. A role that
    /// is already gone is not an error.
    fn delete_role(&self, role_name: &str) -> impl Future<Output = PortResult<()>> + Send;
}

/// A security group SageMaker created for a domain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DomainSecurityGroup {
    pub group_id: String,
    pub group_name: String,
}

/// What AWS leaves in the VPC when a domain is deleted.
pub trait LeftoverNetworkPort {
    /// The security groups SageMaker created for the domain (`security-group-for-inbound-nfs-<id>`
    /// and `security-group-for-outbound-nfs-<id>`) in its VPC.
    fn domain_security_groups(&self, vpc_id: &str, domain_id: &str) -> impl Future<Output = PortResult<Vec<DomainSecurityGroup>>> + Send;
    /// Network interfaces that use any of the groups.
    fn network_interfaces_using(&self, group_ids: &[String]) -> impl Future<Output = PortResult<Vec<String>>> + Send;
    /// Removes the group's rules that name other groups, then the group. `Err` carries why it
    /// stays (in use, not allowed).
    fn delete_security_group(&self, group_id: &str) -> impl Future<Output = PortResult<()>> + Send;
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SendOutcome {
    Sent {
        message_id: String,
    },
    /// SES refused this message (for example an unverified recipient in the sandbox).
    Rejected {
        reason: String,
    },
}

/// The account's SES sending limits in the region (SES v2 GetAccount).
#[derive(Clone, Debug, PartialEq)]
pub struct SendQuota {
    /// Messages a rolling 24 hours allows; `None` when unlimited.
    pub max_24_hour_send: Option<f64>,
    /// Messages a second.
    pub max_send_rate: f64,
    pub sent_last_24_hours: f64,
}

impl SendQuota {
    pub fn daily_quota_used_up(&self) -> bool {
        self.max_24_hour_send.is_some_and(|max| self.sent_last_24_hours >= max)
    }
}

/// SES. A send refused because the daily quota is used up is the error `SesDailyQuotaExceeded`.
pub trait MailPort {
    fn send(&self, email: &Email) -> impl Future<Output = PortResult<SendOutcome>> + Send;
    fn send_quota(&self) -> impl Future<Output = PortResult<SendQuota>> + Send;
}

/// One person's invitation to one domain, as the ledger records it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InvitationRecord {
    /// `user#<identity store user id>`, or `address#<address>` for people named by address.
    pub person: String,
    /// The address, in lower case (empty when the person has none).
    pub address: String,
    pub delivered: bool,
    /// The execution's run that made this record.
    pub run_id: String,
    pub message_id: Option<String>,
    pub reason: Option<String>,
}

/// Where each person's invitation is recorded as it happens, so that a rerun (or the step
/// resuming after a pause or a crash) finds who was already invited.
pub trait InvitationLedgerPort {
    /// Every record of the domain (by ARN).
    fn records(&self, domain_arn: &str) -> impl Future<Output = PortResult<Vec<InvitationRecord>>> + Send;
    fn record(&self, domain_arn: &str, record: &InvitationRecord) -> impl Future<Output = PortResult<()>> + Send;
    /// Drops a person's record: they no longer have access, and would be invited again if given it.
    fn forget(&self, domain_arn: &str, person: &str) -> impl Future<Output = PortResult<()>> + Send;
    /// What the onboarding recorded about the team (`None` for a domain onboarded before teams were recorded).
    fn team(&self, domain_arn: &str) -> impl Future<Output = PortResult<Option<TeamRecord>>> + Send;
    fn record_team(&self, domain_arn: &str, team: &TeamRecord) -> impl Future<Output = PortResult<()>> + Send;
    /// Takes the team's reconciliation lease for `run_id` until `until` (seconds since the epoch)
    /// when nobody holds it or its holder's time ended before `now`; false when another run holds it.
    fn take_lease(&self, domain_arn: &str, run_id: &str, now: u64, until: u64) -> impl Future<Output = PortResult<bool>> + Send;
    /// Gives the lease back, when `run_id` still holds it.
    fn release_lease(&self, domain_arn: &str, run_id: &str) -> impl Future<Output = PortResult<()>> + Send;
}

/// A user's key in the invitation ledger.
pub fn user_person(user_id: &str) -> String {
    format!("user#{user_id}")
}

/// The ledger's item keys beside people's: the team's record and the reconciliation lease.
pub const TEAM_ITEM: &str = "#team";
pub const LEASE_ITEM: &str = "#lease";

/// What an onboarding recorded about its team, for the reconciliation: whom to report to, who
/// sends, and whether members who leave the groups are removed from the domain.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TeamRecord {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sender: Option<String>,
    #[serde(default)]
    pub remove_departed_members: bool,
    #[serde(default)]
    pub delete_departed_data: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ticket_id: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StartedExecution {
    pub execution_arn: String,
    /// True when an execution of that name already existed: the same onboarding, not a new one.
    pub existing: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExecutionView {
    /// RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED...
    pub status: String,
    pub output: Option<String>,
    pub error: Option<String>,
    pub cause: Option<String>,
    /// The state the execution is in (or ended in).
    pub current_state: Option<String>,
}

/// Step Functions, for the entry points.
pub trait WorkflowPort {
    fn start(&self, name: &str, input: &str) -> impl Future<Output = PortResult<StartedExecution>> + Send;
    /// `None` when no execution has that ARN.
    fn describe(&self, execution_arn: &str) -> impl Future<Output = PortResult<Option<ExecutionView>>> + Send;
}

/// EventBridge, for the ticket system's events.
pub trait EventPort {
    fn publish(&self, detail_type: &str, detail: &Value) -> impl Future<Output = PortResult<()>> + Send;
}

/// SageMaker's `RetentionPolicy.HomeEfsFileSystem`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum HomeEfsRetention {
    Retain,
    Delete,
}
