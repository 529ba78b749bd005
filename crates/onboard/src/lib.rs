//! The `onboard` command's library: following executions and running onboardings locally.

pub mod diagram;
pub mod execution;
pub mod local;

/// The execution name for a request of the workflow `R` as submitted (see
/// `onboarding_core::naming::execution_name_as_submitted`).
pub use onboarding_core::naming::execution_name_as_submitted as execution_name_for;
