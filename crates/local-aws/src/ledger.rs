//! The invitation ledger, created as the template declares it (`InvitationsTable`: its keys and
//! billing mode), under the local deployment's name.

use anyhow::{Context, Result};
use aws_sdk_dynamodb::types::{AttributeDefinition, BillingMode, KeySchemaElement, KeyType, ScalarAttributeType};
use serde_yaml::Value;

/// The local deployment's table (the functions' `INVITATIONS_TABLE`).
pub const LOCAL_INVITATIONS_TABLE: &str = "sagemaker-onboarding-invitations";

fn text<'a>(v: &'a Value, key: &str) -> Result<&'a str> {
    v.get(key).and_then(Value::as_str).with_context(|| format!("InvitationsTable: no {key}"))
}

/// Creates the table from the template's `InvitationsTable` properties.
pub async fn create_invitation_ledger(config: &aws_config::SdkConfig, template: &Value) -> Result<()> {
    let properties = template
        .get("Resources")
        .and_then(|r| r.get("InvitationsTable"))
        .and_then(|t| t.get("Properties"))
        .context("the template declares no InvitationsTable")?;
    let mut create = aws_sdk_dynamodb::Client::new(config)
        .create_table()
        .table_name(LOCAL_INVITATIONS_TABLE)
        .billing_mode(BillingMode::from(text(properties, "BillingMode")?));
    for attribute in properties.get("AttributeDefinitions").and_then(Value::as_sequence).into_iter().flatten() {
        create = create.attribute_definitions(
            AttributeDefinition::builder()
                .attribute_name(text(attribute, "AttributeName")?)
                .attribute_type(ScalarAttributeType::from(text(attribute, "AttributeType")?))
                .build()?,
        );
    }
    for key in properties.get("KeySchema").and_then(Value::as_sequence).into_iter().flatten() {
        create =
            create.key_schema(KeySchemaElement::builder().attribute_name(text(key, "AttributeName")?).key_type(KeyType::from(text(key, "KeyType")?)).build()?);
    }
    create.send().await.context("creating the invitation ledger")?;
    Ok(())
}
