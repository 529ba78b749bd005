//! A team's reconciliation (one Map iteration): takes the team's lease, compares who has access
//! through the application's assignments (assigned users, members of assigned groups) with who the
//! invitation ledger says was invited, and hands the amendment's steps their work: the new members
//! to the invitation step (`grant`, the onboarding's state over the assigned groups), and, when the
//! onboarding asked for it, the departed to the revocation step (`revoke`). What it found goes in
//! the `reconciliation` section, for the owner's report.

use std::collections::HashSet;
use std::time::{SystemTime, UNIX_EPOCH};

use lambda_runtime::LambdaEvent;
use onboarding_core::amendment::request::{AmendmentRequest, RemovedUserData};
use onboarding_core::amendment::state::{AmendmentTarget, Grant, Revocation};
use onboarding_core::amendment::AmendmentState;
use onboarding_core::identity_center::choose_instance;
use onboarding_core::managed_domain::find_managed_domain;
use onboarding_core::naming::user_profile_name;
use onboarding_core::ports::{AssignmentPort, DomainDetails, DomainStatus, IdentityCenterPort, InvitationLedgerPort, SageMakerPort, StudioPort, TeamRecord};
use onboarding_core::reconciliation::{departed, not_yet_invited, Member, Reconciliation, TeamRef};
use onboarding_core::request::{Notification, OnboardingRequest};
use onboarding_core::state::{DomainRecord, Identities, OnboardingState, PrincipalType, ResolvedGroup, ResolvedUser, Settings};
use onboarding_core::{ErrorName, OnboardingError};
use serde::Deserialize;

/// One Map iteration's input.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TeamInput {
    pub team: TeamRef,
    pub trigger: String,
    /// The execution's name: the lease's holder.
    pub run_id: String,
}

#[derive(Clone, Debug)]
pub struct Config {
    pub domain_region: String,
    pub identity_center_instance_arn: Option<String>,
    pub settings: Settings,
    pub lease_seconds: u64,
}

/// The AWS services the step uses.
pub struct Ports<'a, S, I, A, L> {
    pub sagemaker: &'a S,
    pub identity: &'a I,
    pub sso: &'a A,
    pub ledger: &'a L,
}

pub async fn handler<S, I, A, L>(ports: Ports<'_, S, I, A, L>, config: &Config, event: LambdaEvent<TeamInput>) -> Result<AmendmentState, OnboardingError>
where
    S: SageMakerPort + StudioPort,
    I: IdentityCenterPort,
    A: AssignmentPort,
    L: InvitationLedgerPort,
{
    let input = event.payload;
    let details = find_managed_domain(ports.sagemaker, None, Some(&input.team.domain_id), &config.domain_region, "reconciled").await?;
    let section = Reconciliation {
        domain_id: details.domain_id.clone(),
        domain_name: details.domain_name.clone(),
        trigger: input.trigger.clone(),
        run_id: input.run_id.clone(),
        ..Default::default()
    };
    let state = AmendmentState {
        request: AmendmentRequest {
            domain_id: Some(details.domain_id.clone()),
            requested_by: Some(format!("reconciliation ({})", input.trigger)),
            ..Default::default()
        },
        settings: config.settings.clone(),
        ..Default::default()
    };
    let application = match (&details.status, &details.sso_application_arn) {
        (DomainStatus::InService, Some(application)) => application.clone(),
        (DomainStatus::InService, None) => return Ok(skipped(state, section, "it has no IAM Identity Center application")),
        (status, _) => return Ok(skipped(state, section, &format!("it is {}", status.as_str()))),
    };
    let now = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or_default();
    if !ports.ledger.take_lease(&details.domain_arn, &input.run_id, now, now + config.lease_seconds).await? {
        return Err(OnboardingError::new(ErrorName::ReconciliationInProgress, format!("another run is reconciling {}", details.domain_name)));
    }
    match compare(&ports, config, &details, application, state, section).await {
        Ok(state) => Ok(state),
        Err(e) => {
            // Nothing was handed on: the next run need not wait for the lease to lapse.
            if let Err(release) = ports.ledger.release_lease(&details.domain_arn, &input.run_id).await {
                tracing::warn!(error = %release, "the lease could not be given back; it lapses on its own");
            }
            Err(e)
        }
    }
}

/// Under the lease: who has access, who joined, who left, and the steps' work.
async fn compare<S, I, A, L>(
    ports: &Ports<'_, S, I, A, L>,
    config: &Config,
    details: &DomainDetails,
    application: String,
    mut state: AmendmentState,
    mut section: Reconciliation,
) -> Result<AmendmentState, OnboardingError>
where
    S: SageMakerPort + StudioPort,
    I: IdentityCenterPort,
    A: AssignmentPort,
    L: InvitationLedgerPort,
{
    let instance = choose_instance(ports.identity.instances().await?, config.identity_center_instance_arn.as_deref(), &config.domain_region)?;
    let store = instance.identity_store_id.clone();
    let mut groups = Vec::new();
    let mut with_access = HashSet::new();
    let mut members = Vec::new();
    for (kind, id) in ports.sso.list_assignments(&application).await? {
        match kind {
            PrincipalType::User => {
                with_access.insert(id);
            }
            PrincipalType::Group => {
                let ids = ports.identity.group_member_ids(&store, &id).await?;
                groups.push(ResolvedGroup { display_name: id.clone(), group_id: id, member_count: u32::try_from(ids.len()).unwrap_or(u32::MAX) });
                members.extend(ids);
            }
        }
    }
    with_access.extend(members.iter().cloned());
    let records = ports.ledger.records(&details.domain_arn).await?;
    let team = ports.ledger.team(&details.domain_arn).await?.unwrap_or_default();

    for id in not_yet_invited(&records, &members) {
        section.joined.push(member(ports.identity, &store, id).await?);
    }
    for record in departed(&records, &with_access) {
        let id = record.person.trim_start_matches("user#");
        section.departed.push(member(ports.identity, &store, id).await?);
    }
    section.owner = team.owner.clone();
    section.removes_departed = team.remove_departed_members && !section.departed.is_empty();
    tracing::info!(domain_id = %details.domain_id, joined = section.joined.len(), departed = section.departed.len(), "team compared");

    let target = AmendmentTarget::of(details, application, store.clone());
    state.request.notification = Notification { sender: team.sender.clone(), extra_recipients: Vec::new() };
    if !section.joined.is_empty() {
        let identities =
            Identities { instance_arn: instance.instance_arn, identity_store_id: store, region: config.domain_region.clone(), users: Vec::new(), groups };
        state.grant = Some(Grant { state: Box::new(invitations_state(details, &target, &team, identities, &config.settings)) });
    }
    state.revoke = Some(if section.removes_departed { revocation(&section.departed, &team, &mut state.request) } else { Revocation::default() });
    state.target = Some(target);
    state.reconciliation = Some(section);
    Ok(state)
}

fn skipped(mut state: AmendmentState, mut section: Reconciliation, why: &str) -> AmendmentState {
    tracing::info!(why, "team skipped");
    section.skipped = Some(format!("not reconciled: {why}"));
    state.reconciliation = Some(section);
    state
}

/// A member by id; a user deleted from Identity Center is known only by id.
async fn member<I: IdentityCenterPort>(identity: &I, store: &str, id: &str) -> Result<Member, OnboardingError> {
    // A member deleted from the identity store has no name left; any other error is the step's.
    Ok(match identity.describe_user(store, id).await? {
        Some(user) => Member { user_id: id.to_string(), user_name: Some(user.user_name), display_name: user.display_name },
        None => Member { user_id: id.to_string(), ..Default::default() },
    })
}

/// The onboarding's state the invitation step runs on: the domain, its assigned groups, and the
/// team's sender; no extra recipients (they were invited by the onboarding).
fn invitations_state(details: &DomainDetails, target: &AmendmentTarget, team: &TeamRecord, identities: Identities, settings: &Settings) -> OnboardingState {
    OnboardingState {
        request: OnboardingRequest {
            domain_name: details.domain_name.clone(),
            notification: Notification { sender: team.sender.clone(), extra_recipients: Vec::new() },
            requested_by: Some("reconciliation".into()),
            ..Default::default()
        },
        identities: Some(identities),
        domain: Some(DomainRecord {
            domain_id: target.domain_id.clone(),
            domain_arn: target.domain_arn.clone(),
            url: target.url.clone(),
            created: false,
            status: "InService".into(),
            sso_application_arn: Some(target.sso_application_arn.clone()),
            ..Default::default()
        }),
        settings: settings.clone(),
        ..Default::default()
    }
}

/// The departed as the amendment's removals: their apps, and as the team chose their private
/// spaces and profiles (named as the onboarding names profiles).
fn revocation(departed: &[Member], team: &TeamRecord, request: &mut AmendmentRequest) -> Revocation {
    request.removed_user_data = Some(if team.delete_departed_data { RemovedUserData::Delete } else { RemovedUserData::Keep });
    let users: Vec<ResolvedUser> = departed
        .iter()
        .filter_map(|m| Some(ResolvedUser { user_name: m.user_name.clone()?, user_id: m.user_id.clone(), display_name: m.display_name.clone(), email: None }))
        .collect();
    Revocation { profiles: users.iter().map(|u| user_profile_name(&u.user_name)).collect(), users, ..Default::default() }
}
