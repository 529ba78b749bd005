//! The fake SES: sends, the daily quota, rejected recipients.

use super::*;

impl MailPort for FakeAws {
    async fn send(&self, email: &Email) -> PortResult<SendOutcome> {
        let mut w = self.enter("SendEmail")?;
        if w.rejecting.contains(&email.to) {
            return Ok(SendOutcome::Rejected { reason: "Email address is not verified".into() });
        }
        if w.daily_quota.is_some_and(|quota| w.sent.len() >= quota) {
            return Err(OnboardingError::new(ErrorName::SesDailyQuotaExceeded, "Daily message quota exceeded"));
        }
        w.sent.push(email.clone());
        Ok(SendOutcome::Sent { message_id: format!("m-{}", w.sent.len()) })
    }

    async fn send_quota(&self) -> PortResult<SendQuota> {
        let w = self.enter("GetAccount")?;
        Ok(SendQuota {
            max_24_hour_send: w.daily_quota.map(|q| q as f64),
            max_send_rate: w.max_send_rate.unwrap_or(14.0),
            sent_last_24_hours: w.sent.len() as f64,
        })
    }
}
