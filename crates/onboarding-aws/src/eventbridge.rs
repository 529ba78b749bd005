//! EventBridge: events for the ticket system.

use aws_sdk_eventbridge::types::PutEventsRequestEntry;
use onboarding_core::ports::{EventPort, PortResult};
use onboarding_core::{ErrorName, OnboardingError};
use serde_json::Value;

use crate::classify;

#[derive(Clone, Debug)]
pub struct EventBridgeAdapter {
    client: aws_sdk_eventbridge::Client,
    bus: String,
    source: String,
}

impl EventBridgeAdapter {
    pub fn new(client: aws_sdk_eventbridge::Client, bus: &str, source: &str) -> Self {
        EventBridgeAdapter { client, bus: bus.to_string(), source: source.to_string() }
    }

    pub fn from_config(config: &aws_config::SdkConfig, bus: &str, source: &str) -> Self {
        Self::new(aws_sdk_eventbridge::Client::new(config), bus, source)
    }
}

impl EventPort for EventBridgeAdapter {
    async fn publish(&self, detail_type: &str, detail: &Value) -> PortResult<()> {
        let entry = PutEventsRequestEntry::builder().event_bus_name(&self.bus).source(&self.source).detail_type(detail_type).detail(detail.to_string()).build();
        let out = self.client.put_events().entries(entry).send().await.map_err(|e| classify("events:PutEvents", &e))?;
        // PutEvents reports per-entry failures in a successful answer.
        if out.failed_entry_count() > 0 {
            let reason = out.entries().iter().find_map(|e| e.error_message()).unwrap_or("unknown").to_string();
            return Err(OnboardingError::new(ErrorName::AwsRequestFailed, format!("events:PutEvents: {reason}")));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_eventbridge::operation::put_events::PutEventsOutput;
    use aws_sdk_eventbridge::types::PutEventsResultEntry;
    use aws_sdk_eventbridge::Client;
    use aws_smithy_mocks::{mock, mock_client, RuleMode};

    #[tokio::test]
    async fn publishes_on_the_bus_and_reports_failed_entries() {
        let ok = mock!(Client::put_events)
            .match_requests(|r| r.entries().first().is_some_and(|e| e.event_bus_name() == Some("tickets") && e.detail_type() == Some("Onboarding Failed")))
            .then_output(|| PutEventsOutput::builder().failed_entry_count(0).build());
        let failed = mock!(Client::put_events).then_output(|| {
            PutEventsOutput::builder()
                .failed_entry_count(1)
                .entries(PutEventsResultEntry::builder().error_code("InternalFailure").error_message("try later").build())
                .build()
        });
        let bus = EventBridgeAdapter::new(mock_client!(aws_sdk_eventbridge, RuleMode::Sequential, [&ok, &failed]), "tickets", "sagemaker-onboarding");
        bus.publish("Onboarding Failed", &serde_json::json!({"ticketId": "T-1"})).await.expect("published");
        assert!(bus.publish("Onboarding Failed", &serde_json::json!({})).await.expect_err("failed entry").message.contains("try later"));
    }
}
