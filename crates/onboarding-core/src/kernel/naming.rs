//! Names and tags derived from the request, in one place so that every step (and every rerun)
//! derives the same ones.

use std::collections::BTreeMap;

use sha2::{Digest, Sha256};

use crate::kernel::envelope::WorkflowRequest;

/// Tag keys the workflow puts on what it creates; a rerun recognises its own resources by them.
pub const TAG_MANAGED_BY: &str = "sagemaker-onboarding:managed-by";
pub const TAG_DOMAIN: &str = "sagemaker-onboarding:domain";
pub const TAG_TICKET: &str = "sagemaker-onboarding:ticket";
/// The value of [`TAG_MANAGED_BY`].
pub const MANAGED_BY: &str = "sagemaker-onboarding";

/// Whether a resource with these tags was created by this workflow.
pub fn managed_by_workflow(tags: &Tags) -> bool {
    tags.get(TAG_MANAGED_BY).map(String::as_str) == Some(MANAGED_BY)
}

/// Whether a resource with these tags was created by this workflow for the domain `domain_name`.
pub fn created_for_domain(tags: &Tags, domain_name: &str) -> bool {
    managed_by_workflow(tags) && tags.get(TAG_DOMAIN).map(String::as_str) == Some(domain_name)
}
/// The prefix user tags may not use.
pub const RESERVED_TAG_PREFIX: &str = "sagemaker-onboarding:";
/// How many tags the workflow adds at most, out of the 50 a resource may carry.
pub const RESERVED_TAG_COUNT: usize = 5;

/// First 16 hex digits of SHA-256: short, stable digests for names and tags.
pub fn short_digest(bytes: &[u8]) -> String {
    let hash = Sha256::digest(bytes);
    hash.iter().take(8).map(|b| format!("{b:02x}")).collect()
}

/// The user profile name for an Identity Center user name (profile names allow only letters,
/// digits and single hyphens between them): `jane.doe@example.com` becomes `jane-doe-example-com`.
pub fn user_profile_name(user_name: &str) -> String {
    let mut out = String::with_capacity(user_name.len());
    for c in user_name.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    let mut out: String = out.chars().take(63).collect();
    while out.ends_with('-') {
        out.pop();
    }
    out
}

/// The name of a role the workflow creates: the deployment's prefix, then the requested name or
/// `<domainName>-<purpose>`, kept within IAM's 64 characters by a digest when too long.
pub fn role_name(prefix: &str, requested: Option<&str>, domain_name: &str, purpose: &str) -> String {
    let base = match requested {
        Some(name) => name.to_string(),
        None => format!("{domain_name}-{purpose}"),
    };
    let full = format!("{prefix}{base}");
    if full.len() <= 64 {
        return full;
    }
    let digest = short_digest(full.as_bytes());
    let keep = 64usize.saturating_sub(prefix.len() + 1 + 8);
    let head: String = base.chars().take(keep).collect();
    format!("{prefix}{head}-{}", &digest[..8])
}

/// The Step Functions execution name of any workflow's request: the ticket id when there is one,
/// otherwise a digest of the normalised request, so that the same request started twice is one
/// execution (each workflow has its own state machine, so their names do not meet).
pub fn execution_name<R: WorkflowRequest + serde::Serialize>(request: &R) -> String {
    match request.ticket() {
        Some(ticket) => format!("ticket-{}", ticket.id),
        None => {
            let canonical = serde_json::to_vec(request).unwrap_or_default();
            format!("request-{}-{}", request.domain_label().chars().take(40).collect::<String>(), short_digest(&canonical))
        }
    }
}

/// The ARN of an execution, from its state machine's ARN and its name.
pub fn execution_arn(state_machine_arn: &str, name: &str) -> String {
    format!("{}:{name}", state_machine_arn.replacen(":stateMachine:", ":execution:", 1))
}

/// An onboarding id as the API takes it: an execution name (1-80 of `A-Za-z0-9._-`).
pub fn is_onboarding_id(s: &str) -> bool {
    (1..=80).contains(&s.len()) && s.chars().all(|c| c.is_ascii_alphanumeric() || "._-".contains(c))
}

/// The execution name for a request of the workflow `R` as submitted, before any check: derived
/// from its ticket id (or a digest of the request), so that the same request started twice is one
/// execution. A request that does not even parse gets a digest of its text, and fails in the first
/// state.
pub fn execution_name_as_submitted<R>(request_json: &str) -> String
where
    R: serde::de::DeserializeOwned + serde::Serialize + WorkflowRequest,
{
    match serde_json::from_str::<R>(request_json) {
        Ok(request) if crate::kernel::formats::is_ticket_id(request.ticket().map(|t| t.id.as_str()).unwrap_or("x")) => execution_name(&request),
        _ => format!("unparsed-{}", short_digest(request_json.as_bytes())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernel::formats::is_sagemaker_name;
    use crate::onboarding::request::Ticket;
    use crate::OnboardingRequest;

    #[test]
    fn profile_names_follow_the_sagemaker_pattern() {
        assert_eq!(user_profile_name("jane.doe@example.com"), "jane-doe-example-com");
        assert_eq!(user_profile_name("__Bob__"), "bob");
        assert_eq!(user_profile_name("a..b"), "a-b");
        let long = user_profile_name(&"ab.".repeat(40));
        assert!(is_sagemaker_name(&long), "{long}");
        assert_eq!(user_profile_name("..."), "");
    }

    #[test]
    fn role_names_fit_iam() {
        assert_eq!(role_name("so-", None, "team-a", "execution"), "so-team-a-execution");
        assert_eq!(role_name("so-", Some("custom"), "team-a", "execution"), "so-custom");
        let long = role_name("sagemaker-onboarding-", None, &"d".repeat(63), "execution");
        assert!(long.len() <= 64 && long.starts_with("sagemaker-onboarding-"), "{long}");
        assert_eq!(long, role_name("sagemaker-onboarding-", None, &"d".repeat(63), "execution"));
        assert_ne!(long, role_name("sagemaker-onboarding-", None, &"d".repeat(63), "rstudio"));
    }

    #[test]
    fn execution_arns_and_ids() {
        assert_eq!(
            execution_arn("arn:aws:states:us-east-1:123456789012:stateMachine:onboarding", "ticket-OPS-1"),
            "arn:aws:states:us-east-1:123456789012:execution:onboarding:ticket-OPS-1"
        );
        assert!(is_onboarding_id("ticket-OPS-1") && !is_onboarding_id("a/b") && !is_onboarding_id(""));
    }

    #[test]
    fn execution_names_are_stable_and_short() {
        let mut r = OnboardingRequest { domain_name: "team-a".into(), ..Default::default() };
        let by_hash = execution_name(&r);
        assert!(by_hash.starts_with("request-team-a-") && by_hash.len() <= 80);
        assert_eq!(by_hash, execution_name(&r.clone()));
        r.ticket = Some(Ticket { id: "OPS-1".into(), requester: None });
        assert_eq!(execution_name(&r), "ticket-OPS-1");
    }
}

pub type Tags = BTreeMap<String, String>;
