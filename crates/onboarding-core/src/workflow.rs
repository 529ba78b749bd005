//! The registry of workflows: the one list of what this project runs, and each workflow's facts
//! (its API routes, ticket detail types, definition, state machine variable, request schema and
//! validation). The entry point, the dry runs, failure notices, the CLI, the local deployment and
//! the template's tests read it; a new workflow is its own module plus one entry here.

use serde::{Deserialize, Serialize};

use crate::kernel::config;
use crate::kernel::naming::execution_name;
use crate::onboarding::validate::{Problem, ValidationContext};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Workflow {
    Onboarding,
    Amendment,
    Reconciliation,
    Offboarding,
}

/// What tells a workflow apart, outside its own steps.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Facts {
    /// The noun in messages, routes and answers: `onboarding`.
    pub noun: &'static str,
    /// The API's collection (`POST` starts one, `GET .../{id}` reads one): `/onboardings`.
    pub collection: &'static str,
    /// The API's dry run, when the workflow has one: `/plans`.
    pub plan_route: Option<&'static str>,
    /// The detail-type of ticket events that ask for one, unless the deployment says otherwise.
    pub requested_detail_type: &'static str,
    /// The variable a deployment sets the requested detail-type with (none: the onboarding takes
    /// every ticket event the others do not).
    pub detail_type_variable: Option<&'static str>,
    /// The detail-type of the result event when the request is refused or the workflow fails.
    pub failed_detail_type: &'static str,
    /// The definition, from the project root.
    pub definition: &'static str,
    /// The entry point's variable holding the state machine's ARN.
    pub state_machine_arn_variable: &'static str,
    /// The state machine's logical id in `infra/template.yaml`.
    pub template_resource: &'static str,
    /// The state machine's name in the local deployment.
    pub local_state_machine: &'static str,
}

const ONBOARDING: Facts = Facts {
    noun: "onboarding",
    collection: "/onboardings",
    plan_route: Some("/plans"),
    requested_detail_type: "Onboarding Requested",
    detail_type_variable: None,
    failed_detail_type: "Onboarding Failed",
    definition: "statemachine/onboarding.asl.json",
    state_machine_arn_variable: config::STATE_MACHINE_ARN,
    template_resource: "OnboardingStateMachine",
    local_state_machine: "sagemaker-onboarding",
};

const AMENDMENT: Facts = Facts {
    noun: "amendment",
    collection: "/amendments",
    plan_route: Some("/amendment-plans"),
    requested_detail_type: "Access Amendment Requested",
    detail_type_variable: Some(config::AMENDMENT_DETAIL_TYPE),
    failed_detail_type: "Amendment Failed",
    definition: "statemachine/amendment.asl.json",
    state_machine_arn_variable: config::AMENDMENT_STATE_MACHINE_ARN,
    template_resource: "AmendmentStateMachine",
    local_state_machine: "sagemaker-amendment",
};

const RECONCILIATION: Facts = Facts {
    noun: "reconciliation",
    collection: "/reconciliations",
    plan_route: None,
    requested_detail_type: "Team Reconciliation Requested",
    detail_type_variable: Some(config::RECONCILIATION_DETAIL_TYPE),
    failed_detail_type: "Reconciliation Failed",
    definition: "statemachine/reconciliation.asl.json",
    state_machine_arn_variable: config::RECONCILIATION_STATE_MACHINE_ARN,
    template_resource: "ReconciliationStateMachine",
    local_state_machine: "sagemaker-reconciliation",
};

const OFFBOARDING: Facts = Facts {
    noun: "offboarding",
    collection: "/offboardings",
    plan_route: Some("/offboarding-plans"),
    requested_detail_type: "Offboarding Requested",
    detail_type_variable: Some(config::OFFBOARDING_DETAIL_TYPE),
    failed_detail_type: "Offboarding Failed",
    definition: "statemachine/offboarding.asl.json",
    state_machine_arn_variable: config::OFFBOARDING_STATE_MACHINE_ARN,
    template_resource: "OffboardingStateMachine",
    local_state_machine: "sagemaker-offboarding",
};

impl Workflow {
    pub const ALL: [Workflow; 4] = [Workflow::Onboarding, Workflow::Amendment, Workflow::Reconciliation, Workflow::Offboarding];

    pub const fn facts(self) -> &'static Facts {
        match self {
            Workflow::Onboarding => &ONBOARDING,
            Workflow::Amendment => &AMENDMENT,
            Workflow::Reconciliation => &RECONCILIATION,
            Workflow::Offboarding => &OFFBOARDING,
        }
    }

    pub const fn noun(self) -> &'static str {
        self.facts().noun
    }

    /// The workflow a noun names (`onboarding`, ...).
    pub fn named(noun: &str) -> Option<Workflow> {
        Workflow::ALL.into_iter().find(|w| w.noun() == noun)
    }

    /// The key of the execution's id in answers: `onboardingId`.
    pub fn id_key(self) -> String {
        format!("{}Id", self.noun())
    }

    /// Checks a request of this workflow as every entry point does; its execution name (after
    /// the ticket, else a digest of the normalised request) when it is valid.
    pub fn check(self, text: &str, ctx: &ValidationContext) -> Result<String, Vec<Problem>> {
        match self {
            Workflow::Onboarding => crate::onboarding::validate::validate_json(text, ctx).map(|r| execution_name(&r)),
            Workflow::Amendment => crate::amendment::validate_amendment_json(text, ctx).map(|r| execution_name(&r)),
            Workflow::Reconciliation => crate::reconciliation::validate_reconciliation_json(text, ctx).map(|r| execution_name(&r)),
            Workflow::Offboarding => crate::offboarding::validate_offboarding_json(text, ctx).map(|r| execution_name(&r)),
        }
    }

    /// The execution name of a request as submitted, unchecked (a start that lets the first state
    /// refuse it, as the console's does): after its ticket, else a digest.
    pub fn execution_name_as_submitted(self, text: &str) -> String {
        use crate::kernel::naming::execution_name_as_submitted as named;
        match self {
            Workflow::Onboarding => named::<crate::onboarding::request::OnboardingRequest>(text),
            Workflow::Amendment => named::<crate::amendment::AmendmentRequest>(text),
            Workflow::Reconciliation => named::<crate::reconciliation::ReconciliationRequest>(text),
            Workflow::Offboarding => named::<crate::offboarding::OffboardingRequest>(text),
        }
    }

    /// The request's JSON Schema, generated from the Rust types.
    pub fn request_schema(self) -> serde_json::Value {
        let schema = match self {
            Workflow::Onboarding => schemars::schema_for!(crate::onboarding::request::OnboardingRequest),
            Workflow::Amendment => schemars::schema_for!(crate::amendment::AmendmentRequest),
            Workflow::Reconciliation => schemars::schema_for!(crate::reconciliation::ReconciliationRequest),
            Workflow::Offboarding => schemars::schema_for!(crate::offboarding::OffboardingRequest),
        };
        serde_json::to_value(schema).unwrap_or_default()
    }
}

impl std::fmt::Display for Workflow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.noun())
    }
}

impl std::str::FromStr for Workflow {
    type Err = String;

    fn from_str(noun: &str) -> Result<Self, Self::Err> {
        let known: Vec<&str> = Workflow::ALL.iter().map(|w| w.noun()).collect();
        Workflow::named(noun).ok_or_else(|| format!("no workflow {noun:?}: one of {}", known.join(", ")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_fact_belongs_to_one_workflow() {
        let distinct = |f: fn(&Facts) -> String| {
            let values: std::collections::BTreeSet<String> = Workflow::ALL.iter().map(|w| f(w.facts())).collect();
            values.len() == Workflow::ALL.len()
        };
        assert!(distinct(|f| f.noun.to_string()));
        assert!(distinct(|f| f.collection.to_string()));
        assert!(distinct(|f| f.requested_detail_type.to_string()));
        assert!(distinct(|f| f.failed_detail_type.to_string()));
        assert!(distinct(|f| f.definition.to_string()));
        assert!(distinct(|f| f.state_machine_arn_variable.to_string()));
        assert!(distinct(|f| f.template_resource.to_string()));
        assert!(distinct(|f| f.local_state_machine.to_string()));
        for workflow in Workflow::ALL {
            assert_eq!(workflow.noun().parse::<Workflow>(), Ok(workflow));
            assert_eq!(serde_json::to_value(workflow).ok(), Some(serde_json::Value::String(workflow.noun().into())));
            assert_eq!(workflow.facts().collection, format!("/{}s", workflow.noun()));
            assert!(workflow.request_schema()["properties"].is_object(), "{workflow}: no schema");
        }
        assert!("nothing".parse::<Workflow>().is_err());
    }
}
