//! The invitation ledger in DynamoDB: one item per domain and person (partition key `domainArn`,
//! sort key `person`), written as each invitation is sent or refused.

use std::collections::HashMap;

use aws_sdk_dynamodb::types::AttributeValue;
use onboarding_core::ports::{InvitationLedgerPort, InvitationRecord, PortResult, TeamRecord, LEASE_ITEM, TEAM_ITEM};

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

    /// The ledger the function's environment names (`INVITATIONS_TABLE`, set by the template).
    pub fn from_env(config: &aws_config::SdkConfig) -> Result<Self, &'static str> {
        let table = onboarding_core::config::var(onboarding_core::config::INVITATIONS_TABLE)
            .ok_or("INVITATIONS_TABLE is not set: the template sets it to the invitation ledger")?;
        Ok(Self::from_config(config, table))
    }
}

fn text(item: &HashMap<String, AttributeValue>, name: &str) -> Option<String> {
    item.get(name).and_then(|v| v.as_s().ok()).cloned()
}

fn flag(item: &HashMap<String, AttributeValue>, name: &str) -> bool {
    item.get(name).and_then(|v| v.as_bool().ok()).copied().unwrap_or(false)
}

/// A person's record; the team's record and the lease are not people.
fn record_of(item: &HashMap<String, AttributeValue>) -> Option<InvitationRecord> {
    Some(InvitationRecord {
        person: text(item, "person").filter(|p| p.starts_with("user#") || p.starts_with("address#"))?,
        address: text(item, "address").unwrap_or_default(),
        delivered: flag(item, "delivered"),
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

    async fn forget(&self, domain_arn: &str, person: &str) -> PortResult<()> {
        self.client
            .delete_item()
            .table_name(&self.table)
            .key("domainArn", AttributeValue::S(domain_arn.to_string()))
            .key("person", AttributeValue::S(person.to_string()))
            .send()
            .await
            .map_err(|e| classify("dynamodb:DeleteItem", &e))?;
        Ok(())
    }

    async fn team(&self, domain_arn: &str) -> PortResult<Option<TeamRecord>> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .key("domainArn", AttributeValue::S(domain_arn.to_string()))
            .key("person", AttributeValue::S(TEAM_ITEM.to_string()))
            .consistent_read(true)
            .send()
            .await
            .map_err(|e| classify("dynamodb:GetItem", &e))?;
        Ok(out.item().map(|item| TeamRecord {
            owner: text(item, "owner"),
            sender: text(item, "sender"),
            remove_departed_members: flag(item, "removeDepartedMembers"),
            delete_departed_data: flag(item, "deleteDepartedData"),
            ticket_id: text(item, "ticketId"),
        }))
    }

    async fn record_team(&self, domain_arn: &str, team: &TeamRecord) -> PortResult<()> {
        let mut put = self
            .client
            .put_item()
            .table_name(&self.table)
            .item("domainArn", AttributeValue::S(domain_arn.to_string()))
            .item("person", AttributeValue::S(TEAM_ITEM.to_string()))
            .item("removeDepartedMembers", AttributeValue::Bool(team.remove_departed_members))
            .item("deleteDepartedData", AttributeValue::Bool(team.delete_departed_data));
        for (name, value) in [("owner", &team.owner), ("sender", &team.sender), ("ticketId", &team.ticket_id)] {
            if let Some(value) = value {
                put = put.item(name, AttributeValue::S(value.clone()));
            }
        }
        put.send().await.map_err(|e| classify("dynamodb:PutItem", &e))?;
        Ok(())
    }

    async fn take_lease(&self, domain_arn: &str, run_id: &str, now: u64, until: u64) -> PortResult<bool> {
        let put = self
            .client
            .put_item()
            .table_name(&self.table)
            .item("domainArn", AttributeValue::S(domain_arn.to_string()))
            .item("person", AttributeValue::S(LEASE_ITEM.to_string()))
            .item("runId", AttributeValue::S(run_id.to_string()))
            .item("heldUntil", AttributeValue::N(until.to_string()))
            .condition_expression("attribute_not_exists(person) OR heldUntil < :now OR runId = :run")
            .expression_attribute_values(":now", AttributeValue::N(now.to_string()))
            .expression_attribute_values(":run", AttributeValue::S(run_id.to_string()))
            .send()
            .await;
        match put {
            Ok(_) => Ok(true),
            Err(e) if e.as_service_error().is_some_and(|s| s.is_conditional_check_failed_exception()) => Ok(false),
            Err(e) => Err(classify("dynamodb:PutItem", &e)),
        }
    }

    async fn release_lease(&self, domain_arn: &str, run_id: &str) -> PortResult<()> {
        let delete = self
            .client
            .delete_item()
            .table_name(&self.table)
            .key("domainArn", AttributeValue::S(domain_arn.to_string()))
            .key("person", AttributeValue::S(LEASE_ITEM.to_string()))
            .condition_expression("runId = :run")
            .expression_attribute_values(":run", AttributeValue::S(run_id.to_string()))
            .send()
            .await;
        match delete {
            // Another run took it after this one's time ran out: theirs to give back.
            Err(e) if e.as_service_error().is_some_and(|s| s.is_conditional_check_failed_exception()) => Ok(()),
            other => other.map(|_| ()).map_err(|e| classify("dynamodb:DeleteItem", &e)),
        }
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
    async fn the_team_record_and_the_lease_are_not_people() {
        let query = mock!(Client::query).then_output(|| {
            let mut team = item(TEAM_ITEM, false);
            team.insert("owner".into(), AttributeValue::S("lead@example.com".into()));
            QueryOutput::builder().items(item("user#u-1", true)).items(team).items(item(LEASE_ITEM, false)).build()
        });
        let ledger = InvitationLedgerAdapter::new(mock_client!(aws_sdk_dynamodb, [&query]), "ledger");
        let people: Vec<String> = ledger.records("arn:d").await.expect("records").into_iter().map(|r| r.person).collect();
        assert_eq!(people, ["user#u-1"]);
    }

    #[tokio::test]
    async fn a_lease_another_run_holds_is_not_taken() {
        use aws_sdk_dynamodb::operation::put_item::PutItemError;
        use aws_sdk_dynamodb::types::error::ConditionalCheckFailedException;
        let held = mock!(Client::put_item)
            .match_requests(|r| {
                r.condition_expression().is_some_and(|c| c.contains("heldUntil < :now"))
                    && r.expression_attribute_values().and_then(|v| v.get(":now")).and_then(|v| v.as_n().ok()).map(String::as_str) == Some("100")
            })
            .then_error(|| PutItemError::ConditionalCheckFailedException(ConditionalCheckFailedException::builder().message("held").build()));
        let ledger = InvitationLedgerAdapter::new(mock_client!(aws_sdk_dynamodb, [&held]), "ledger");
        assert!(!ledger.take_lease("arn:d", "run-2", 100, 1000).await.expect("answered"));
        assert_eq!(held.num_calls(), 1);
    }

    #[tokio::test]
    async fn a_lease_is_given_back_only_by_its_run() {
        use aws_sdk_dynamodb::operation::delete_item::{DeleteItemError, DeleteItemOutput};
        use aws_sdk_dynamodb::types::error::ConditionalCheckFailedException;
        let mine = mock!(Client::delete_item)
            .match_requests(|r| r.expression_attribute_values().and_then(|v| v.get(":run")).and_then(|v| v.as_s().ok()).map(String::as_str) == Some("run-1"))
            .then_output(|| DeleteItemOutput::builder().build());
        let theirs = mock!(Client::delete_item)
            .match_requests(|r| r.expression_attribute_values().and_then(|v| v.get(":run")).and_then(|v| v.as_s().ok()).map(String::as_str) == Some("run-2"))
            .then_error(|| DeleteItemError::ConditionalCheckFailedException(ConditionalCheckFailedException::builder().message("not yours").build()));
        let ledger = InvitationLedgerAdapter::new(mock_client!(aws_sdk_dynamodb, RuleMode::MatchAny, [&mine, &theirs]), "ledger");
        ledger.release_lease("arn:d", "run-1").await.expect("released");
        ledger.release_lease("arn:d", "run-2").await.expect("nothing to give back");
        assert_eq!((mine.num_calls(), theirs.num_calls()), (1, 1));
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
