//! `POST /plans`, `POST /amendment-plans` and `POST /offboarding-plans`: the dry runs of the
//! three workflows. The body is the request; the answer is what the workflow would do (200), the
//! request's problems (400), or the check that would fail it, with the workflow's error name
//! (422). Nothing is created or deleted.

mod amendment_plan;
mod offboarding_plan;
mod plan;

use aws_lambda_events::apigw::{ApiGatewayV2httpRequest, ApiGatewayV2httpResponse};
use lambda_runtime::LambdaEvent;
use onboarding_core::amendment::validate_amendment_json;
use onboarding_core::http_api::{body_text, json_response};
use onboarding_core::offboarding::validate_offboarding_json;
use onboarding_core::ports::{AssignmentPort, IamPort, IdentityCenterPort, LeftoverNetworkPort, NetworkPort, SageMakerPort, StudioCatalogPort, StudioPort};
use onboarding_core::request::WorkflowRequest;
use onboarding_core::validate::{validate_json, Problem, ValidationContext};
use onboarding_core::{ErrorName, OnboardingError, Workflow};
use serde_json::{json, Value};

pub use amendment_plan::plan_amendment;
pub use offboarding_plan::plan_offboarding;
pub use plan::{plan, Action, Deployment, PlanLine, Readers};

fn respond(status_code: i64, body: Value) -> ApiGatewayV2httpResponse {
    json_response(status_code, &body)
}

fn invalid(problems: &[Problem]) -> ApiGatewayV2httpResponse {
    respond(400, json!({ "message": "the request is not valid", "problems": problems }))
}

/// Errors that say the account would refuse the request are answers (422); an AWS API that
/// failed to answer is the function's error (API Gateway answers 500; the caller may retry).
fn answer(domain: &str, planned: Result<Vec<PlanLine>, OnboardingError>) -> Result<ApiGatewayV2httpResponse, OnboardingError> {
    match planned {
        Ok(lines) => Ok(respond(200, json!({ "domainName": domain, "plan": lines.iter().map(PlanLine::to_json).collect::<Vec<_>>() }))),
        // The dry run could not read: not an answer about the request.
        Err(e) if e.name.is_retryable() || matches!(e.name, ErrorName::AwsAccessDenied | ErrorName::AwsRequestFailed) => Err(e),
        Err(e) => Ok(respond(422, json!({ "domainName": domain, "error": e.name.as_str(), "message": e.message }))),
    }
}

pub async fn handler<I, N, R, S, A>(
    readers: Readers<'_, I, N, R, S, A>,
    deployment: &Deployment<'_>,
    validation: &ValidationContext,
    event: LambdaEvent<ApiGatewayV2httpRequest>,
) -> Result<ApiGatewayV2httpResponse, OnboardingError>
where
    I: IdentityCenterPort,
    N: NetworkPort + LeftoverNetworkPort,
    R: IamPort,
    S: SageMakerPort + StudioPort + StudioCatalogPort,
    A: AssignmentPort,
{
    let text = match body_text(&event.payload) {
        Ok(text) => text,
        Err(why) => return Ok(respond(400, json!({ "message": why }))),
    };
    // The route names the workflow (the registry's plan routes); any other is the onboarding's.
    let route = event.payload.route_key.as_deref().unwrap_or_default();
    let workflow = Workflow::ALL.into_iter().find(|w| w.facts().plan_route.is_some_and(|p| route == format!("POST {p}"))).unwrap_or(Workflow::Onboarding);
    if workflow == Workflow::Amendment {
        let request = match validate_amendment_json(&text, validation) {
            Ok(request) => request,
            Err(problems) => return Ok(invalid(&problems)),
        };
        let planned = plan_amendment(readers, deployment, validation, &request).await;
        return answer(request.domain_label(), planned);
    }
    if workflow == Workflow::Offboarding {
        let request = match validate_offboarding_json(&text, validation) {
            Ok(request) => request,
            Err(problems) => return Ok(invalid(&problems)),
        };
        let planned = plan_offboarding(readers, deployment.region, validation, &request).await;
        return answer(request.domain_label(), planned);
    }
    let request = match validate_json(&text, validation) {
        Ok(request) => request,
        Err(problems) => return Ok(invalid(&problems)),
    };
    let domain = request.domain_name.clone();
    answer(&domain, plan(readers, deployment, request).await)
}
