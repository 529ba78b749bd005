//! `POST` and `GET .../{id}` of each workflow's collection in the registry (`/onboardings`,
//! `/amendments`, `/reconciliations`, `/offboardings`; API Gateway HTTP API, payload format 2.0,
//! in `aws_lambda_events`' types).

use aws_lambda_events::apigw::{ApiGatewayV2httpRequest, ApiGatewayV2httpResponse};
use onboarding_core::http_api::{body_text, json_response};
use onboarding_core::naming::{execution_arn, is_onboarding_id};
use onboarding_core::ports::WorkflowPort;
use onboarding_core::start::start_or_resume;
use onboarding_core::validate::Problem;
use onboarding_core::{OnboardingError, Workflow};
use serde_json::{json, Value};

use crate::{Config, Workflows};

/// The request API Gateway (HTTP API, payload format 2.0) sends for `route_key` (`METHOD /path`),
/// with `id` as the `{id}` path parameter: for callers that invoke the handler as API Gateway
/// does (the tests, the benchmarks).
pub fn api_request(route_key: &str, id: Option<&str>, body: Option<&str>, base64: bool) -> ApiGatewayV2httpRequest {
    let (method, path) = route_key.split_once(' ').unwrap_or(("GET", route_key));
    let mut request = ApiGatewayV2httpRequest::default();
    request.version = Some("2.0".into());
    request.route_key = Some(route_key.into());
    request.raw_path = Some(id.map_or(path.to_string(), |id| path.replace("{id}", id)));
    request.request_context.route_key = Some(route_key.into());
    request.request_context.http.method = method.parse().unwrap_or_default();
    request.request_context.http.path = request.raw_path.clone();
    if let Some(id) = id {
        request.path_parameters.insert("id".into(), id.into());
    }
    request.body = body.map(str::to_string);
    request.is_base64_encoded = base64;
    request
}

/// The IAM identity API Gateway authenticated the request as (its `AWS_IAM` authorizer).
pub fn caller(request: &ApiGatewayV2httpRequest) -> String {
    let iam = request.request_context.authorizer.as_ref().and_then(|a| a.iam.as_ref());
    iam.and_then(|i| i.user_arn.clone().or_else(|| i.caller_id.clone())).unwrap_or_else(|| "API caller (no IAM identity in the request)".into())
}

/// `request` as API Gateway sends it when `user_arn` signed it.
pub fn signed_by(mut request: ApiGatewayV2httpRequest, user_arn: &str) -> ApiGatewayV2httpRequest {
    let mut authorizer = aws_lambda_events::apigw::ApiGatewayRequestAuthorizer::default();
    let mut iam = aws_lambda_events::apigw::ApiGatewayRequestAuthorizerIamDescription::default();
    iam.user_arn = Some(user_arn.to_string());
    iam.account_id = user_arn.split(':').nth(4).map(str::to_string);
    authorizer.iam = Some(iam);
    request.request_context.authorizer = Some(authorizer);
    request
}

fn respond(status_code: i64, body: Value) -> ApiGatewayV2httpResponse {
    json_response(status_code, &body)
}

fn problems_body(problems: &[Problem]) -> Value {
    json!({ "message": "the request is not valid", "problems": problems })
}

pub async fn handle<W: WorkflowPort>(
    workflows: &Workflows<'_, W>,
    config: &Config,
    request: &ApiGatewayV2httpRequest,
) -> Result<ApiGatewayV2httpResponse, OnboardingError> {
    let route = request.route_key.as_deref().unwrap_or_default();
    let id = request.path_parameters.get("id").map(String::as_str).unwrap_or_default();
    for workflow in Workflow::ALL {
        let collection = workflow.facts().collection;
        if route == format!("POST {collection}") {
            return start(workflow, workflows, config, request).await;
        }
        if route == format!("GET {collection}/{{id}}") {
            return status(workflow, workflows, config, id).await;
        }
    }
    Ok(respond(404, json!({ "message": format!("no route {route}") })))
}

/// The body as text, with `requestedBy` set to the SigV4 caller API Gateway authenticated
/// (replacing anything the body says).
fn signed_body(request: &ApiGatewayV2httpRequest) -> Result<String, ApiGatewayV2httpResponse> {
    let text = body_text(request).map_err(|why| respond(400, json!({ "message": why })))?;
    Ok(match serde_json::from_str::<Value>(&text) {
        Ok(body) => crate::with_requester(&body, &caller(request)).to_string(),
        Err(_) => text,
    })
}

async fn start<W: WorkflowPort>(
    workflow: Workflow,
    workflows: &Workflows<'_, W>,
    config: &Config,
    request: &ApiGatewayV2httpRequest,
) -> Result<ApiGatewayV2httpResponse, OnboardingError> {
    let text = match signed_body(request) {
        Ok(text) => text,
        Err(response) => return Ok(response),
    };
    let base = match workflow.check(&text, &config.validation) {
        Ok(name) => name,
        Err(problems) => return Ok(respond(400, problems_body(&problems))),
    };
    // The state machine gets the request as submitted, as from the console: its first state checks it again.
    let (name, started) = start_or_resume(crate::port(workflows, workflow)?, &base, &text).await?;
    tracing::info!(workflow = workflow.noun(), execution = %name, existing = started.existing, "requested");
    let status = if started.existing { 200 } else { 202 };
    Ok(respond(status, json!({ workflow.id_key(): name, "existing": started.existing, "statusUrl": format!("{}/{name}", workflow.facts().collection) })))
}

async fn status<W: WorkflowPort>(
    workflow: Workflow,
    workflows: &Workflows<'_, W>,
    config: &Config,
    id: &str,
) -> Result<ApiGatewayV2httpResponse, OnboardingError> {
    let noun = workflow.noun();
    if !is_onboarding_id(id) {
        let article = if noun.starts_with(['a', 'e', 'i', 'o', 'u']) { "an" } else { "a" };
        return Ok(respond(400, json!({ "message": format!("{article} {noun} id is 1-80 of letters, digits, '.', '_' and '-'") })));
    }
    let Some(view) = crate::port(workflows, workflow)?.describe(&execution_arn(config.state_machine_arn(workflow)?, id)).await? else {
        return Ok(respond(404, json!({ "message": format!("no {noun} {id}") })));
    };
    let output: Value = view.output.as_deref().and_then(|o| serde_json::from_str(o).ok()).unwrap_or(Value::Null);
    let mut body = json!({ workflow.id_key(): id, "status": view.status });
    if view.status == "RUNNING" {
        body["step"] = json!(view.current_state);
    }
    if let Some(url) = output["domainUrl"].as_str() {
        body["domainUrl"] = json!(url);
        body["domainId"] = output["domainId"].clone();
    }
    if workflow != Workflow::Onboarding && output.is_object() {
        // What was deleted, kept and left: the report's content.
        body["summary"] = output;
    }
    if let Some(error) = view.error {
        body["error"] = json!(error);
        body["cause"] = json!(cause_message(view.cause.as_deref().unwrap_or_default()));
        body["step"] = json!(view.current_state);
    }
    Ok(respond(200, body))
}

/// A Lambda error's cause is its `{errorType, errorMessage}` JSON; people want the message.
fn cause_message(cause: &str) -> String {
    serde_json::from_str::<Value>(cause).ok().and_then(|v| v["errorMessage"].as_str().map(str::to_string)).unwrap_or_else(|| cause.to_string())
}
