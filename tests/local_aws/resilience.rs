//! Faults the workflow survives (the onboarding completes, nothing is created twice), faults that
//! end it cleanly (FAILED with a named error, the requester told), and load. Faults are injected
//! by the local AWS's router, per operation and matched to one test's requests.

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{ensure, Context, Result};
use aws_sdk_ec2::types::Filter;
use libtest_mimic::Trial;
use local_aws::SentEmail;
use onboard::execution::{Outcome, Step};
use onboard::local::LocalSession;
use serde_json::{json, Value};
use tests::Env;

use crate::local_test;

pub fn trials(env: &Arc<Env>) -> Vec<Trial> {
    vec![
        local_test!(env, survives_throttling_on_sagemaker),
        local_test!(env, survives_throttling_on_ec2),
        local_test!(env, survives_throttling_on_ses),
        local_test!(env, survives_throttling_on_identity_center),
        local_test!(env, survives_iam_propagation_when_creating_the_domain),
        local_test!(env, survives_assignment_conflicts),
        local_test!(env, survives_a_crashed_and_a_timed_out_function),
        local_test!(env, a_rerun_after_a_failure_reuses_what_exists),
        local_test!(env, polling_past_its_bound_fails_cleanly),
        local_test!(env, a_rejected_address_is_reported_and_the_others_are_invited),
        local_test!(env, permanent_errors_fail_fast),
        local_test!(env, a_rerun_after_a_failed_domain_replaces_it),
        local_test!(env, twenty_onboardings_at_once),
    ]
}

fn request(domain: &str) -> Value {
    json!({
        "domainName": domain,
        "ticket": {"id": format!("T-{domain}"), "requester": "lead@example.com"},
        "identityCenter": {"users": ["jane"], "groups": ["ml-team"]}
    })
}

async fn run(s: &LocalSession, request: &Value) -> Result<Outcome> {
    s.onboard(&request.to_string(), |_| {}).await
}

fn step<'a>(outcome: &'a Outcome, state: &str) -> Result<&'a Step> {
    outcome.steps.iter().rev().find(|st| st.state == state).with_context(|| format!("no {state} step"))
}

fn invitations(s: &LocalSession, domain: &str) -> Result<Vec<SentEmail>> {
    Ok(s.aws.emails_about(domain)?.into_iter().filter(|e| !e.subject.contains("failed")).collect())
}

/// Succeeded, and everything exists once: one domain, one role, one invitation per person.
async fn completed_once(s: &LocalSession, outcome: &Outcome, domain: &str, people: usize) -> Result<()> {
    ensure!(outcome.succeeded(), "{domain}: {} {:?} {:?}", outcome.status, outcome.error, outcome.cause);
    ensure!(s.aws.count_calls("sagemaker:CreateDomain", &format!("\"{domain}\""))? == 1, "{domain}: CreateDomain reached the service more than once");
    ensure!(s.aws.count_calls("iam:CreateRole", &format!("{domain}-execution"))? <= 1, "{domain}: the role was created twice");
    let list = aws_sdk_sagemaker::Client::new(s.aws.sdk_config()).list_domains().send().await?;
    ensure!(list.domains().iter().filter(|d| d.domain_name() == Some(domain)).count() == 1);
    let mut to: Vec<String> = invitations(s, domain)?.into_iter().flat_map(|e| e.destinations).collect();
    let all = to.len();
    to.sort();
    to.dedup();
    ensure!(to.len() == all && all == people, "{domain}: invitations to {to:?} ({all} sent)");
    Ok(())
}

async fn throttled(s: &LocalSession, domain: &str, op: &str, fault: Value, request: Value, state: &str) -> Result<()> {
    // Four failures: the SDK's own three attempts, then the definition's Retry for AwsThrottled.
    s.aws.inject_fault(op, 4, fault)?;
    let outcome = run(s, &request).await?;
    completed_once(s, &outcome, domain, 4).await?;
    let retried = &step(&outcome, state)?.retried;
    ensure!(retried.iter().all(|e| e == "AwsThrottled") && !retried.is_empty(), "{state} retried {retried:?}");
    Ok(())
}

async fn survives_throttling_on_sagemaker(s: &LocalSession) -> Result<()> {
    let d = "fault-sagemaker";
    throttled(
        s,
        d,
        "sagemaker:CreateDomain",
        json!({"status": 400, "code": "ThrottlingException", "message": "Rate exceeded", "match": d}),
        request(d),
        "CreateDomain",
    )
    .await
}

async fn survives_throttling_on_ec2(s: &LocalSession) -> Result<()> {
    // EC2 calls name the VPC, not the domain: this test uses a VPC of its own.
    let ec2 = aws_sdk_ec2::Client::new(s.aws.sdk_config());
    let vpc = ec2.create_vpc().cidr_block("10.40.0.0/16").send().await?.vpc().and_then(|v| v.vpc_id().map(str::to_string)).context("vpc")?;
    for (cidr, zone) in [("10.40.1.0/24", "us-east-1a"), ("10.40.2.0/24", "us-east-1b")] {
        ec2.create_subnet().vpc_id(&vpc).cidr_block(cidr).availability_zone(zone).send().await?;
    }
    let d = "fault-ec2";
    let mut r = request(d);
    r["network"] = json!({"vpcId": vpc});
    throttled(
        s,
        d,
        "ec2:DescribeSubnets",
        json!({"status": 503, "code": "RequestLimitExceeded", "message": "Request limit exceeded.", "match": vpc}),
        r,
        "DiscoverNetwork",
    )
    .await
}

async fn survives_throttling_on_ses(s: &LocalSession) -> Result<()> {
    let d = "fault-ses";
    throttled(
        s,
        d,
        "ses:SendEmail",
        json!({"status": 429, "code": "TooManyRequestsException", "message": "Maximum sending rate exceeded.", "match": d}),
        request(d),
        "SendInvitations",
    )
    .await
}

async fn survives_throttling_on_identity_center(s: &LocalSession) -> Result<()> {
    // Identity store calls name the user: this test has a user of its own.
    let store = aws_sdk_identitystore_client(s);
    let store_id = s.seeded.identity_store_id.clone();
    store
        .create_user()
        .identity_store_id(&store_id)
        .user_name("throttle-user")
        .display_name("Throttle User")
        .name(aws_sdk_identitystore::types::Name::builder().given_name("T").family_name("U").build())
        .emails(aws_sdk_identitystore::types::Email::builder().value("throttle-user@example.com").primary(true).build())
        .send()
        .await?;
    let d = "fault-identity";
    let mut r = request(d);
    r["identityCenter"] = json!({"users": ["throttle-user"], "groups": ["ml-team"]});
    throttled(
        s,
        d,
        "identitystore:GetUserId",
        json!({"status": 400, "code": "ThrottlingException", "message": "Rate exceeded", "match": "throttle-user"}),
        r,
        "ResolveIdentities",
    )
    .await
}

fn aws_sdk_identitystore_client(s: &LocalSession) -> aws_sdk_identitystore::Client {
    aws_sdk_identitystore::Client::new(s.aws.sdk_config())
}

async fn survives_iam_propagation_when_creating_the_domain(s: &LocalSession) -> Result<()> {
    let d = "fault-propagation";
    let message = format!("Could not assume role arn:aws:iam::123456789012:role/sagemaker-onboarding-{d}-execution. Please ensure that the role exists and allows principal 'sagemaker.amazonaws.com' to assume the role.");
    s.aws.inject_fault("sagemaker:CreateDomain", 2, json!({"status": 400, "code": "ValidationException", "message": message, "match": d}))?;
    let outcome = run(s, &request(d)).await?;
    completed_once(s, &outcome, d, 4).await?;
    ensure!(step(&outcome, "CreateDomain")?.retried == ["RoleNotAssumableYet", "RoleNotAssumableYet"]);
    Ok(())
}

async fn survives_assignment_conflicts(s: &LocalSession) -> Result<()> {
    let d = "fault-conflict";
    // Only the calls on this domain's application fail.
    s.aws.inject_fault(
        "sso:CreateApplicationAssignment",
        2,
        json!({"status": 400, "code": "ConflictException", "message": "Operation conflicts with a previous write", "matchDomain": d}),
    )?;
    let outcome = run(s, &request(d)).await?;
    ensure!(outcome.succeeded(), "{:?} {:?}", outcome.error, outcome.cause);
    ensure!(step(&outcome, "AssignAccess")?.retried == ["AssignmentConflict", "AssignmentConflict"], "{:?}", step(&outcome, "AssignAccess")?.retried);
    // jane's profile exists in this test's own domain.
    let domain_id = outcome.output.as_ref().and_then(|o| o["domainId"].as_str()).context("no domainId")?;
    let sagemaker = aws_sdk_sagemaker::Client::new(s.aws.sdk_config());
    let profile = sagemaker.describe_user_profile().domain_id(domain_id).user_profile_name("jane").send().await?;
    ensure!(profile.single_sign_on_user_value() == Some("jane"), "{profile:?}");
    Ok(())
}

async fn survives_a_crashed_and_a_timed_out_function(s: &LocalSession) -> Result<()> {
    let d = "fault-crash";
    s.aws.inject_fault(
        "lambda:Invoke:discover-network",
        1,
        json!({"lambdaError": "Runtime.ExitError", "message": "RequestId: 1 Error: Runtime exited with error: signal: killed", "match": d}),
    )?;
    s.aws.inject_fault(
        "lambda:Invoke:set-up-roles",
        1,
        json!({"lambdaError": "Sandbox.Timedout", "message": "Task timed out after 60.00 seconds", "match": d}),
    )?;
    let outcome = run(s, &request(d)).await?;
    completed_once(s, &outcome, d, 4).await?;
    ensure!(step(&outcome, "DiscoverNetwork")?.retried == ["Runtime.ExitError"]);
    ensure!(step(&outcome, "SetUpRoles")?.retried == ["Sandbox.Timedout"]);
    Ok(())
}

async fn a_rerun_after_a_failure_reuses_what_exists(s: &LocalSession) -> Result<()> {
    let d = "fault-rerun";
    // Creating the domain is refused once (a missing permission, later granted), after the role exists.
    s.aws.inject_fault(
        "lambda:Invoke:create-domain",
        1,
        json!({"lambdaError": "AwsAccessDenied", "message": "sagemaker:CreateDomain: AccessDeniedException", "match": d}),
    )?;
    let first = run(s, &request(d)).await?;
    ensure!(first.status == "FAILED" && first.error.as_deref() == Some("AwsAccessDenied"), "{:?}", first.error);
    ensure!(s.aws.count_calls("iam:CreateRole", &format!("{d}-execution"))? == 1, "the role was created before the failure");

    // The same request again: a new attempt of the same onboarding, which reuses the role.
    let second = run(s, &request(d)).await?;
    ensure!(second.execution_arn.ends_with("ticket-T-fault-rerun-attempt2"), "{}", second.execution_arn);
    completed_once(s, &second, d, 4).await?;
    ensure!(s.aws.count_calls("iam:CreateRole", &format!("{d}-execution"))? == 1, "the rerun created the role again");
    Ok(())
}

async fn polling_past_its_bound_fails_cleanly(s: &LocalSession) -> Result<()> {
    let d = "fault-slow";
    s.aws.configure(json!({"pendingPollsByName": {d: 100}}))?;
    let outcome = run(s, &request(d)).await?;
    ensure!(outcome.status == "FAILED" && outcome.error.as_deref() == Some("DomainPollingTimedOut"), "{:?}", outcome.error);
    let polls = outcome.steps.iter().filter(|st| st.state == "PollDomain").count();
    ensure!(polls == 8, "the local bound is 8 polls, saw {polls}");
    let notice = s.aws.emails_about(d)?.into_iter().find(|e| e.subject.contains("failed")).context("no failure e-mail")?;
    ensure!(notice.body.contains("DomainPollingTimedOut") && notice.destinations == ["lead@example.com"]);
    ensure!(invitations(s, d)?.is_empty());
    Ok(())
}

async fn a_rejected_address_is_reported_and_the_others_are_invited(s: &LocalSession) -> Result<()> {
    let d = "fault-rejected";
    let reason = "Email address is not verified. The following identities failed the check in region US-EAST-1: omar@example.com";
    s.aws.inject_fault("ses:SendEmail", 1, json!({"status": 400, "code": "MessageRejected", "message": reason, "match": [d, "omar@example.com"]}))?;
    let outcome = run(s, &request(d)).await?;
    ensure!(outcome.succeeded(), "{:?}", outcome.error);
    let summary = outcome.output.as_ref().context("summary")?;
    let rejected = &summary["invitations"]["rejected"];
    ensure!(rejected.as_array().map(Vec::len) == Some(1) && rejected[0]["recipient"] == "omar@example.com", "{rejected}");
    let mut to: Vec<String> = invitations(s, d)?.into_iter().flat_map(|e| e.destinations).collect();
    to.sort();
    ensure!(to == ["jane@example.com", "lead@example.com", "li@example.com"], "{to:?}");
    Ok(())
}

async fn permanent_errors_fail_fast(s: &LocalSession) -> Result<()> {
    let denied = "fault-denied";
    s.aws.inject_fault(
        "iam:CreateRole",
        1,
        json!({"status": 403, "code": "AccessDenied", "message": "User is not authorized to perform: iam:CreateRole", "match": denied}),
    )?;
    let kms = "fault-kms";
    s.aws.inject_fault("sagemaker:CreateDomain", 1, json!({"status": 400, "code": "ValidationException", "message": "KMS key arn:aws:kms:us-east-1:123456789012:key/gone does not exist or is not accessible", "match": kms}))?;
    let unassumable = "fault-unassumable";
    let iam = aws_sdk_iam::Client::new(s.aws.sdk_config());
    let trust = onboarding_core::policies::sagemaker_trust_policy().to_string();
    let role = iam.create_role().role_name("sagemaker-onboarding-team-owned-role").assume_role_policy_document(trust).send().await?;
    let role_arn = role.role().map(|r| r.arn().to_string()).context("role")?;
    s.aws.inject_fault("sagemaker:CreateDomain", 1, json!({"status": 400, "code": "ValidationException", "message": "Could not assume role arn:aws:iam::123456789012:role/sagemaker-onboarding-team-owned-role.", "match": unassumable}))?;
    let mut existing_role = request(unassumable);
    existing_role["executionRole"] = json!({"existingRoleArn": role_arn});

    let started = Instant::now();
    let (denied_request, kms_request) = (request(denied), request(kms));
    let (a, b, c) = tokio::join!(run(s, &denied_request), run(s, &kms_request), run(s, &existing_role));
    for (outcome, error, state) in [(a?, "AwsAccessDenied", "SetUpRoles"), (b?, "KmsKeyInvalid", "CreateDomain"), (c?, "RoleNotAssumable", "CreateDomain")] {
        ensure!(outcome.status == "FAILED" && outcome.error.as_deref() == Some(error), "expected {error}, got {:?}", outcome.error);
        let failed = step(&outcome, state)?;
        ensure!(failed.retried.is_empty(), "{error} was retried: {:?}", failed.retried);
    }
    // No retry waited: all three end within the time of one onboarding's few steps.
    ensure!(started.elapsed() < Duration::from_secs(60), "permanent errors took {:?}", started.elapsed());
    Ok(())
}

async fn twenty_onboardings_at_once(s: &LocalSession) -> Result<()> {
    let domains: Vec<String> = (1..=20).map(|i| format!("load-{i:02}")).collect();
    let started = Instant::now();
    let runs = domains.iter().map(|d| {
        let mut r = request(d);
        r["identityCenter"] = json!({"users": ["jane"]});
        async move { run(s, &r).await }
    });
    let outcomes = futures::future::join_all(runs).await;
    let wall = started.elapsed();
    println!("twenty onboardings at once: {:.1} s wall time", wall.as_secs_f64());
    let ec2 = aws_sdk_ec2::Client::new(s.aws.sdk_config());
    let default_vpc = ec2.describe_vpcs().filters(Filter::builder().name("is-default").values("true").build()).send().await?;
    let vpc = default_vpc.vpcs().first().and_then(|v| v.vpc_id()).context("default vpc")?.to_string();
    for (domain, outcome) in domains.iter().zip(outcomes) {
        let outcome = outcome?;
        completed_once(s, &outcome, domain, 2).await?;
        let summary = outcome.output.as_ref().context("summary")?;
        // No state crossed between executions: each summary speaks of its own domain and role.
        ensure!(summary["domainName"] == json!(domain) && summary["onboardingId"] == json!(format!("ticket-T-{domain}")));
        ensure!(summary["executionRoleArn"].as_str().is_some_and(|a| a.ends_with(&format!("role/sagemaker-onboarding-{domain}-execution"))));
        ensure!(summary["vpcId"] == json!(vpc));
        let to: Vec<String> = invitations(s, domain)?.into_iter().flat_map(|e| e.destinations).collect();
        ensure!(to.contains(&"jane@example.com".to_string()));
    }
    Ok(())
}

/// The first run's domain ends Failed; the rerun deletes it, waits while it is Deleting
/// (`DomainStillDeleting`, retried by the definition), creates a new one and completes.
async fn a_rerun_after_a_failed_domain_replaces_it(s: &LocalSession) -> Result<()> {
    let d = "rerun-failed";
    s.aws.configure(json!({"failDomains": {d: "no capacity in the zone"}}))?;
    let first = run(s, &request(d)).await?;
    ensure!(first.status == "FAILED" && first.error.as_deref() == Some("DomainFailed"), "{:?}", first.error);
    let sagemaker = aws_sdk_sagemaker::Client::new(s.aws.sdk_config());
    let listed = sagemaker.list_domains().send().await?;
    let failed = listed.domains().iter().find(|x| x.domain_name() == Some(d)).context("the failed domain is listed")?;
    ensure!(failed.status().map(|x| x.as_str()) == Some("Failed"), "{failed:?}");
    let failed_id = failed.domain_id().unwrap_or_default().to_string();

    s.aws.configure(json!({"failDomains": {d: null}}))?;
    let rerun = run(s, &request(d)).await?;
    ensure!(rerun.succeeded(), "{:?} {:?}", rerun.error, rerun.cause);
    let retried = &step(&rerun, "CreateDomain")?.retried;
    ensure!(!retried.is_empty() && retried.iter().all(|e| e == "DomainStillDeleting"), "CreateDomain retried {retried:?}");
    let new_id = rerun.output.as_ref().and_then(|o| o["domainId"].as_str()).context("no domainId")?;
    // moto derives a domain's id from its name, so the new domain has the old one's id: what
    // shows the replacement is one deletion and a second creation.
    ensure!(s.aws.count_calls("sagemaker:DeleteDomain", &failed_id)? == 1, "the failed domain was not deleted once");
    ensure!(s.aws.count_calls("sagemaker:CreateDomain", &format!("\"{d}\""))? == 2, "one domain per run");
    let listed = sagemaker.list_domains().send().await?;
    let named: Vec<_> = listed.domains().iter().filter(|x| x.domain_name() == Some(d)).filter_map(|x| x.domain_id()).collect();
    ensure!(named == [new_id], "domains named {d}: {named:?}");
    Ok(())
}
