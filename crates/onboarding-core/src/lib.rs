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
pub mod workflow;

pub use errors::{ErrorName, OnboardingError};
pub use request::OnboardingRequest;
pub use state::OnboardingState;
pub use workflow::Workflow;
