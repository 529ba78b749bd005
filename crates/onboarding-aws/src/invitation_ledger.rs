//! The invitation ledger in DynamoDB: one item per domain and person (partition key `domainArn`,
//! sort key `person`), written as each invitation is sent or refused.

use std::collections::HashMap;

use aws_sdk_dynamodb::types::AttributeValue;
use onboarding_core::ports::{InvitationLedgerPort, InvitationRecord, PortResult};

use crate::classify;

#[derive(Clone, Debug)]
pub struct InvitationLedgerAdapter {
    client: aws_sdk_dynamodb::Client,
    table: String,
}

impl InvitationLedgerAdapter {
    pub fn new(client: aws_sdk_dynamodb::Client, table: impl Into<String>) -> Self {
        InvitationLedgerAdapter { client, table: table.into() }
    }

    pub fn from_config(config: &aws_config::SdkConfig, table: impl Into<String>) -> Self {
        Self::new(aws_sdk_dynamodb::Client::new(config), table)
    }
}

fn text(item: &HashMap<String, AttributeValue>, name: &str) -> Option<String> {
    item.get(name).and_then(|v| v.as_s().ok()).cloned()
}

fn record_of(item: &HashMap<String, AttributeValue>) -> Option<InvitationRecord> {
    Some(InvitationRecord {
        person: text(item, "person")?,
        address: text(item, "address").unwrap_or_default(),
        delivered: item.get("delivered").and_then(|v| v.as_bool().ok()).copied().unwrap_or(false),
        run_id: text(item, "runId").unwrap_or_default(),
        message_id: text(item, "messageId"),
        reason: text(item, "reason"),
    })
}

impl InvitationLedgerPort for InvitationLedgerAdapter {
    async fn records(&self, domain_arn: &str) -> PortResult<Vec<InvitationRecord>> {
        let items = self
            .client
            .query()
            .table_name(&self.table)
            .key_condition_expression("domainArn = :domain")
            .expression_attribute_values(":domain", AttributeValue::S(domain_arn.to_string()))
            .consistent_read(true)
            .into_paginator()
            .items()
            .send()
            .collect::<Result<Vec<_>, _>>()
            .await
            .map_err(|e| classify("dynamodb:Query", &e))?;
        Ok(items.iter().filter_map(record_of).collect())
    }

    async fn record(&self, domain_arn: &str, record: &InvitationRecord) -> PortResult<()> {
        let mut put = self
            .client
            .put_item()
            .table_name(&self.table)
            .item("domainArn", AttributeValue::S(domain_arn.to_string()))
            .item("person", AttributeValue::S(record.person.clone()))
            .item("delivered", AttributeValue::Bool(record.delivered))
            .item("runId", AttributeValue::S(record.run_id.clone()));
        if !record.address.is_empty() {
            put = put.item("address", AttributeValue::S(record.address.clone()));
        }
        if let Some(id) = &record.message_id {
            put = put.item("messageId", AttributeValue::S(id.clone()));
        }
        if let Some(reason) = &record.reason {
            put = put.item("reason", AttributeValue::S(reason.clone()));
        }
        put.send().await.map_err(|e| classify("dynamodb:PutItem", &e))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_dynamodb::operation::put_item::PutItemOutput;
    use aws_sdk_dynamodb::operation::query::QueryOutput;
    use aws_sdk_dynamodb::Client;
    use aws_smithy_mocks::{mock, mock_client, RuleMode};

    fn item(person: &str, delivered: bool) -> HashMap<String, AttributeValue> {
        HashMap::from([
            ("domainArn".to_string(), AttributeValue::S("arn:d".into())),
            ("person".to_string(), AttributeValue::S(person.into())),
            ("delivered".to_string(), AttributeValue::Bool(delivered)),
            ("runId".to_string(), AttributeValue::S("run-1".into())),
        ])
    }

    #[tokio::test]
    async fn records_are_read_page_by_page_with_a_consistent_read() {
        let first = mock!(Client::query)
            .match_requests(|r| r.table_name() == Some("ledger") && r.consistent_read() == Some(true) && r.exclusive_start_key().is_none())
            .then_output(|| {
                QueryOutput::builder()
                    .items(item("user#u-1", true))
                    .set_last_evaluated_key(Some(HashMap::from([("person".to_string(), AttributeValue::S("user#u-1".into()))])))
                    .build()
            });
        let second = mock!(Client::query)
            .match_requests(|r| r.exclusive_start_key().is_some())
            .then_output(|| QueryOutput::builder().items(item("address#a@example.com", false)).build());
        let ledger = InvitationLedgerAdapter::new(mock_client!(aws_sdk_dynamodb, RuleMode::MatchAny, [&first, &second]), "ledger");
        let records = ledger.records("arn:d").await.expect("records");
        assert_eq!(records.iter().map(|r| (r.person.as_str(), r.delivered)).collect::<Vec<_>>(), vec![("user#u-1", true), ("address#a@example.com", false)]);
    }

    #[tokio::test]
    async fn a_record_keeps_what_was_sent() {
        let put = mock!(Client::put_item)
            .match_requests(|r| {
                let item = r.item().cloned().unwrap_or_default();
                item.get("person").and_then(|v| v.as_s().ok()).map(String::as_str) == Some("user#u-1")
                    && item.get("messageId").and_then(|v| v.as_s().ok()).map(String::as_str) == Some("m-1")
                    && item.get("delivered").and_then(|v| v.as_bool().ok()) == Some(&true)
                    && !item.contains_key("reason")
            })
            .then_output(|| PutItemOutput::builder().build());
        let ledger = InvitationLedgerAdapter::new(mock_client!(aws_sdk_dynamodb, [&put]), "ledger");
        let record = InvitationRecord {
            person: "user#u-1".into(),
            address: "jane@example.com".into(),
            delivered: true,
            run_id: "run-1".into(),
            message_id: Some("m-1".into()),
            reason: None,
        };
        ledger.record("arn:d", &record).await.expect("recorded");
        assert_eq!(put.num_calls(), 1);
    }
}
