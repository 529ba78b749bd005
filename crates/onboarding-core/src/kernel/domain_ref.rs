//! The checks every request about an existing domain shares: how it names the domain, and its
//! ticket, e-mail settings and who asked.

use crate::kernel::envelope::{Notification, Ticket, WorkflowRequest, MAX_REQUESTED_BY};
use crate::kernel::formats::{is_domain_id, is_email, is_region, is_sagemaker_name, is_ticket_id};
use crate::kernel::problems::{check_notification_of, Problems, ValidationContext};

/// A request about an existing domain names it by `domainName` or `domainId` (one of them).
pub(crate) fn check_existing_domain(name: &Option<String>, id: &Option<String>, region: &Option<String>, p: &mut Problems) {
    match (name, id) {
        (None, None) => p.add("domainName", "name the domain (domainName or domainId)"),
        (Some(_), Some(_)) => p.add("domainId", "give domainName or domainId, not both"),
        (Some(name), None) => {
            p.check(is_sagemaker_name(name), "domainName", "may hold only letters, digits and hyphens (1-63), starting and ending with a letter or digit")
        }
        (None, Some(id)) => p.check(is_domain_id(id), "domainId", "is not a domain id such as d-abcdef123456"),
    }
    if let Some(region) = region {
        p.check(is_region(region), "region", format!("{region:?} is not a region name such as us-east-1"));
    }
}

/// The ticket, the e-mail settings and who asked, as every workflow's request carries them.
fn check_ticket_and_mail(ticket: Option<&Ticket>, notification: &Notification, requested_by: Option<&str>, ctx: &ValidationContext, p: &mut Problems) {
    if let Some(ticket) = ticket {
        p.check(is_ticket_id(&ticket.id), "ticket.id", "must be 1-64 characters of letters, digits, '.', '_' and '-'");
        if let Some(requester) = &ticket.requester {
            p.check(is_email(requester), "ticket.requester", "is not an e-mail address");
        }
    }
    check_notification_of(notification, ctx, p);
    if let Some(who) = requested_by {
        p.check(
            !who.is_empty() && who.len() <= MAX_REQUESTED_BY && !who.chars().any(char::is_control),
            "requestedBy",
            format!("must be 1-{MAX_REQUESTED_BY} characters, without control characters"),
        );
    }
}

/// The envelope of any workflow's request: its ticket, e-mail settings and who asked.
pub(crate) fn check_envelope(r: &impl WorkflowRequest, ctx: &ValidationContext, p: &mut Problems) {
    check_ticket_and_mail(r.ticket(), r.notification(), r.requested_by(), ctx, p);
}
