//! Day two through the amendment state machine and the real functions: a team onboarded, then
//! amended (a group added, a user removed with their data), then offboarded. After each step the
//! test reads back, through the AWS APIs, the assignments, the user profiles, the apps and spaces,
//! and who received which e-mail. Each test works only on the domain and people it created.

use std::sync::Arc;

use anyhow::{ensure, Context, Result};
use libtest_mimic::Trial;
use onboard::local::LocalSession;
use serde_json::{json, Value};
use tests::Env;

use crate::local_test;
use crate::team::{assigned, onboarded, recipients, use_studio, user_id};

pub fn trials(env: &Arc<Env>) -> Vec<Trial> {
    vec![
        local_test!(env, amendment_adds_a_group_removes_a_user_and_the_team_is_offboarded_after),
        local_test!(env, amendment_keeping_a_removed_users_data_deletes_only_their_apps),
        crate::trial("every_amendment_example_runs_end_to_end", || every_amendment_example_runs_end_to_end().map_err(crate::failed)),
    ]
}

/// `examples/amendment/NAME.json` for this test's domain, ticket and people.
fn example(name: &str, domain: &str, ticket: &str, add_group: &str, remove_user: &str) -> Result<Value> {
    let mut request: Value = serde_json::from_str(&tests::read(&format!("examples/amendment/{name}.json")))?;
    request["domainName"] = json!(domain);
    request["ticket"]["id"] = json!(ticket);
    request["add"] = json!({"groups": [add_group]});
    request["remove"] = json!({"users": [remove_user]});
    Ok(request)
}

fn every_amendment_example_runs_end_to_end() -> Result<()> {
    tests::every_example_runs_in("tests/local_aws/amendment.rs", "amendment")
}

async fn amendment_adds_a_group_removes_a_user_and_the_team_is_offboarded_after(s: &LocalSession) -> Result<()> {
    let d = "team-amended";
    let (id, user) = onboarded(s, d, 3, 2).await?;
    let profile = onboarding_core::naming::user_profile_name(&user);
    use_studio(s, &id, &profile).await?;
    let removed_id = user_id(s, &user).await?;
    ensure!(assigned(s, &id).await?.contains(&removed_id), "the onboarding assigned {user}");
    let invited_before = recipients(s, d, "Your access", "has ended")?;

    let request = example("add-a-group-remove-a-user", d, "AM-amended", &format!("{d}-group01"), &user)?;
    let outcome = s.amend(&request.to_string(), |_| {}).await?;
    ensure!(outcome.succeeded(), "{:?} {:?}", outcome.error, outcome.cause);

    // Access: the removed user's assignment is gone, the added group's is there.
    let now = assigned(s, &id).await?;
    ensure!(!now.contains(&removed_id), "{user} is still assigned");
    ensure!(now.len() == 2, "the team's group and the added group: {now:?}");
    // The removed user's apps, private space and profile are gone; nobody else's.
    let sm = aws_sdk_sagemaker::Client::new(s.aws.sdk_config());
    let apps = sm.list_apps().domain_id_equals(&id).send().await?;
    ensure!(apps.apps().iter().all(|a| a.status().map(|s| s.as_str()) == Some("Deleted")), "{:?}", apps.apps());
    ensure!(sm.list_spaces().domain_id_equals(&id).send().await?.spaces().is_empty(), "the private space is still there");
    ensure!(sm.list_user_profiles().domain_id_equals(&id).send().await?.user_profiles().is_empty(), "the profile is still there");
    // E-mails: one invitation for the added group's member only (everyone else was invited by the
    // onboarding), and one notice for the removed user.
    let mut invitations = recipients(s, d, "Your access", "has ended")?;
    for earlier in &invited_before {
        if let Some(at) = invitations.iter().position(|to| to == earlier) {
            invitations.remove(at);
        }
    }
    ensure!(invitations == [format!("{d}-user00002@example.com")], "invitations the amendment sent: {invitations:?}");
    ensure!(recipients(s, d, "has ended", "\u{0}")? == [format!("{user}@example.com")], "removal notices");
    let events = s.aws.published_events("AM-amended")?;
    ensure!(events.iter().any(|(t, e)| t == "Amendment Succeeded" && e["ticketId"] == "AM-amended"), "no result event");

    // The same ticket again changes nothing.
    let again = s.amend(&request.to_string(), |_| {}).await?;
    ensure!(again.execution_arn == outcome.execution_arn, "a second execution for the same ticket");

    // The team's last day.
    let off = json!({"domainName": d, "homeEfsFileSystem": "Delete", "ticket": {"id": "OFF-amended", "requester": "lead@example.com"}});
    let offboarded = s.offboard(&off.to_string(), |_| {}).await?;
    ensure!(offboarded.succeeded(), "{:?} {:?}", offboarded.error, offboarded.cause);
    ensure!(sm.describe_domain().domain_id(&id).send().await.is_err(), "the domain is still there");
    Ok(())
}

async fn amendment_keeping_a_removed_users_data_deletes_only_their_apps(s: &LocalSession) -> Result<()> {
    let d = "team-amended-keep";
    let (id, user) = onboarded(s, d, 3, 2).await?;
    let profile = onboarding_core::naming::user_profile_name(&user);
    use_studio(s, &id, &profile).await?;
    let request = json!({
        "domainName": d,
        "remove": {"users": [user]},
        "removedUserData": "Keep",
        "ticket": {"id": "AM-keep", "requester": "lead@example.com"},
    });
    let outcome = s.amend(&request.to_string(), |_| {}).await?;
    ensure!(outcome.succeeded(), "{:?} {:?}", outcome.error, outcome.cause);
    let sm = aws_sdk_sagemaker::Client::new(s.aws.sdk_config());
    ensure!(sm.list_spaces().domain_id_equals(&id).send().await?.spaces().len() == 1, "the private space was deleted");
    ensure!(sm.list_user_profiles().domain_id_equals(&id).send().await?.user_profiles().len() == 1, "the profile was deleted");
    let apps = sm.list_apps().domain_id_equals(&id).send().await?;
    ensure!(apps.apps().iter().all(|a| a.status().map(|s| s.as_str()) == Some("Deleted")), "{:?}", apps.apps());
    let notice = s.aws.emails_about(d)?.into_iter().find(|e| e.subject.contains("has ended")).context("no notice")?;
    ensure!(notice.body.contains("are kept"), "{}", notice.body);
    Ok(())
}
