//! Keeping an onboarded team in step with its Identity Center groups. A run (on a schedule, on
//! a membership change, or for one named domain) compares, for each domain the workflow created,
//! who has access through its assigned groups with who the invitation ledger says was invited:
//! new members get their invitation (the onboarding's own step), members who left are reported
//! to the domain's owner and, when the onboarding asked for it, removed from the domain (the
//! amendment's own step). A lease per team keeps two runs from working on one team at once.

pub mod compare;
pub mod report;
pub mod request;
pub mod state;
pub mod trigger;

pub use compare::{departed, not_yet_invited};
pub use request::{validate_reconciliation_json, validate_reconciliation_value, ReconciliationRequest};
pub use state::{Member, Reconciliation, TeamRef};
pub use trigger::{TeamList, Trigger};
