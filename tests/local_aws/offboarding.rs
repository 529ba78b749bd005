//! A team's last day, through the offboarding state machine and the real functions: what exists
//! before and after, read back through the AWS APIs; the home file system kept or deleted as the
//! request says; a domain the workflow did not create refused by name; an app stuck deleting past
//! the bound, then a rerun that finishes. Each test offboards only the domain it onboarded.

use std::sync::Arc;

use anyhow::{ensure, Context, Result};
use libtest_mimic::Trial;
use onboard::execution::Outcome;
use onboard::local::LocalSession;
use serde_json::{json, Value};
use tests::Env;

use crate::local_test;
use crate::team::{onboarded, use_studio};

pub fn trials(env: &Arc<Env>) -> Vec<Trial> {
    vec![
        local_test!(env, offboarding_deletes_everything_of_a_used_domain),
        local_test!(env, offboarding_keeps_a_retained_home_file_system_and_its_security_groups),
        local_test!(env, offboarding_refuses_a_domain_the_workflow_did_not_create),
        local_test!(env, offboarding_fails_by_name_on_an_app_stuck_deleting_and_a_rerun_finishes),
        local_test!(env, offboarding_rides_out_throttling_and_a_crashed_step_deleting_each_thing_once),
        crate::trial("every_offboarding_example_runs_end_to_end", || every_offboarding_example_runs_end_to_end().map_err(crate::failed)),
    ]
}

fn offboarding(domain: &str, retention: &str, ticket: &str) -> Value {
    json!({"domainName": domain, "homeEfsFileSystem": retention, "ticket": {"id": ticket, "requester": "lead@example.com"}})
}

/// `examples/offboarding/NAME.json` for this test's domain and ticket.
fn example(name: &str, domain: &str, ticket: &str) -> Result<Value> {
    let mut request: Value = serde_json::from_str(&tests::read(&format!("examples/offboarding/{name}.json")))?;
    request["domainName"] = json!(domain);
    request["ticket"]["id"] = json!(ticket);
    Ok(request)
}

/// Every offboarding example runs in one of these tests.
fn every_offboarding_example_runs_end_to_end() -> Result<()> {
    tests::every_example_runs_in("tests/local_aws/offboarding.rs", "offboarding")
}

async fn offboard(s: &LocalSession, request: &Value) -> Result<Outcome> {
    s.offboard(&request.to_string(), |_| {}).await
}

/// The domain's NFS security groups that are still in the VPC.
async fn nfs_groups(s: &LocalSession, domain_id: &str) -> Result<Vec<String>> {
    let ec2 = aws_sdk_ec2::Client::new(s.aws.sdk_config());
    let names = [format!("security-group-for-inbound-nfs-{domain_id}"), format!("security-group-for-outbound-nfs-{domain_id}")];
    let out = ec2
        .describe_security_groups()
        .filters(aws_sdk_ec2::types::Filter::builder().name("group-name").set_values(Some(names.to_vec())).build())
        .send()
        .await?;
    Ok(out.security_groups().iter().filter_map(|g| g.group_id().map(str::to_string)).collect())
}

async fn offboarding_deletes_everything_of_a_used_domain(s: &LocalSession) -> Result<()> {
    let d = "team-offboarded";
    let (id, user) = onboarded(s, d, 2, 1).await?;
    let profile = onboarding_core::naming::user_profile_name(&user);
    use_studio(s, &id, &profile).await?;
    ensure!(nfs_groups(s, &id).await?.len() == 2, "CreateDomain made the NFS security groups");
    let role = format!("{}{d}-execution", local_aws::ROLE_NAME_PREFIX);
    let iam = aws_sdk_iam::Client::new(s.aws.sdk_config());
    ensure!(iam.get_role().role_name(&role).send().await.is_ok(), "the onboarding created {role}");

    let outcome = offboard(s, &example("delete-everything", d, "OFF-offboarded")?).await?;
    ensure!(outcome.succeeded(), "{:?} {:?}", outcome.error, outcome.cause);
    let summary = outcome.output.clone().context("summary")?;
    let deleted = &summary["deleted"];
    ensure!(deleted["appsDeleted"] == json!(2) && deleted["spacesDeleted"] == json!(1) && deleted["userProfilesDeleted"] == json!(1), "{deleted}");
    ensure!(summary["removedAccess"] == json!({"users": 1, "groups": 1}), "{}", summary["removedAccess"]);
    ensure!(summary["cleanup"]["rolesDeleted"] == json!([role]), "{}", summary["cleanup"]);

    // Through the AWS APIs: nothing of the domain is left.
    let sm = aws_sdk_sagemaker::Client::new(s.aws.sdk_config());
    let described = sm.describe_domain().domain_id(&id).send().await;
    ensure!(described.as_ref().err().and_then(|e| e.as_service_error()).is_some_and(|e| e.is_resource_not_found()), "the domain is still there: {described:?}");
    let apps = sm.list_apps().domain_id_equals(&id).send().await?;
    ensure!(apps.apps().iter().all(|a| a.status().map(|s| s.as_str()) == Some("Deleted")), "{:?}", apps.apps());
    ensure!(sm.list_spaces().domain_id_equals(&id).send().await?.spaces().is_empty());
    ensure!(sm.list_user_profiles().domain_id_equals(&id).send().await?.user_profiles().is_empty());
    ensure!(iam.get_role().role_name(&role).send().await.is_err(), "{role} is still there");
    ensure!(nfs_groups(s, &id).await?.is_empty(), "the NFS security groups are still there");
    let deletion = s.aws.recorded_matching("sagemaker:DeleteDomain", Some(&id))?.into_iter().next().context("no DeleteDomain")?;
    let deletion: Value = serde_json::from_str(&deletion)?;
    ensure!(deletion["RetentionPolicy"]["HomeEfsFileSystem"] == "Delete", "{deletion}");

    // The requester's report, and the result event.
    let reports: Vec<_> = s.aws.emails_about(d)?.into_iter().filter(|e| e.subject.ends_with(" offboarded")).collect();
    let mut to: Vec<String> = reports.iter().flat_map(|r| r.destinations.clone()).collect();
    to.sort();
    ensure!(to == ["finops@example.com", "lead@example.com"], "the requester and the extra recipient each get the report once: {reports:?}");
    ensure!(reports[0].body.contains("Apps: 2"), "{}", reports[0].body);
    let events = s.aws.published_events("OFF-offboarded")?;
    ensure!(events.iter().any(|(t, e)| t == "Offboarding Succeeded" && e["ticketId"] == "OFF-offboarded"), "no result event");

    // The same ticket again is the same offboarding: nothing runs twice.
    let again = offboard(s, &example("delete-everything", d, "OFF-offboarded")?).await?;
    ensure!(again.execution_arn == outcome.execution_arn, "a second execution for the same ticket");
    Ok(())
}

async fn offboarding_keeps_a_retained_home_file_system_and_its_security_groups(s: &LocalSession) -> Result<()> {
    let d = "team-retained";
    let (id, _) = onboarded(s, d, 2, 1).await?;
    let outcome = offboard(s, &example("keep-home", d, "OFF-retained")?).await?;
    ensure!(outcome.succeeded(), "{:?} {:?}", outcome.error, outcome.cause);
    let cleanup = &outcome.output.as_ref().context("summary")?["cleanup"];
    ensure!(cleanup["homeEfsFileSystemRetained"].as_str().is_some_and(|fs| fs.starts_with("fs-")), "{cleanup}");
    ensure!(cleanup["securityGroupsKept"].as_array().map(Vec::len) == Some(2), "{cleanup}");
    ensure!(cleanup["networkInterfacesLeft"].as_array().map(Vec::len) == Some(1), "{cleanup}");
    ensure!(nfs_groups(s, &id).await?.len() == 2, "the retained file system's groups were deleted");
    let deletion = s.aws.recorded_matching("sagemaker:DeleteDomain", Some(&id))?.into_iter().next().context("no DeleteDomain")?;
    ensure!(serde_json::from_str::<Value>(&deletion)?["RetentionPolicy"]["HomeEfsFileSystem"] == "Retain", "{deletion}");
    let report = s.aws.emails_about(d)?.into_iter().find(|e| e.subject.ends_with(" offboarded")).context("no report")?;
    ensure!(report.body.contains("retained as requested"), "{}", report.body);
    Ok(())
}

/// A domain created outside the workflow (no tags of its own); returns its id.
pub async fn domain_by_hand(s: &LocalSession, d: &str) -> Result<String> {
    let sm = aws_sdk_sagemaker::Client::new(s.aws.sdk_config());
    let ec2 = aws_sdk_ec2::Client::new(s.aws.sdk_config());
    let vpc = ec2.describe_vpcs().send().await?.vpcs().first().and_then(|v| v.vpc_id().map(str::to_string)).context("no VPC")?;
    let subnets = ec2.describe_subnets().filters(aws_sdk_ec2::types::Filter::builder().name("vpc-id").values(&vpc).build()).send().await?;
    let subnet = subnets.subnets().first().and_then(|s| s.subnet_id().map(str::to_string)).context("no subnet")?;
    let created = sm
        .create_domain()
        .domain_name(d)
        .auth_mode(aws_sdk_sagemaker::types::AuthMode::Sso)
        .vpc_id(&vpc)
        .subnet_ids(subnet)
        .default_user_settings(aws_sdk_sagemaker::types::UserSettings::builder().execution_role("arn:aws:iam::123456789012:role/someone-elses").build())
        .send()
        .await?;
    let id = created.domain_arn().and_then(|a| a.rsplit('/').next()).context("no id")?.to_string();
    Ok(id)
}

async fn offboarding_refuses_a_domain_the_workflow_did_not_create(s: &LocalSession) -> Result<()> {
    let d = "team-not-ours";
    let sm = aws_sdk_sagemaker::Client::new(s.aws.sdk_config());
    let id = domain_by_hand(s, d).await?;
    let outcome = offboard(s, &offboarding(d, "Delete", "OFF-not-ours")).await?;
    ensure!(outcome.error.as_deref() == Some("DomainNotManaged"), "{:?} {:?}", outcome.error, outcome.cause);
    ensure!(sm.describe_domain().domain_id(&id).send().await.is_ok(), "the domain was deleted");
    ensure!(s.aws.recorded_matching("sagemaker:DeleteDomain", Some(&id))?.is_empty(), "DeleteDomain was called");
    let notice = s.aws.emails_about(d)?.into_iter().find(|e| e.subject.contains("failed")).context("no failure notice")?;
    ensure!(notice.subject.contains("offboarding"), "{}", notice.subject);
    Ok(())
}

async fn offboarding_fails_by_name_on_an_app_stuck_deleting_and_a_rerun_finishes(s: &LocalSession) -> Result<()> {
    let d = "team-stuck-app";
    let (id, user) = onboarded(s, d, 2, 1).await?;
    let profile = onboarding_core::naming::user_profile_name(&user);
    use_studio(s, &id, &profile).await?;
    // The router's domain names are moto's (`d-` and the name): its apps stay Deleting.
    s.aws.configure(json!({"stuckApps": {d: true}}))?;
    let request = offboarding(d, "Delete", "OFF-stuck");
    let outcome = offboard(s, &request).await?;
    ensure!(outcome.error.as_deref() == Some("TeardownTimedOut"), "{:?} {:?}", outcome.error, outcome.cause);
    let sm = aws_sdk_sagemaker::Client::new(s.aws.sdk_config());
    ensure!(sm.describe_domain().domain_id(&id).send().await.is_ok(), "the domain went before its apps");
    ensure!(!sm.list_user_profiles().domain_id_equals(&id).send().await?.user_profiles().is_empty(), "profiles went before the apps");

    // The apps finish deleting; the same request again continues and finishes.
    s.aws.configure(json!({"stuckApps": {d: null}}))?;
    let rerun = offboard(s, &request).await?;
    ensure!(rerun.succeeded(), "{:?} {:?}", rerun.error, rerun.cause);
    ensure!(rerun.execution_arn != outcome.execution_arn, "the rerun is a new attempt");
    ensure!(sm.describe_domain().domain_id(&id).send().await.is_err(), "the domain is still there");
    Ok(())
}

async fn offboarding_rides_out_throttling_and_a_crashed_step_deleting_each_thing_once(s: &LocalSession) -> Result<()> {
    let d = "team-offboard-faults";
    let (id, user) = onboarded(s, d, 2, 1).await?;
    let profile = onboarding_core::naming::user_profile_name(&user);
    use_studio(s, &id, &profile).await?;
    // Four throttled DeleteApp calls: the SDK's three attempts, then the definition's Retry.
    s.aws.inject_fault("sagemaker:DeleteApp", 4, json!({"status": 400, "code": "ThrottlingException", "message": "Rate exceeded", "match": id}))?;
    // The clean-up step crashes once (its Lambda killed) before it does anything.
    s.aws.inject_fault(
        "lambda:Invoke:clean-up-leftovers",
        1,
        json!({"lambdaError": "Runtime.ExitError", "message": "Runtime exited with error: signal: killed", "match": d}),
    )?;
    let outcome = offboard(s, &offboarding(d, "Delete", "OFF-faults")).await?;
    ensure!(outcome.succeeded(), "{:?} {:?}", outcome.error, outcome.cause);
    let retried = |state: &str| outcome.steps.iter().filter(|st| st.state == state).flat_map(|st| st.retried.clone()).collect::<Vec<_>>();
    ensure!(retried("TearDownDomain").contains(&"AwsThrottled".to_string()), "TearDownDomain retried {:?}", retried("TearDownDomain"));
    ensure!(retried("CleanUpLeftovers") == ["Runtime.ExitError"], "CleanUpLeftovers retried {:?}", retried("CleanUpLeftovers"));
    ensure!(s.aws.count_calls("sagemaker:DeleteDomain", &id)? == 1, "DeleteDomain reached the service more than once");
    ensure!(s.aws.count_calls("iam:DeleteRole", &format!("{d}-execution"))? == 1, "the role was deleted more than once");
    let summary = outcome.output.as_ref().context("summary")?;
    ensure!(summary["deleted"]["appsDeleted"] == json!(2), "{}", summary["deleted"]);
    Ok(())
}
