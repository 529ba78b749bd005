//! The dry run: every read-only check of the onboarding against the target account (the
//! identities, the network, the roles, the domain's name) and what the workflow would create,
//! reuse, assign and send. Nothing is created: only the steps that read run, and the rest is
//! decided from what they read.

use lambda_runtime::{Context, LambdaEvent};
use onboarding_core::domain_spec::domain_spec;
use onboarding_core::naming::{managed_by_workflow, role_name};
use onboarding_core::ports::{DomainStatus, IamPort, IdentityCenterPort, NetworkPort, SageMakerPort, StudioCatalogPort};
use onboarding_core::state::{OnboardingState, Roles};
use onboarding_core::{ErrorName, OnboardingError, OnboardingRequest};
use serde_json::{json, Value};

/// The deployment the plan is made for.
pub struct Deployment<'a> {
    pub role_name_prefix: &'a str,
    /// Identity Center's region, which is also the domain's.
    pub region: &'a str,
    pub identity_center_instance_arn: Option<&'a str>,
}

/// The AWS services the plans read.
pub struct Readers<'a, I, N, R, S, A> {
    pub identity: &'a I,
    pub network: &'a N,
    pub iam: &'a R,
    pub sagemaker: &'a S,
    /// The domains' Identity Center assignments (what an offboarding would remove).
    pub sso: &'a A,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// Read and found good.
    Check,
    Create,
    /// Found from an earlier run of this workflow: used as it is.
    Reuse,
    /// Found from an earlier run, ended Failed: deleted and created again.
    Replace,
    Assign,
    Send,
    /// Offboarding: access taken away.
    Remove,
    Delete,
    /// Offboarding: left in place, with the reason; a rerun: a setting it cannot change.
    Keep,
    /// A rerun: a setting of the existing domain brought to the request's.
    Update,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Check => "check",
            Action::Create => "create",
            Action::Reuse => "reuse",
            Action::Replace => "replace",
            Action::Assign => "assign",
            Action::Send => "send",
            Action::Remove => "remove",
            Action::Delete => "delete",
            Action::Keep => "keep",
            Action::Update => "update",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlanLine {
    pub action: Action,
    pub what: String,
}

impl PlanLine {
    pub fn to_json(&self) -> Value {
        json!({ "action": self.action.as_str(), "what": self.what })
    }
}

/// What the onboarding of a validated request would do, in the order of its steps, or the first
/// check that fails (with the name the workflow would fail with).
pub async fn plan<I: IdentityCenterPort, N: NetworkPort, R: IamPort, S: SageMakerPort + StudioCatalogPort, A>(
    readers: Readers<'_, I, N, R, S, A>,
    deployment: &Deployment<'_>,
    request: OnboardingRequest,
) -> Result<Vec<PlanLine>, OnboardingError> {
    let event = |state: OnboardingState| LambdaEvent::new(state, Context::default());
    let mut lines = Vec::new();
    let mut line = |action: Action, what: String| lines.push(PlanLine { action, what });

    let state = OnboardingState { request, ..Default::default() };
    let state = resolve_identities::handler(readers.identity, deployment.region, deployment.identity_center_instance_arn, event(state)).await?;
    let state = discover_network::handler(readers.network, readers.sagemaker, deployment.region, event(state)).await?;
    let request = &state.request;
    if let Some(ids) = &state.identities {
        line(Action::Check, format!("IAM Identity Center instance {} (identity store {})", ids.instance_arn, ids.identity_store_id));
        let users: Vec<&str> = ids.users.iter().map(|u| u.user_name.as_str()).collect();
        let groups: Vec<String> = ids.groups.iter().map(|g| format!("{} ({} members)", g.display_name, g.member_count)).collect();
        line(Action::Check, format!("users [{}], groups [{}]", users.join(", "), groups.join(", ")));
    }
    if let Some(network) = &state.network {
        line(Action::Check, format!("{:?} network in {}, subnets [{}]", request.network.access_type, network.vpc_id, network.subnet_ids.join(", ")));
        for warning in &network.warnings {
            line(Action::Check, format!("warning: {warning}"));
        }
    }

    let references = onboarding_core::studio_catalog::studio_references(request);
    if !references.is_empty() {
        line(Action::Check, format!("{} custom images, app image configs and lifecycle configurations: exist for their apps", references.len()));
    }

    let execution_trust = onboarding_core::policies::execution_trust_actions(request);
    let existing = [(&request.execution_role.existing_role_arn, execution_trust.as_slice()), (&request.rstudio.existing_role_arn, &["sts:AssumeRole"][..])];
    for (arn, actions) in existing.into_iter().filter_map(|(arn, actions)| arn.as_ref().map(|a| (a, actions))) {
        set_up_roles::existing_role(readers.iam, arn, actions).await?;
        line(Action::Check, format!("role {arn}: exists and trusts SageMaker ({})", actions.join(", ")));
    }
    // The roles' ARNs, when all exist already: what a rerun's domain settings would name.
    let mut role_arns: Vec<(String, String)> = Vec::new();
    for name in set_up_roles::roles_to_create(request, deployment.role_name_prefix) {
        match readers.iam.get_role(&name).await? {
            None => line(Action::Create, format!("role {name}")),
            Some(role) if set_up_roles::created_for(&role, &request.domain_name) => {
                line(Action::Reuse, format!("role {name} ({})", role.arn));
                role_arns.push((name.clone(), role.arn));
            }
            Some(_) => {
                return Err(OnboardingError::new(
                    ErrorName::RoleNameConflict,
                    format!("a role named {name} exists but was not created for the domain {}", request.domain_name),
                ))
            }
        }
    }

    match readers.sagemaker.find_domain(&request.domain_name).await? {
        None => line(Action::Create, format!("domain {} ({}, Identity Center sign-in)", request.domain_name, deployment.region)),
        Some(existing) => {
            if !managed_by_workflow(&readers.sagemaker.list_tags(&existing.domain_arn).await?) {
                return Err(OnboardingError::new(
                    ErrorName::DomainNameConflict,
                    format!("a domain named {} ({}) exists and was not created by this workflow", request.domain_name, existing.domain_id),
                ));
            }
            let action = match existing.status {
                DomainStatus::Failed | DomainStatus::DeleteFailed | DomainStatus::Deleting => Action::Replace,
                _ => Action::Reuse,
            };
            line(action, format!("domain {} ({}, {})", request.domain_name, existing.domain_id, existing.status.as_str()));
            if existing.status == DomainStatus::InService {
                if let Some(roles) = known_roles(request, deployment, &role_arns) {
                    let spec = domain_spec(&OnboardingState { roles: Some(roles), ..state.clone() })?;
                    let drift = readers.sagemaker.settings_drift(&existing.domain_id, &spec).await?;
                    for setting in drift.applied {
                        line(Action::Update, format!("domain setting {setting}"));
                    }
                    for setting in drift.needs_reonboarding {
                        line(Action::Keep, format!("domain setting {setting}: it differs, and only an offboarding and a new onboarding change it"));
                    }
                }
            }
        }
    }

    if let Some(ids) = &state.identities {
        line(Action::Assign, format!("{} users and {} groups to the domain's Identity Center application", ids.users.len(), ids.groups.len()));
        if !ids.users.is_empty() {
            let profiles: Vec<String> = ids.users.iter().map(|u| onboarding_core::naming::user_profile_name(&u.user_name)).collect();
            line(Action::Create, format!("user profiles [{}]", profiles.join(", ")));
        }
        let members: u32 = ids.groups.iter().map(|g| g.member_count).sum();
        let extra = request.notification.extra_recipients.len() + usize::from(request.ticket.as_ref().is_some_and(|t| t.requester.is_some()));
        line(
            Action::Send,
            format!(
                "an invitation to each of at most {} people (each once: those an earlier run invited are skipped)",
                ids.users.len() + members as usize + extra
            ),
        );
    }
    Ok(lines)
}

/// The roles a rerun's domain settings would name, when every one exists already: the request's
/// existing roles, else the ones found by the names the workflow gives them.
fn known_roles(request: &OnboardingRequest, deployment: &Deployment<'_>, found: &[(String, String)]) -> Option<Roles> {
    let arn = |existing: &Option<String>, own_name: Option<&str>, kind: &str| {
        existing.clone().or_else(|| {
            let name = role_name(deployment.role_name_prefix, own_name, &request.domain_name, kind);
            found.iter().find(|(f, _)| *f == name).map(|(_, arn)| arn.clone())
        })
    };
    let execution_role_arn = arn(&request.execution_role.existing_role_arn, request.execution_role.role_name.as_deref(), "execution")?;
    let rstudio_role_arn = match request.rstudio.enabled {
        true => Some(arn(&request.rstudio.existing_role_arn, request.rstudio.role_name.as_deref(), "rstudio")?),
        false => None,
    };
    Some(Roles { execution_role_arn, execution_role_created: false, rstudio_role_arn })
}
