//! Which IAM Identity Center instance an onboarding uses, and whether a domain's application
//! belongs to it.

use crate::kernel::errors::{ErrorName, OnboardingError};
use crate::ports::IdentityCenterInstance;

/// The instance to use among the region's active ones: the configured one, else the only one.
/// Several without a choice is an error that lists them, never a guess.
pub fn choose_instance(active: Vec<IdentityCenterInstance>, configured: Option<&str>, region: &str) -> Result<IdentityCenterInstance, OnboardingError> {
    let listed = || active.iter().map(|i| i.instance_arn.as_str()).collect::<Vec<_>>().join(", ");
    match configured {
        Some(arn) => active.iter().find(|i| i.instance_arn == arn).cloned().ok_or_else(|| {
            OnboardingError::new(
                ErrorName::IdentityCenterNotFound,
                format!(
                    "the configured Identity Center instance {arn} is not an active instance in {region} (active: {})",
                    if active.is_empty() { "none".to_string() } else { listed() }
                ),
            )
        }),
        None if active.len() > 1 => Err(OnboardingError::new(
            ErrorName::IdentityCenterAmbiguous,
            format!(
                "{} active Identity Center instances in {region}: {}; set the deployment's IdentityCenterInstanceArn to the one to use",
                active.len(),
                listed()
            ),
        )),
        None => active.into_iter().next().ok_or_else(|| {
            OnboardingError::new(
                ErrorName::IdentityCenterNotFound,
                format!("no active IAM Identity Center instance in {region}; enable Identity Center there first"),
            )
        }),
    }
}

/// The instance id an application ARN names (`arn:aws:sso::ACCOUNT:application/ssoins-X/apl-Y`).
fn application_instance(application_arn: &str) -> Option<&str> {
    application_arn.split(":application/").nth(1)?.split('/').next()
}

/// The instance id of an instance ARN (`arn:aws:sso:::instance/ssoins-X`).
fn instance_id(instance_arn: &str) -> Option<&str> {
    instance_arn.rsplit('/').next()
}

/// Fails unless the domain's application belongs to the instance the users were resolved in:
/// assignments made elsewhere would give nobody access.
pub fn check_application(application_arn: &str, instance_arn: &str) -> Result<(), OnboardingError> {
    match (application_instance(application_arn), instance_id(instance_arn)) {
        (Some(app), Some(instance)) if app == instance => Ok(()),
        _ => Err(OnboardingError::new(
            ErrorName::DomainApplicationMismatch,
            format!("the domain's Identity Center application {application_arn} does not belong to the instance {instance_arn} the users were resolved in"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn instance(id: &str) -> IdentityCenterInstance {
        IdentityCenterInstance { instance_arn: format!("arn:aws:sso:::instance/{id}"), identity_store_id: format!("d-{id}") }
    }

    #[test]
    fn the_only_active_instance_or_the_configured_one() {
        assert_eq!(choose_instance(vec![instance("ssoins-a")], None, "eu-west-1").expect("only").instance_arn, "arn:aws:sso:::instance/ssoins-a");
        let two = vec![instance("ssoins-a"), instance("ssoins-b")];
        let chosen = choose_instance(two.clone(), Some("arn:aws:sso:::instance/ssoins-b"), "eu-west-1").expect("configured");
        assert_eq!(chosen.identity_store_id, "d-ssoins-b");
        let ambiguous = choose_instance(two.clone(), None, "eu-west-1").expect_err("two");
        assert_eq!(ambiguous.name, ErrorName::IdentityCenterAmbiguous);
        assert!(ambiguous.message.contains("ssoins-a") && ambiguous.message.contains("ssoins-b"), "{}", ambiguous.message);
        let elsewhere = choose_instance(two, Some("arn:aws:sso:::instance/ssoins-c"), "eu-west-1").expect_err("not active");
        assert_eq!(elsewhere.name, ErrorName::IdentityCenterNotFound);
        assert_eq!(choose_instance(vec![], None, "eu-west-1").expect_err("none").name, ErrorName::IdentityCenterNotFound);
    }

    #[test]
    fn an_application_belongs_to_the_instance_its_arn_names() {
        let instance = "arn:aws:sso:::instance/ssoins-0123456789abcdef";
        assert!(check_application("arn:aws:sso::123456789012:application/ssoins-0123456789abcdef/apl-1", instance).is_ok());
        let other = check_application("arn:aws:sso::123456789012:application/ssoins-ffffffffffffffff/apl-1", instance).expect_err("other");
        assert_eq!(other.name, ErrorName::DomainApplicationMismatch);
        assert!(check_application("arn:aws:sagemaker::123456789012:sso/application/x/apl-x", instance).is_err());
    }
}
