//! SES (v2) e-mail.

use aws_sdk_sesv2::operation::send_email::SendEmailError;
use aws_sdk_sesv2::types::{Body, Content, Destination, EmailContent, Message};
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use onboarding_core::ports::{Email, MailPort, PortResult, SendOutcome, SendQuota};
use onboarding_core::{ErrorName, OnboardingError};

use crate::classify;

#[derive(Clone, Debug)]
pub struct SesAdapter {
    client: aws_sdk_sesv2::Client,
}

impl SesAdapter {
    pub fn new(client: aws_sdk_sesv2::Client) -> Self {
        SesAdapter { client }
    }

    pub fn from_config(config: &aws_config::SdkConfig) -> Self {
        Self::new(aws_sdk_sesv2::Client::new(config))
    }
}

fn content(data: &str) -> PortResult<Content> {
    Content::builder().data(data).charset("UTF-8").build().map_err(|e| OnboardingError::new(ErrorName::AwsRequestFailed, e.to_string()))
}

impl MailPort for SesAdapter {
    async fn send(&self, email: &Email) -> PortResult<SendOutcome> {
        let message =
            Message::builder().subject(content(&email.subject)?).body(Body::builder().text(content(&email.text)?).html(content(&email.html)?).build()).build();
        let sent = self
            .client
            .send_email()
            .from_email_address(&email.from)
            .destination(Destination::builder().to_addresses(&email.to).build())
            .content(EmailContent::builder().simple(message).build())
            .send()
            .await;
        match sent {
            Ok(out) => Ok(SendOutcome::Sent { message_id: out.message_id().unwrap_or_default().to_string() }),
            // SES answers a used-up daily quota as throttling with this message; its advice is to wait.
            Err(e) if e.message().is_some_and(|m| m.contains(DAILY_QUOTA_MESSAGE)) => {
                Err(OnboardingError::new(ErrorName::SesDailyQuotaExceeded, format!("ses:SendEmail: {DAILY_QUOTA_MESSAGE}")))
            }
            Err(e) => match e.as_service_error() {
                Some(SendEmailError::MailFromDomainNotVerifiedException(_)) => {
                    Err(OnboardingError::new(ErrorName::SenderNotVerified, format!("ses:SendEmail: the sender {} is not verified", email.from)))
                }
                Some(SendEmailError::MessageRejected(inner)) => {
                    let reason = inner.message().unwrap_or("rejected").to_string();
                    // An unverified sender rejects every message: that is the deployment's problem, not one recipient's.
                    if reason.contains(&email.from) && !reason.contains(&email.to) {
                        Err(OnboardingError::new(ErrorName::SenderNotVerified, format!("ses:SendEmail: {reason}")))
                    } else {
                        Ok(SendOutcome::Rejected { reason })
                    }
                }
                Some(SendEmailError::TooManyRequestsException(_)) => Err(OnboardingError::new(ErrorName::AwsThrottled, "ses:SendEmail: too many requests")),
                _ => Err(classify("ses:SendEmail", &e)),
            },
        }
    }

    async fn send_quota(&self) -> PortResult<SendQuota> {
        let out = self.client.get_account().send().await.map_err(|e| classify("ses:GetAccount", &e))?;
        let quota = out.send_quota();
        Ok(match quota {
            // -1 is SES's "unlimited".
            Some(q) => SendQuota {
                max_24_hour_send: Some(q.max24_hour_send()).filter(|max| *max >= 0.0),
                max_send_rate: q.max_send_rate(),
                sent_last_24_hours: q.sent_last24_hours(),
            },
            // No answer: assume the sandbox's limits (200 a day, 1 a second).
            None => SendQuota { max_24_hour_send: Some(200.0), max_send_rate: 1.0, sent_last_24_hours: 0.0 },
        })
    }
}

/// What SES says when the account's 24-hour sending quota is used up.
const DAILY_QUOTA_MESSAGE: &str = "Daily message quota exceeded";

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_sesv2::operation::send_email::SendEmailOutput;
    use aws_sdk_sesv2::types::error::MessageRejected;
    use aws_sdk_sesv2::Client;
    use aws_smithy_mocks::{mock, mock_client, RuleMode};

    fn email(to: &str) -> Email {
        Email { from: "ops@example.com".into(), to: to.into(), subject: "s".into(), text: "t".into(), html: "<p>h</p>".into() }
    }

    #[tokio::test]
    async fn sends_text_and_html() {
        let rule = mock!(Client::send_email)
            .match_requests(|r| {
                let simple = r.content().and_then(|c| c.simple());
                let body = simple.and_then(|m| m.body());
                r.from_email_address() == Some("ops@example.com")
                    && r.destination().map(|d| d.to_addresses()) == Some(&["jane@example.com".to_string()][..])
                    && body.and_then(|b| b.text()).is_some()
                    && body.and_then(|b| b.html()).is_some()
            })
            .then_output(|| SendEmailOutput::builder().message_id("m-1").build());
        let ses = SesAdapter::new(mock_client!(aws_sdk_sesv2, [&rule]));
        assert_eq!(ses.send(&email("jane@example.com")).await.expect("sent"), SendOutcome::Sent { message_id: "m-1".into() });
    }

    #[tokio::test]
    async fn a_rejected_recipient_is_an_outcome_and_an_unverified_sender_an_error() {
        let recipient = mock!(Client::send_email)
            .then_error(|| SendEmailError::MessageRejected(MessageRejected::builder().message("Email address is not verified: bad@example.com").build()));
        let sender = mock!(Client::send_email)
            .then_error(|| SendEmailError::MessageRejected(MessageRejected::builder().message("Email address is not verified: ops@example.com").build()));
        let ses = SesAdapter::new(mock_client!(aws_sdk_sesv2, RuleMode::Sequential, [&recipient, &sender]));
        assert!(matches!(ses.send(&email("bad@example.com")).await, Ok(SendOutcome::Rejected { .. })));
        assert_eq!(ses.send(&email("jane@example.com")).await.expect_err("sender").name, ErrorName::SenderNotVerified);
    }
}
