//! The entry point's handler with in-memory fakes, and the OpenAPI document against it.

use lambda_runtime::LambdaEvent;
use onboarding_core::validate::ValidationContext;
use onboarding_core::Workflow;
use serde_json::Value;
use start_workflow::{every_workflow_on, handler, Config};

const OFFBOARDING_REQUESTED: &str = Workflow::Offboarding.facts().requested_detail_type;
const RECONCILIATION_REQUESTED: &str = Workflow::Reconciliation.facts().requested_detail_type;

const CALLER: &str = "arn:aws:sts::123456789012:assumed-role/ticket-bridge/session";

/// What API Gateway sends for `route_key`, signed by `CALLER`, as JSON.
fn api_event(route_key: &str, id: Option<&str>, body: Option<&str>, base64: bool) -> Value {
    serde_json::to_value(start_workflow::signed_by(start_workflow::api_request(route_key, id, body, base64), CALLER)).unwrap_or_default()
}

const SM: &str = "arn:aws:states:us-east-1:123456789012:stateMachine:onboarding";
const OFF: &str = "arn:aws:states:us-east-1:123456789012:stateMachine:offboarding";
const AMEND: &str = "arn:aws:states:us-east-1:123456789012:stateMachine:amendment";
const RECONCILE: &str = "arn:aws:states:us-east-1:123456789012:stateMachine:reconciliation";

fn config() -> Config {
    let arns = [(Workflow::Onboarding, SM), (Workflow::Offboarding, OFF), (Workflow::Amendment, AMEND), (Workflow::Reconciliation, RECONCILE)];
    Config {
        state_machines: arns.into_iter().map(|(w, arn)| (w, arn.to_string())).collect(),
        detail_types: Config::default_detail_types(),
        validation: ValidationContext::new("so-"),
    }
}

mod handler {
    use super::*;
    use lambda_runtime::Context;
    use onboarding_core::fakes::FakeAws;
    use onboarding_core::ports::ExecutionView;
    use serde_json::json;

    pub(crate) fn fake() -> FakeAws {
        let fake = FakeAws::new();
        fake.world().state_machine_arn = SM.into();
        fake
    }

    pub(crate) async fn call(fake: &FakeAws, payload: Value) -> Value {
        handler(&every_workflow_on(fake), fake, &config(), LambdaEvent::new(payload, Context::default())).await.expect("handled")
    }

    fn post(body: &Value) -> Value {
        api_event("POST /onboardings", None, Some(&body.to_string()), false)
    }

    fn get(id: &str) -> Value {
        api_event("GET /onboardings/{id}", Some(id), None, false)
    }

    fn body(response: &Value) -> Value {
        serde_json::from_str(response["body"].as_str().unwrap_or("{}")).unwrap_or_default()
    }

    fn request() -> Value {
        json!({"domainName": "team-a", "ticket": {"id": "OPS-1"}, "identityCenter": {"users": ["jane"]}})
    }

    #[tokio::test]
    async fn post_starts_once_per_ticket() {
        let fake = fake();
        let first = call(&fake, post(&request())).await;
        assert_eq!(first["statusCode"], 202);
        assert_eq!(body(&first)["onboardingId"], "ticket-OPS-1");
        assert_eq!(body(&first)["statusUrl"], "/onboardings/ticket-OPS-1");
        let again = call(&fake, post(&request())).await;
        assert_eq!((again["statusCode"].as_u64(), body(&again)["existing"].as_bool()), (Some(200), Some(true)));
        assert_eq!(fake.world().executions.len(), 1);
    }

    #[tokio::test]
    async fn an_invalid_body_is_400_with_every_path_and_starts_nothing() {
        let fake = fake();
        let response = call(&fake, post(&json!({"domainName": "-x", "storage": {"maxSpaceSizeGb": 20000}}))).await;
        assert_eq!(response["statusCode"], 400);
        let paths: Vec<String> = body(&response)["problems"].as_array().into_iter().flatten().filter_map(|p| p["path"].as_str().map(str::to_string)).collect();
        assert!(
            paths.contains(&"domainName".into()) && paths.contains(&"identityCenter".into()) && paths.contains(&"storage.maxSpaceSizeGb".into()),
            "{paths:?}"
        );
        let not_json = call(&fake, api_event("POST /onboardings", None, Some("{not json"), false)).await;
        assert_eq!(not_json["statusCode"], 400);
        assert!(fake.world().executions.is_empty());
    }

    #[tokio::test]
    async fn base64_bodies_are_decoded() {
        use base64::Engine;
        let fake = fake();
        let encoded = base64::engine::general_purpose::STANDARD.encode(request().to_string());
        let response = call(&fake, api_event("POST /onboardings", None, Some(&encoded), true)).await;
        assert_eq!(response["statusCode"], 202);
    }

    #[tokio::test]
    async fn status_reports_running_succeeded_failed_and_unknown() {
        let fake = fake();
        call(&fake, post(&request())).await;
        let running = body(&call(&fake, get("ticket-OPS-1")).await);
        assert_eq!((running["status"].as_str(), running["step"].as_str()), (Some("RUNNING"), Some("Validate")));

        let arn = onboarding_core::naming::execution_arn(SM, "ticket-OPS-1");
        fake.world().executions.get_mut(&arn).expect("execution").1 = ExecutionView {
            status: "SUCCEEDED".into(),
            output: Some(json!({"domainId": "d-1", "domainUrl": "https://d-1.studio"}).to_string()),
            error: None,
            cause: None,
            current_state: Some("Onboarded".into()),
        };
        let done = body(&call(&fake, get("ticket-OPS-1")).await);
        assert_eq!((done["status"].as_str(), done["domainUrl"].as_str()), (Some("SUCCEEDED"), Some("https://d-1.studio")));

        fake.world().executions.get_mut(&arn).expect("execution").1 = ExecutionView {
            status: "FAILED".into(),
            output: None,
            error: Some("DomainFailed".into()),
            cause: Some(json!({"errorType": "DomainFailed", "errorMessage": "no capacity"}).to_string()),
            current_state: Some("OnboardingFailed".into()),
        };
        let failed = body(&call(&fake, get("ticket-OPS-1")).await);
        assert_eq!((failed["error"].as_str(), failed["cause"].as_str()), (Some("DomainFailed"), Some("no capacity")));

        assert_eq!(call(&fake, get("nope")).await["statusCode"], 404);
        assert_eq!(call(&fake, get("a/b")).await["statusCode"], 400);
        assert_eq!(call(&fake, api_event("DELETE /onboardings/{id}", Some("x"), None, false)).await["statusCode"], 404);
    }

    #[tokio::test]
    async fn events_start_once_and_invalid_ones_are_reported_back() {
        let fake = fake();
        let event = json!({"detail-type": "Onboarding Requested", "source": "tickets", "detail": request()});
        for _ in 0..3 {
            call(&fake, event.clone()).await;
        }
        assert_eq!(fake.world().executions.len(), 1);

        let invalid = json!({"detail-type": "Onboarding Requested", "source": "tickets", "detail": {"domainName": "x", "ticket": {"id": "OPS-2"}}});
        let result = call(&fake, invalid).await;
        assert_eq!(result["rejected"], true);
        let w = fake.world();
        assert_eq!(w.executions.len(), 1);
        assert_eq!(w.events[0].0, "Onboarding Failed");
        assert_eq!((w.events[0].1["ticketId"].as_str(), w.events[0].1["error"].as_str()), (Some("OPS-2"), Some("RequestInvalid")));
    }

    /// The execution input (the request) of the only execution.
    fn started_input(fake: &FakeAws) -> Value {
        let w = fake.world();
        assert_eq!(w.executions.len(), 1);
        w.executions.values().next().map(|(input, _)| serde_json::from_str(input).unwrap_or_default()).unwrap_or_default()
    }

    #[tokio::test]
    async fn the_api_caller_is_recorded_as_who_asked_whatever_the_body_says() {
        let fake = fake();
        let mut forged = request();
        forged["requestedBy"] = json!("arn:aws:iam::123456789012:role/someone-else");
        assert_eq!(call(&fake, post(&forged)).await["statusCode"], 202);
        assert_eq!(started_input(&fake)["requestedBy"], CALLER);
    }

    #[tokio::test]
    async fn a_ticket_event_is_recorded_with_its_source_and_account() {
        let fake = fake();
        let event = json!({"detail-type": "Onboarding Requested", "source": "tickets", "account": "210987654321", "detail": request()});
        call(&fake, event).await;
        assert_eq!(started_input(&fake)["requestedBy"], "ticket event tickets from account 210987654321");
    }

    #[tokio::test]
    async fn throttling_surfaces_for_the_caller_to_retry() {
        let fake = fake();
        fake.fail_next("StartExecution", onboarding_core::ErrorName::AwsThrottled, 1);
        let e = handler(&every_workflow_on(&fake), &fake, &config(), LambdaEvent::new(post(&request()), Context::default())).await.expect_err("throttled");
        assert_eq!(e.name, onboarding_core::ErrorName::AwsThrottled);
    }
}

/// The OpenAPI document in `infra/openapi.json` describes what the handler does.
mod openapi {
    use super::*;
    use lambda_runtime::Context;
    use onboarding_core::fakes::FakeAws;
    use serde_json::json;

    fn document() -> Value {
        let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../infra/openapi.json")).expect("openapi.json");
        serde_json::from_str(&text).expect("JSON")
    }

    /// Checks a body against a schema of the document: required properties, property types, enums.
    fn conforms(doc: &Value, schema: &Value, body: &Value) -> Result<(), String> {
        let schema = match schema["$ref"].as_str() {
            Some(r) => &doc["components"]["schemas"][r.rsplit('/').next().unwrap_or_default()],
            None => schema,
        };
        for key in schema["required"].as_array().into_iter().flatten().filter_map(Value::as_str) {
            if body.get(key).is_none() {
                return Err(format!("{key} missing from {body}"));
            }
        }
        for (key, prop) in schema["properties"].as_object().into_iter().flatten() {
            let Some(value) = body.get(key).filter(|v| !v.is_null()) else { continue };
            let ok = match prop["type"].as_str() {
                Some("string") => value.is_string(),
                Some("boolean") => value.is_boolean(),
                Some("array") => value.as_array().is_some_and(|items| items.iter().all(|i| conforms(doc, &prop["items"], i).is_ok())),
                Some("object") => value.is_object(),
                _ => true,
            };
            let in_enum = prop["enum"].as_array().is_none_or(|e| e.contains(value));
            if !ok || !in_enum {
                return Err(format!("{key} = {value} does not fit {prop}"));
            }
        }
        Ok(())
    }

    async fn check(fake: &FakeAws, doc: &Value, path: &str, method: &str, event: Value) -> u16 {
        let config = Config { validation: ValidationContext::new(""), ..config() };
        let response = handler(&every_workflow_on(fake), fake, &config, LambdaEvent::new(event, Context::default())).await.expect("handled");
        let status = response["statusCode"].as_u64().expect("status") as u16;
        let documented = &doc["paths"][path][method]["responses"][status.to_string()];
        assert!(documented.is_object(), "{method} {path} answered {status}, which the document does not list");
        let body: Value = serde_json::from_str(response["body"].as_str().expect("body")).expect("JSON body");
        conforms(doc, &documented["content"]["application/json"]["schema"], &body).unwrap_or_else(|e| panic!("{method} {path} {status}: {e}"));
        status
    }

    #[tokio::test]
    async fn every_route_and_answer_is_documented() {
        let doc = document();
        let fake = FakeAws::new();
        fake.world().state_machine_arn = "arn:aws:states:us-east-1:123456789012:stateMachine:onboarding".into();
        let routes: Vec<String> = doc["paths"]
            .as_object()
            .expect("paths")
            .iter()
            .flat_map(|(p, ops)| ops.as_object().into_iter().flatten().map(move |(m, _)| format!("{} {p}", m.to_uppercase())))
            .filter(|route| ["/onboardings", "/offboardings", "/amendments", "/reconciliations"].iter().any(|p| route.contains(p)))
            .collect();
        // The entry point's routes (the plans are the dry run's function: its own tests).
        assert_eq!(
            routes,
            vec![
                "POST /onboardings",
                "GET /onboardings/{id}",
                "POST /offboardings",
                "GET /offboardings/{id}",
                "POST /amendments",
                "GET /amendments/{id}",
                "POST /reconciliations",
                "GET /reconciliations/{id}"
            ]
        );

        let request = json!({"domainName": "team-a", "ticket": {"id": "OPS-1"}, "identityCenter": {"users": ["jane"]}}).to_string();
        let post = |body: &str| api_event("POST /onboardings", None, Some(body), false);
        let get = |id: &str| api_event("GET /onboardings/{id}", Some(id), None, false);
        let mut seen = vec![
            check(&fake, &doc, "/onboardings", "post", post(&request)).await,
            check(&fake, &doc, "/onboardings", "post", post(&request)).await,
            check(&fake, &doc, "/onboardings", "post", post("{\"domainName\": 1}")).await,
        ];
        seen.sort();
        assert_eq!(seen, vec![200, 202, 400]);
        let mut seen = vec![
            check(&fake, &doc, "/onboardings/{id}", "get", get("ticket-OPS-1")).await,
            check(&fake, &doc, "/onboardings/{id}", "get", get("nope")).await,
            check(&fake, &doc, "/onboardings/{id}", "get", get("a b")).await,
        ];
        seen.sort();
        assert_eq!(seen, vec![200, 400, 404]);

        // The offboarding's routes, against the offboarding state machine.
        let fake = FakeAws::new();
        fake.world().state_machine_arn = OFF.into();
        let request = json!({"domainName": "team-a", "homeEfsFileSystem": "Retain", "ticket": {"id": "OFF-1"}}).to_string();
        let post = |body: &str| api_event("POST /offboardings", None, Some(body), false);
        let get = |id: &str| api_event("GET /offboardings/{id}", Some(id), None, false);
        let mut seen = vec![
            check(&fake, &doc, "/offboardings", "post", post(&request)).await,
            check(&fake, &doc, "/offboardings", "post", post(&request)).await,
            check(&fake, &doc, "/offboardings", "post", post("{\"domainName\": \"team-a\"}")).await,
            check(&fake, &doc, "/offboardings/{id}", "get", get("ticket-OFF-1")).await,
            check(&fake, &doc, "/offboardings/{id}", "get", get("nope")).await,
        ];
        seen.sort();
        assert_eq!(seen, vec![200, 200, 202, 400, 404]);
        let input: Value = serde_json::from_str(&fake.world().executions.values().next().expect("started").0).expect("input");
        assert_eq!(input["requestedBy"], CALLER, "the caller is who asked");

        // The amendment's routes, against the amendment state machine.
        let fake = FakeAws::new();
        fake.world().state_machine_arn = AMEND.into();
        let request = json!({"domainName": "team-a", "add": {"groups": ["data-eng"]}, "ticket": {"id": "AM-1"}}).to_string();
        let post = |body: &str| api_event("POST /amendments", None, Some(body), false);
        let get = |id: &str| api_event("GET /amendments/{id}", Some(id), None, false);
        let mut seen = vec![
            check(&fake, &doc, "/amendments", "post", post(&request)).await,
            check(&fake, &doc, "/amendments", "post", post("{\"domainName\": \"team-a\"}")).await,
            check(&fake, &doc, "/amendments/{id}", "get", get("ticket-AM-1")).await,
            check(&fake, &doc, "/amendments/{id}", "get", get("nope")).await,
        ];
        seen.sort();
        assert_eq!(seen, vec![200, 202, 400, 404]);

        // The reconciliation's routes, against the reconciliation state machine.
        let fake = FakeAws::new();
        fake.world().state_machine_arn = RECONCILE.into();
        let post = |body: &str| api_event("POST /reconciliations", None, Some(body), false);
        let get = |id: &str| api_event("GET /reconciliations/{id}", Some(id), None, false);
        let mut seen = vec![
            check(&fake, &doc, "/reconciliations", "post", post("{\"domainName\": \"team-a\", \"ticket\": {\"id\": \"REC-1\"}}")).await,
            check(&fake, &doc, "/reconciliations", "post", post("{\"domainName\": \"team a\"}")).await,
            check(&fake, &doc, "/reconciliations/{id}", "get", get("ticket-REC-1")).await,
            check(&fake, &doc, "/reconciliations/{id}", "get", get("nope")).await,
        ];
        seen.sort();
        assert_eq!(seen, vec![200, 202, 400, 404]);
    }

    #[tokio::test]
    async fn a_reconciliation_ticket_event_starts_a_reconciliation() {
        use crate::handler::{call, fake};
        let fake = fake();
        let event = |detail: Value| json!({"version": "0", "id": "e-1", "detail-type": RECONCILIATION_REQUESTED, "source": "tickets", "account": "123456789012", "time": "2026-12-01T00:00:00Z", "region": "us-east-1", "resources": [], "detail": detail});
        let out = call(&fake, event(json!({"domainName": "team-a", "ticket": {"id": "REC-7"}}))).await;
        assert_eq!(out["onboardingId"], "ticket-REC-7");
        let out = call(&fake, event(json!({"domainName": "team a", "ticket": {"id": "REC-8"}}))).await;
        assert_eq!(out["rejected"], true);
        assert_eq!(fake.world().events[0].0, "Reconciliation Failed");
    }

    #[tokio::test]
    async fn an_offboarding_ticket_event_starts_an_offboarding_and_a_bad_one_is_answered() {
        use crate::handler::{call, fake};
        let fake = fake();
        let event = |detail: Value| json!({"version": "0", "id": "e-1", "detail-type": OFFBOARDING_REQUESTED, "source": "tickets", "account": "123456789012", "time": "2026-12-01T00:00:00Z", "region": "us-east-1", "resources": [], "detail": detail});
        let out = call(&fake, event(json!({"domainName": "team-a", "homeEfsFileSystem": "Delete", "ticket": {"id": "OFF-7"}}))).await;
        assert_eq!(out["onboardingId"], "ticket-OFF-7");
        let out = call(&fake, event(json!({"domainName": "team-a", "ticket": {"id": "OFF-8"}}))).await;
        assert_eq!(out["rejected"], true);
        let w = fake.world();
        assert_eq!(w.events[0].0, "Offboarding Failed");
        assert!(w.events[0].1["cause"].as_str().unwrap_or_default().contains("homeEfsFileSystem"));
    }
}
