//! The core of every workflow, in layers (a test in `tests/dependency_rules.rs` holds them):
//!
//! - `kernel`: the named errors, formats, naming, the request envelope, the field-path problems;
//! - `ports`: what the steps need from AWS (`onboarding-aws` provides it), with CreateDomain's
//!   terms, and `fakes` for tests;
//! - `shared`: what several workflows' steps share (the teardown);
//! - one module per workflow (`onboarding`, `amendment`, `reconciliation`, `offboarding`): its
//!   request and validation, its state, and the decisions of its steps;
//! - `workflow`: the registry of workflows, above them all.
//!
//! Nothing here talks to AWS.

#[cfg(feature = "fakes")]
pub mod fakes;
pub mod kernel;
pub mod ports;
pub mod shared;

pub mod amendment;
pub mod offboarding;
pub mod onboarding;
pub mod reconciliation;

pub mod start;
pub mod workflow;

// The paths the functions and the adapters use.
#[cfg(feature = "lambda")]
pub use kernel::http_api;
pub use kernel::{config, email, errors, formats, instance_types, naming, partition};
pub use onboarding::{domain_spec, ide_settings, identity_center, managed_domain, network, policies, request, state, studio_catalog, validate};

pub use kernel::errors::{ErrorName, OnboardingError};
pub use onboarding::request::OnboardingRequest;
pub use onboarding::state::OnboardingState;
pub use workflow::Workflow;
