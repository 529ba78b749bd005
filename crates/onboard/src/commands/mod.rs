//! One module per group of subcommands; `main.rs` parses the command line and dispatches.

pub(crate) use super::*;

pub mod checks;
pub mod deployed;
pub mod drawings;
pub mod local;
pub mod print;

pub(crate) use deployed::sdk_config;
pub(crate) use print::{cause_message, print_emails, print_outcome, print_path, print_step};
