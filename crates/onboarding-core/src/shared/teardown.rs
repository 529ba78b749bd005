//! One pass of a teardown: deletes what the current phase still holds and says whether to come
//! back. The state machine waits between passes (a Wait state, never a sleeping Lambda); each
//! phase is bounded by `settings.maxPolls` passes. SageMaker refuses to delete a user profile or
//! a space while apps run in it, and a domain while it holds any of them: the phases follow that
//! order, and a pass starts the next phase only when the current one is empty.
//!
//! The scope is a whole domain (offboarding) or some of its users (an amendment removing them:
//! their apps, and with `delete_data` their private spaces and their profile).

use crate::kernel::errors::{ErrorName, OnboardingError};
use serde::{Deserialize, Serialize};

use crate::kernel::config::Settings;
use crate::ports::{DomainStatus, HomeEfsRetention, PortResult, StudioApp, StudioPort, StudioResource};

/// Statuses in which a deletion may be asked for; the others are waited out.
const DELETABLE: &[&str] = &["InService", "Failed", "Update_Failed", "Delete_Failed"];

/// The teardown's progress: one phase at a time, in the order SageMaker requires.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Teardown {
    /// `apps`, `spaces`, `userProfiles`, `domain`, then `done`.
    pub phase: String,
    /// False while something is still being deleted: the state machine waits and runs the step again.
    pub complete: bool,
    /// What the current phase still waits for.
    pub remaining: u32,
    /// Passes in the current phase: bounded by `settings.maxPolls`.
    pub polls: u32,
    pub apps_deleted: u32,
    pub spaces_deleted: u32,
    pub user_profiles_deleted: u32,
    pub domain_deleted: bool,
}

/// What a teardown takes apart.
#[derive(Clone, Copy, Debug)]
pub enum Scope<'a> {
    /// Everything in the domain, then the domain with this retention of its home file system.
    Domain(HomeEfsRetention),
    /// These user profiles' apps (their own and their private spaces'), then, with
    /// `delete_data`, their private spaces and the profiles themselves.
    Users { profiles: &'a [String], delete_data: bool },
}

impl Scope<'_> {
    fn next_phase(&self, phase: &str) -> &'static str {
        match (self, phase) {
            (_, "apps") => match self {
                Scope::Users { delete_data: false, .. } => "done",
                _ => "spaces",
            },
            (_, "spaces") => "userProfiles",
            (Scope::Domain(_), "userProfiles") => "domain",
            _ => "done",
        }
    }

    fn owns_space(&self, space: &StudioResource) -> bool {
        match self {
            Scope::Domain(_) => true,
            Scope::Users { profiles, .. } => space.owner.as_ref().is_some_and(|o| profiles.contains(o)),
        }
    }

    fn owns_profile(&self, profile: &StudioResource) -> bool {
        match self {
            Scope::Domain(_) => true,
            Scope::Users { profiles, .. } => profiles.contains(&profile.name),
        }
    }
}

/// What one pass found: something still there (`remaining`), and what it asked to delete.
struct PhaseResult {
    remaining: u32,
    deleted: u32,
}

pub async fn pass<S: StudioPort>(studio: &S, domain_id: &str, scope: Scope<'_>, settings: &Settings, mut t: Teardown) -> PortResult<Teardown> {
    if t.phase.is_empty() {
        t.phase = "apps".into();
    }
    loop {
        let found = match t.phase.as_str() {
            "apps" => apps(studio, domain_id, scope).await?,
            "spaces" => resources(studio, domain_id, scope, Kind::Space).await?,
            "userProfiles" => resources(studio, domain_id, scope, Kind::UserProfile).await?,
            "domain" => match scope {
                Scope::Domain(retention) => domain(studio, domain_id, retention).await?,
                Scope::Users { .. } => PhaseResult { remaining: 0, deleted: 0 },
            },
            _ => {
                t.complete = true;
                t.remaining = 0;
                return Ok(t);
            }
        };
        match t.phase.as_str() {
            "apps" => t.apps_deleted += found.deleted,
            "spaces" => t.spaces_deleted += found.deleted,
            "userProfiles" => t.user_profiles_deleted += found.deleted,
            _ => t.domain_deleted |= found.deleted > 0,
        }
        if found.remaining == 0 {
            // This phase is empty: on to the next one in the same pass.
            t.phase = scope.next_phase(&t.phase).into();
            t.polls = 0;
            continue;
        }
        t.polls += 1;
        if t.polls > settings.max_polls {
            return Err(OnboardingError::new(
                ErrorName::TeardownTimedOut,
                format!(
                    "{domain_id}: {} {} still being deleted after {} polls {} s apart; run the request again to continue",
                    found.remaining,
                    phase_noun(&t.phase),
                    settings.max_polls,
                    settings.poll_interval_seconds
                ),
            ));
        }
        t.remaining = found.remaining;
        t.complete = false;
        return Ok(t);
    }
}

fn phase_noun(phase: &str) -> &'static str {
    match phase {
        "apps" => "app(s)",
        "spaces" => "space(s)",
        "userProfiles" => "user profile(s)",
        _ => "domain",
    }
}

async fn apps<S: StudioPort>(studio: &S, domain_id: &str, scope: Scope<'_>) -> PortResult<PhaseResult> {
    let in_scope: Box<dyn Fn(&StudioApp) -> bool> = match scope {
        Scope::Domain(_) => Box::new(|_| true),
        Scope::Users { profiles, .. } => {
            // A user's apps run in their profile or in their private spaces.
            let spaces: Vec<String> = studio.spaces(domain_id).await?.into_iter().filter(|s| scope.owns_space(s)).map(|s| s.name).collect();
            Box::new(move |a: &StudioApp| {
                a.user_profile_name.as_ref().is_some_and(|p| profiles.contains(p)) || a.space_name.as_ref().is_some_and(|s| spaces.contains(s))
            })
        }
    };
    let live: Vec<_> = studio.apps(domain_id).await?.into_iter().filter(|a| a.status != "Deleted" && in_scope(a)).collect();
    let mut deleted = 0;
    for app in live.iter().filter(|a| DELETABLE.contains(&a.status.as_str())) {
        studio.delete_app(domain_id, app).await?;
        deleted += 1;
    }
    Ok(PhaseResult { remaining: live.len() as u32, deleted })
}

enum Kind {
    Space,
    UserProfile,
}

async fn resources<S: StudioPort>(studio: &S, domain_id: &str, scope: Scope<'_>, kind: Kind) -> PortResult<PhaseResult> {
    let listed: Vec<StudioResource> = match kind {
        Kind::Space => studio.spaces(domain_id).await?.into_iter().filter(|s| scope.owns_space(s)).collect(),
        Kind::UserProfile => studio.user_profiles(domain_id).await?.into_iter().filter(|p| scope.owns_profile(p)).collect(),
    };
    let mut deleted = 0;
    for resource in listed.iter().filter(|r| DELETABLE.contains(&r.status.as_str())) {
        match kind {
            Kind::Space => studio.delete_space(domain_id, &resource.name).await?,
            Kind::UserProfile => studio.delete_user_profile(domain_id, &resource.name).await?,
        }
        deleted += 1;
    }
    Ok(PhaseResult { remaining: listed.len() as u32, deleted })
}

async fn domain<S: StudioPort>(studio: &S, domain_id: &str, retention: HomeEfsRetention) -> PortResult<PhaseResult> {
    let Some(details) = studio.domain_details(domain_id).await? else {
        return Ok(PhaseResult { remaining: 0, deleted: 0 });
    };
    match details.status {
        DomainStatus::Deleting | DomainStatus::Pending | DomainStatus::Updating => Ok(PhaseResult { remaining: 1, deleted: 0 }),
        DomainStatus::DeleteFailed => {
            let reason = details.failure_reason.unwrap_or_else(|| "SageMaker gave no reason".into());
            Err(OnboardingError::new(ErrorName::DomainDeleteFailed, format!("{domain_id} is Delete_Failed: {reason}")))
        }
        _ => {
            studio.delete_domain_retaining(domain_id, retention).await?;
            Ok(PhaseResult { remaining: 1, deleted: 1 })
        }
    }
}
