//! The state machine's first state: checks the request (so that executions started from the
//! console get the same checks as the API) and turns it into the workflow state.

use lambda_runtime::LambdaEvent;
use onboarding_core::request::STARTED_DIRECTLY;
pub use onboarding_core::state::RequestInput;
use onboarding_core::state::{OnboardingState, Settings};
use onboarding_core::validate::{problems_error, validate_value, ValidationContext};
use onboarding_core::OnboardingError;

/// The deployment facts validation depends on.
#[derive(Clone, Debug)]
pub struct Config {
    pub validation: ValidationContext,
    /// The region domains are created in (IAM Identity Center's).
    pub domain_region: String,
    /// The workflow's tunables, put into the state for the definition's Wait and the poll bound.
    pub settings: Settings,
}

pub async fn handler(config: &Config, event: LambdaEvent<RequestInput>) -> Result<OnboardingState, OnboardingError> {
    let input = event.payload;
    let mut request = validate_value(&input.request, &config.validation).map_err(|problems| problems_error(&problems))?;
    request.region.get_or_insert_with(|| config.domain_region.clone());
    // Always present for the definition's summary and result events.
    request.requested_by.get_or_insert_with(|| STARTED_DIRECTLY.to_string());
    tracing::info!(domain = %request.domain_name, "request valid");
    let ticket_id = request.ticket.as_ref().map(|t| t.id.clone());
    let team = Some(onboarding_core::state::team_record(&request));
    Ok(OnboardingState { request, ticket_id, settings: config.settings.clone(), team, ..Default::default() })
}
