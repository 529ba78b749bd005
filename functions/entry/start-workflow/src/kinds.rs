//! The four workflows the entry point starts, and what tells them apart: their routes, the ids
//! in answers, their state machines, their requests' validation and execution names.

use onboarding_core::amendment::validate_amendment_json;
use onboarding_core::naming::execution_name;
use onboarding_core::offboarding::validate_offboarding_json;
use onboarding_core::reconciliation::validate_reconciliation_json;
use onboarding_core::validate::{validate_json, Problem};

use crate::{Config, Workflows};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Onboarding,
    Offboarding,
    Amendment,
    Reconciliation,
}

impl Kind {
    pub const ALL: [Kind; 4] = [Kind::Onboarding, Kind::Offboarding, Kind::Amendment, Kind::Reconciliation];

    /// The noun in messages.
    pub fn noun(self) -> &'static str {
        match self {
            Kind::Onboarding => "onboarding",
            Kind::Offboarding => "offboarding",
            Kind::Amendment => "amendment",
            Kind::Reconciliation => "reconciliation",
        }
    }

    /// The key of the execution's id in answers (`onboardingId`, ...).
    pub fn id_key(self) -> String {
        format!("{}Id", self.noun())
    }

    /// The API's collection: `/onboardings`, `/offboardings`, `/amendments`, `/reconciliations`.
    pub fn path(self) -> String {
        format!("/{}s", self.noun())
    }

    /// The detail-type of the result event of a request refused before it starts.
    pub fn failed_detail_type(self) -> &'static str {
        match self {
            Kind::Onboarding => "Onboarding Failed",
            Kind::Offboarding => "Offboarding Failed",
            Kind::Amendment => "Amendment Failed",
            Kind::Reconciliation => "Reconciliation Failed",
        }
    }

    pub fn workflow<'a, W>(self, workflows: &Workflows<'a, W>) -> &'a W {
        match self {
            Kind::Onboarding => workflows.onboarding,
            Kind::Offboarding => workflows.offboarding,
            Kind::Amendment => workflows.amendment,
            Kind::Reconciliation => workflows.reconciliation,
        }
    }

    pub fn state_machine_arn(self, config: &Config) -> &str {
        match self {
            Kind::Onboarding => &config.state_machine_arn,
            Kind::Offboarding => &config.offboarding_state_machine_arn,
            Kind::Amendment => &config.amendment_state_machine_arn,
            Kind::Reconciliation => &config.reconciliation_state_machine_arn,
        }
    }

    /// Validates a request of this kind; its execution name when it is valid.
    pub fn check(self, text: &str, config: &Config) -> Result<String, Vec<Problem>> {
        let ctx = &config.validation;
        match self {
            Kind::Onboarding => validate_json(text, ctx).map(|r| execution_name(&r)),
            Kind::Offboarding => validate_offboarding_json(text, ctx).map(|r| execution_name(&r)),
            Kind::Amendment => validate_amendment_json(text, ctx).map(|r| execution_name(&r)),
            Kind::Reconciliation => validate_reconciliation_json(text, ctx).map(|r| execution_name(&r)),
        }
    }
}
