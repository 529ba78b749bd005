//! An in-memory AWS implementing every port, for handler tests. A test arranges the world, runs a
//! handler, then asserts on what exists. `fail_next` injects a named error into one operation.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::{Mutex, MutexGuard};

use serde_json::Value;

use crate::kernel::errors::{ErrorName, OnboardingError};
use crate::offboarding::HomeEfsRetention;
use crate::onboarding::domain_spec::DomainSpec;
use crate::onboarding::state::{PrincipalType, ResolvedUser};
use crate::ports::*;

#[derive(Clone, Debug)]
pub struct FakeRole {
    pub info: RoleInfo,
    pub managed: Vec<String>,
    pub inline: BTreeMap<String, Value>,
}

#[derive(Clone, Debug)]
pub struct FakeDomain {
    pub summary: DomainSummary,
    pub spec: DomainSpec,
    pub tags: Tags,
    pub status: DomainStatus,
    pub failure_reason: Option<String>,
    /// DescribeDomain answers Pending this many more times before InService.
    pub pending_polls: u32,
    pub sso_application_arn: Option<String>,
}

#[derive(Default, Debug)]
pub struct World {
    /// Domains created so far, deleted ones included (their ids are not reused).
    pub domains_created: u32,
    pub instances: Vec<IdentityCenterInstance>,
    pub users: Vec<ResolvedUser>,
    /// (display name, group id, member user ids)
    pub groups: Vec<(String, String, Vec<String>)>,
    pub roles: BTreeMap<String, FakeRole>,
    /// The deployment's permissions boundary, which roles created from now on carry.
    pub permissions_boundary: Option<String>,
    /// Roles GetRole does not see yet (IAM's eventual consistency).
    pub unreadable_roles: Vec<String>,
    pub default_vpc: Option<String>,
    pub vpcs: BTreeMap<String, VpcNetwork>,
    pub domains: Vec<FakeDomain>,
    /// Pending polls each new domain starts with.
    pub new_domain_pending_polls: u32,
    pub profiles: Vec<(String, String, String)>,
    /// Studio apps by domain id; a deleted app is `Deleting` for one listing, then `Deleted`.
    pub apps: Vec<(String, StudioApp)>,
    /// Apps that stay `Deleting` (an app stuck in deletion).
    pub apps_stuck_deleting: bool,
    /// Spaces by domain id; a deleted space is listed `Deleting` once, then gone.
    pub spaces: Vec<(String, StudioResource)>,
    /// DeleteDomain's retention choices: (domain id, choice).
    pub domain_deletions: Vec<(String, HomeEfsRetention)>,
    /// Each domain's home file system and VPC security groups (SageMaker's, by domain id).
    pub domain_security_groups: Vec<(String, DomainSecurityGroup)>,
    /// Network interfaces and the groups they use.
    pub network_interfaces: Vec<(String, Vec<String>)>,
    pub assignments: Vec<(String, PrincipalType, String)>,
    pub sent: Vec<Email>,
    /// Messages SES accepts in its 24 hours (none: unlimited); past it, sends fail as SES's do.
    pub daily_quota: Option<usize>,
    /// SES's maximum send rate (messages a second); 14 when unset.
    pub max_send_rate: Option<f64>,
    /// The invitation ledger: (domain ARN, person) -> record.
    pub ledger: BTreeMap<(String, String), InvitationRecord>,
    /// The private spaces CreateSpace was asked for, in order.
    pub private_spaces: Vec<crate::onboarding::domain_spec::PrivateSpaceSpec>,
    /// SageMaker images: (name, versions).
    pub images: Vec<(String, Vec<u32>)>,
    /// App image configs: (name, the apps they serve).
    pub app_image_configs: Vec<(String, Vec<String>)>,
    /// Studio lifecycle configurations: (name, app).
    pub lifecycle_configs: Vec<(String, String)>,
    /// Each domain's team record (by ARN).
    pub teams: BTreeMap<String, TeamRecord>,
    /// Each domain's reconciliation lease: (run id, held until).
    pub leases: BTreeMap<String, (String, u64)>,
    /// Recipients SES rejects.
    pub rejecting: Vec<String>,
    /// Per operation, what its next calls do: `None` answers normally, `Some` fails.
    pub failures: HashMap<&'static str, VecDeque<Option<OnboardingError>>>,
    /// Executions by ARN: (input, view).
    pub executions: BTreeMap<String, (String, ExecutionView)>,
    /// The state machine executions are started in.
    pub state_machine_arn: String,
    /// Published events: (detail type, detail).
    pub events: Vec<(String, Value)>,
    pub calls: Vec<&'static str>,
}

#[derive(Default, Debug)]
pub struct FakeAws {
    world: Mutex<World>,
}

impl FakeAws {
    pub fn new() -> Self {
        Self::default()
    }

    /// The world, to arrange or to inspect.
    pub fn world(&self) -> MutexGuard<'_, World> {
        match self.world.lock() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        }
    }

    /// The next `times` calls of operation `op` fail with `name`.
    pub fn fail_next(&self, op: &'static str, name: ErrorName, times: usize) {
        let mut w = self.world();
        let queue = w.failures.entry(op).or_default();
        for _ in 0..times {
            queue.push_back(Some(OnboardingError::new(name, format!("injected failure of {op}"))));
        }
    }

    /// The next `times` calls of operation `op` answer normally (to place a failure after them).
    pub fn pass_next(&self, op: &'static str, times: usize) {
        let mut w = self.world();
        w.failures.entry(op).or_default().extend(std::iter::repeat_n(None, times));
    }

    /// Counts calls of `op` so far.
    pub fn calls(&self, op: &str) -> usize {
        self.world().calls.iter().filter(|c| **c == op).count()
    }

    fn enter(&self, op: &'static str) -> PortResult<MutexGuard<'_, World>> {
        let mut w = self.world();
        w.calls.push(op);
        if let Some(Some(e)) = w.failures.get_mut(op).and_then(VecDeque::pop_front) {
            return Err(e);
        }
        Ok(w)
    }

    /// A domain as an onboarding named `name` creates it (the workflow's tags, an Identity Center
    /// application), InService.
    pub async fn onboarded_domain(&self, name: &str) -> PortResult<CreatedDomain> {
        let state = crate::onboarding::state::OnboardingState {
            request: crate::onboarding::request::OnboardingRequest { domain_name: name.into(), ..Default::default() },
            roles: Some(crate::onboarding::state::Roles::default()),
            network: Some(crate::onboarding::state::ResolvedNetwork::default()),
            ..Default::default()
        };
        self.create_domain(&crate::onboarding::domain_spec::domain_spec(&state)?).await
    }

    /// A standard world: one Identity Center instance, two users, a group with one member, a
    /// default VPC with three subnets in distinct zones (one constrained).
    pub fn standard() -> Self {
        let fake = FakeAws::new();
        {
            let mut w = fake.world();
            w.instances.push(IdentityCenterInstance { instance_arn: "arn:aws:sso:::instance/ssoins-1".into(), identity_store_id: "d-store".into() });
            for (name, id) in [("jane", "u-jane"), ("omar", "u-omar"), ("li", "u-li")] {
                w.users.push(ResolvedUser {
                    user_name: name.into(),
                    user_id: id.into(),
                    display_name: Some(name.to_uppercase()),
                    email: Some(format!("{name}@example.com")),
                });
            }
            w.groups.push(("ml-team".into(), "g-ml".into(), vec!["u-li".into()]));
            w.default_vpc = Some("vpc-0default".into());
            let subnet = |id: &str, az: &str| SubnetInfo {
                subnet_id: id.into(),
                availability_zone: format!("us-east-1{az}"),
                availability_zone_id: format!("use1-{az}"),
                available_ip_addresses: 4000,
                cidr_block: format!("172.31.{}.0/20", az.len() * 16),
            };
            w.vpcs.insert(
                "vpc-0default".into(),
                VpcNetwork {
                    vpc_id: "vpc-0default".into(),
                    subnets: vec![subnet("subnet-a", "az1"), subnet("subnet-b", "az2"), subnet("subnet-c", "az3")],
                    route_tables: vec![RouteTableInfo { main: true, subnet_ids: vec![], routes: vec![] }],
                    endpoint_services: vec![],
                    endpoint_groups: vec![],
                    security_group_ids: vec!["sg-default".into()],
                    group_rules: crate::onboarding::network::VPC_ONLY_GROUP_PORTS
                        .iter()
                        .map(|(from, to, _)| GroupRule {
                            group_id: "sg-default".into(),
                            protocol: "tcp".into(),
                            from_port: *from,
                            to_port: *to,
                            source_group_id: "sg-default".into(),
                            source_cidr: None,
                        })
                        .collect(),
                },
            );
        }
        fake
    }
}

impl IdentityCenterPort for FakeAws {
    async fn instances(&self) -> PortResult<Vec<IdentityCenterInstance>> {
        Ok(self.enter("ListInstances")?.instances.clone())
    }

    async fn find_user(&self, _store_id: &str, user_name: &str) -> PortResult<Option<ResolvedUser>> {
        Ok(self.enter("GetUserId")?.users.iter().find(|u| u.user_name == user_name).cloned())
    }

    async fn find_group(&self, _store_id: &str, display_name: &str) -> PortResult<Option<String>> {
        Ok(self.enter("GetGroupId")?.groups.iter().find(|g| g.0 == display_name).map(|g| g.1.clone()))
    }

    async fn group_member_ids(&self, _store_id: &str, group_id: &str) -> PortResult<Vec<String>> {
        let w = self.enter("ListGroupMemberships")?;
        Ok(w.groups.iter().find(|g| g.1 == group_id).map(|g| g.2.clone()).unwrap_or_default())
    }

    async fn describe_user(&self, _store_id: &str, user_id: &str) -> PortResult<Option<ResolvedUser>> {
        Ok(self.enter("DescribeUser")?.users.iter().find(|u| u.user_id == user_id).cloned())
    }
}

impl StudioCatalogPort for FakeAws {
    async fn image_exists(&self, name: &str, version: Option<u32>) -> PortResult<bool> {
        let w = self.enter("DescribeImage")?;
        Ok(w.images.iter().any(|(n, versions)| n == name && version.is_none_or(|v| versions.contains(&v))))
    }

    async fn app_image_config_apps(&self, name: &str) -> PortResult<Option<Vec<String>>> {
        Ok(self.enter("DescribeAppImageConfig")?.app_image_configs.iter().find(|(n, _)| n == name).map(|(_, apps)| apps.clone()))
    }

    async fn lifecycle_config_app(&self, name: &str) -> PortResult<Option<String>> {
        Ok(self.enter("DescribeStudioLifecycleConfig")?.lifecycle_configs.iter().find(|(n, _)| n == name).map(|(_, app)| app.clone()))
    }
}

impl IamPort for FakeAws {
    async fn get_role(&self, name: &str) -> PortResult<Option<RoleInfo>> {
        let w = self.enter("GetRole")?;
        if w.unreadable_roles.iter().any(|r| r == name) {
            return Ok(None);
        }
        Ok(w.roles.get(name).map(|r| r.info.clone()))
    }

    async fn create_role(&self, name: &str, trust_policy: &Value, tags: &Tags) -> PortResult<String> {
        let mut w = self.enter("CreateRole")?;
        let arn = format!("arn:aws:iam::123456789012:role/{name}");
        let permissions_boundary = w.permissions_boundary.clone();
        w.roles.entry(name.to_string()).or_insert_with(|| FakeRole {
            info: RoleInfo { arn: arn.clone(), trust_policy: trust_policy.clone(), tags: tags.clone(), permissions_boundary },
            managed: Vec::new(),
            inline: BTreeMap::new(),
        });
        Ok(arn)
    }

    async fn ensure_permissions_boundary(&self, role_name: &str, current: Option<&str>) -> PortResult<bool> {
        let Some(boundary) = self.world().permissions_boundary.clone().filter(|b| current != Some(b.as_str())) else { return Ok(false) };
        let mut w = self.enter("PutRolePermissionsBoundary")?;
        let role = w.roles.get_mut(role_name).ok_or_else(|| OnboardingError::new(ErrorName::AwsRequestFailed, "NoSuchEntity"))?;
        role.info.permissions_boundary = Some(boundary);
        Ok(true)
    }

    async fn attached_policy_arns(&self, role_name: &str) -> PortResult<Vec<String>> {
        Ok(self.enter("ListAttachedRolePolicies")?.roles.get(role_name).map(|r| r.managed.clone()).unwrap_or_default())
    }

    async fn attach_policy(&self, role_name: &str, policy_arn: &str) -> PortResult<()> {
        let mut w = self.enter("AttachRolePolicy")?;
        let role = w.roles.get_mut(role_name).ok_or_else(|| OnboardingError::new(ErrorName::AwsRequestFailed, "NoSuchEntity"))?;
        if !role.managed.iter().any(|p| p == policy_arn) {
            role.managed.push(policy_arn.to_string());
        }
        Ok(())
    }

    async fn update_trust_policy(&self, role_name: &str, trust_policy: &Value) -> PortResult<()> {
        let mut w = self.enter("UpdateAssumeRolePolicy")?;
        let role = w.roles.get_mut(role_name).ok_or_else(|| OnboardingError::new(ErrorName::AwsRequestFailed, "NoSuchEntity"))?;
        role.info.trust_policy = trust_policy.clone();
        Ok(())
    }

    async fn put_inline_policy(&self, role_name: &str, policy_name: &str, document: &Value) -> PortResult<()> {
        let mut w = self.enter("PutRolePolicy")?;
        let role = w.roles.get_mut(role_name).ok_or_else(|| OnboardingError::new(ErrorName::AwsRequestFailed, "NoSuchEntity"))?;
        role.inline.insert(policy_name.to_string(), document.clone());
        Ok(())
    }
}

impl NetworkPort for FakeAws {
    async fn default_vpc_id(&self) -> PortResult<Option<String>> {
        Ok(self.enter("DescribeVpcs")?.default_vpc.clone())
    }

    async fn describe_vpc(&self, vpc_id: &str, reads: VpcReads) -> PortResult<Option<VpcNetwork>> {
        let mut vpc = self.enter("DescribeVpc")?.vpcs.get(vpc_id).cloned();
        // What was not asked for stays empty, as with the real adapter.
        if let Some(vpc) = vpc.as_mut() {
            if !reads.security_groups {
                vpc.security_group_ids.clear();
                vpc.group_rules.clear();
            }
            if !reads.routes_and_endpoints {
                vpc.route_tables.clear();
                vpc.endpoint_services.clear();
                vpc.endpoint_groups.clear();
            }
        }
        Ok(vpc)
    }
}

impl SageMakerPort for FakeAws {
    async fn find_domain(&self, name: &str) -> PortResult<Option<DomainSummary>> {
        Ok(self
            .enter("ListDomains")?
            .domains
            .iter()
            .find(|d| d.spec.domain_name == name)
            .map(|d| DomainSummary { status: d.status.clone(), ..d.summary.clone() }))
    }

    async fn create_private_space(&self, domain_id: &str, space: &crate::onboarding::domain_spec::PrivateSpaceSpec, _tags: &Tags) -> PortResult<bool> {
        let mut w = self.enter("CreateSpace")?;
        if w.spaces.iter().any(|(d, s)| d == domain_id && s.name == space.space_name) {
            return Ok(false);
        }
        w.spaces.push((
            domain_id.to_string(),
            StudioResource { name: space.space_name.clone(), owner: Some(space.owner_profile.clone()), status: "InService".into() },
        ));
        w.private_spaces.push(space.clone());
        Ok(true)
    }

    async fn list_domains(&self) -> PortResult<Vec<(String, DomainSummary)>> {
        Ok(self
            .enter("ListDomains")?
            .domains
            .iter()
            .map(|d| (d.spec.domain_name.clone(), DomainSummary { status: d.status.clone(), ..d.summary.clone() }))
            .collect())
    }

    async fn list_tags(&self, arn: &str) -> PortResult<Tags> {
        Ok(self.enter("ListTags")?.domains.iter().find(|d| d.summary.domain_arn == arn).map(|d| d.tags.clone()).unwrap_or_default())
    }

    async fn add_tags(&self, arn: &str, tags: &Tags) -> PortResult<()> {
        let mut w = self.enter("AddTags")?;
        if let Some(d) = w.domains.iter_mut().find(|d| d.summary.domain_arn == arn) {
            d.tags.extend(tags.clone());
        }
        Ok(())
    }

    async fn create_domain(&self, spec: &DomainSpec) -> PortResult<CreatedDomain> {
        let mut w = self.enter("CreateDomain")?;
        // Ids are never reused, as SageMaker's are not (a deleted domain's id stays its own).
        w.domains_created += 1;
        let id = format!("d-{}", w.domains_created);
        let arn = format!("arn:aws:sagemaker:us-east-1:123456789012:domain/{id}");
        let pending = w.new_domain_pending_polls;
        w.domains.push(FakeDomain {
            summary: DomainSummary { domain_id: id.clone(), domain_arn: arn.clone(), status: DomainStatus::Pending },
            spec: spec.clone(),
            tags: spec.tags.clone(),
            status: DomainStatus::InService,
            failure_reason: None,
            pending_polls: pending,
            sso_application_arn: Some(format!("arn:aws:sso::123456789012:application/ssoins-1/apl-{id}")),
        });
        Ok(CreatedDomain { domain_id: id.clone(), domain_arn: arn, url: format!("https://{id}.studio.us-east-1.sagemaker.aws") })
    }

    async fn settings_drift(&self, domain_id: &str, spec: &DomainSpec) -> PortResult<SettingsDrift> {
        let w = self.enter("DescribeDomain")?;
        let Some(d) = w.domains.iter().find(|d| d.summary.domain_id == domain_id) else {
            return Err(OnboardingError::new(ErrorName::DomainRequestRejected, format!("no domain {domain_id}")));
        };
        let had = &d.spec;
        let mut drift = SettingsDrift::default();
        let fixed = [
            ("VpcId", had.vpc_id != spec.vpc_id),
            ("SubnetIds", had.subnet_ids != spec.subnet_ids),
            ("AppNetworkAccessType", had.app_network_access_type != spec.app_network_access_type),
            ("KmsKeyId", had.kms_key_id != spec.kms_key_id),
        ];
        drift.needs_reonboarding = fixed.iter().filter(|(_, differs)| *differs).map(|(name, _)| name.to_string()).collect();
        let domain_settings = |s: &DomainSpec| {
            (s.docker.clone(), s.source_identity, s.trusted_identity_propagation, s.domain_security_group_ids.clone(), s.amazon_q.clone(), s.rstudio.clone())
        };
        let changeable = [
            ("DefaultUserSettings", had.user != spec.user),
            ("DefaultSpaceSettings", had.space_idle != spec.space_idle || had.user.execution_role_arn != spec.user.execution_role_arn),
            ("DomainSettings", domain_settings(had) != domain_settings(spec)),
            ("TagPropagation", spec.tag_propagation && !had.tag_propagation),
        ];
        drift.applied = changeable.iter().filter(|(_, differs)| *differs).map(|(name, _)| name.to_string()).collect();
        Ok(drift)
    }

    async fn apply_settings(&self, domain_id: &str, spec: &DomainSpec) -> PortResult<SettingsDrift> {
        let drift = self.settings_drift(domain_id, spec).await?;
        if drift.applied.is_empty() {
            return Ok(drift);
        }
        let mut w = self.enter("UpdateDomain")?;
        if let Some(d) = w.domains.iter_mut().find(|d| d.summary.domain_id == domain_id) {
            let (vpc_id, subnet_ids, access, kms_key_id) =
                (d.spec.vpc_id.clone(), d.spec.subnet_ids.clone(), d.spec.app_network_access_type, d.spec.kms_key_id.clone());
            d.spec = DomainSpec { vpc_id, subnet_ids, app_network_access_type: access, kms_key_id, ..spec.clone() };
        }
        Ok(drift)
    }

    async fn describe_domain(&self, domain_id: &str) -> PortResult<Option<DomainDescription>> {
        let mut w = self.enter("DescribeDomain")?;
        let Some(d) = w.domains.iter_mut().find(|d| d.summary.domain_id == domain_id) else { return Ok(None) };
        let status = if d.pending_polls > 0 {
            d.pending_polls -= 1;
            DomainStatus::Pending
        } else {
            d.status.clone()
        };
        Ok(Some(DomainDescription {
            status,
            failure_reason: d.failure_reason.clone(),
            url: Some(format!("https://{domain_id}.studio.us-east-1.sagemaker.aws")),
            sso_application_arn: d.sso_application_arn.clone(),
        }))
    }

    async fn delete_domain(&self, domain_id: &str) -> PortResult<()> {
        self.enter("DeleteDomain")?.domains.retain(|d| d.summary.domain_id != domain_id);
        Ok(())
    }

    async fn user_profile_exists(&self, domain_id: &str, profile_name: &str) -> PortResult<bool> {
        Ok(self.enter("DescribeUserProfile")?.profiles.iter().any(|p| p.0 == domain_id && p.1 == profile_name))
    }

    async fn create_user_profile(&self, domain_id: &str, profile_name: &str, sso_user_name: &str, _tags: &Tags) -> PortResult<()> {
        let mut w = self.enter("CreateUserProfile")?;
        if !w.profiles.iter().any(|p| p.0 == domain_id && p.1 == profile_name) {
            w.profiles.push((domain_id.to_string(), profile_name.to_string(), sso_user_name.to_string()));
        }
        Ok(())
    }
}

impl AssignmentPort for FakeAws {
    async fn list_assignments(&self, application_arn: &str) -> PortResult<Vec<(PrincipalType, String)>> {
        let w = self.enter("ListApplicationAssignments")?;
        Ok(w.assignments.iter().filter(|a| a.0 == application_arn).map(|a| (a.1, a.2.clone())).collect())
    }

    async fn create_assignment(&self, application_arn: &str, principal_type: PrincipalType, principal_id: &str) -> PortResult<()> {
        self.enter("CreateApplicationAssignment")?.assignments.push((application_arn.to_string(), principal_type, principal_id.to_string()));
        Ok(())
    }

    async fn delete_assignment(&self, application_arn: &str, principal_type: PrincipalType, principal_id: &str) -> PortResult<()> {
        self.enter("DeleteApplicationAssignment")?.assignments.retain(|a| !(a.0 == application_arn && a.1 == principal_type && a.2 == principal_id));
        Ok(())
    }
}

impl StudioPort for FakeAws {
    async fn domain_details(&self, domain_id: &str) -> PortResult<Option<DomainDetails>> {
        let mut w = self.enter("DescribeDomain")?;
        let Some(index) = w.domains.iter().position(|d| d.summary.domain_id == domain_id) else { return Ok(None) };
        let d = w.domains[index].clone();
        if d.status == DomainStatus::Deleting {
            // Deleting for one answer, then gone.
            w.domains.remove(index);
        }
        let mut role_arns = vec![d.spec.user.execution_role_arn.clone()];
        role_arns.extend(d.spec.rstudio.as_ref().map(|r| r.domain_execution_role_arn.clone()));
        role_arns.dedup();
        Ok(Some(DomainDetails {
            domain_id: d.summary.domain_id.clone(),
            domain_arn: d.summary.domain_arn.clone(),
            domain_name: d.spec.domain_name.clone(),
            status: d.status.clone(),
            failure_reason: d.failure_reason.clone(),
            vpc_id: d.spec.vpc_id.clone(),
            home_efs_file_system_id: Some(format!("fs-{domain_id}")),
            sso_application_arn: d.sso_application_arn.clone(),
            url: Some(format!("https://{domain_id}.studio.us-east-1.sagemaker.aws")),
            role_arns,
        }))
    }

    async fn apps(&self, domain_id: &str) -> PortResult<Vec<StudioApp>> {
        let mut w = self.enter("ListApps")?;
        let listed: Vec<StudioApp> = w.apps.iter().filter(|a| a.0 == domain_id).map(|a| a.1.clone()).collect();
        if !w.apps_stuck_deleting {
            w.apps.iter_mut().filter(|a| a.1.status == "Deleting").for_each(|a| a.1.status = "Deleted".into());
        }
        Ok(listed)
    }

    async fn delete_app(&self, domain_id: &str, app: &StudioApp) -> PortResult<()> {
        let mut w = self.enter("DeleteApp")?;
        if let Some(a) = w.apps.iter_mut().find(|a| a.0 == domain_id && a.1.app_name == app.app_name && a.1.app_type == app.app_type) {
            a.1.status = "Deleting".into();
        }
        Ok(())
    }

    async fn spaces(&self, domain_id: &str) -> PortResult<Vec<StudioResource>> {
        let mut w = self.enter("ListSpaces")?;
        let listed: Vec<StudioResource> = w.spaces.iter().filter(|s| s.0 == domain_id).map(|s| s.1.clone()).collect();
        w.spaces.retain(|s| s.1.status != "Deleting");
        Ok(listed)
    }

    async fn delete_space(&self, domain_id: &str, space_name: &str) -> PortResult<()> {
        let mut w = self.enter("DeleteSpace")?;
        if w.apps.iter().any(|a| a.0 == domain_id && a.1.space_name.as_deref() == Some(space_name) && a.1.status != "Deleted") {
            return Err(OnboardingError::new(ErrorName::AwsRequestFailed, "ResourceInUse: the space has apps"));
        }
        if let Some(space) = w.spaces.iter_mut().find(|s| s.0 == domain_id && s.1.name == space_name) {
            space.1.status = "Deleting".into();
        }
        Ok(())
    }

    async fn user_profiles(&self, domain_id: &str) -> PortResult<Vec<StudioResource>> {
        let w = self.enter("ListUserProfiles")?;
        Ok(w.profiles.iter().filter(|p| p.0 == domain_id).map(|p| StudioResource { name: p.1.clone(), status: "InService".into(), owner: None }).collect())
    }

    async fn delete_user_profile(&self, domain_id: &str, profile_name: &str) -> PortResult<()> {
        let mut w = self.enter("DeleteUserProfile")?;
        w.profiles.retain(|p| !(p.0 == domain_id && p.1 == profile_name));
        Ok(())
    }

    async fn delete_domain_retaining(&self, domain_id: &str, home_efs: HomeEfsRetention) -> PortResult<()> {
        let mut w = self.enter("DeleteDomain")?;
        let holds = w.apps.iter().any(|a| a.0 == domain_id && a.1.status != "Deleted")
            || w.spaces.iter().any(|s| s.0 == domain_id)
            || w.profiles.iter().any(|p| p.0 == domain_id);
        if holds {
            return Err(OnboardingError::new(ErrorName::AwsRequestFailed, "ResourceInUse: the domain still holds apps, spaces or user profiles"));
        }
        w.domain_deletions.push((domain_id.to_string(), home_efs));
        if let Some(d) = w.domains.iter_mut().find(|d| d.summary.domain_id == domain_id) {
            d.status = DomainStatus::Deleting;
        }
        Ok(())
    }
}

impl RoleRemovalPort for FakeAws {
    async fn delete_role(&self, role_name: &str) -> PortResult<()> {
        self.enter("DeleteRole")?.roles.remove(role_name);
        Ok(())
    }
}

impl LeftoverNetworkPort for FakeAws {
    async fn domain_security_groups(&self, _vpc_id: &str, domain_id: &str) -> PortResult<Vec<DomainSecurityGroup>> {
        let w = self.enter("DescribeSecurityGroups")?;
        Ok(w.domain_security_groups.iter().filter(|g| g.0 == domain_id).map(|g| g.1.clone()).collect())
    }

    async fn network_interfaces_using(&self, group_ids: &[String]) -> PortResult<Vec<String>> {
        let w = self.enter("DescribeNetworkInterfaces")?;
        Ok(w.network_interfaces.iter().filter(|(_, groups)| groups.iter().any(|g| group_ids.contains(g))).map(|(id, _)| id.clone()).collect())
    }

    async fn delete_security_group(&self, group_id: &str) -> PortResult<()> {
        let mut w = self.enter("DeleteSecurityGroup")?;
        if w.network_interfaces.iter().any(|(_, groups)| groups.iter().any(|g| g == group_id)) {
            return Err(OnboardingError::new(ErrorName::AwsRequestFailed, format!("DependencyViolation: {group_id} has a dependent object")));
        }
        w.domain_security_groups.retain(|g| g.1.group_id != group_id);
        Ok(())
    }
}

impl MailPort for FakeAws {
    async fn send(&self, email: &Email) -> PortResult<SendOutcome> {
        let mut w = self.enter("SendEmail")?;
        if w.rejecting.contains(&email.to) {
            return Ok(SendOutcome::Rejected { reason: "Email address is not verified".into() });
        }
        if w.daily_quota.is_some_and(|quota| w.sent.len() >= quota) {
            return Err(OnboardingError::new(ErrorName::SesDailyQuotaExceeded, "Daily message quota exceeded"));
        }
        w.sent.push(email.clone());
        Ok(SendOutcome::Sent { message_id: format!("m-{}", w.sent.len()) })
    }

    async fn send_quota(&self) -> PortResult<SendQuota> {
        let w = self.enter("GetAccount")?;
        Ok(SendQuota {
            max_24_hour_send: w.daily_quota.map(|q| q as f64),
            max_send_rate: w.max_send_rate.unwrap_or(14.0),
            sent_last_24_hours: w.sent.len() as f64,
        })
    }
}

impl InvitationLedgerPort for FakeAws {
    async fn records(&self, domain_arn: &str) -> PortResult<Vec<InvitationRecord>> {
        let w = self.enter("Query")?;
        Ok(w.ledger.iter().filter(|((arn, _), _)| arn == domain_arn).map(|(_, r)| r.clone()).collect())
    }

    async fn record(&self, domain_arn: &str, record: &InvitationRecord) -> PortResult<()> {
        let mut w = self.enter("PutItem")?;
        w.ledger.insert((domain_arn.to_string(), record.person.clone()), record.clone());
        Ok(())
    }

    async fn forget(&self, domain_arn: &str, person: &str) -> PortResult<()> {
        self.enter("DeleteItem")?.ledger.remove(&(domain_arn.to_string(), person.to_string()));
        Ok(())
    }

    async fn team(&self, domain_arn: &str) -> PortResult<Option<TeamRecord>> {
        Ok(self.enter("GetItem")?.teams.get(domain_arn).cloned())
    }

    async fn record_team(&self, domain_arn: &str, team: &TeamRecord) -> PortResult<()> {
        self.enter("PutItem")?.teams.insert(domain_arn.to_string(), team.clone());
        Ok(())
    }

    async fn take_lease(&self, domain_arn: &str, run_id: &str, now: u64, until: u64) -> PortResult<bool> {
        let mut w = self.enter("PutItem")?;
        match w.leases.get(domain_arn) {
            Some((holder, held_until)) if holder != run_id && *held_until >= now => Ok(false),
            _ => {
                w.leases.insert(domain_arn.to_string(), (run_id.to_string(), until));
                Ok(true)
            }
        }
    }

    async fn release_lease(&self, domain_arn: &str, run_id: &str) -> PortResult<()> {
        let mut w = self.enter("DeleteItem")?;
        if w.leases.get(domain_arn).is_some_and(|(holder, _)| holder == run_id) {
            w.leases.remove(domain_arn);
        }
        Ok(())
    }
}

impl WorkflowPort for FakeAws {
    async fn start(&self, name: &str, input: &str) -> PortResult<StartedExecution> {
        let mut w = self.enter("StartExecution")?;
        let arn = crate::kernel::naming::execution_arn(&w.state_machine_arn, name);
        if w.executions.contains_key(&arn) {
            return Ok(StartedExecution { execution_arn: arn, existing: true });
        }
        let view = ExecutionView { status: "RUNNING".into(), output: None, error: None, cause: None, current_state: Some("Validate".into()) };
        w.executions.insert(arn.clone(), (input.to_string(), view));
        Ok(StartedExecution { execution_arn: arn, existing: false })
    }

    async fn describe(&self, execution_arn: &str) -> PortResult<Option<ExecutionView>> {
        Ok(self.enter("DescribeExecution")?.executions.get(execution_arn).map(|e| e.1.clone()))
    }
}

impl EventPort for FakeAws {
    async fn publish(&self, detail_type: &str, detail: &Value) -> PortResult<()> {
        self.enter("PutEvents")?.events.push((detail_type.to_string(), detail.clone()));
        Ok(())
    }
}
