//! The onboarding workflow: its request and validation rules, its state, and the decisions of its
//! steps (the network, the roles and their policies, the domain's specification, the Studio
//! settings and catalog).

pub mod domain_spec;
pub mod ide_rules;
pub mod identity_center;
pub mod managed_domain;
pub mod network;
pub mod policies;
pub mod request;
pub mod state;
pub mod studio_catalog;
pub mod validate;

/// The Studio settings of a request, and CreateDomain's terms: the SageMaker port's own types.
pub use crate::ports::{domain_terms as spec, studio_settings as ide_settings};
