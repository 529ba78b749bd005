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

mod ec2;
mod events;
mod iam;
mod identity_center;
mod ledger;
mod sagemaker;
mod ses;
mod sso;
mod step_functions;

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

/// An Identity Center group and its members' user ids.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FakeGroup {
    pub display_name: String,
    pub group_id: String,
    pub member_ids: Vec<String>,
}

impl FakeGroup {
    pub fn new(display_name: &str, group_id: &str, member_ids: &[&str]) -> Self {
        FakeGroup { display_name: display_name.into(), group_id: group_id.into(), member_ids: member_ids.iter().map(|m| m.to_string()).collect() }
    }
}

/// A user profile of a domain, and the Identity Center user it signs in as.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FakeProfile {
    pub domain_id: String,
    pub name: String,
    pub sso_user_name: String,
}

impl FakeProfile {
    pub fn new(domain_id: &str, name: &str, sso_user_name: &str) -> Self {
        FakeProfile { domain_id: domain_id.into(), name: name.into(), sso_user_name: sso_user_name.into() }
    }
}

/// A Studio app of a domain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FakeApp {
    pub domain_id: String,
    pub app: StudioApp,
}

impl FakeApp {
    pub fn new(domain_id: &str, app: StudioApp) -> Self {
        FakeApp { domain_id: domain_id.into(), app }
    }
}

/// A space of a domain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FakeSpace {
    pub domain_id: String,
    pub space: StudioResource,
}

impl FakeSpace {
    pub fn new(domain_id: &str, space: StudioResource) -> Self {
        FakeSpace { domain_id: domain_id.into(), space }
    }
}

/// An Identity Center application assignment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FakeAssignment {
    pub application_arn: String,
    pub principal_type: PrincipalType,
    pub principal_id: String,
}

/// A DeleteDomain SageMaker accepted, with its home file system's retention.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DomainDeletion {
    pub domain_id: String,
    pub retention: HomeEfsRetention,
}

#[derive(Default, Debug)]
pub struct World {
    /// Domains created so far, deleted ones included (their ids are not reused).
    pub domains_created: u32,
    pub instances: Vec<IdentityCenterInstance>,
    pub users: Vec<ResolvedUser>,
    pub groups: Vec<FakeGroup>,
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
    pub profiles: Vec<FakeProfile>,
    /// Studio apps by domain id; a deleted app is `Deleting` for one listing, then `Deleted`.
    pub apps: Vec<FakeApp>,
    /// Apps that stay `Deleting` (an app stuck in deletion).
    pub apps_stuck_deleting: bool,
    /// Spaces by domain id; a deleted space is listed `Deleting` once, then gone.
    pub spaces: Vec<FakeSpace>,
    /// DeleteDomain's retention choices.
    pub domain_deletions: Vec<DomainDeletion>,
    /// Each domain's home file system and VPC security groups (SageMaker's, by domain id).
    pub domain_security_groups: Vec<(String, DomainSecurityGroup)>,
    /// Network interfaces and the groups they use.
    pub network_interfaces: Vec<(String, Vec<String>)>,
    pub assignments: Vec<FakeAssignment>,
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
            w.groups.push(FakeGroup::new("ml-team", "g-ml", &["u-li"]));
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
