//! The amendment's first state: checks the request, finds the domain (the workflow's own, and
//! InService), and resolves who joins and who leaves in IAM Identity Center. The additions become
//! an onboarding's state of the existing domain (`grant`), on which the onboarding's own access
//! and invitation steps run.

use lambda_runtime::{Context, LambdaEvent};
use onboarding_core::amendment::state::{AmendmentTarget, Grant, Revocation};
use onboarding_core::amendment::{validate_amendment_value, AmendmentState, Principals};
use onboarding_core::managed_domain::find_managed_domain;
use onboarding_core::naming::user_profile_name;
use onboarding_core::ports::{AssignmentPort, DomainStatus, IdentityCenterPort, SageMakerPort, StudioPort};
use onboarding_core::request::{IdentityCenterSelection, STARTED_DIRECTLY};
pub use onboarding_core::state::RequestInput;
use onboarding_core::state::{DomainRecord, Identities, OnboardingState, PrincipalType, Settings};
use onboarding_core::validate::{problems_error, ValidationContext};
use onboarding_core::{ErrorName, OnboardingError, OnboardingRequest};

/// The users removed by name who are members of a group that stays assigned to the application:
/// removing their own assignment does not end their access.
async fn kept_through_groups<I: IdentityCenterPort, A: AssignmentPort>(
    identity: &I,
    sso: &A,
    application: &str,
    store: &str,
    revoke: &Revocation,
) -> Result<Vec<String>, OnboardingError> {
    let removed_groups: Vec<&str> = revoke.groups.iter().map(|g| g.group_id.as_str()).collect();
    let mut kept = Vec::new();
    for (kind, group) in sso.list_assignments(application).await? {
        if kind != PrincipalType::Group || removed_groups.contains(&group.as_str()) {
            continue;
        }
        let members = identity.group_member_ids(store, &group).await?;
        for user in revoke.users.iter().filter(|u| members.contains(&u.user_id)) {
            if !kept.contains(&user.user_name) {
                kept.push(user.user_name.clone());
            }
        }
    }
    Ok(kept)
}

#[derive(Clone, Debug)]
pub struct Config {
    pub validation: ValidationContext,
    pub domain_region: String,
    pub identity_center_instance_arn: Option<String>,
    pub settings: Settings,
}

pub async fn handler<S, I, A>(
    sagemaker: &S,
    identity: &I,
    sso: &A,
    config: &Config,
    event: LambdaEvent<RequestInput>,
) -> Result<AmendmentState, OnboardingError>
where
    S: SageMakerPort + StudioPort,
    I: IdentityCenterPort,
    A: AssignmentPort,
{
    let mut request = validate_amendment_value(&event.payload.request, &config.validation).map_err(|problems| problems_error(&problems))?;
    request.region.get_or_insert_with(|| config.domain_region.clone());
    request.requested_by.get_or_insert_with(|| STARTED_DIRECTLY.to_string());
    let details = find_managed_domain(sagemaker, request.domain_name.as_deref(), request.domain_id.as_deref(), &config.domain_region, "amended").await?;
    let domain_id = details.domain_id.clone();
    if details.status != DomainStatus::InService {
        return Err(OnboardingError::new(
            ErrorName::DomainNotInService,
            format!("{} ({domain_id}) is {}: amend it once it is InService", details.domain_name, details.status.as_str()),
        ));
    }
    let application = details
        .sso_application_arn
        .clone()
        .ok_or_else(|| OnboardingError::new(ErrorName::DomainNotSso, format!("{domain_id} has no IAM Identity Center application")))?;
    let url = details.url.clone().unwrap_or_default();

    // Who joins and who leaves, resolved as an onboarding resolves its principals.
    let onboarding = |who: &Principals| OnboardingState {
        request: OnboardingRequest {
            domain_name: details.domain_name.clone(),
            region: request.region.clone(),
            ticket: request.ticket.clone(),
            identity_center: IdentityCenterSelection { users: who.users.clone(), groups: who.groups.clone() },
            notification: request.notification.clone(),
            requested_by: request.requested_by.clone(),
            ..Default::default()
        },
        ticket_id: request.ticket.as_ref().map(|t| t.id.clone()),
        settings: config.settings.clone(),
        ..Default::default()
    };
    let resolve = |state: OnboardingState| {
        resolve_identities::handler(
            identity,
            &config.domain_region,
            config.identity_center_instance_arn.as_deref(),
            LambdaEvent::new(state, Context::default()),
        )
    };
    let added = if request.add.is_empty() { None } else { Some(resolve(onboarding(&request.add)).await?) };
    let removed = if request.remove.is_empty() { None } else { Some(resolve(onboarding(&request.remove)).await?) };
    let store = added.as_ref().or(removed.as_ref()).and_then(|s| s.identities.as_ref()).map(|i| i.identity_store_id.clone()).unwrap_or_default();

    let grant = added.map(|mut state| {
        state.domain = Some(DomainRecord {
            domain_id: details.domain_id.clone(),
            domain_arn: details.domain_arn.clone(),
            url: url.clone(),
            created: false,
            status: "InService".into(),
            sso_application_arn: Some(application.clone()),
            ..Default::default()
        });
        Grant { state: Box::new(state) }
    });
    // Always present (empty when nobody leaves): the definition's summary reads it.
    let mut revoke = removed
        .and_then(|state| state.identities)
        .map(|Identities { users, groups, .. }| Revocation {
            profiles: users.iter().map(|u| user_profile_name(&u.user_name)).collect(),
            users,
            groups,
            ..Default::default()
        })
        .unwrap_or_default();
    if !revoke.users.is_empty() {
        revoke.still_in_assigned_groups = kept_through_groups(identity, sso, &application, &store, &revoke).await?;
    }
    tracing::info!(domain_id = %domain_id, adds = grant.is_some(), removed_users = revoke.users.len(), removed_groups = revoke.groups.len(), "team found");
    let ticket_id = request.ticket.as_ref().map(|t| t.id.clone());
    let target = AmendmentTarget::of(&details, application, store);
    Ok(AmendmentState {
        request,
        ticket_id,
        settings: config.settings.clone(),
        target: Some(target),
        grant,
        revoke: Some(revoke),
        reconciliation: None,
        failure: None,
    })
}
