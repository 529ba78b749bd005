//! Sets up the execution role (and the RStudio app role when RStudio is on): reuses an existing
//! role after checking its trust policy, or creates one with its policies and tags, then confirms
//! the role is readable before the domain is created with it.

use lambda_runtime::LambdaEvent;
use onboarding_core::domain_spec::resource_tags;
use onboarding_core::naming::{created_for_domain, role_name};
use onboarding_core::partition::partition_of;
use onboarding_core::policies::{
    amazon_q_policy, execution_trust_actions, ml_activities_policy, rstudio_policy, s3_mounts_policy, sagemaker_trust_policy_allowing, trust_lacks,
    trusts_sagemaker, AMAZON_Q_POLICY_NAME, ML_ACTIVITIES_POLICY_NAME, RSTUDIO_POLICY_NAME, S3_MOUNTS_POLICY_NAME,
};
use onboarding_core::ports::{IamPort, RoleInfo, Tags};
use onboarding_core::state::{OnboardingState, Roles};
use onboarding_core::validate::sagemaker_full_access;
use onboarding_core::{ErrorName, OnboardingError, OnboardingRequest};
use serde_json::Value;

/// A role this onboarding creates (or finds from an earlier run of the same request).
struct RolePlan {
    name: String,
    managed_policies: Vec<String>,
    inline_policies: Vec<(&'static str, Value)>,
    /// What SageMaker must be allowed in the role's trust policy.
    trust_actions: Vec<&'static str>,
}

/// `region`: the deployment's domain region, whose partition the ARNs are written in.
pub async fn handler<P: IamPort>(
    iam: &P,
    role_name_prefix: &str,
    region: &str,
    event: LambdaEvent<OnboardingState>,
) -> Result<OnboardingState, OnboardingError> {
    let mut state = event.payload;
    let partition = partition_of(state.region(region));
    let request = &state.request;
    let tags = resource_tags(request);

    let (execution_role_arn, created) = match &request.execution_role.existing_role_arn {
        Some(arn) => (existing_role(iam, arn, &execution_trust_actions(request)).await?, false),
        None => {
            let plan = RolePlan {
                name: role_name(role_name_prefix, request.execution_role.role_name.as_deref(), &request.domain_name, "execution"),
                managed_policies: request.execution_role.managed_policy_arns.clone().unwrap_or_else(|| vec![sagemaker_full_access(partition)]),
                inline_policies: ml_activities_policy(&request.execution_role.ml_activities, partition)
                    .map(|p| (ML_ACTIVITIES_POLICY_NAME, p))
                    .into_iter()
                    .chain(request.domain_settings.amazon_q.as_ref().filter(|q| q.enabled).map(|_| (AMAZON_Q_POLICY_NAME, amazon_q_policy())))
                    .chain(s3_mounts_policy(&request.storage.custom_file_systems, partition).map(|p| (S3_MOUNTS_POLICY_NAME, p)))
                    .collect(),
                trust_actions: execution_trust_actions(request),
            };
            ensure_role(iam, &plan, request, &tags).await?
        }
    };

    let rstudio_role_arn = match (&request.rstudio.enabled, &request.rstudio.existing_role_arn) {
        (false, _) => None,
        (true, Some(arn)) => Some(existing_role(iam, arn, &["sts:AssumeRole"]).await?),
        (true, None) => {
            let plan = RolePlan {
                name: role_name(role_name_prefix, request.rstudio.role_name.as_deref(), &request.domain_name, "rstudio"),
                managed_policies: Vec::new(),
                inline_policies: vec![(RSTUDIO_POLICY_NAME, rstudio_policy())],
                trust_actions: vec!["sts:AssumeRole"],
            };
            Some(ensure_role(iam, &plan, request, &tags).await?.0)
        }
    };

    tracing::info!(created, rstudio = rstudio_role_arn.is_some(), "roles ready");
    state.roles = Some(Roles { execution_role_arn, execution_role_created: created, rstudio_role_arn });
    Ok(state)
}

/// Whether the workflow created `role` for the domain `domain_name` (its tags say so).
pub fn created_for(role: &RoleInfo, domain_name: &str) -> bool {
    created_for_domain(&role.tags, domain_name)
}

/// The roles the request has the workflow create, by name: the execution role unless an
/// existing one is named, and the RStudio role when RStudio is on without an existing one.
pub fn roles_to_create(request: &OnboardingRequest, role_name_prefix: &str) -> Vec<String> {
    let mut names = Vec::new();
    if request.execution_role.existing_role_arn.is_none() {
        names.push(role_name(role_name_prefix, request.execution_role.role_name.as_deref(), &request.domain_name, "execution"));
    }
    if request.rstudio.enabled && request.rstudio.existing_role_arn.is_none() {
        names.push(role_name(role_name_prefix, request.rstudio.role_name.as_deref(), &request.domain_name, "rstudio"));
    }
    names
}

fn name_from_arn(arn: &str) -> &str {
    arn.rsplit('/').next().unwrap_or(arn)
}

/// Checks that a role named by ARN exists and that its trust policy allows SageMaker `actions`
/// (`sts:AssumeRole`, and what the domain's settings need).
pub async fn existing_role<P: IamPort>(iam: &P, arn: &str, actions: &[&str]) -> Result<String, OnboardingError> {
    let role =
        iam.get_role(name_from_arn(arn)).await?.ok_or_else(|| OnboardingError::new(ErrorName::ExecutionRoleNotFound, format!("{arn} does not exist")))?;
    if !trusts_sagemaker(&role.trust_policy) {
        return Err(OnboardingError::new(
            ErrorName::ExecutionRoleUntrusted,
            format!("the trust policy of {arn} does not let sagemaker.amazonaws.com assume it"),
        ));
    }
    let lacking = trust_lacks(&role.trust_policy, actions);
    if !lacking.is_empty() {
        return Err(OnboardingError::new(
            ErrorName::ExecutionRoleUntrusted,
            format!(
                "the trust policy of {arn} does not allow sagemaker.amazonaws.com {}, which the domain's settings need (domainSettings.sourceIdentity: sts:SetSourceIdentity, domainSettings.trustedIdentityPropagation: sts:SetContext)",
                lacking.join(" and ")
            ),
        ));
    }
    Ok(role.arn)
}

/// Creates the role, or adopts the one an earlier run of this request created; then makes its
/// policies match the plan and confirms it is readable. Returns the ARN and whether it was created now.
async fn ensure_role<P: IamPort>(iam: &P, plan: &RolePlan, request: &OnboardingRequest, tags: &Tags) -> Result<(String, bool), OnboardingError> {
    let (arn, created) = match iam.get_role(&plan.name).await? {
        Some(role) => {
            if !created_for(&role, &request.domain_name) {
                return Err(OnboardingError::new(
                    ErrorName::RoleNameConflict,
                    format!(
                        "a role named {} exists but was not created for the domain {}; name another with executionRole.roleName",
                        plan.name, request.domain_name
                    ),
                ));
            }
            // A role created before the deployment had a boundary gets it first: the
            // policy writes below are allowed only on roles that carry it.
            iam.ensure_permissions_boundary(&plan.name, role.permissions_boundary.as_deref()).await?;
            // A rerun whose domain settings now need more of SageMaker (source identity,
            // trusted identity propagation) updates the trust it created.
            if !trust_lacks(&role.trust_policy, &plan.trust_actions).is_empty() {
                iam.update_trust_policy(&plan.name, &sagemaker_trust_policy_allowing(&plan.trust_actions)).await?;
            }
            (role.arn, false)
        }
        None => (iam.create_role(&plan.name, &sagemaker_trust_policy_allowing(&plan.trust_actions), tags).await?, true),
    };
    let attached = iam.attached_policy_arns(&plan.name).await?;
    for policy in plan.managed_policies.iter().filter(|p| !attached.contains(p)) {
        iam.attach_policy(&plan.name, policy).await?;
    }
    for (name, document) in &plan.inline_policies {
        iam.put_inline_policy(&plan.name, name, document).await?;
    }
    if iam.get_role(&plan.name).await?.is_none() {
        return Err(OnboardingError::new(ErrorName::RoleNotVisibleYet, format!("{} was created but is not readable yet", plan.name)));
    }
    Ok((arn, created))
}
