//! The invitation and failure e-mails. Everything that came from a request or an API is escaped
//! in the HTML part and stripped of control characters everywhere.

/// Escapes text for HTML element content and attribute values.
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() && c != '\n' => {}
            c => out.push(c),
        }
    }
    out
}

/// Removes control characters (no header or line injection through a subject).
pub fn one_line(s: &str) -> String {
    s.chars().filter(|c| !c.is_control()).collect()
}

/// The domain URL as a link: SageMaker answers it with or without a scheme.
pub fn domain_link(url: &str) -> String {
    if url.starts_with("https://") || url.starts_with("http://") {
        url.to_string()
    } else {
        format!("https://{url}")
    }
}

pub struct Invitation<'a> {
    pub from: &'a str,
    pub to: &'a str,
    pub greeting_name: Option<&'a str>,
    pub domain_name: &'a str,
    pub domain_url: &'a str,
    pub ticket_id: Option<&'a str>,
    /// Who asked for the onboarding (the request's `requestedBy`).
    pub requested_by: &'a str,
}

pub fn invitation(i: &Invitation<'_>) -> Email {
    let link = domain_link(i.domain_url);
    let name = i.greeting_name.map(one_line).unwrap_or_else(|| "there".into());
    let ticket = i.ticket_id.map(|t| format!(" (ticket {})", one_line(t))).unwrap_or_default();
    let subject = one_line(&format!("Your access to the SageMaker domain {}", i.domain_name));
    let text = format!(
        "Hello {name},\n\n\
         You now have access to the Amazon SageMaker domain \"{domain}\"{ticket}.\n\n\
         1. Check your e-mail for the invitation from AWS IAM Identity Center, accept it and create your password.\n\
         2. Sign in at the domain URL below and wait for your user profile to be created. On later visits you only wait for Studio to load.\n\n\
         Domain URL (bookmark it; it is also on the domain settings page):\n{link}\n\n\
         Requested by: {who}\n",
        domain = one_line(i.domain_name),
        who = one_line(i.requested_by),
    );
    let html = format!(
        "<!DOCTYPE html><html><body>\
         <p>Hello {name},</p>\
         <p>You now have access to the Amazon SageMaker domain <strong>{domain}</strong>{ticket}.</p>\
         <ol><li>Check your e-mail for the invitation from AWS IAM Identity Center, accept it and create your password.</li>\
         <li>Sign in at the domain URL below and wait for your user profile to be created. On later visits you only wait for Studio to load.</li></ol>\
         <p>Domain URL (bookmark it; it is also on the domain settings page):<br><a href=\"{href}\">{href}</a></p>\
         <p>Requested by: {who}</p>\
         </body></html>",
        name = escape_html(&name),
        domain = escape_html(i.domain_name),
        ticket = escape_html(&ticket),
        href = escape_html(&link),
        who = escape_html(i.requested_by),
    );
    Email { from: i.from.to_string(), to: i.to.to_string(), subject, text, html }
}

pub struct FailureNotice<'a> {
    /// `onboarding`, `offboarding` or `amendment`.
    pub workflow: &'a str,
    pub from: &'a str,
    pub to: &'a str,
    pub domain_name: &'a str,
    pub ticket_id: Option<&'a str>,
    pub step: &'a str,
    pub error: &'a str,
    pub message: &'a str,
    /// Who asked for the onboarding (the request's `requestedBy`).
    pub requested_by: &'a str,
}

/// What the requester can do after a failure.
fn next_step(workflow: &str) -> &'static str {
    if workflow == "offboarding" {
        "Nothing more is deleted for this request. Fix the cause and submit the request again: it continues with what is still there."
    } else if workflow == "amendment" {
        "Nothing more is changed for this request. Fix the cause and submit the request again: what is already done is not done twice."
    } else {
        "Nothing more is created for this request. Fix the cause and submit the request again: what already exists is reused."
    }
}

pub fn failure_notice(f: &FailureNotice<'_>) -> Email {
    let ticket = f.ticket_id.map(|t| format!(" (ticket {})", one_line(t))).unwrap_or_default();
    let subject = one_line(&format!("SageMaker {} of {} failed", f.workflow, f.domain_name));
    let text = format!(
        "The {workflow} of the SageMaker domain \"{domain}\"{ticket} failed.\n\n\
         Step: {step}\nError: {error}\nCause: {message}\nRequested by: {who}\n\n\
         {next}\n",
        workflow = one_line(f.workflow),
        next = next_step(f.workflow),
        domain = one_line(f.domain_name),
        step = one_line(f.step),
        error = one_line(f.error),
        message = f.message,
        who = one_line(f.requested_by),
    );
    let html = format!(
        "<!DOCTYPE html><html><body>\
         <p>The {workflow} of the SageMaker domain <strong>{domain}</strong>{ticket} failed.</p>\
         <table><tr><th align=\"left\">Step</th><td>{step}</td></tr>\
         <tr><th align=\"left\">Error</th><td>{error}</td></tr>\
         <tr><th align=\"left\">Cause</th><td>{message}</td></tr>\
         <tr><th align=\"left\">Requested by</th><td>{who}</td></tr></table>\
         <p>{next}</p>\
         </body></html>",
        workflow = escape_html(f.workflow),
        next = next_step(f.workflow),
        domain = escape_html(f.domain_name),
        ticket = escape_html(&ticket),
        step = escape_html(f.step),
        error = escape_html(f.error),
        message = escape_html(f.message),
        who = escape_html(f.requested_by),
    );
    Email { from: f.from.to_string(), to: f.to.to_string(), subject, text, html }
}

pub struct AccessRemoved<'a> {
    pub from: &'a str,
    pub to: &'a str,
    pub greeting_name: Option<&'a str>,
    pub domain_name: &'a str,
    pub ticket_id: Option<&'a str>,
    /// Whether the person's private spaces and profile were kept; `None` for members of a removed
    /// group (their work is not touched).
    pub data_kept: Option<bool>,
    pub requested_by: &'a str,
}

/// Tells a person their access to a domain has ended, and what became of their work.
pub fn access_removed(a: &AccessRemoved<'_>) -> Email {
    let name = a.greeting_name.map(one_line).unwrap_or_else(|| "there".into());
    let ticket = a.ticket_id.map(|t| format!(" (ticket {})", one_line(t))).unwrap_or_default();
    let subject = one_line(&format!("Your access to the SageMaker domain {} has ended", a.domain_name));
    let data = match a.data_kept {
        Some(true) => "Your user profile and private spaces are kept: if your access is given back, your work is there.",
        Some(false) => "Your apps, private spaces and user profile in the domain are deleted.",
        None => "Access through your group has ended; your work in the domain is not touched.",
    };
    let text = format!(
        "Hello {name},\n\nYour access to the Amazon SageMaker domain \"{domain}\"{ticket} has ended.\n{data}\n\nRequested by: {who}\n",
        domain = one_line(a.domain_name),
        who = one_line(a.requested_by),
    );
    let html = format!(
        "<!DOCTYPE html><html><body><p>Hello {name},</p><p>Your access to the Amazon SageMaker domain <strong>{domain}</strong>{ticket} has ended.</p><p>{data}</p><p>Requested by: {who}</p></body></html>",
        name = escape_html(&name),
        domain = escape_html(a.domain_name),
        ticket = escape_html(&ticket),
        who = escape_html(a.requested_by),
    );
    Email { from: a.from.to_string(), to: a.to.to_string(), subject, text, html }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_strips_control_characters() {
        assert_eq!(escape_html("<a href=\"x\">&'"), "&lt;a href=&quot;x&quot;&gt;&amp;&#39;");
        assert_eq!(one_line("a\r\nBcc: b"), "aBcc: b");
    }

    #[test]
    fn invitation_carries_the_url_and_the_portal_hint() {
        let e = invitation(&Invitation {
            from: "ops@example.com",
            to: "jane@example.com",
            greeting_name: Some("<script>alert(1)</script>"),
            domain_name: "team-a",
            domain_url: "d-123.studio.us-east-1.sagemaker.aws",
            ticket_id: Some("OPS-1"),
            requested_by: "arn:aws:iam::123456789012:role/<tickets>",
        });
        assert!(e.text.contains("Requested by: arn:aws:iam::123456789012:role/<tickets>"));
        assert!(e.html.contains("Requested by: arn:aws:iam::123456789012:role/&lt;tickets&gt;"));
        assert!(e.text.contains("https://d-123.studio.us-east-1.sagemaker.aws"));
        assert!(e.html.contains("href=\"https://d-123.studio.us-east-1.sagemaker.aws\""));
        assert!(e.text.contains("IAM Identity Center") && e.text.contains("wait for your user profile"));
        assert!(!e.html.contains("<script>") && e.html.contains("&lt;script&gt;"));
        assert!(e.subject.contains("team-a") && !e.subject.contains('\n'));
    }

    #[test]
    fn failure_notice_names_step_error_and_cause() {
        let e = failure_notice(&FailureNotice {
            workflow: "onboarding",
            from: "ops@example.com",
            to: "lead@example.com",
            domain_name: "team-a",
            ticket_id: None,
            step: "WaitForDomain",
            error: "DomainFailed",
            message: "<b>capacity</b>",
            requested_by: "console",
        });
        assert!(e.text.contains("Requested by: console"));
        assert!(e.text.contains("Step: WaitForDomain") && e.text.contains("Error: DomainFailed"));
        assert!(e.html.contains("&lt;b&gt;capacity&lt;/b&gt;"));
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Email {
    pub from: String,
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
}
