//! Sends each person one invitation (text and HTML) with the domain URL and the guide's sign-in
//! steps. Sent MessageIds are kept in the state, and the recipient set is recorded on the domain,
//! so that neither a retry nor a rerun sends anything twice.

mod recipients;

use lambda_runtime::LambdaEvent;
use onboarding_core::email::{invitation, Invitation};
use onboarding_core::naming::TAG_INVITED;
use onboarding_core::ports::{MailPort, SageMakerPort, SendOutcome, Tags};
use onboarding_core::state::{require, Invitations, OnboardingState, RejectedInvitation, SentInvitation};
use onboarding_core::{ErrorName, OnboardingError};

pub use recipients::{recipients, recipients_digest};

/// Runs of this step after which a transient error fails the step instead of waiting again.
pub const MAX_ATTEMPTS: u32 = 5;

pub async fn handler<S: SageMakerPort, M: MailPort>(sagemaker: &S, mail: &M, default_sender: Option<&str>, event: LambdaEvent<OnboardingState>) -> Result<OnboardingState, OnboardingError> {
    let mut state = event.payload;
    let domain = require(&state.domain, "domain")?.clone();
    let sender = state.request.notification.sender.as_deref().or(default_sender).map(str::to_string).ok_or_else(|| {
        OnboardingError::new(ErrorName::SenderNotVerified, "no sender: set notification.sender or the deployment's sender address")
    })?;
    let (list, unreachable) = recipients(&state);
    let digest = recipients_digest(&list);
    let mut progress = state.invitations.take().unwrap_or_else(|| Invitations { complete: true, ..Default::default() });
    progress.attempts += 1;

    if sagemaker.list_tags(&domain.domain_arn).await?.get(TAG_INVITED) == Some(&digest) {
        tracing::info!("these people were invited by an earlier run");
        state.invitations = Some(Invitations { already_sent: true, complete: true, ..progress });
        return Ok(state);
    }

    // Rejections from an earlier attempt of this execution stand; nobody is tried twice.
    let mut rejected: Vec<RejectedInvitation> = unreachable;
    for earlier in std::mem::take(&mut progress.rejected) {
        if !rejected.iter().any(|r| r.recipient == earlier.recipient) {
            rejected.push(earlier);
        }
    }
    let mut sent_now = 0;
    for person in &list {
        let is = |recipient: &str| recipient.eq_ignore_ascii_case(&person.address);
        if progress.sent.iter().any(|s| is(&s.recipient)) || rejected.iter().any(|r| is(&r.recipient)) {
            continue;
        }
        let email = invitation(&Invitation {
            from: &sender,
            to: &person.address,
            greeting_name: person.greeting_name.as_deref(),
            domain_name: &state.request.domain_name,
            domain_url: &domain.url,
            ticket_id: state.request.ticket.as_ref().map(|t| t.id.as_str()),
        });
        match mail.send(&email).await {
            Ok(SendOutcome::Sent { message_id }) => {
                sent_now += 1;
                progress.sent.push(SentInvitation { recipient: person.address.clone(), message_id });
            }
            Ok(SendOutcome::Rejected { reason }) => rejected.push(RejectedInvitation { recipient: person.address.clone(), reason }),
            // Keep what was sent: the state machine waits and this step resumes with the rest.
            Err(e) if e.name.is_retryable() && sent_now > 0 && progress.attempts < MAX_ATTEMPTS => {
                tracing::warn!(error = %e.name, sent = progress.sent.len(), "pausing invitations");
                progress.complete = false;
                progress.rejected = rejected;
                state.invitations = Some(progress);
                return Ok(state);
            }
            Err(e) => return Err(e),
        }
    }
    progress.complete = true;
    progress.rejected = rejected;
    if progress.sent.is_empty() && !list.is_empty() {
        let reasons: Vec<String> = progress.rejected.iter().map(|r| format!("{}: {}", r.recipient, r.reason)).collect();
        return Err(OnboardingError::new(ErrorName::InvitationsRejected, format!("no invitation could be delivered ({})", reasons.join("; "))));
    }
    sagemaker.add_tags(&domain.domain_arn, &Tags::from([(TAG_INVITED.to_string(), digest)])).await?;
    tracing::info!(sent = progress.sent.len(), rejected = progress.rejected.len(), "invitations sent");
    state.invitations = Some(progress);
    Ok(state)
}

#[cfg(test)]
mod tests {
    use super::*;
    use lambda_runtime::Context;
    use onboarding_core::fakes::FakeAws;
    use onboarding_core::ports::SageMakerPort;
    use onboarding_core::request::{OnboardingRequest, Ticket};
    use onboarding_core::state::{DomainRecord, Identities, ResolvedGroup, ResolvedNetwork, ResolvedUser, Roles};

    fn user(name: &str, email: Option<&str>) -> ResolvedUser {
        ResolvedUser { user_name: name.into(), user_id: format!("u-{name}"), display_name: Some(format!("<b>{name}</b>")), email: email.map(str::to_string) }
    }

    async fn state(fake: &FakeAws) -> OnboardingState {
        let mut s = OnboardingState {
            request: OnboardingRequest { domain_name: "team-a".into(), ticket: Some(Ticket { id: "OPS-7".into(), requester: Some("lead@example.com".into()) }), ..Default::default() },
            roles: Some(Roles::default()),
            network: Some(ResolvedNetwork::default()),
            identities: Some(Identities {
                users: vec![user("jane", Some("jane@example.com")), user("nomail", None)],
                groups: vec![ResolvedGroup { display_name: "ml".into(), group_id: "g-1".into(), members: vec![user("li", Some("li@example.com")), user("jane", Some("JANE@example.com"))] }],
                ..Default::default()
            }),
            ..Default::default()
        };
        s.request.notification.extra_recipients = vec!["lead@example.com".into()];
        let d = fake.create_domain(&onboarding_core::domain_spec::domain_spec(&s).expect("spec")).await.expect("domain");
        s.domain = Some(DomainRecord { domain_id: d.domain_id, domain_arn: d.domain_arn, url: d.url, status: "InService".into(), ..Default::default() });
        s
    }

    async fn run(fake: &FakeAws, s: OnboardingState) -> Result<OnboardingState, OnboardingError> {
        handler(fake, fake, Some("onboarding@example.com"), LambdaEvent::new(s, Context::default())).await
    }

    #[tokio::test]
    async fn one_invitation_per_person_with_the_url() {
        let fake = FakeAws::new();
        let s = state(&fake).await;
        let url = s.domain.as_ref().map(|d| d.url.clone()).expect("url");
        let inv = run(&fake, s).await.expect("sent").invitations.expect("section");
        let to: Vec<&str> = inv.sent.iter().map(|s| s.recipient.as_str()).collect();
        assert_eq!(to, vec!["jane@example.com", "li@example.com", "lead@example.com"]);
        assert_eq!(inv.rejected, vec![RejectedInvitation { recipient: "nomail".into(), reason: "no e-mail address in IAM Identity Center".into() }]);
        let w = fake.world();
        assert_eq!(w.sent.len(), 3);
        assert!(w.sent.iter().all(|e| e.text.contains(&url) && e.html.contains(&url) && e.from == "onboarding@example.com"));
        assert!(w.sent[0].html.contains("&lt;b&gt;jane&lt;/b&gt;") && !w.sent[0].html.contains("<b>jane"));
    }

    #[tokio::test]
    async fn a_rerun_sends_nothing() {
        let fake = FakeAws::new();
        let s = state(&fake).await;
        run(&fake, s.clone()).await.expect("first");
        let inv = run(&fake, s).await.expect("second").invitations.expect("section");
        assert!(inv.already_sent && inv.sent.is_empty());
        assert_eq!(fake.world().sent.len(), 3);
    }

    #[tokio::test]
    async fn a_rejected_address_does_not_stop_the_others() {
        let fake = FakeAws::new();
        fake.world().rejecting.push("li@example.com".into());
        let inv = run(&fake, state(&fake).await).await.expect("sent").invitations.expect("section");
        assert_eq!(inv.sent.len(), 2);
        assert!(inv.rejected.iter().any(|r| r.recipient == "li@example.com"));
    }

    #[tokio::test]
    async fn nobody_reachable_is_invitations_rejected() {
        let fake = FakeAws::new();
        fake.world().rejecting = vec!["jane@example.com".into(), "li@example.com".into(), "lead@example.com".into()];
        assert_eq!(run(&fake, state(&fake).await).await.expect_err("none").name, ErrorName::InvitationsRejected);
    }

    #[tokio::test]
    async fn throttling_mid_way_keeps_what_was_sent_and_resumes() {
        let fake = FakeAws::new();
        let s = state(&fake).await;
        // The first message goes out, the second is throttled.
        fake.pass_next("SendEmail", 1);
        fake.fail_next("SendEmail", ErrorName::AwsThrottled, 1);
        let paused = run(&fake, s).await.expect("paused");
        let inv = paused.invitations.clone().expect("section");
        assert!(!inv.complete);
        assert_eq!(inv.sent.len(), 1);
        let done = run(&fake, paused).await.expect("resumed").invitations.expect("section");
        assert!(done.complete);
        assert_eq!(done.sent.len(), 3);
        assert_eq!(fake.world().sent.len(), 3);
    }

    #[tokio::test]
    async fn throttling_before_any_progress_is_left_to_the_retrier() {
        let fake = FakeAws::new();
        fake.fail_next("SendEmail", ErrorName::AwsThrottled, 1);
        assert_eq!(run(&fake, state(&fake).await).await.expect_err("throttled").name, ErrorName::AwsThrottled);
    }
}
