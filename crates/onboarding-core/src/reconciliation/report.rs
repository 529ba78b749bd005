//! The report a domain's owner receives when people joined or left the team's groups.

use crate::kernel::email::{escape_html, one_line};
use crate::ports::Email;
use crate::reconciliation::state::{Member, Reconciliation};

pub struct MembershipReport<'a> {
    pub from: &'a str,
    pub to: &'a str,
    pub domain_name: &'a str,
    pub reconciliation: &'a Reconciliation,
    /// Invitations the run delivered.
    pub invited: u32,
    /// With `removesDeparted`: whether the departed members' private spaces and profiles were kept.
    pub data_kept: bool,
}

fn listed(members: &[Member]) -> Vec<String> {
    members.iter().map(|m| one_line(&m.label())).collect()
}

pub fn membership_report(r: &MembershipReport<'_>) -> Email {
    let rec = r.reconciliation;
    let subject = one_line(&format!("Membership changes in the SageMaker domain {}", r.domain_name));
    let joined = listed(&rec.joined);
    let departed = listed(&rec.departed);
    let departed_note = match (rec.removes_departed, r.data_kept) {
        (false, _) => "Their access through the groups has ended; their work in the domain is not touched. Remove it with an amendment if it should go.",
        (true, true) => "They were removed from the domain: their apps are deleted, their user profiles and private spaces are kept.",
        (true, false) => "They were removed from the domain: their apps, private spaces and user profiles are deleted.",
    };
    let mut text = format!("The Amazon SageMaker domain \"{}\" was compared with its IAM Identity Center groups ({}).\n", one_line(r.domain_name), rec.trigger);
    let mut html = format!(
        "<!DOCTYPE html><html><body><p>The Amazon SageMaker domain <strong>{}</strong> was compared with its IAM Identity Center groups ({}).</p>",
        escape_html(r.domain_name),
        escape_html(&rec.trigger)
    );
    if !joined.is_empty() {
        text += &format!("\nJoined ({} invited now):\n{}\n", r.invited, joined.iter().map(|j| format!("- {j}\n")).collect::<String>());
        html += &format!(
            "<p>Joined ({} invited now):</p><ul>{}</ul>",
            r.invited,
            joined.iter().map(|j| format!("<li>{}</li>", escape_html(j))).collect::<String>()
        );
    }
    if !departed.is_empty() {
        text += &format!("\nLeft:\n{}{departed_note}\n", departed.iter().map(|d| format!("- {d}\n")).collect::<String>());
        html += &format!("<p>Left:</p><ul>{}</ul><p>{departed_note}</p>", departed.iter().map(|d| format!("<li>{}</li>", escape_html(d))).collect::<String>());
    }
    html += "</body></html>";
    Email { from: r.from.to_string(), to: r.to.to_string(), subject, text, html }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_who_joined_and_left_escaped() {
        let rec = Reconciliation {
            trigger: "schedule".into(),
            joined: vec![Member { user_id: "u-1".into(), user_name: Some("omar".into()), display_name: Some("<b>Omar</b>".into()) }],
            departed: vec![Member { user_id: "u-2".into(), ..Default::default() }],
            removes_departed: true,
            ..Default::default()
        };
        let e = membership_report(&MembershipReport {
            from: "ops@example.com",
            to: "lead@example.com",
            domain_name: "team-a",
            reconciliation: &rec,
            invited: 1,
            data_kept: false,
        });
        assert!(e.text.contains("- <b>Omar</b> (omar)") && e.html.contains("&lt;b&gt;Omar&lt;/b&gt; (omar)") && !e.html.contains("<b>Omar"));
        assert!(e.text.contains("a user no longer in IAM Identity Center (u-2)"));
        assert!(e.text.contains("private spaces and user profiles are deleted"));
    }
}
