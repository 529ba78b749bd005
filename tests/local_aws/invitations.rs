//! Invitations for teams in Identity Center groups, through the whole workflow: the state stays
//! small whatever the team's size (members are read where they are needed, never carried), and
//! each person gets exactly one invitation across pauses for SES's daily quota, a step that
//! failed part-way, and reruns.

use std::collections::BTreeMap;
use std::sync::Arc;

use anyhow::{ensure, Context, Result};
use libtest_mimic::Trial;
use onboard::execution::{largest_state, Outcome};
use onboard::local::LocalSession;
use serde_json::{json, Value};
use tests::Env;

use crate::local_test;

pub fn trials(env: &Arc<Env>) -> Vec<Trial> {
    vec![
        local_test!(env, twenty_groups_keep_the_state_under_64_kib),
        local_test!(env, a_used_up_daily_quota_pauses_the_invitations_until_it_frees_up),
        local_test!(env, a_rerun_after_invitations_failed_part_way_invites_only_the_rest),
        local_test!(env, an_address_fixed_after_its_rejection_is_invited_once_by_the_next_run),
    ]
}

/// Step Functions' limit is 256 KiB; the workflow keeps well under it.
const STATE_BUDGET_BYTES: usize = 64 * 1024;

/// Seeds `people` users in `groups` groups named after `domain`, and the request naming them.
async fn team(s: &LocalSession, domain: &str, people: usize, groups: usize) -> Result<Value> {
    let names = local_aws::seed::seed_team(s.aws.sdk_config(), &s.seeded.identity_store_id, domain, people, groups).await?;
    Ok(json!({
        "domainName": domain,
        "ticket": {"id": format!("T-{domain}"), "requester": "lead@example.com"},
        "identityCenter": {"groups": names},
    }))
}

async fn run(s: &LocalSession, request: &Value) -> Result<Outcome> {
    s.onboard(&request.to_string(), |_| {}).await
}

/// How many invitations each address of this domain's team received.
fn received(s: &LocalSession, domain: &str) -> Result<BTreeMap<String, usize>> {
    let mut counts = BTreeMap::new();
    for email in s.aws.emails_about(domain)?.into_iter().filter(|e| !e.subject.contains("failed")) {
        for to in email.destinations {
            *counts.entry(to).or_default() += 1;
        }
    }
    Ok(counts)
}

/// Every member of the team, and the requester, got exactly one invitation.
fn each_once(s: &LocalSession, domain: &str, people: usize) -> Result<()> {
    let received = received(s, domain)?;
    let twice: Vec<_> = received.iter().filter(|(_, n)| **n > 1).collect();
    ensure!(twice.is_empty(), "{domain}: invited more than once: {twice:?}");
    ensure!(received.len() == people + 1, "{domain}: {} people invited of {people} and the requester", received.len());
    Ok(())
}

async fn twenty_groups_keep_the_state_under_64_kib(s: &LocalSession) -> Result<()> {
    let d = "team-twenty-groups";
    let request = team(s, d, 300, 20).await?;
    let outcome = run(s, &request).await?;
    ensure!(outcome.succeeded(), "{:?} {:?}", outcome.error, outcome.cause);
    let largest = largest_state(&s.sfn, &outcome.execution_arn).await?;
    println!("20 groups, 300 people: the largest state was {:.1} KiB", largest as f64 / 1024.0);
    ensure!(largest < STATE_BUDGET_BYTES, "a state of {largest} bytes");
    let summary = outcome.output.as_ref().context("summary")?;
    ensure!(summary["invitations"]["delivered"] == json!(301), "{}", summary["invitations"]);
    each_once(s, d, 300)
}

async fn a_used_up_daily_quota_pauses_the_invitations_until_it_frees_up(s: &LocalSession) -> Result<()> {
    let d = "team-daily-quota";
    let request = team(s, d, 40, 2).await?;
    // SES lets 15 of this team's messages through, then refuses the next 6 attempts (two sends,
    // each tried three times by the SDK) before its 24 hours move on.
    s.aws.limit_daily_sends(d, 15, 6)?;
    let outcome = run(s, &request).await?;
    ensure!(outcome.succeeded(), "{:?} {:?}", outcome.error, outcome.cause);
    let invitations = &outcome.output.as_ref().context("summary")?["invitations"];
    ensure!(invitations["quotaWaits"].as_u64().is_some_and(|n| n >= 2), "{invitations}");
    let waits = outcome.steps.iter().filter(|st| st.state == "WaitBeforeResending").count();
    ensure!(waits >= 2, "the step waited {waits} times");
    each_once(s, d, 40)
}

async fn a_rerun_after_invitations_failed_part_way_invites_only_the_rest(s: &LocalSession) -> Result<()> {
    let d = "team-part-way";
    let request = team(s, d, 120, 2).await?;
    // SES suspends sending when it reaches a member of the second group: the step fails after
    // inviting the first group and part of the second.
    let stop = format!("{d}-user00060@example.com");
    s.aws.inject_fault("ses:SendEmail", 1, json!({"status": 400, "code": "AccountSuspendedException", "message": "sending is suspended", "match": stop}))?;
    let first = run(s, &request).await?;
    ensure!(first.status == "FAILED" && first.error.as_deref() == Some("AwsRequestFailed"), "{:?} {:?}", first.error, first.cause);
    let part = received(s, d)?;
    ensure!((60..120).contains(&part.len()) && part.values().all(|n| *n == 1), "{} invited before the failure", part.len());

    let rerun = run(s, &request).await?;
    ensure!(rerun.succeeded(), "{:?} {:?}", rerun.error, rerun.cause);
    let invitations = &rerun.output.as_ref().context("summary")?["invitations"];
    ensure!(invitations["delivered"] == json!(121 - part.len()) && invitations["earlier"] == json!(part.len()), "{invitations}");
    each_once(s, d, 120)
}

async fn an_address_fixed_after_its_rejection_is_invited_once_by_the_next_run(s: &LocalSession) -> Result<()> {
    let d = "team-fixed-address";
    let mut request = team(s, d, 5, 1).await?;
    let refused = format!("{d}-user00002@example.com");
    let reason = format!("Email address is not verified. The following identities failed the check in region US-EAST-1: {refused}");
    s.aws.inject_fault("ses:SendEmail", 1, json!({"status": 400, "code": "MessageRejected", "message": reason, "match": [d, refused.as_str()]}))?;
    let first = run(s, &request).await?;
    ensure!(first.succeeded(), "{:?}", first.error);
    let invitations = &first.output.as_ref().context("summary")?["invitations"];
    ensure!(invitations["rejected"][0]["recipient"] == json!(refused) && invitations["delivered"] == json!(5), "{invitations}");
    ensure!(!received(s, d)?.contains_key(&refused));

    // The address is verified now; the team files another ticket for the same domain.
    request["ticket"]["id"] = json!(format!("T-{d}-again"));
    let again = run(s, &request).await?;
    ensure!(again.succeeded(), "{:?}", again.error);
    let invitations = &again.output.as_ref().context("summary")?["invitations"];
    ensure!(invitations["delivered"] == json!(1) && invitations["earlier"] == json!(5), "{invitations}");
    each_once(s, d, 5)
}
