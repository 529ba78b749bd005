//! What the commands print of an execution: its steps, its path, its outcome, the e-mails sent.

use super::*;

pub(crate) fn print_step(step: &Step) {
    let retries = if step.retried.is_empty() { String::new() } else { format!("  (retried after {})", step.retried.join(", ")) };
    match &step.failure {
        None => println!("  ok    {:<22} {:>6.1} s{retries}", step.state, step.elapsed.as_secs_f64()),
        Some((error, cause)) => println!("  FAIL  {:<22} {:>6.1} s  {error}: {}", step.state, step.elapsed.as_secs_f64(), cause_message(cause)),
    }
}

pub(crate) fn print_path(outcome: &Outcome) {
    println!("Path: {}", outcome.path());
}

pub(crate) fn cause_message(cause: &str) -> String {
    serde_json::from_str::<serde_json::Value>(cause).ok().and_then(|v| v["errorMessage"].as_str().map(str::to_string)).unwrap_or_else(|| cause.to_string())
}

pub(crate) fn print_outcome(outcome: &Outcome) {
    if let Some(output) = &outcome.output {
        println!("\nSummary:\n{}", serde_json::to_string_pretty(output).unwrap_or_default());
    }
    if let (Some(error), cause) = (&outcome.error, &outcome.cause) {
        println!("\nFailed with {error}: {}", cause_message(cause.as_deref().unwrap_or_default()));
    }
}

pub(crate) fn print_emails(session: &LocalSession) -> Result<()> {
    let emails = session.aws.sent_emails()?;
    println!("\nE-mails sent ({}):", emails.len());
    for email in emails {
        println!("  to {}: {}", email.destinations.join(", "), email.subject);
    }
    Ok(())
}
