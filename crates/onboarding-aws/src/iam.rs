//! IAM roles for the execution role and the RStudio app role.

use aws_sdk_iam::operation::create_role::CreateRoleError;
use aws_sdk_iam::operation::delete_role::DeleteRoleError;
use aws_sdk_iam::operation::delete_role_policy::DeleteRolePolicyError;
use aws_sdk_iam::operation::detach_role_policy::DetachRolePolicyError;
use aws_sdk_iam::operation::get_role::GetRoleError;
use aws_sdk_iam::operation::list_attached_role_policies::ListAttachedRolePoliciesError;
use aws_sdk_iam::operation::list_role_policies::ListRolePoliciesError;
use aws_sdk_iam::types::Tag;
use onboarding_core::ports::{IamPort, PortResult, RoleInfo, RoleRemovalPort, Tags};
use onboarding_core::{ErrorName, OnboardingError};
use serde_json::Value;

use crate::classify;

#[derive(Clone, Debug)]
pub struct IamAdapter {
    client: aws_sdk_iam::Client,
    /// The permissions boundary every created role carries (the deployment may create roles
    /// only with it: `iam:PermissionsBoundary` in its policy).
    permissions_boundary: Option<String>,
}

impl IamAdapter {
    pub fn new(client: aws_sdk_iam::Client) -> Self {
        IamAdapter { client, permissions_boundary: None }
    }

    pub fn from_config(config: &aws_config::SdkConfig) -> Self {
        Self::new(aws_sdk_iam::Client::new(config))
    }

    /// Roles created from now on carry `boundary` as their permissions boundary.
    pub fn with_permissions_boundary(mut self, boundary: Option<String>) -> Self {
        self.permissions_boundary = boundary;
        self
    }
}

/// IAM answers policy documents URL-encoded.
fn decode_policy(text: &str) -> Value {
    serde_json::from_str(text).or_else(|_| serde_json::from_str(&percent_decode(text))).unwrap_or(Value::Null)
}

/// A policy document as IAM answers it (URL-encoded), decoded.
pub fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes.get(i + 1..i + 3).and_then(|h| std::str::from_utf8(h).ok()).and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (b'+', _) => {
                out.push(b' ');
                i += 1;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn iam_tags(tags: &Tags) -> PortResult<Vec<Tag>> {
    tags.iter().map(|(k, v)| Tag::builder().key(k).value(v).build().map_err(|e| OnboardingError::new(ErrorName::AwsRequestFailed, e.to_string()))).collect()
}

impl IamPort for IamAdapter {
    async fn get_role(&self, name: &str) -> PortResult<Option<RoleInfo>> {
        match self.client.get_role().role_name(name).send().await {
            Ok(out) => {
                let Some(role) = out.role() else { return Ok(None) };
                Ok(Some(RoleInfo {
                    arn: role.arn().to_string(),
                    trust_policy: role.assume_role_policy_document().map(decode_policy).unwrap_or(Value::Null),
                    tags: role.tags().iter().map(|t| (t.key().to_string(), t.value().to_string())).collect(),
                    permissions_boundary: role.permissions_boundary().and_then(|b| b.permissions_boundary_arn()).map(str::to_string),
                }))
            }
            Err(e) if matches!(e.as_service_error(), Some(GetRoleError::NoSuchEntityException(_))) => Ok(None),
            Err(e) => Err(classify("iam:GetRole", &e)),
        }
    }

    async fn create_role(&self, name: &str, trust_policy: &Value, tags: &Tags) -> PortResult<String> {
        let sent = self
            .client
            .create_role()
            .role_name(name)
            .assume_role_policy_document(trust_policy.to_string())
            .description("SageMaker execution role created by sagemaker-onboarding")
            .set_permissions_boundary(self.permissions_boundary.clone())
            .set_tags(Some(iam_tags(tags)?))
            .send()
            .await;
        match sent {
            Ok(out) => out
                .role()
                .map(|r| r.arn().to_string())
                .ok_or_else(|| OnboardingError::new(ErrorName::AwsRequestFailed, "iam:CreateRole answered without a role")),
            Err(e) if matches!(e.as_service_error(), Some(CreateRoleError::EntityAlreadyExistsException(_))) => match self.get_role(name).await? {
                Some(role) => Ok(role.arn),
                None => Err(OnboardingError::new(ErrorName::RoleNotVisibleYet, format!("role {name} exists but is not readable yet"))),
            },
            Err(e) => Err(classify("iam:CreateRole", &e)),
        }
    }

    async fn ensure_permissions_boundary(&self, role_name: &str, current: Option<&str>) -> PortResult<bool> {
        let Some(boundary) = self.permissions_boundary.as_deref().filter(|b| current != Some(*b)) else { return Ok(false) };
        self.client
            .put_role_permissions_boundary()
            .role_name(role_name)
            .permissions_boundary(boundary)
            .send()
            .await
            .map_err(|e| classify("iam:PutRolePermissionsBoundary", &e))?;
        Ok(true)
    }

    async fn attached_policy_arns(&self, role_name: &str) -> PortResult<Vec<String>> {
        let items = self.client.list_attached_role_policies().role_name(role_name).into_paginator().items().send().collect::<Result<Vec<_>, _>>().await;
        let items = items.map_err(|e| classify("iam:ListAttachedRolePolicies", &e))?;
        Ok(items.iter().filter_map(|p| p.policy_arn().map(str::to_string)).collect())
    }

    async fn attach_policy(&self, role_name: &str, policy_arn: &str) -> PortResult<()> {
        self.client.attach_role_policy().role_name(role_name).policy_arn(policy_arn).send().await.map_err(|e| classify("iam:AttachRolePolicy", &e))?;
        Ok(())
    }

    async fn update_trust_policy(&self, role_name: &str, trust_policy: &Value) -> PortResult<()> {
        self.client
            .update_assume_role_policy()
            .role_name(role_name)
            .policy_document(trust_policy.to_string())
            .send()
            .await
            .map_err(|e| classify("iam:UpdateAssumeRolePolicy", &e))?;
        Ok(())
    }

    async fn put_inline_policy(&self, role_name: &str, policy_name: &str, document: &Value) -> PortResult<()> {
        self.client
            .put_role_policy()
            .role_name(role_name)
            .policy_name(policy_name)
            .policy_document(document.to_string())
            .send()
            .await
            .map_err(|e| classify("iam:PutRolePolicy", &e))?;
        Ok(())
    }
}

impl RoleRemovalPort for IamAdapter {
    async fn delete_role(&self, role_name: &str) -> PortResult<()> {
        // IAM refuses to delete a role that still has policies: managed ones detached, inline ones deleted first.
        let attached = match self.client.list_attached_role_policies().role_name(role_name).into_paginator().items().send().collect::<Result<Vec<_>, _>>().await
        {
            Ok(attached) => attached,
            Err(e) if matches!(e.as_service_error(), Some(ListAttachedRolePoliciesError::NoSuchEntityException(_))) => return Ok(()),
            Err(e) => return Err(classify("iam:ListAttachedRolePolicies", &e)),
        };
        for policy in attached.iter().filter_map(|p| p.policy_arn()) {
            match self.client.detach_role_policy().role_name(role_name).policy_arn(policy).send().await {
                Err(e) if !matches!(e.as_service_error(), Some(DetachRolePolicyError::NoSuchEntityException(_))) => {
                    return Err(classify("iam:DetachRolePolicy", &e))
                }
                _ => {}
            }
        }
        let inline = match self.client.list_role_policies().role_name(role_name).into_paginator().items().send().collect::<Result<Vec<_>, _>>().await {
            Ok(inline) => inline,
            Err(e) if matches!(e.as_service_error(), Some(ListRolePoliciesError::NoSuchEntityException(_))) => return Ok(()),
            Err(e) => return Err(classify("iam:ListRolePolicies", &e)),
        };
        for name in &inline {
            match self.client.delete_role_policy().role_name(role_name).policy_name(name).send().await {
                Err(e) if !matches!(e.as_service_error(), Some(DeleteRolePolicyError::NoSuchEntityException(_))) => {
                    return Err(classify("iam:DeleteRolePolicy", &e))
                }
                _ => {}
            }
        }
        match self.client.delete_role().role_name(role_name).send().await {
            Err(e) if !matches!(e.as_service_error(), Some(DeleteRoleError::NoSuchEntityException(_))) => Err(classify("iam:DeleteRole", &e)),
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_iam::operation::create_role::CreateRoleOutput;
    use aws_sdk_iam::operation::get_role::GetRoleOutput;
    use aws_sdk_iam::types::error::{EntityAlreadyExistsException, NoSuchEntityException};
    use aws_sdk_iam::types::Role;
    use aws_sdk_iam::Client;
    use aws_smithy_mocks::{mock, mock_client, RuleMode};

    fn role(name: &str) -> Role {
        Role::builder()
            .path("/")
            .role_name(name)
            .role_id("AROA1")
            .arn(format!("arn:aws:iam::123456789012:role/{name}"))
            .create_date(aws_smithy_types::DateTime::from_secs(0))
            .assume_role_policy_document("%7B%22Statement%22%3A%5B%5D%7D")
            .tags(Tag::builder().key("k").value("v").build().expect("tag"))
            .build()
            .expect("role")
    }

    #[tokio::test]
    async fn get_role_decodes_the_trust_policy_and_missing_is_none() {
        let found = mock!(Client::get_role).match_requests(|r| r.role_name() == Some("r")).then_output(|| GetRoleOutput::builder().role(role("r")).build());
        let missing = mock!(Client::get_role).then_error(|| GetRoleError::NoSuchEntityException(NoSuchEntityException::builder().build()));
        let iam = IamAdapter::new(mock_client!(aws_sdk_iam, RuleMode::MatchAny, [&found, &missing]));
        let info = iam.get_role("r").await.expect("get").expect("found");
        assert_eq!(info.trust_policy, serde_json::json!({"Statement": []}));
        assert_eq!(info.tags.get("k").map(String::as_str), Some("v"));
        assert_eq!(iam.get_role("other").await.expect("get"), None);
    }

    #[tokio::test]
    async fn create_role_sends_trust_and_tags_and_tolerates_a_race() {
        let boundary = "arn:aws:iam::123456789012:policy/team-boundary";
        let create = mock!(Client::create_role)
            .match_requests(move |r| {
                r.tags().len() == 1 && r.assume_role_policy_document().is_some_and(|d| d.contains("sagemaker")) && r.permissions_boundary() == Some(boundary)
            })
            .then_output(|| CreateRoleOutput::builder().role(role("r")).build());
        let iam = IamAdapter::new(mock_client!(aws_sdk_iam, [&create])).with_permissions_boundary(Some(boundary.into()));
        let tags = Tags::from([("k".to_string(), "v".to_string())]);
        let arn = iam.create_role("r", &onboarding_core::policies::sagemaker_trust_policy(), &tags).await.expect("created");
        assert_eq!(arn, "arn:aws:iam::123456789012:role/r");

        let exists = mock!(Client::create_role).then_error(|| CreateRoleError::EntityAlreadyExistsException(EntityAlreadyExistsException::builder().build()));
        let get = mock!(Client::get_role).then_output(|| GetRoleOutput::builder().role(role("r")).build());
        let iam = IamAdapter::new(mock_client!(aws_sdk_iam, RuleMode::Sequential, [&exists, &get]));
        assert_eq!(iam.create_role("r", &Value::Null, &Tags::new()).await.expect("reused"), "arn:aws:iam::123456789012:role/r");
    }

    #[tokio::test]
    async fn policies_are_listed_attached_and_written() {
        use aws_sdk_iam::operation::attach_role_policy::{AttachRolePolicyError, AttachRolePolicyOutput};
        use aws_sdk_iam::operation::list_attached_role_policies::ListAttachedRolePoliciesOutput;
        use aws_sdk_iam::operation::put_role_policy::PutRolePolicyOutput;
        use aws_sdk_iam::types::error::NoSuchEntityException;
        use aws_sdk_iam::types::AttachedPolicy;
        let list = mock!(Client::list_attached_role_policies).then_output(|| {
            ListAttachedRolePoliciesOutput::builder().attached_policies(AttachedPolicy::builder().policy_arn("arn:aws:iam::aws:policy/A").build()).build()
        });
        let attach = mock!(Client::attach_role_policy)
            .match_requests(|r| r.policy_arn() == Some("arn:aws:iam::aws:policy/B"))
            .then_output(|| AttachRolePolicyOutput::builder().build());
        let missing = mock!(Client::attach_role_policy).then_error(|| {
            AttachRolePolicyError::NoSuchEntityException(
                NoSuchEntityException::builder()
                    .message("no role")
                    .meta(aws_smithy_types::error::ErrorMetadata::builder().code("NoSuchEntity").build())
                    .build(),
            )
        });
        let put = mock!(Client::put_role_policy)
            .match_requests(|r| r.policy_name() == Some("p") && r.policy_document().is_some_and(|d| d.contains("s3:GetObject")))
            .then_output(|| PutRolePolicyOutput::builder().build());
        let iam = IamAdapter::new(mock_client!(aws_sdk_iam, RuleMode::MatchAny, [&list, &attach, &missing, &put]));
        assert_eq!(iam.attached_policy_arns("r").await.expect("list"), vec!["arn:aws:iam::aws:policy/A"]);
        iam.attach_policy("r", "arn:aws:iam::aws:policy/B").await.expect("attached");
        assert_eq!(iam.attach_policy("gone", "arn:aws:iam::aws:policy/C").await.expect_err("missing role").name, ErrorName::AwsRequestFailed);
        iam.put_inline_policy("r", "p", &serde_json::json!({"Statement": [{"Action": "s3:GetObject"}]})).await.expect("written");
    }

    #[tokio::test]
    async fn a_role_without_the_deployments_boundary_gets_it() {
        use aws_sdk_iam::operation::put_role_permissions_boundary::PutRolePermissionsBoundaryOutput;
        let boundary = "arn:aws:iam::123456789012:policy/team-boundary";
        let put = mock!(Client::put_role_permissions_boundary)
            .match_requests(move |r| r.role_name() == Some("r") && r.permissions_boundary() == Some(boundary))
            .then_output(|| PutRolePermissionsBoundaryOutput::builder().build());
        let iam = IamAdapter::new(mock_client!(aws_sdk_iam, [&put])).with_permissions_boundary(Some(boundary.into()));
        assert!(iam.ensure_permissions_boundary("r", None).await.expect("bounded"));
        assert!(!iam.ensure_permissions_boundary("r", Some(boundary)).await.expect("already bounded"));
        assert_eq!(put.num_calls(), 1);
        let unbounded_deployment = IamAdapter::new(mock_client!(aws_sdk_iam, [&put]));
        assert!(!unbounded_deployment.ensure_permissions_boundary("r", None).await.expect("nothing to do"));
    }

    #[test]
    fn percent_decoding() {
        assert_eq!(percent_decode("%7B%22a%22%3A1%7D"), "{\"a\":1}");
        assert_eq!(decode_policy("{\"a\":1}"), serde_json::json!({"a": 1}));
    }
}
