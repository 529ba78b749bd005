//! A team's whole life through the four state machines and the real functions: onboarded (asking
//! that members who leave its groups be removed), amended (a group added, a user removed), then
//! changed directly in IAM Identity Center (a member added to its group, one removed), reconciled
//! by the membership event, reconciled again, and offboarded. After each step the test reads back,
//! through the AWS APIs, the profiles and apps, and who received which e-mail. Each test works
//! only on the domain, groups and people it created.

use std::sync::Arc;

use anyhow::{ensure, Context, Result};
use aws_sdk_identitystore::types::MemberId;
use libtest_mimic::Trial;
use onboard::local::LocalSession;
use onboarding_core::naming::user_profile_name;
use onboarding_core::Workflow;
use serde_json::{json, Value};
use tests::Env;

use crate::local_test;
use crate::team::{group_id, onboarded_with, recipients, use_studio, user_id};

pub fn trials(env: &Arc<Env>) -> Vec<Trial> {
    vec![
        local_test!(env, a_team_is_onboarded_amended_reconciled_and_offboarded),
        local_test!(env, a_reconciliation_for_a_domain_not_ours_is_refused_by_name),
        local_test!(env, one_failing_team_does_not_stop_the_others_and_the_rerun_finishes_it),
        crate::trial("every_reconciliation_example_runs_end_to_end", || every_reconciliation_example_runs_end_to_end().map_err(crate::failed)),
    ]
}

/// `examples/reconciliation/NAME.json`.
fn example(name: &str) -> Result<Value> {
    Ok(serde_json::from_str(&tests::read(&format!("examples/reconciliation/{name}.json")))?)
}

fn every_reconciliation_example_runs_end_to_end() -> Result<()> {
    tests::every_example_runs_in("tests/local_aws/reconciliation.rs", "reconciliation")
}

/// The event Identity Center's CloudTrail record of `CreateGroupMembership` becomes in EventBridge.
fn membership_event(group: &str, user: &str) -> Value {
    json!({
        "version": "0", "id": "e-1", "source": "aws.identitystore", "detail-type": "AWS API Call via CloudTrail",
        "account": local_aws::ACCOUNT_ID, "region": "us-east-1", "resources": [],
        "detail": {"eventSource": "identitystore.amazonaws.com", "eventName": "CreateGroupMembership",
                   "requestParameters": {"identityStoreId": "d-1234567890", "groupId": group, "memberId": {"userId": user}}}
    })
}

async fn a_team_is_onboarded_amended_reconciled_and_offboarded(s: &LocalSession) -> Result<()> {
    let d = "team-reconciled";
    let membership = json!({"membership": {"removeDepartedMembers": true, "departedUserData": "Delete"}});
    let (id, solo) = onboarded_with(s, d, 3, 2, membership).await?;
    let (user0, user1, user2) = (format!("{d}-user00000"), format!("{d}-user00001"), format!("{d}-user00002"));

    // Day two: the second group joins, the user named alone leaves.
    let amendment = json!({
        "domainName": d, "add": {"groups": [format!("{d}-group01")]}, "remove": {"users": [solo]}, "removedUserData": "Delete",
        "ticket": {"id": "AM-reconciled", "requester": "lead@example.com"},
    });
    let amended = s.amend(&amendment.to_string(), |_| {}).await?;
    ensure!(amended.succeeded(), "{:?} {:?}", amended.error, amended.cause);
    let mut invited = recipients(s, d, "Your access", "has ended")?;
    invited.sort();
    let expected: Vec<String> =
        [&user0, &user1, &user2].iter().map(|u| format!("{u}@example.com")).chain([format!("{solo}@example.com"), "lead@example.com".into()]).collect();
    let mut expected_sorted = expected.clone();
    expected_sorted.sort();
    ensure!(invited == expected_sorted, "before the directory changes: {invited:?}");

    // user1 works in Studio; then the directory changes on its own: a newcomer joins group00, user1 leaves it.
    let sm = aws_sdk_sagemaker::Client::new(s.aws.sdk_config());
    let profile1 = user_profile_name(&user1);
    sm.create_user_profile()
        .domain_id(&id)
        .user_profile_name(&profile1)
        .single_sign_on_user_identifier("UserName")
        .single_sign_on_user_value(&user1)
        .send()
        .await
        .context("user1's profile")?;
    use_studio(s, &id, &profile1).await?;
    let newcomer_prefix = format!("{d}-late");
    local_aws::seed::seed_team(s.aws.sdk_config(), &s.seeded.identity_store_id, &newcomer_prefix, 1, 1).await?;
    let newcomer = format!("{newcomer_prefix}-user00000");
    let store = aws_sdk_identitystore::Client::new(s.aws.sdk_config());
    let group00 = group_id(s, &format!("{d}-group00")).await?;
    let newcomer_id = user_id(s, &newcomer).await?;
    store
        .create_group_membership()
        .identity_store_id(&s.seeded.identity_store_id)
        .group_id(&group00)
        .member_id(MemberId::UserId(newcomer_id.clone()))
        .send()
        .await?;
    let user1_id = user_id(s, &user1).await?;
    let memberships = store.list_group_memberships().identity_store_id(&s.seeded.identity_store_id).group_id(&group00).send().await?;
    let leaving = memberships
        .group_memberships()
        .iter()
        .find(|m| matches!(m.member_id(), Some(MemberId::UserId(u)) if *u == user1_id))
        .map(|m| m.membership_id())
        .context("user1's membership")?;
    store.delete_group_membership().identity_store_id(&s.seeded.identity_store_id).membership_id(leaving).send().await?;

    // The membership event reconciles the domains that have group00: this one.
    let run = s.reconcile(&format!("{d}-event"), &membership_event(&group00, &newcomer_id).to_string(), |_| {}).await?;
    ensure!(run.succeeded(), "{:?} {:?}", run.error, run.cause);
    let now_invited = recipients(s, d, "Your access", "has ended")?;
    let new: Vec<&String> = now_invited.iter().filter(|to| !invited.contains(to)).collect();
    ensure!(new == [&format!("{newcomer}@example.com")], "invitations the reconciliation sent: {new:?}");
    let reports: Vec<_> = s.aws.emails_about(d)?.into_iter().filter(|e| e.subject.contains("Membership changes")).collect();
    ensure!(reports.len() == 1 && reports[0].destinations == ["lead@example.com"], "reports: {reports:?}");
    let report = &reports[0].body;
    ensure!(report.contains(&newcomer) && report.contains(&user1), "the report names who joined and who left: {report}");
    ensure!(!report.contains(&solo), "the user the amendment removed is not reported as having left: {report}");
    // user1's apps, private space and profile are gone; nobody else's profile was touched.
    let apps = sm.list_apps().domain_id_equals(&id).send().await?;
    ensure!(apps.apps().iter().all(|a| a.status().map(|s| s.as_str()) == Some("Deleted")), "{:?}", apps.apps());
    ensure!(sm.list_spaces().domain_id_equals(&id).send().await?.spaces().is_empty(), "user1's space is still there");
    ensure!(sm.list_user_profiles().domain_id_equals(&id).send().await?.user_profiles().is_empty(), "user1's profile is still there");
    let events = s.aws.published_events(&format!("{d}-event"))?;
    let completed = events.iter().find(|(t, e)| t == "Reconciliation Completed" && e["runId"] == format!("{d}-event")).context("no result event")?;
    ensure!(completed.1["teams"].as_array().map(Vec::len) == Some(1), "{}", completed.1);

    // Safe to run as often as the schedule says: a second run, asked for through the API (signed
    // as the entry point's function), sends nothing.
    let emails_before = s.aws.emails_about(d)?.len();
    let entry = crate::entry_points::Entry::new(s);
    let mut body = example("one-team")?;
    body["domainName"] = json!(d);
    body["ticket"]["id"] = json!("REC-reconciled");
    let body = body.to_string();
    let response = entry.call(tests::api_event("POST /reconciliations", None, Some(&body), false)).await?;
    ensure!(response["statusCode"] == 202, "{response}");
    let started: Value = serde_json::from_str(response["body"].as_str().unwrap_or("{}"))?;
    let run_id = started["reconciliationId"].as_str().context("reconciliationId")?;
    let arn = onboarding_core::naming::execution_arn(s.arn(Workflow::Reconciliation), run_id);
    let again = onboard::execution::follow(&s.sfn, &arn, std::time::Duration::from_millis(250), |_| {}).await?;
    ensure!(again.succeeded(), "{:?} {:?}", again.error, again.cause);
    ensure!(again.output.as_ref().is_some_and(|o| o["teams"][0]["domainName"] == d && o["trigger"] == "request"), "{:?}", again.output);
    ensure!(s.aws.emails_about(d)?.len() == emails_before, "the second run sent e-mails");

    // The last day.
    let off = json!({"domainName": d, "homeEfsFileSystem": "Delete", "ticket": {"id": "OFF-reconciled", "requester": "lead@example.com"}});
    let offboarded = s.offboard(&off.to_string(), |_| {}).await?;
    ensure!(offboarded.succeeded(), "{:?} {:?}", offboarded.error, offboarded.cause);
    ensure!(sm.describe_domain().domain_id(&id).send().await.is_err(), "the domain is still there");
    Ok(())
}

async fn a_reconciliation_for_a_domain_not_ours_is_refused_by_name(s: &LocalSession) -> Result<()> {
    let d = "team-reconcile-by-hand";
    let sm = aws_sdk_sagemaker::Client::new(s.aws.sdk_config());
    crate::offboarding::domain_by_hand(s, d).await?;
    let run = s.reconcile(&format!("{d}-run"), &json!({"domainName": d}).to_string(), |_| {}).await?;
    ensure!(run.error.as_deref() == Some("DomainNotManaged"), "{:?} {:?}", run.error, run.cause);
    let listed = sm.list_domains().send().await?;
    ensure!(listed.domains().iter().any(|x| x.domain_name() == Some(d)), "the domain was touched");
    Ok(())
}

/// Two teams share a group; a newcomer joins it. In the first run one team's comparison fails for
/// good, and the other rides out a throttled invitation and a crashed report step: it is
/// reconciled once, and the run fails at its end naming the failed team. The rerun reconciles
/// the failed team (its lease was given back) and sends the other nothing.
async fn one_failing_team_does_not_stop_the_others_and_the_rerun_finishes_it(s: &LocalSession) -> Result<()> {
    let (a, b) = ("rec-faults-a", "rec-faults-b");
    onboarded_with(s, a, 2, 1, json!({})).await?;
    let shared = format!("{a}-group00");
    let request_b = json!({"domainName": b, "ticket": {"id": format!("ON-{b}"), "requester": "lead@example.com"}, "identityCenter": {"groups": [shared]}});
    let onboarded_b = s.onboard(&request_b.to_string(), |_| {}).await?;
    ensure!(onboarded_b.succeeded(), "{:?} {:?}", onboarded_b.error, onboarded_b.cause);
    let prefix = format!("{a}-late");
    local_aws::seed::seed_team(s.aws.sdk_config(), &s.seeded.identity_store_id, &prefix, 1, 1).await?;
    let newcomer = format!("{prefix}-user00000");
    let newcomer_address = format!("{newcomer}@example.com");
    let group = group_id(s, &shared).await?;
    let newcomer_id = user_id(s, &newcomer).await?;
    aws_sdk_identitystore::Client::new(s.aws.sdk_config())
        .create_group_membership()
        .identity_store_id(&s.seeded.identity_store_id)
        .group_id(&group)
        .member_id(MemberId::UserId(newcomer_id.clone()))
        .send()
        .await?;

    s.aws.inject_fault("lambda:Invoke:compare-members", 1, json!({"lambdaError": "AwsAccessDenied", "message": "denied", "match": b}))?;
    s.aws.inject_fault(
        "ses:SendEmail",
        4,
        json!({"status": 429, "code": "TooManyRequestsException", "message": "Maximum sending rate exceeded.", "match": [a, newcomer_address.as_str()]}),
    )?;
    s.aws.inject_fault(
        "lambda:Invoke:report-to-owner",
        1,
        json!({"lambdaError": "Runtime.ExitError", "message": "Runtime exited with error: signal: killed", "match": a}),
    )?;
    let first = s.reconcile(&format!("{a}-first"), &membership_event(&group, &newcomer_id).to_string(), |_| {}).await?;
    ensure!(first.error.as_deref() == Some("ReconciliationFailed"), "{:?} {:?}", first.error, first.cause);
    let retried: Vec<(&str, &str)> = first.steps.iter().flat_map(|st| st.retried.iter().map(move |r| (st.state.as_str(), r.as_str()))).collect();
    ensure!(retried.contains(&("SendInvitations", "AwsThrottled")) && retried.contains(&("ReportToOwner", "Runtime.ExitError")), "retried: {retried:?}");
    let events = s.aws.published_events(&format!("{a}-first"))?;
    let completed = events.iter().find(|(t, e)| t == "Reconciliation Completed" && e["runId"] == format!("{a}-first")).context("no result event")?;
    let teams = completed.1["teams"].as_array().context("teams")?;
    let outcome = |d: &str| teams.iter().find(|t| t["domainName"] == d).cloned().unwrap_or_default();
    ensure!(outcome(b)["failed"] == true && outcome(b)["error"] == "AwsAccessDenied", "{}", completed.1);
    ensure!(outcome(a)["failed"] == false && outcome(a)["reportSent"] == true, "{}", completed.1);
    let invitations = |d: &str| -> Result<usize> { Ok(recipients(s, d, "Your access", "has ended")?.iter().filter(|to| **to == newcomer_address).count()) };
    ensure!(invitations(a)? == 1 && invitations(b)? == 0, "the newcomer's invitations: {} to {a}, {} to {b}", invitations(a)?, invitations(b)?);
    let reports = |d: &str| -> Result<usize> { Ok(s.aws.emails_about(d)?.iter().filter(|e| e.subject.contains("Membership changes")).count()) };
    ensure!(reports(a)? == 1, "{a}'s owner got {} reports", reports(a)?);

    let rerun = s.reconcile(&format!("{a}-rerun"), &membership_event(&group, &newcomer_id).to_string(), |_| {}).await?;
    ensure!(rerun.succeeded(), "{:?} {:?}", rerun.error, rerun.cause);
    ensure!(invitations(a)? == 1 && invitations(b)? == 1, "after the rerun: {} to {a}, {} to {b}", invitations(a)?, invitations(b)?);
    ensure!(reports(a)? == 1 && reports(b)? == 1, "reports after the rerun: {} and {}", reports(a)?, reports(b)?);
    Ok(())
}
