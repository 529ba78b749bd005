//! The shared kernel every workflow stands on: the named errors, formats, naming, partitions,
//! the deployment's variables, the request envelope (ticket, notification, who asked), the
//! field-path problem machinery and the e-mails' common parts. It imports nothing above it.

pub mod config;
pub mod domain_ref;
pub mod email;
pub mod envelope;
pub mod errors;
pub mod formats;
#[cfg(feature = "lambda")]
pub mod http_api;
pub mod identity;
pub mod instance_types;
pub mod naming;
pub mod partition;
pub mod problems;
