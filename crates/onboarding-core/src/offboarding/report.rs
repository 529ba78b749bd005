//! The offboarding report e-mail: what was deleted, what was kept and why, and what AWS left in
//! the VPC. Everything that came from a request or an API is escaped in the HTML part.

use crate::kernel::email::{escape_html, one_line};
use crate::kernel::envelope::WorkflowRequest;
use crate::offboarding::state::{Cleanup, Kept, OffboardingState, RemovedAccess, Teardown};
use crate::ports::Email;

/// The report's lines, grouped: (heading, lines). The text and HTML parts render the same lines.
pub fn report_sections(state: &OffboardingState) -> Vec<(&'static str, Vec<String>)> {
    let access = state.access.clone().unwrap_or_default();
    let teardown = state.teardown.clone().unwrap_or_default();
    let cleanup = state.cleanup.clone().unwrap_or_default();
    let target = state.target.clone().unwrap_or_default();
    vec![
        ("Deleted", deleted_lines(&target.domain_id, &access, &teardown, &cleanup)),
        ("Kept", kept_lines(&cleanup)),
        ("Left in the VPC by AWS", left_lines(&cleanup)),
    ]
}

fn deleted_lines(domain_id: &str, access: &RemovedAccess, t: &Teardown, c: &Cleanup) -> Vec<String> {
    let mut lines = vec![
        format!("Apps: {}", t.apps_deleted),
        format!("Spaces: {}", t.spaces_deleted),
        format!("User profiles: {}", t.user_profiles_deleted),
        format!("Identity Center assignments: {} user(s), {} group(s)", access.users, access.groups),
    ];
    lines.push(if t.domain_deleted { format!("The domain {domain_id}") } else { format!("The domain {domain_id} (it was already gone)") });
    lines.extend(c.roles_deleted.iter().map(|r| format!("Role {r}")));
    lines.extend(c.security_groups_deleted.iter().map(|g| format!("Security group {g}")));
    lines
}

fn kept_lines(c: &Cleanup) -> Vec<String> {
    let mut lines = Vec::new();
    if let Some(fs) = &c.home_efs_file_system_retained {
        lines.push(format!("Home EFS file system {fs} (retained as requested: the users' home directories)"));
    }
    let kept = |what: &str, k: &Kept| format!("{what} {}: {}", k.id, k.reason);
    lines.extend(c.roles_kept.iter().map(|k| kept("Role", k)));
    lines.extend(c.security_groups_kept.iter().map(|k| kept("Security group", k)));
    if lines.is_empty() {
        lines.push("Nothing".into());
    }
    lines
}

fn left_lines(c: &Cleanup) -> Vec<String> {
    if c.network_interfaces_left.is_empty() && c.security_groups_kept.is_empty() {
        return vec!["Nothing".into()];
    }
    let mut lines: Vec<String> = c.security_groups_kept.iter().map(|k| format!("Security group {}", k.id)).collect();
    lines.extend(c.network_interfaces_left.iter().map(|eni| format!("Network interface {eni}")));
    lines
}

pub struct Report<'a> {
    pub from: &'a str,
    pub to: &'a str,
    pub state: &'a OffboardingState,
}

pub fn report_email(r: &Report<'_>) -> Email {
    let request = &r.state.request;
    let domain = r.state.target.as_ref().map(|t| t.domain_name.as_str()).unwrap_or(request.domain_label());
    let ticket = request.ticket.as_ref().map(|t| format!(" (ticket {})", one_line(&t.id))).unwrap_or_default();
    let subject = one_line(&format!("SageMaker domain {domain} offboarded"));
    let sections = report_sections(r.state);
    let mut text = format!("The SageMaker domain \"{}\"{ticket} was offboarded.\n", one_line(domain));
    let mut html =
        format!("<!DOCTYPE html><html><body><p>The SageMaker domain <strong>{}</strong>{} was offboarded.</p>", escape_html(domain), escape_html(&ticket));
    for (heading, lines) in &sections {
        text.push_str(&format!("\n{heading}:\n"));
        html.push_str(&format!("<h3>{heading}</h3><ul>"));
        for line in lines {
            text.push_str(&format!("- {}\n", one_line(line)));
            html.push_str(&format!("<li>{}</li>", escape_html(line)));
        }
        html.push_str("</ul>");
    }
    let who = request.requester_identity();
    text.push_str(&format!("\nRequested by: {}\n", one_line(who)));
    html.push_str(&format!("<p>Requested by: {}</p></body></html>", escape_html(who)));
    Email { from: r.from.to_string(), to: r.to.to_string(), subject, text, html }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::offboarding::state::OffboardingTarget;

    #[test]
    fn the_report_says_what_went_what_stayed_and_escapes_it() {
        let mut state = OffboardingState::default();
        state.request.domain_name = Some("team-<a>".into());
        state.target = Some(OffboardingTarget { domain_id: "d-1".into(), domain_name: "team-<a>".into(), ..Default::default() });
        state.teardown = Some(Teardown { apps_deleted: 3, spaces_deleted: 2, user_profiles_deleted: 2, domain_deleted: true, ..Default::default() });
        state.cleanup = Some(Cleanup {
            roles_deleted: vec!["team-a-execution".into()],
            roles_kept: vec![Kept { id: "shared".into(), reason: "not created by this workflow".into() }],
            home_efs_file_system_retained: Some("fs-0123".into()),
            security_groups_kept: vec![Kept { id: "sg-1".into(), reason: "the retained file system's mount targets use it".into() }],
            network_interfaces_left: vec!["eni-1".into()],
            ..Default::default()
        });
        let e = report_email(&Report { from: "ops@example.com", to: "lead@example.com", state: &state });
        assert!(e.text.contains("Apps: 3") && e.text.contains("User profiles: 2") && e.text.contains("The domain d-1"));
        assert!(e.text.contains("Home EFS file system fs-0123") && e.text.contains("Role shared: not created"));
        assert!(e.text.contains("Network interface eni-1") && e.text.contains("Role team-a-execution"));
        assert!(e.html.contains("team-&lt;a&gt;") && !e.html.contains("team-<a>"));
        assert!(!e.subject.contains('\n'));
    }
}
