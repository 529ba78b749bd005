//! IAM Identity Center: instances (sso-admin) and users and groups (identitystore).

use aws_sdk_identitystore::operation::describe_user::DescribeUserError;
use aws_sdk_identitystore::operation::get_group_id::GetGroupIdError;
use aws_sdk_identitystore::operation::get_user_id::GetUserIdError;
use aws_sdk_identitystore::types::{AlternateIdentifier, MemberId, UniqueAttribute};
use aws_sdk_ssoadmin::types::InstanceStatus;
use aws_smithy_types::Document;
use onboarding_core::ports::{IdentityCenterInstance, IdentityCenterPort, PortResult};
use onboarding_core::state::ResolvedUser;
use onboarding_core::{ErrorName, OnboardingError};

use crate::classify;

#[derive(Clone, Debug)]
pub struct IdentityCenterAdapter {
    sso_admin: aws_sdk_ssoadmin::Client,
    identity_store: aws_sdk_identitystore::Client,
}

impl IdentityCenterAdapter {
    pub fn new(sso_admin: aws_sdk_ssoadmin::Client, identity_store: aws_sdk_identitystore::Client) -> Self {
        IdentityCenterAdapter { sso_admin, identity_store }
    }

    pub fn from_config(config: &aws_config::SdkConfig) -> Self {
        Self::new(aws_sdk_ssoadmin::Client::new(config), aws_sdk_identitystore::Client::new(config))
    }

    fn unique(path: &str, value: &str) -> PortResult<AlternateIdentifier> {
        let attribute = UniqueAttribute::builder()
            .attribute_path(path)
            .attribute_value(Document::String(value.to_string()))
            .build()
            .map_err(|e| OnboardingError::new(ErrorName::AwsRequestFailed, e.to_string()))?;
        Ok(AlternateIdentifier::UniqueAttribute(attribute))
    }
}

impl IdentityCenterPort for IdentityCenterAdapter {
    async fn instances(&self) -> PortResult<Vec<IdentityCenterInstance>> {
        let items = self.sso_admin.list_instances().into_paginator().items().send().collect::<Result<Vec<_>, _>>().await;
        let items = items.map_err(|e| classify("sso:ListInstances", &e))?;
        // An instance being created, deleted or that failed to create serves nobody.
        Ok(items
            .iter()
            .filter(|i| i.status() == Some(&InstanceStatus::Active))
            .filter_map(|i| Some(IdentityCenterInstance { instance_arn: i.instance_arn()?.to_string(), identity_store_id: i.identity_store_id()?.to_string() }))
            .collect())
    }

    async fn find_user(&self, store_id: &str, user_name: &str) -> PortResult<Option<ResolvedUser>> {
        let found = self.identity_store.get_user_id().identity_store_id(store_id).alternate_identifier(Self::unique("userName", user_name)?).send().await;
        match found {
            Ok(out) => self.describe_user(store_id, out.user_id()).await,
            Err(e) if matches!(e.as_service_error(), Some(GetUserIdError::ResourceNotFoundException(_))) => Ok(None),
            Err(e) => Err(classify("identitystore:GetUserId", &e)),
        }
    }

    async fn find_group(&self, store_id: &str, display_name: &str) -> PortResult<Option<String>> {
        let found =
            self.identity_store.get_group_id().identity_store_id(store_id).alternate_identifier(Self::unique("displayName", display_name)?).send().await;
        match found {
            Ok(out) => Ok(Some(out.group_id().to_string())),
            Err(e) if matches!(e.as_service_error(), Some(GetGroupIdError::ResourceNotFoundException(_))) => Ok(None),
            Err(e) => Err(classify("identitystore:GetGroupId", &e)),
        }
    }

    async fn group_member_ids(&self, store_id: &str, group_id: &str) -> PortResult<Vec<String>> {
        let memberships = self
            .identity_store
            .list_group_memberships()
            .identity_store_id(store_id)
            .group_id(group_id)
            .into_paginator()
            .items()
            .send()
            .collect::<Result<Vec<_>, _>>()
            .await
            .map_err(|e| classify("identitystore:ListGroupMemberships", &e))?;
        Ok(memberships
            .iter()
            .filter_map(|m| match m.member_id() {
                Some(MemberId::UserId(user_id)) => Some(user_id.clone()),
                _ => None,
            })
            .collect())
    }

    async fn describe_user(&self, store_id: &str, user_id: &str) -> PortResult<Option<ResolvedUser>> {
        let out = match self.identity_store.describe_user().identity_store_id(store_id).user_id(user_id).send().await {
            Ok(out) => out,
            Err(e) if matches!(e.as_service_error(), Some(DescribeUserError::ResourceNotFoundException(_))) => return Ok(None),
            Err(e) => return Err(classify("identitystore:DescribeUser", &e)),
        };
        let emails = out.emails();
        let email = emails.iter().find(|e| e.primary()).or_else(|| emails.first()).and_then(|e| e.value()).map(str::to_string);
        Ok(Some(ResolvedUser {
            user_name: out.user_name().unwrap_or_default().to_string(),
            user_id: user_id.to_string(),
            display_name: out.display_name().map(str::to_string),
            email,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_identitystore::operation::describe_user::DescribeUserOutput;
    use aws_sdk_identitystore::operation::get_user_id::GetUserIdOutput;
    use aws_sdk_identitystore::types::error::{AccessDeniedException, ResourceNotFoundException, ThrottlingException};
    use aws_sdk_identitystore::types::Email;
    use aws_sdk_identitystore::Client as StoreClient;
    use aws_sdk_ssoadmin::operation::list_instances::ListInstancesOutput;
    use aws_sdk_ssoadmin::types::InstanceMetadata;
    use aws_sdk_ssoadmin::Client as SsoClient;
    use aws_smithy_mocks::{mock, mock_client, RuleMode};

    fn adapter(sso: SsoClient, store: StoreClient) -> IdentityCenterAdapter {
        IdentityCenterAdapter::new(sso, store)
    }

    #[tokio::test]
    async fn lists_only_active_instances() {
        let rule = mock!(SsoClient::list_instances).then_output(|| {
            ListInstancesOutput::builder()
                .instances(
                    InstanceMetadata::builder()
                        .instance_arn("arn:aws:sso:::instance/ssoins-0")
                        .identity_store_id("d-0")
                        .status(InstanceStatus::CreateFailed)
                        .build(),
                )
                .instances(
                    InstanceMetadata::builder().instance_arn("arn:aws:sso:::instance/ssoins-1").identity_store_id("d-1").status(InstanceStatus::Active).build(),
                )
                .build()
        });
        let a = adapter(mock_client!(aws_sdk_ssoadmin, [&rule]), mock_client!(aws_sdk_identitystore, []));
        let got = a.instances().await.expect("instances");
        assert_eq!(got, vec![IdentityCenterInstance { instance_arn: "arn:aws:sso:::instance/ssoins-1".into(), identity_store_id: "d-1".into() }]);
    }

    #[tokio::test]
    async fn finds_a_user_with_primary_email() {
        let id = mock!(StoreClient::get_user_id).match_requests(|r| r.identity_store_id() == Some("d-1")).then_output(|| {
            GetUserIdOutput::builder().identity_store_id("d-1").user_id("u-1").user_arn("arn:aws:identitystore::123456789012:user/u-1").build().expect("output")
        });
        let describe = mock!(StoreClient::describe_user).then_output(|| {
            DescribeUserOutput::builder()
                .identity_store_id("d-1")
                .user_id("u-1")
                .user_arn("arn:aws:identitystore::123456789012:user/u-1")
                .revision("1")
                .user_name("jane")
                .display_name("Jane Doe")
                .emails(Email::builder().value("other@example.com").primary(false).build())
                .emails(Email::builder().value("jane@example.com").primary(true).build())
                .build()
                .expect("output")
        });
        let a = adapter(mock_client!(aws_sdk_ssoadmin, []), mock_client!(aws_sdk_identitystore, RuleMode::MatchAny, [&id, &describe]));
        let user = a.find_user("d-1", "jane").await.expect("lookup").expect("found");
        assert_eq!(user.email.as_deref(), Some("jane@example.com"));
        assert_eq!(user.user_id, "u-1");
    }

    #[tokio::test]
    async fn group_members_are_read_page_by_page_and_described_one_by_one() {
        use aws_sdk_identitystore::operation::get_group_id::GetGroupIdOutput;
        use aws_sdk_identitystore::operation::list_group_memberships::ListGroupMembershipsOutput;
        use aws_sdk_identitystore::types::GroupMembership;
        let membership = |user: &str| {
            GroupMembership::builder()
                .identity_store_id("d-1")
                .membership_id(format!("m-{user}"))
                .membership_arn(format!("arn:m-{user}"))
                .member_id(MemberId::UserId(user.into()))
                .build()
                .expect("membership")
        };
        let group = mock!(StoreClient::get_group_id)
            .then_output(|| GetGroupIdOutput::builder().identity_store_id("d-1").group_id("g-1").group_arn("arn:g-1").build().expect("output"));
        let first = mock!(StoreClient::list_group_memberships)
            .match_requests(|r| r.group_id() == Some("g-1") && r.next_token().is_none())
            .then_output(move || ListGroupMembershipsOutput::builder().group_memberships(membership("u-2")).next_token("page-2").build().expect("output"));
        let second = mock!(StoreClient::list_group_memberships)
            .match_requests(|r| r.next_token() == Some("page-2"))
            .then_output(move || ListGroupMembershipsOutput::builder().group_memberships(membership("u-3")).build().expect("output"));
        let describe = mock!(StoreClient::describe_user).match_requests(|r| r.user_id() == Some("u-2")).then_output(|| {
            DescribeUserOutput::builder().identity_store_id("d-1").user_id("u-2").user_arn("arn:u-2").revision("1").user_name("li").build().expect("output")
        });
        let deleted = mock!(StoreClient::describe_user)
            .match_requests(|r| r.user_id() == Some("u-3"))
            .then_error(|| DescribeUserError::ResourceNotFoundException(ResourceNotFoundException::builder().message("gone").build()));
        let denied = mock!(StoreClient::describe_user)
            .match_requests(|r| r.user_id() == Some("u-4"))
            .then_error(|| DescribeUserError::AccessDeniedException(AccessDeniedException::builder().message("no").build()));
        let a = adapter(
            mock_client!(aws_sdk_ssoadmin, []),
            mock_client!(aws_sdk_identitystore, RuleMode::MatchAny, [&group, &first, &second, &describe, &deleted, &denied]),
        );
        assert_eq!(a.find_group("d-1", "ml-team").await.expect("group").as_deref(), Some("g-1"));
        assert_eq!(a.group_member_ids("d-1", "g-1").await.expect("members"), vec!["u-2", "u-3"]);
        let li = a.describe_user("d-1", "u-2").await.expect("described").expect("li exists");
        assert_eq!((li.user_name.as_str(), li.email), ("li", None));
        assert_eq!(a.describe_user("d-1", "u-3").await.expect("a deleted user is no error"), None);
        assert!(a.describe_user("d-1", "u-4").await.is_err(), "a refusal is not a deleted user");
    }

    #[tokio::test]
    async fn unknown_user_is_none_and_throttling_is_named() {
        let missing = mock!(StoreClient::get_user_id)
            .then_error(|| GetUserIdError::ResourceNotFoundException(ResourceNotFoundException::builder().message("nope").build()));
        let a = adapter(mock_client!(aws_sdk_ssoadmin, []), mock_client!(aws_sdk_identitystore, [&missing]));
        assert_eq!(a.find_user("d-1", "ghost").await.expect("lookup"), None);

        let throttled =
            mock!(StoreClient::get_group_id).then_error(|| GetGroupIdError::ThrottlingException(ThrottlingException::builder().message("slow").build()));
        let a = adapter(mock_client!(aws_sdk_ssoadmin, []), mock_client!(aws_sdk_identitystore, [&throttled]));
        assert_eq!(a.find_group("d-1", "team").await.expect_err("throttled").name, ErrorName::AwsThrottled);
    }
}
