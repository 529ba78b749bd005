//! Keeps sends at or under the account's SES maximum send rate.

use std::time::Duration;

use tokio::time::Instant;

pub struct Pacer {
    interval: Duration,
    next: Option<Instant>,
}

impl Pacer {
    /// `rate`: messages a second (SES's MaxSendRate); a rate of zero or less is taken as one.
    pub fn new(rate: f64) -> Self {
        let rate = if rate.is_finite() && rate > 0.0 { rate } else { 1.0 };
        Pacer { interval: Duration::from_secs_f64(1.0 / rate), next: None }
    }

    /// Waits until the next send is allowed.
    pub async fn ready(&mut self) {
        let now = Instant::now();
        let at = self.next.map_or(now, |next| next.max(now));
        tokio::time::sleep_until(at).await;
        self.next = Some(at + self.interval);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn sends_are_spaced_by_the_rate() {
        let start = Instant::now();
        let mut pacer = Pacer::new(100.0);
        for _ in 0..11 {
            pacer.ready().await;
        }
        // Eleven sends at a hundred a second: the first at once, then one every 10 ms.
        assert!(start.elapsed() >= Duration::from_millis(100), "{:?}", start.elapsed());
        assert_eq!(Pacer::new(0.0).interval, Duration::from_secs(1));
        assert_eq!(Pacer::new(f64::NAN).interval, Duration::from_secs(1));
    }
}
