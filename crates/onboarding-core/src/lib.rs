//! The onboarding workflow's shared core: the request contract and its validation, the state that
//! flows through the state machine, the named errors, and the pure decisions each step makes.
//! Nothing here talks to AWS; the ports say what the steps need and `onboarding-aws` provides it.

pub mod amendment;
pub mod config;
pub mod domain_spec;
pub mod email;
pub mod errors;
#[cfg(feature = "fakes")]
pub mod fakes;
pub mod formats;
#[cfg(feature = "lambda")]
pub mod http_api;
pub mod ide_settings;
pub mod identity_center;
pub mod instance_types;
pub mod managed_domain;
pub mod naming;
pub mod network;
pub mod offboarding;
pub mod partition;
pub mod policies;
pub mod ports;
pub mod reconciliation;
pub mod request;
pub mod start;
pub mod state;
pub mod studio_catalog;
pub mod validate;

pub use errors::{ErrorName, OnboardingError};
pub use request::OnboardingRequest;
pub use state::OnboardingState;

/// The request's JSON Schema, generated from the Rust types.
pub fn request_schema() -> serde_json::Value {
    serde_json::to_value(schemars::schema_for!(OnboardingRequest)).unwrap_or_default()
}

/// The offboarding request's JSON Schema.
pub fn offboarding_request_schema() -> serde_json::Value {
    serde_json::to_value(schemars::schema_for!(offboarding::OffboardingRequest)).unwrap_or_default()
}

/// The amendment request's JSON Schema.
pub fn amendment_request_schema() -> serde_json::Value {
    serde_json::to_value(schemars::schema_for!(amendment::AmendmentRequest)).unwrap_or_default()
}

/// The JSON Schema of the reconciliation request.
pub fn reconciliation_request_schema() -> serde_json::Value {
    serde_json::to_value(schemars::schema_for!(reconciliation::ReconciliationRequest)).unwrap_or_default()
}
