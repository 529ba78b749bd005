//! After the domain is gone: deletes the roles this workflow created for it (never another role),
//! and the security groups SageMaker created for its home file system when that was deleted too.
//! What stays is recorded with the reason, for the report.

use lambda_runtime::LambdaEvent;
use onboarding_core::naming::created_for_domain;
use onboarding_core::offboarding::state::{Cleanup, Kept};
use onboarding_core::offboarding::{HomeEfsRetention, OffboardingState};
use onboarding_core::ports::{IamPort, LeftoverNetworkPort, RoleRemovalPort};
use onboarding_core::state::require;
use onboarding_core::OnboardingError;

pub async fn handler<I, N>(iam: &I, network: &N, event: LambdaEvent<OffboardingState>) -> Result<OffboardingState, OnboardingError>
where
    I: IamPort + RoleRemovalPort,
    N: LeftoverNetworkPort,
{
    let mut state = event.payload;
    let target = require(&state.target, "target")?.clone();
    let mut cleanup = Cleanup::default();
    for name in &target.own_roles {
        // Checked again just before deleting: the tags say whose the role is now.
        match iam.get_role(name).await? {
            None => {}
            Some(role) if !created_for_domain(&role.tags, &target.domain_name) => {
                cleanup.roles_kept.push(Kept { id: name.clone(), reason: "its tags no longer say this workflow created it for this domain".into() })
            }
            Some(_) => {
                iam.delete_role(name).await?;
                cleanup.roles_deleted.push(name.clone());
            }
        }
    }
    for name in &target.other_roles {
        cleanup.roles_kept.push(Kept { id: name.clone(), reason: "not created by this workflow for this domain".into() });
    }
    let retained = state.request.retention() == HomeEfsRetention::Retain;
    if retained {
        cleanup.home_efs_file_system_retained = target.home_efs_file_system_id.clone();
    }
    let groups = if target.vpc_id.is_empty() { Vec::new() } else { network.domain_security_groups(&target.vpc_id, &target.domain_id).await? };
    for group in &groups {
        if retained {
            cleanup.security_groups_kept.push(Kept { id: group.group_id.clone(), reason: "the retained home file system's mount targets use it".into() });
            continue;
        }
        match network.delete_security_group(&group.group_id).await {
            Ok(()) => cleanup.security_groups_deleted.push(group.group_id.clone()),
            Err(e) if e.name.is_retryable() => return Err(e),
            Err(e) => cleanup.security_groups_kept.push(Kept { id: group.group_id.clone(), reason: e.message }),
        }
    }
    let kept: Vec<String> = cleanup.security_groups_kept.iter().map(|k| k.id.clone()).collect();
    cleanup.network_interfaces_left = network.network_interfaces_using(&kept).await?;
    tracing::info!(
        roles_deleted = cleanup.roles_deleted.len(),
        groups_deleted = cleanup.security_groups_deleted.len(),
        groups_kept = cleanup.security_groups_kept.len(),
        "leftovers cleaned up"
    );
    state.cleanup = Some(cleanup);
    Ok(state)
}
