//! Day two: amending an onboarded team's access. Added users and groups are assigned to the
//! domain's Identity Center application (added users get a user profile) and invited once (the
//! invitation ledger skips whoever an earlier run invited); removed ones lose their assignment,
//! removed users their apps (and, when the request says so, their private spaces and profile),
//! and each removed person is told.

pub mod request;
pub mod state;

pub use request::{validate_amendment_json, validate_amendment_value, AmendmentRequest, Principals, RemovedUserData};
pub use state::AmendmentState;
