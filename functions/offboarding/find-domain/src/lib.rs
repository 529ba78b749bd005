//! The offboarding's first state: checks the request (the same checks for console, API and
//! ticket starts), finds the domain, refuses one this workflow did not create, and records what
//! later steps need once the domain is gone (its VPC, home file system, application and roles).

use lambda_runtime::LambdaEvent;
use onboarding_core::managed_domain::find_managed_domain;
use onboarding_core::naming::created_for_domain;
use onboarding_core::offboarding::state::OffboardingTarget;
use onboarding_core::offboarding::{validate_offboarding_value, OffboardingState};
use onboarding_core::ports::{IamPort, SageMakerPort, StudioPort};
use onboarding_core::request::STARTED_DIRECTLY;
pub use onboarding_core::state::RequestInput;
use onboarding_core::state::Settings;
use onboarding_core::validate::{problems_error, ValidationContext};
use onboarding_core::OnboardingError;

#[derive(Clone, Debug)]
pub struct Config {
    pub validation: ValidationContext,
    pub domain_region: String,
    pub settings: Settings,
}

pub async fn handler<S, I>(sagemaker: &S, iam: &I, config: &Config, event: LambdaEvent<RequestInput>) -> Result<OffboardingState, OnboardingError>
where
    S: SageMakerPort + StudioPort,
    I: IamPort,
{
    let mut request = validate_offboarding_value(&event.payload.request, &config.validation).map_err(|problems| problems_error(&problems))?;
    request.region.get_or_insert_with(|| config.domain_region.clone());
    request.requested_by.get_or_insert_with(|| STARTED_DIRECTLY.to_string());
    let details = find_managed_domain(sagemaker, request.domain_name.as_deref(), request.domain_id.as_deref(), &config.domain_region, "offboarded").await?;
    let mut target = OffboardingTarget {
        domain_id: details.domain_id.clone(),
        domain_arn: details.domain_arn.clone(),
        domain_name: details.domain_name.clone(),
        status: details.status.as_str().to_string(),
        vpc_id: details.vpc_id.clone(),
        home_efs_file_system_id: details.home_efs_file_system_id.clone(),
        sso_application_arn: details.sso_application_arn.clone(),
        ..Default::default()
    };
    for arn in &details.role_arns {
        // A role ARN ends in its name (after any path).
        let name = arn.rsplit('/').next().unwrap_or_default().to_string();
        // The workflow creates roles only under the deployment's prefix: others are not read.
        let prefixed = name.starts_with(&config.validation.role_name_prefix);
        let own = prefixed && iam.get_role(&name).await?.is_some_and(|role| created_for_domain(&role.tags, &details.domain_name));
        if own {
            target.own_roles.push(name);
        } else {
            target.other_roles.push(name);
        }
    }
    tracing::info!(domain_id = %target.domain_id, status = %target.status, own_roles = target.own_roles.len(), "domain to offboard found");
    let ticket_id = request.ticket.as_ref().map(|t| t.id.clone());
    Ok(OffboardingState { request, ticket_id, settings: config.settings.clone(), target: Some(target), ..Default::default() })
}
