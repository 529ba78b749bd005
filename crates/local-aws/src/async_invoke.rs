//! Lambda's asynchronous invocation (how EventBridge invokes a function), as the template sets it
//! up: the retries of `EventInvokeConfig` and its on-failure destination, an SQS queue that the
//! local AWS creates under the queue's logical id. The router makes the invocations and sends
//! the invocation record to the queue once the retries are spent.

use anyhow::{Context, Result};
use serde_json::{json, Value};

use crate::{http, LocalAws};

/// One function's asynchronous invocation settings from `infra/template.yaml`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AsyncInvokeConfig {
    /// The function crate (the template's `CodeUri` directory).
    pub function: String,
    pub maximum_retry_attempts: u32,
    /// The logical id of the on-failure destination queue.
    pub on_failure_queue: String,
}

/// The functions of the template that have an `EventInvokeConfig` with an SQS on-failure destination.
pub fn from_template(template: &serde_yaml::Value) -> Vec<AsyncInvokeConfig> {
    let Some(resources) = template["Resources"].as_mapping() else { return Vec::new() };
    resources
        .values()
        .filter_map(|resource| {
            let props = &resource["Properties"];
            let config = &props["EventInvokeConfig"];
            let function = props["CodeUri"].as_str()?.rsplit('/').next()?.to_string();
            let destination = &config["DestinationConfig"]["OnFailure"];
            if destination["Type"].as_str() != Some("SQS") {
                return None;
            }
            let on_failure_queue = get_att_logical_id(&destination["Destination"])?;
            // Lambda's default is two retries.
            let maximum_retry_attempts = config["MaximumRetryAttempts"].as_u64().unwrap_or(2) as u32;
            Some(AsyncInvokeConfig { function, maximum_retry_attempts, on_failure_queue })
        })
        .collect()
}

/// `X` of `!GetAtt X.Arn`.
fn get_att_logical_id(value: &serde_yaml::Value) -> Option<String> {
    match value {
        serde_yaml::Value::Tagged(tagged) if tagged.tag == "!GetAtt" => tagged.value.as_str()?.split('.').next().map(str::to_string),
        _ => None,
    }
}

impl LocalAws {
    /// Creates each on-failure queue of the template and tells the router about the settings.
    pub async fn set_up_async_invocations(&self) -> Result<()> {
        let template = crate::deployment_template()?;
        let sqs = aws_sdk_sqs::Client::new(self.sdk_config());
        let mut settings = serde_json::Map::new();
        for config in from_template(&template) {
            let queue = sqs.create_queue().queue_name(&config.on_failure_queue).send().await.context("creating an on-failure queue")?;
            settings.insert(
                config.function.clone(),
                json!({"maximumRetryAttempts": config.maximum_retry_attempts, "onFailureQueueUrl": queue.queue_url().unwrap_or_default()}),
            );
        }
        self.configure(json!({ "asyncInvoke": settings }))
    }

    /// Invokes `function` asynchronously (`InvocationType: Event`), as EventBridge does; Lambda
    /// answers 202 and runs it later.
    pub fn invoke_async(&self, function: &str, event: &Value) -> Result<u16> {
        http::invoke_event(self.router_port, function, &event.to_string())
    }

    /// The first invocation record on the on-failure queue named `queue` (logical id) that `mine`
    /// accepts, deleted from the queue; other tests' records are left there.
    pub async fn take_failed_invocation(&self, queue: &str, mine: impl Fn(&Value) -> bool) -> Result<Option<Value>> {
        let sqs = aws_sdk_sqs::Client::new(self.sdk_config());
        let url = sqs.get_queue_url().queue_name(queue).send().await.context("the on-failure queue")?.queue_url().unwrap_or_default().to_string();
        let received = sqs.receive_message().queue_url(&url).max_number_of_messages(10).visibility_timeout(0).send().await?;
        for message in received.messages() {
            let record: Value = serde_json::from_str(message.body().unwrap_or("null"))?;
            if mine(&record) {
                if let Some(receipt) = message.receipt_handle() {
                    sqs.delete_message().queue_url(&url).receipt_handle(receipt).send().await?;
                }
                return Ok(Some(record));
            }
        }
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_retries_and_the_on_failure_queue_of_the_template() {
        let template: serde_yaml::Value = serde_yaml::from_str(
            "Resources:\n  F:\n    Type: AWS::Serverless::Function\n    Properties:\n      CodeUri: ../functions/entry/start-workflow\n      EventInvokeConfig:\n        MaximumRetryAttempts: 1\n        DestinationConfig:\n          OnFailure:\n            Type: SQS\n            Destination: !GetAtt Failures.Arn\n  G:\n    Type: AWS::Serverless::Function\n    Properties:\n      CodeUri: ../functions/other\n",
        )
        .expect("yaml");
        assert_eq!(
            from_template(&template),
            vec![AsyncInvokeConfig { function: "start-workflow".into(), maximum_retry_attempts: 1, on_failure_queue: "Failures".into() }]
        );
    }

    #[test]
    fn the_deployment_template_keeps_failed_ticket_events() {
        let template = crate::deployment_template().expect("template");
        let configs = from_template(&template);
        assert!(configs.iter().any(|c| c.function == "start-workflow" && c.on_failure_queue == "TicketFailuresQueue"), "{configs:?}");
    }
}
