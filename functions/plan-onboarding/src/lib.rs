//! `POST /plans`: the dry run of an onboarding. The body is the request; the answer is what the
//! onboarding would do (200), the request's problems (400), or the check that would fail it,
//! with the workflow's error name (422). Nothing is created.

mod plan;

use aws_lambda_events::apigw::{ApiGatewayV2httpRequest, ApiGatewayV2httpResponse};
use aws_lambda_events::encodings::Body;
use aws_lambda_events::http::header::{HeaderValue, CONTENT_TYPE};
use base64::Engine;
use lambda_runtime::LambdaEvent;
use onboarding_core::ports::{IamPort, IdentityCenterPort, NetworkPort, SageMakerPort};
use onboarding_core::validate::{validate_json, ValidationContext};
use onboarding_core::{ErrorName, OnboardingError};
use serde_json::{json, Value};

pub use plan::{plan, Action, Deployment, PlanLine, Readers};

fn respond(status_code: i64, body: Value) -> ApiGatewayV2httpResponse {
    let mut response = ApiGatewayV2httpResponse::default();
    response.status_code = status_code;
    response.headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response.body = Some(Body::Text(body.to_string()));
    response
}

fn body_text(request: &ApiGatewayV2httpRequest) -> Option<String> {
    let raw = request.body.clone().unwrap_or_default();
    if !request.is_base64_encoded {
        return Some(raw);
    }
    String::from_utf8(base64::engine::general_purpose::STANDARD.decode(raw.as_bytes()).ok()?).ok()
}

/// Errors that say the account would refuse the onboarding are answers (422); an AWS API that
/// failed to answer is the function's error (API Gateway answers 500; the caller may retry).
pub async fn handler<I: IdentityCenterPort, N: NetworkPort, R: IamPort, S: SageMakerPort>(
    readers: Readers<'_, I, N, R, S>,
    deployment: &Deployment<'_>,
    validation: &ValidationContext,
    event: LambdaEvent<ApiGatewayV2httpRequest>,
) -> Result<ApiGatewayV2httpResponse, OnboardingError> {
    let Some(text) = body_text(&event.payload) else {
        return Ok(respond(400, json!({ "message": "the body is not valid base64-encoded UTF-8" })));
    };
    let request = match validate_json(&text, validation) {
        Ok(request) => request,
        Err(problems) => return Ok(respond(400, json!({ "message": "the request is not valid", "problems": problems }))),
    };
    let domain = request.domain_name.clone();
    match plan(readers, deployment, request).await {
        Ok(lines) => Ok(respond(200, json!({ "domainName": domain, "plan": lines.iter().map(PlanLine::to_json).collect::<Vec<_>>() }))),
        // The dry run could not read: not an answer about the onboarding.
        Err(e) if e.name.is_retryable() || matches!(e.name, ErrorName::AwsAccessDenied | ErrorName::AwsRequestFailed) => Err(e),
        Err(e) => Ok(respond(422, json!({ "domainName": domain, "error": e.name.as_str(), "message": e.message }))),
    }
}
