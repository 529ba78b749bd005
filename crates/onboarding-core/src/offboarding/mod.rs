//! The last day of a team: the offboarding request, its state, and the decisions of its steps.
//!
//! Offboarding deletes, in the only order SageMaker accepts, everything the onboarding made for a
//! domain: the apps (waiting for each to be deleted), the spaces, the user profiles, the Identity
//! Center assignments, the domain itself with an explicit `RetentionPolicy` for its home EFS file
//! system, and the roles the workflow created for it. Then it reports what is gone, what was kept,
//! and what AWS created alongside the domain.

pub mod report;
pub mod request;
pub mod state;

/// The teardown the offboarding runs (shared with the amendment's and reconciliation's removals).
pub use crate::shared::teardown;

pub use request::{validate_offboarding_json, validate_offboarding_value, HomeEfsRetention, OffboardingRequest};
pub use state::OffboardingState;
