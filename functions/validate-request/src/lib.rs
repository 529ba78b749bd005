//! The state machine's first state: checks the request (so that executions started from the
//! console get the same checks as the API) and turns it into the workflow state.

use lambda_runtime::LambdaEvent;
use onboarding_core::state::{OnboardingState, Settings};
use onboarding_core::validate::{problems_error, validate_value, ValidationContext};
use onboarding_core::OnboardingError;
use serde::Deserialize;

/// What the state machine passes: the request as submitted.
#[derive(Debug, Deserialize)]
pub struct ValidateInput {
    pub request: serde_json::Value,
}

/// The deployment facts validation depends on.
#[derive(Clone, Debug)]
pub struct Config {
    pub validation: ValidationContext,
    /// The region domains are created in (IAM Identity Center's).
    pub domain_region: String,
    /// The workflow's tunables, put into the state for the definition's Wait and the poll bound.
    pub settings: Settings,
}

pub async fn handler(config: &Config, event: LambdaEvent<ValidateInput>) -> Result<OnboardingState, OnboardingError> {
    let input = event.payload;
    let mut request = validate_value(&input.request, &config.validation).map_err(|problems| problems_error(&problems))?;
    request.region.get_or_insert_with(|| config.domain_region.clone());
    tracing::info!(domain = %request.domain_name, "request valid");
    let ticket_id = request.ticket.as_ref().map(|t| t.id.clone());
    Ok(OnboardingState { request, ticket_id, settings: config.settings.clone(), ..Default::default() })
}

#[cfg(test)]
mod tests {
    use super::*;
    use lambda_runtime::Context;
    use onboarding_core::ErrorName;
    use serde_json::json;

    fn config() -> Config {
        Config { validation: ValidationContext { role_name_prefix: "so-".into() }, domain_region: "us-east-1".into(), settings: Settings { poll_interval_seconds: 5, max_polls: 3 } }
    }

    async fn run(input: serde_json::Value) -> Result<OnboardingState, OnboardingError> {
        let input: ValidateInput = serde_json::from_value(input).expect("input");
        handler(&config(), LambdaEvent::new(input, Context::default())).await
    }

    #[tokio::test]
    async fn a_valid_request_becomes_the_state_with_defaults() {
        let state = run(json!({
            "request": {"domainName": "team-a", "identityCenter": {"users": ["jane"]}}
        }))
        .await
        .expect("valid");
        assert_eq!(state.request.region.as_deref(), Some("us-east-1"));
        assert_eq!(state.settings, Settings { poll_interval_seconds: 5, max_polls: 3 });
        assert_eq!(state.request.studio.jupyter_server.instance_type.as_deref(), Some("system"));
    }

    #[tokio::test]
    async fn an_invalid_request_is_request_invalid_with_every_path() {
        let e = run(json!({"request": {"domainName": "-bad", "identityCenter": {}, "storage": {"maxSpaceSizeGb": 20000}, "colour": 1}}))
            .await
            .expect_err("invalid");
        assert_eq!(e.name, ErrorName::RequestInvalid);
        for path in ["domainName", "identityCenter", "storage.maxSpaceSizeGb: 20000 is above 16384", "colour: unknown field"] {
            assert!(e.message.contains(path), "{path} missing from {}", e.message);
        }
    }
}
