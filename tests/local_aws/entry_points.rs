//! The start function through the local AWS: API requests and ticket events start onboardings
//! that complete, duplicates start nothing twice, and the status endpoint tells how each went.

use std::sync::Arc;
use std::time::Duration;

use anyhow::{ensure, Context, Result};
use lambda_runtime::{Context as LambdaContext, LambdaEvent};
use libtest_mimic::Trial;
use onboard::execution::{self, Outcome};
use onboard::local::LocalSession;
use onboarding_aws::eventbridge::EventBridgeAdapter;
use onboarding_aws::step_functions::StepFunctionsAdapter;
use onboarding_core::naming::execution_arn;
use onboarding_core::Workflow;
use serde_json::{json, Value};
use start_workflow::Config;
use tests::Env;

use crate::local_test;

pub fn trials(env: &Arc<Env>) -> Vec<Trial> {
    vec![
        local_test!(env, an_api_request_starts_an_onboarding_that_completes),
        local_test!(env, a_ticket_event_delivered_three_times_is_one_onboarding),
        local_test!(env, the_status_of_a_failed_onboarding_says_why),
        local_test!(env, an_invalid_api_body_is_400_and_starts_nothing),
        local_test!(env, a_ticket_event_that_cannot_be_handled_is_kept_with_its_payload),
    ]
}

/// The start function with its real adapters on the local AWS, called as Lambda would.
pub(crate) struct Entry<'a> {
    session: &'a LocalSession,
    state_machines: std::collections::BTreeMap<Workflow, StepFunctionsAdapter>,
    events: EventBridgeAdapter,
    config: Config,
}

impl<'a> Entry<'a> {
    pub(crate) fn new(session: &'a LocalSession) -> Self {
        // Signed as the function: its calls are authorized by the function's policies.
        let signed = session.aws.sdk_config_as("start-workflow");
        let cfg = &signed;
        Entry {
            session,
            state_machines: session.state_machines.iter().map(|(w, arn)| (*w, StepFunctionsAdapter::from_config(cfg, arn))).collect(),
            events: EventBridgeAdapter::from_config(cfg, local_aws::deploy::LOCAL_EVENT_BUS, onboarding_core::config::EVENT_SOURCE_VALUE),
            config: Config {
                state_machines: session.state_machines.clone(),
                detail_types: Config::default_detail_types(),
                validation: local_aws::validation_context(),
            },
        }
    }

    pub(crate) async fn call(&self, payload: Value) -> Result<Value> {
        let workflows: start_workflow::Workflows<StepFunctionsAdapter> = self.state_machines.iter().map(|(w, adapter)| (*w, adapter)).collect();
        Ok(start_workflow::handler(&workflows, &self.events, &self.config, LambdaEvent::new(payload, LambdaContext::default())).await?)
    }

    async fn post(&self, request: &Value) -> Result<(u64, Value)> {
        let response = self.call(tests::api_event("POST /onboardings", None, Some(&request.to_string()), false)).await?;
        Ok((response["statusCode"].as_u64().unwrap_or(0), serde_json::from_str(response["body"].as_str().unwrap_or("{}"))?))
    }

    async fn status(&self, id: &str) -> Result<Value> {
        let response = self.call(tests::api_event("GET /onboardings/{id}", Some(id), None, false)).await?;
        ensure!(response["statusCode"] == 200, "status answered {response}");
        Ok(serde_json::from_str(response["body"].as_str().unwrap_or("{}"))?)
    }

    async fn follow(&self, id: &str) -> Result<Outcome> {
        execution::follow(&self.session.sfn, &execution_arn(self.session.arn(Workflow::Onboarding), id), Duration::from_millis(250), |_| {}).await
    }
}

fn request(domain: &str, ticket: &str) -> Value {
    json!({"domainName": domain, "ticket": {"id": ticket, "requester": "lead@example.com"}, "identityCenter": {"users": ["jane"], "groups": ["ml-team"]}})
}

fn events_for(s: &LocalSession, ticket: &str) -> Result<Vec<(String, Value)>> {
    Ok(s.aws.published_events(ticket)?.into_iter().filter(|(_, d)| d["ticketId"] == json!(ticket)).collect())
}

async fn an_api_request_starts_an_onboarding_that_completes(s: &LocalSession) -> Result<()> {
    s.aws.configure(json!({"pendingPollsByName": {"api-started": 3}}))?;
    let entry = Entry::new(s);
    let (status, body) = entry.post(&request("api-started", "API-1")).await?;
    ensure!(status == 202, "{status} {body}");
    let id = body["onboardingId"].as_str().context("id")?.to_string();
    ensure!(body["statusUrl"] == json!(format!("/onboardings/{id}")));

    // Right after the start no state may have been entered yet: the step appears shortly.
    let mut running = entry.status(&id).await?;
    for _ in 0..50 {
        if running["step"].is_string() || running["status"] != "RUNNING" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        running = entry.status(&id).await?;
    }
    ensure!(running["status"] == "RUNNING" && running["step"].is_string(), "{running}");

    let outcome = entry.follow(&id).await?;
    ensure!(outcome.succeeded(), "{:?}", outcome.error);
    let done = entry.status(&id).await?;
    let domain_id = outcome.output.as_ref().and_then(|o| o["domainId"].as_str()).context("no domainId")?;
    ensure!(done["status"] == "SUCCEEDED" && done["domainUrl"].as_str().is_some_and(|u| u.contains(domain_id)), "{done}");

    let events = events_for(s, "API-1")?;
    ensure!(events.len() == 1 && events[0].0 == "Onboarding Succeeded" && events[0].1["domainUrl"] == done["domainUrl"], "{events:?}");
    // Who asked: the SigV4 caller, in the summary, the result event and every e-mail.
    ensure!(outcome.output.as_ref().is_some_and(|o| o["requestedBy"] == tests::API_CALLER), "{:?}", outcome.output);
    ensure!(events[0].1["requestedBy"] == tests::API_CALLER, "{events:?}");
    let emails = s.aws.emails_about("api-started")?;
    ensure!(!emails.is_empty() && emails.iter().all(|e| e.body.contains(&format!("Requested by: {}", tests::API_CALLER))), "{emails:?}");
    Ok(())
}

async fn a_ticket_event_delivered_three_times_is_one_onboarding(s: &LocalSession) -> Result<()> {
    let entry = Entry::new(s);
    let event = json!({"version": "0", "detail-type": "Onboarding Requested", "source": "tickets", "account": "210987654321", "detail": request("ticket-started", "EVT-1")});
    let (a, b, c) = tokio::join!(entry.call(event.clone()), entry.call(event.clone()), entry.call(event.clone()));
    let results = [a?, b?, c?];
    ensure!(results.iter().all(|r| r["onboardingId"] == "ticket-EVT-1"), "{results:?}");
    // Step Functions answers a running execution of the same name and input with itself.
    let executions = s.sfn.list_executions().state_machine_arn(s.arn(Workflow::Onboarding)).send().await?;
    let named = executions.executions().iter().filter(|e| e.name() == "ticket-EVT-1").count();
    ensure!(named == 1, "{named} executions for one ticket");
    let outcome = entry.follow("ticket-EVT-1").await?;
    ensure!(outcome.succeeded(), "{:?}", outcome.error);

    let list = aws_sdk_sagemaker::Client::new(s.aws.sdk_config()).list_domains().send().await?;
    ensure!(list.domains().iter().filter(|d| d.domain_name() == Some("ticket-started")).count() == 1);
    let mut to: Vec<String> = s.aws.emails_about("ticket-started")?.into_iter().flat_map(|e| e.destinations).collect();
    to.sort();
    ensure!(to == ["jane@example.com", "lead@example.com", "li@example.com", "omar@example.com"], "{to:?}");
    let events = events_for(s, "EVT-1")?;
    ensure!(events.len() == 1 && events[0].1["requestedBy"] == "ticket event tickets from account 210987654321", "{events:?}");
    Ok(())
}

async fn the_status_of_a_failed_onboarding_says_why(s: &LocalSession) -> Result<()> {
    s.aws.configure(json!({"failDomains": {"api-failing": "EFS mount target quota reached"}}))?;
    let entry = Entry::new(s);
    let (status, body) = entry.post(&request("api-failing", "API-2")).await?;
    ensure!(status == 202, "{body}");
    let outcome = entry.follow("ticket-API-2").await?;
    ensure!(outcome.status == "FAILED");
    let failed = entry.status("ticket-API-2").await?;
    ensure!(failed["status"] == "FAILED" && failed["error"] == "DomainFailed", "{failed}");
    ensure!(failed["cause"].as_str().is_some_and(|c| c.contains("EFS mount target quota reached")), "{failed}");
    let events = events_for(s, "API-2")?;
    ensure!(
        events.len() == 1
            && events[0].0 == "Onboarding Failed"
            && events[0].1["error"] == "DomainFailed"
            && events[0].1["step"] == "WaitForDomain"
            && events[0].1["requestedBy"] == tests::API_CALLER,
        "{events:?}"
    );
    Ok(())
}

async fn an_invalid_api_body_is_400_and_starts_nothing(s: &LocalSession) -> Result<()> {
    let entry = Entry::new(s);
    let mut bad = request("api_invalid", "API-3");
    bad["storage"] = json!({"defaultSpaceSizeGb": 50, "maxSpaceSizeGb": 20});
    let (status, body) = entry.post(&bad).await?;
    ensure!(status == 400, "{status} {body}");
    let paths: Vec<&str> = body["problems"].as_array().into_iter().flatten().filter_map(|p| p["path"].as_str()).collect();
    ensure!(paths == ["domainName", "storage.defaultSpaceSizeGb"], "{paths:?}");
    let sfn = &s.sfn;
    let described = sfn.describe_execution().execution_arn(execution_arn(s.arn(Workflow::Onboarding), "ticket-API-3")).send().await;
    ensure!(described.is_err(), "an execution was started");

    let event = json!({"detail-type": "Onboarding Requested", "source": "tickets", "detail": bad});
    let result = entry.call(event).await?;
    ensure!(result["rejected"] == json!(true));
    let events = events_for(s, "API-3")?;
    ensure!(events.len() == 1 && events[0].0 == "Onboarding Failed" && events[0].1["error"] == "RequestInvalid", "{events:?}");
    Ok(())
}

/// EventBridge invokes the entry point asynchronously: when StartExecution is refused on every
/// attempt, Lambda's retries end and the event lands on the template's on-failure queue, whole.
async fn a_ticket_event_that_cannot_be_handled_is_kept_with_its_payload(s: &LocalSession) -> Result<()> {
    let denied = json!({"status": 400, "code": "AccessDeniedException", "message": "not authorized to perform states:StartExecution", "match": "EVT-KEPT"});
    s.aws.inject_fault("states:StartExecution", 3, denied)?;
    let event = json!({"version": "0", "detail-type": "Onboarding Requested", "source": "tickets", "account": "210987654321", "detail": request("ticket-kept", "EVT-KEPT")});
    let accepted = s.aws.invoke_async("start-workflow", &event)?;
    ensure!(accepted == 202, "asynchronous invocation answered {accepted}");

    let deadline = std::time::Instant::now() + Duration::from_secs(120);
    let record = loop {
        // Other tests' records may share the queue: this one is found by its ticket.
        let mine = s.aws.take_failed_invocation("TicketFailuresQueue", |r| r["requestPayload"]["detail"]["ticket"]["id"] == "EVT-KEPT").await?;
        if let Some(record) = mine {
            break record;
        }
        ensure!(std::time::Instant::now() < deadline, "no record of the failed ticket event on the on-failure queue");
        tokio::time::sleep(Duration::from_millis(500)).await;
    };
    ensure!(record["requestPayload"] == event, "the record does not carry the event as sent: {record}");
    ensure!(record["requestContext"]["condition"] == "RetriesExhausted" && record["requestContext"]["approximateInvokeCount"] == 3, "{record}");
    ensure!(record["responsePayload"]["errorType"] == "AwsAccessDenied", "{record}");
    let described = s.sfn.describe_execution().execution_arn(execution_arn(s.arn(Workflow::Onboarding), "ticket-EVT-KEPT")).send().await;
    ensure!(described.is_err(), "an execution was started");
    Ok(())
}
