//! Onboardings of teams of growing size on the local AWS: people in Identity Center groups of
//! about 100, at most 20 groups (the request names the groups), one onboarding each. For each: the largest state the
//! execution carried (Step Functions refuses more than 256 KiB), state transitions, Lambda
//! GB-seconds, wall time and the cost of one onboarding.

use std::time::{Duration, Instant};

use anyhow::Result;
use onboard::execution::largest_state;
use onboard::local::LocalSession;
use serde_json::json;

/// People per group, until the team needs more than `MAX_GROUPS` groups.
const GROUP_SIZE: usize = 100;
/// A request names at most this many groups here (5,000 people: 20 groups of 250).
const MAX_GROUPS: usize = 20;
/// Step Functions' limit on a state's size.
pub const STATE_LIMIT_BYTES: usize = 256 * 1024;

pub struct TeamRow {
    pub people: usize,
    pub groups: usize,
    pub largest_state_bytes: usize,
    pub transitions: u32,
    pub lambda: Duration,
    pub wall: Duration,
    pub outcome: String,
}

/// Seeds a team of `people` and onboards it.
pub async fn onboard_team(session: &LocalSession, people: usize) -> Result<TeamRow> {
    let group_count = people.div_ceil(GROUP_SIZE).clamp(1, MAX_GROUPS);
    let groups = local_aws::seed::seed_team(session.aws.sdk_config(), &session.seeded.identity_store_id, &format!("team{people}"), people, group_count).await?;
    let domain = format!("bench-team-{people}");
    let request = json!({
        "domainName": domain,
        "ticket": {"id": format!("BENCH-TEAM-{people}"), "requester": "lead@example.com"},
        "identityCenter": {"groups": groups},
    });
    let started = Instant::now();
    let outcome = session.onboard(&request.to_string(), |_| {}).await?;
    let wall = started.elapsed();
    let (_, lambda) = crate::task_history(session, &outcome.execution_arn).await?;
    let largest_state_bytes = largest_state(&session.sfn, &outcome.execution_arn).await?;
    let result = match (&outcome.error, outcome.succeeded()) {
        (_, true) => "succeeded".to_string(),
        (Some(error), false) => format!("{} ({error})", outcome.status),
        (None, false) => outcome.status.clone(),
    };
    Ok(TeamRow { people, groups: groups.len(), largest_state_bytes, transitions: outcome.transitions, lambda, wall, outcome: result })
}
