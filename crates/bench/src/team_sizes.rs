//! Onboardings of teams of growing size on the local AWS: people in Identity Center groups of at
//! most 100 (the request names the groups), one onboarding each. For each: the largest state the
//! execution carried (Step Functions refuses more than 256 KiB), state transitions, Lambda
//! GB-seconds, wall time and the cost of one onboarding.

use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use aws_sdk_identitystore::types::{Email, MemberId, Name};
use futures::{StreamExt, TryStreamExt};
use onboard::local::LocalSession;
use serde_json::json;

/// People per group.
const GROUP_SIZE: usize = 100;
/// Identity store writes in flight while seeding.
const SEEDING: usize = 16;
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
    let groups = seed_team(session, people).await?;
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
    let largest_state_bytes = largest_state(session, &outcome.execution_arn).await?;
    let result = match (&outcome.error, outcome.succeeded()) {
        (_, true) => "succeeded".to_string(),
        (Some(error), false) => format!("{} ({error})", outcome.status),
        (None, false) => outcome.status.clone(),
    };
    Ok(TeamRow { people, groups: groups.len(), largest_state_bytes, transitions: outcome.transitions, lambda, wall, outcome: result })
}

/// Creates `people` users with e-mail addresses in groups of at most `GROUP_SIZE`; returns the
/// groups' display names.
async fn seed_team(session: &LocalSession, people: usize) -> Result<Vec<String>> {
    let store = aws_sdk_identitystore::Client::new(session.aws.sdk_config());
    let store_id = session.seeded.identity_store_id.clone();
    let user_ids: Vec<String> = futures::stream::iter((0..people).map(|i| {
        let (store, store_id) = (store.clone(), store_id.clone());
        async move {
            let name = format!("team{people}-user{i:05}");
            let out = store
                .create_user()
                .identity_store_id(store_id)
                .user_name(&name)
                .display_name(format!("Team Member {i}"))
                .name(Name::builder().given_name("Team").family_name(format!("Member {i}")).build())
                .emails(Email::builder().value(format!("{name}@example.com")).primary(true).build())
                .send()
                .await
                .with_context(|| format!("creating {name}"))?;
            anyhow::Ok(out.user_id().to_string())
        }
    }))
    .buffered(SEEDING)
    .try_collect()
    .await?;

    let mut names = Vec::new();
    for (g, members) in user_ids.chunks(GROUP_SIZE).enumerate() {
        let name = format!("team{people}-group{g:02}");
        let group = store.create_group().identity_store_id(&store_id).display_name(&name).send().await.with_context(|| format!("creating {name}"))?;
        let group_id = group.group_id().to_string();
        futures::stream::iter(members.iter().map(|user_id| {
            let request = store.create_group_membership().identity_store_id(&store_id).group_id(&group_id).member_id(MemberId::UserId(user_id.clone()));
            async move { request.send().await.context("adding a member") }
        }))
        .buffered(SEEDING)
        .try_collect::<Vec<_>>()
        .await?;
        names.push(name);
    }
    Ok(names)
}

/// The largest input or output any state of the execution had, in bytes.
async fn largest_state(session: &LocalSession, arn: &str) -> Result<usize> {
    let events = session.sfn.get_execution_history().execution_arn(arn).into_paginator().items().send().collect::<Result<Vec<_>, _>>().await?;
    let sizes = events.iter().flat_map(|e| {
        [
            e.state_entered_event_details().and_then(|d| d.input()).map(str::len),
            e.state_exited_event_details().and_then(|d| d.output()).map(str::len),
            e.task_succeeded_event_details().and_then(|d| d.output()).map(str::len),
            e.lambda_function_succeeded_event_details().and_then(|d| d.output()).map(str::len),
        ]
    });
    Ok(sizes.flatten().max().unwrap_or(0))
}
