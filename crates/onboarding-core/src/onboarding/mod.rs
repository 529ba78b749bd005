//! The onboarding workflow: its request and validation rules, its state, and the decisions of its
//! steps (the network, the roles and their policies, the domain's specification, the Studio
//! settings and catalog).

pub mod domain_spec;
pub mod ide_rules;
pub mod ide_settings;
pub mod identity_center;
pub mod managed_domain;
pub mod network;
pub mod policies;
pub mod request;
pub mod spec;
pub mod state;
pub mod studio_catalog;
pub mod validate;
