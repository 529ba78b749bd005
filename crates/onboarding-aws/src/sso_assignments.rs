//! Identity Center application assignments: what lets a user or group into an SSO domain.

use aws_sdk_ssoadmin::operation::create_application_assignment::CreateApplicationAssignmentError;
use aws_sdk_ssoadmin::operation::delete_application_assignment::DeleteApplicationAssignmentError;
use aws_sdk_ssoadmin::types::PrincipalType as SdkPrincipalType;
use onboarding_core::ports::{AssignmentPort, PortResult};
use onboarding_core::state::PrincipalType;
use onboarding_core::{ErrorName, OnboardingError};

use crate::classify;

#[derive(Clone, Debug)]
pub struct AssignmentAdapter {
    client: aws_sdk_ssoadmin::Client,
}

impl AssignmentAdapter {
    pub fn new(client: aws_sdk_ssoadmin::Client) -> Self {
        AssignmentAdapter { client }
    }

    pub fn from_config(config: &aws_config::SdkConfig) -> Self {
        Self::new(aws_sdk_ssoadmin::Client::new(config))
    }
}

fn sdk_type(t: PrincipalType) -> SdkPrincipalType {
    match t {
        PrincipalType::User => SdkPrincipalType::User,
        PrincipalType::Group => SdkPrincipalType::Group,
    }
}

/// What the model documents ConflictException as: a previous write has not propagated yet.
fn not_propagated(op: &str, application_arn: &str) -> OnboardingError {
    OnboardingError::new(ErrorName::AssignmentConflict, format!("{op}: a previous write to {application_arn} has not propagated yet"))
}

impl AssignmentPort for AssignmentAdapter {
    async fn list_assignments(&self, application_arn: &str) -> PortResult<Vec<(PrincipalType, String)>> {
        let items =
            self.client.list_application_assignments().application_arn(application_arn).into_paginator().items().send().collect::<Result<Vec<_>, _>>().await;
        let items = items.map_err(|e| classify("sso:ListApplicationAssignments", &e))?;
        Ok(items
            .iter()
            .filter_map(|a| {
                let kind = match a.principal_type() {
                    SdkPrincipalType::User => PrincipalType::User,
                    SdkPrincipalType::Group => PrincipalType::Group,
                    _ => return None,
                };
                Some((kind, a.principal_id().to_string()))
            })
            .collect())
    }

    async fn create_assignment(&self, application_arn: &str, principal_type: PrincipalType, principal_id: &str) -> PortResult<()> {
        let sent = self
            .client
            .create_application_assignment()
            .application_arn(application_arn)
            .principal_type(sdk_type(principal_type))
            .principal_id(principal_id)
            .send()
            .await;
        match sent {
            Ok(_) => Ok(()),
            // The model documents ConflictException as "a previous write has not propagated yet".
            Err(e) if matches!(e.as_service_error(), Some(CreateApplicationAssignmentError::ConflictException(_))) => {
                Err(not_propagated("sso:CreateApplicationAssignment", application_arn))
            }
            Err(e) => Err(classify("sso:CreateApplicationAssignment", &e)),
        }
    }

    async fn delete_assignment(&self, application_arn: &str, principal_type: PrincipalType, principal_id: &str) -> PortResult<()> {
        let sent = self
            .client
            .delete_application_assignment()
            .application_arn(application_arn)
            .principal_type(sdk_type(principal_type))
            .principal_id(principal_id)
            .send()
            .await;
        match sent {
            Ok(_) => Ok(()),
            Err(e) if matches!(e.as_service_error(), Some(DeleteApplicationAssignmentError::ResourceNotFoundException(_))) => Ok(()),
            Err(e) if matches!(e.as_service_error(), Some(DeleteApplicationAssignmentError::ConflictException(_))) => {
                Err(not_propagated("sso:DeleteApplicationAssignment", application_arn))
            }
            Err(e) => Err(classify("sso:DeleteApplicationAssignment", &e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_ssoadmin::operation::create_application_assignment::CreateApplicationAssignmentOutput;
    use aws_sdk_ssoadmin::operation::list_application_assignments::ListApplicationAssignmentsOutput;
    use aws_sdk_ssoadmin::types::error::{AccessDeniedException, ConflictException};
    use aws_sdk_ssoadmin::types::ApplicationAssignment;
    use aws_sdk_ssoadmin::Client;
    use aws_smithy_mocks::{mock, mock_client, RuleMode};

    #[tokio::test]
    async fn lists_and_creates_assignments() {
        let list = mock!(Client::list_application_assignments).then_output(|| {
            ListApplicationAssignmentsOutput::builder()
                .application_assignments(
                    ApplicationAssignment::builder()
                        .application_arn("arn:app")
                        .principal_id("u-1")
                        .principal_type(SdkPrincipalType::User)
                        .build()
                        .expect("assignment"),
                )
                .build()
        });
        let create = mock!(Client::create_application_assignment)
            .match_requests(|r| r.principal_type() == Some(&SdkPrincipalType::Group) && r.principal_id() == Some("g-1"))
            .then_output(|| CreateApplicationAssignmentOutput::builder().build());
        let sso = AssignmentAdapter::new(mock_client!(aws_sdk_ssoadmin, RuleMode::MatchAny, [&list, &create]));
        assert_eq!(sso.list_assignments("arn:app").await.expect("list"), vec![(PrincipalType::User, "u-1".to_string())]);
        sso.create_assignment("arn:app", PrincipalType::Group, "g-1").await.expect("created");
        assert_eq!(create.num_calls(), 1);
    }

    #[tokio::test]
    async fn conflict_and_access_denied_are_named() {
        let conflict = mock!(Client::create_application_assignment)
            .then_error(|| CreateApplicationAssignmentError::ConflictException(ConflictException::builder().message("propagating").build()));
        let denied = mock!(Client::create_application_assignment).then_error(|| {
            CreateApplicationAssignmentError::AccessDeniedException(
                AccessDeniedException::builder()
                    .message("no")
                    .meta(aws_smithy_types::error::ErrorMetadata::builder().code("AccessDeniedException").build())
                    .build(),
            )
        });
        let sso = AssignmentAdapter::new(mock_client!(aws_sdk_ssoadmin, RuleMode::Sequential, [&conflict, &denied]));
        assert_eq!(sso.create_assignment("arn:app", PrincipalType::User, "u-1").await.expect_err("conflict").name, ErrorName::AssignmentConflict);
        assert_eq!(sso.create_assignment("arn:app", PrincipalType::User, "u-1").await.expect_err("denied").name, ErrorName::AwsAccessDenied);
    }
}
