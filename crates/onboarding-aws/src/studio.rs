//! What is inside a SageMaker domain (apps, spaces, user profiles), and deleting it all.

use aws_sdk_sagemaker::operation::delete_app::DeleteAppError;
use aws_sdk_sagemaker::operation::delete_domain::DeleteDomainError;
use aws_sdk_sagemaker::operation::delete_space::DeleteSpaceError;
use aws_sdk_sagemaker::operation::delete_user_profile::DeleteUserProfileError;
use aws_sdk_sagemaker::operation::describe_domain::DescribeDomainError;
use aws_sdk_sagemaker::types::{AppType, RetentionPolicy, RetentionType};
use onboarding_core::offboarding::HomeEfsRetention;
use onboarding_core::ports::{DomainDetails, PortResult, StudioApp, StudioPort, StudioResource};

use crate::classify;
use crate::sagemaker::{domain_status, SageMakerAdapter};

impl StudioPort for SageMakerAdapter {
    async fn domain_details(&self, domain_id: &str) -> PortResult<Option<DomainDetails>> {
        let out = match self.client().describe_domain().domain_id(domain_id).send().await {
            Ok(out) => out,
            Err(e) if matches!(e.as_service_error(), Some(DescribeDomainError::ResourceNotFound(_))) => return Ok(None),
            Err(e) => return Err(classify("sagemaker:DescribeDomain", &e)),
        };
        let mut role_arns: Vec<String> = Vec::new();
        let mut add = |arn: Option<&str>| {
            if let Some(arn) = arn.filter(|a| !a.is_empty() && !role_arns.iter().any(|r| r == a)) {
                role_arns.push(arn.to_string());
            }
        };
        add(out.default_user_settings().and_then(|u| u.execution_role()));
        add(out.default_space_settings().and_then(|s| s.execution_role()));
        add(out.domain_settings().and_then(|d| d.r_studio_server_pro_domain_settings()).and_then(|r| r.domain_execution_role_arn()));
        Ok(Some(DomainDetails {
            domain_id: out.domain_id().unwrap_or(domain_id).to_string(),
            domain_arn: out.domain_arn().unwrap_or_default().to_string(),
            domain_name: out.domain_name().unwrap_or_default().to_string(),
            status: domain_status(out.status()),
            failure_reason: out.failure_reason().map(str::to_string),
            vpc_id: out.vpc_id().unwrap_or_default().to_string(),
            home_efs_file_system_id: out.home_efs_file_system_id().map(str::to_string),
            sso_application_arn: out.single_sign_on_application_arn().map(str::to_string),
            url: out.url().map(str::to_string),
            role_arns,
        }))
    }

    async fn apps(&self, domain_id: &str) -> PortResult<Vec<StudioApp>> {
        let items = self.client().list_apps().domain_id_equals(domain_id).into_paginator().items().send().collect::<Result<Vec<_>, _>>().await;
        let items = items.map_err(|e| classify("sagemaker:ListApps", &e))?;
        Ok(items
            .iter()
            .map(|a| StudioApp {
                app_type: a.app_type().map(|t| t.as_str().to_string()).unwrap_or_default(),
                app_name: a.app_name().unwrap_or_default().to_string(),
                user_profile_name: a.user_profile_name().map(str::to_string),
                space_name: a.space_name().map(str::to_string),
                status: a.status().map(|s| s.as_str().to_string()).unwrap_or_default(),
            })
            .collect())
    }

    async fn delete_app(&self, domain_id: &str, app: &StudioApp) -> PortResult<()> {
        let sent = self
            .client()
            .delete_app()
            .domain_id(domain_id)
            .app_type(AppType::from(app.app_type.as_str()))
            .app_name(&app.app_name)
            .set_user_profile_name(app.user_profile_name.clone())
            .set_space_name(app.space_name.clone())
            .send()
            .await;
        match sent {
            // Gone already, or already being deleted: the next pass sees it.
            Err(e) if matches!(e.as_service_error(), Some(DeleteAppError::ResourceNotFound(_) | DeleteAppError::ResourceInUse(_))) => Ok(()),
            Err(e) => Err(classify("sagemaker:DeleteApp", &e)),
            Ok(_) => Ok(()),
        }
    }

    async fn spaces(&self, domain_id: &str) -> PortResult<Vec<StudioResource>> {
        let items = self.client().list_spaces().domain_id_equals(domain_id).into_paginator().items().send().collect::<Result<Vec<_>, _>>().await;
        let items = items.map_err(|e| classify("sagemaker:ListSpaces", &e))?;
        Ok(items
            .iter()
            .map(|s| StudioResource {
                name: s.space_name().unwrap_or_default().to_string(),
                status: s.status().map(|s| s.as_str().to_string()).unwrap_or_default(),
                owner: s.ownership_settings_summary().and_then(|o| o.owner_user_profile_name()).map(str::to_string),
            })
            .collect())
    }

    async fn delete_space(&self, domain_id: &str, space_name: &str) -> PortResult<()> {
        match self.client().delete_space().domain_id(domain_id).space_name(space_name).send().await {
            Err(e) if matches!(e.as_service_error(), Some(DeleteSpaceError::ResourceNotFound(_) | DeleteSpaceError::ResourceInUse(_))) => Ok(()),
            Err(e) => Err(classify("sagemaker:DeleteSpace", &e)),
            Ok(_) => Ok(()),
        }
    }

    async fn user_profiles(&self, domain_id: &str) -> PortResult<Vec<StudioResource>> {
        let items = self.client().list_user_profiles().domain_id_equals(domain_id).into_paginator().items().send().collect::<Result<Vec<_>, _>>().await;
        let items = items.map_err(|e| classify("sagemaker:ListUserProfiles", &e))?;
        Ok(items
            .iter()
            .map(|p| StudioResource {
                name: p.user_profile_name().unwrap_or_default().to_string(),
                status: p.status().map(|s| s.as_str().to_string()).unwrap_or_default(),
                owner: None,
            })
            .collect())
    }

    async fn delete_user_profile(&self, domain_id: &str, profile_name: &str) -> PortResult<()> {
        match self.client().delete_user_profile().domain_id(domain_id).user_profile_name(profile_name).send().await {
            Err(e) if matches!(e.as_service_error(), Some(DeleteUserProfileError::ResourceNotFound(_) | DeleteUserProfileError::ResourceInUse(_))) => Ok(()),
            Err(e) => Err(classify("sagemaker:DeleteUserProfile", &e)),
            Ok(_) => Ok(()),
        }
    }

    async fn delete_domain_retaining(&self, domain_id: &str, home_efs: HomeEfsRetention) -> PortResult<()> {
        let retention = match home_efs {
            HomeEfsRetention::Retain => RetentionType::Retain,
            HomeEfsRetention::Delete => RetentionType::Delete,
        };
        let policy = RetentionPolicy::builder().home_efs_file_system(retention).build();
        match self.client().delete_domain().domain_id(domain_id).retention_policy(policy).send().await {
            // Gone, or still holding something SageMaker has not finished deleting: the next pass sees it.
            Err(e) if matches!(e.as_service_error(), Some(DeleteDomainError::ResourceNotFound(_) | DeleteDomainError::ResourceInUse(_))) => Ok(()),
            Err(e) => Err(classify("sagemaker:DeleteDomain", &e)),
            Ok(_) => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_sagemaker::operation::delete_app::DeleteAppOutput;
    use aws_sdk_sagemaker::operation::delete_domain::DeleteDomainOutput;
    use aws_sdk_sagemaker::operation::describe_domain::DescribeDomainOutput;
    use aws_sdk_sagemaker::operation::list_apps::ListAppsOutput;
    use aws_sdk_sagemaker::types::error::{ResourceInUse, ResourceNotFound};
    use aws_sdk_sagemaker::types::{AppDetails, AppStatus, DomainStatus as SdkStatus, UserSettings};
    use aws_sdk_sagemaker::Client;
    use aws_smithy_mocks::{mock, mock_client, RuleMode};
    use onboarding_core::ports::DomainStatus;

    #[tokio::test]
    async fn details_name_every_role_once_and_missing_is_none() {
        let found = mock!(Client::describe_domain).then_output(|| {
            DescribeDomainOutput::builder()
                .domain_id("d-1")
                .domain_name("team-a")
                .status(SdkStatus::Failed)
                .home_efs_file_system_id("fs-1")
                .default_user_settings(UserSettings::builder().execution_role("arn:aws:iam::1:role/r").build())
                .default_space_settings(aws_sdk_sagemaker::types::DefaultSpaceSettings::builder().execution_role("arn:aws:iam::1:role/r").build())
                .build()
        });
        let gone = mock!(Client::describe_domain).then_error(|| DescribeDomainError::ResourceNotFound(ResourceNotFound::builder().build()));
        let client = mock_client!(aws_sdk_sagemaker, RuleMode::Sequential, [&found, &gone]);
        let adapter = SageMakerAdapter::new(client);
        let details = adapter.domain_details("d-1").await.expect("ok").expect("found");
        assert_eq!(details.status, DomainStatus::Failed);
        assert_eq!(details.role_arns, vec!["arn:aws:iam::1:role/r"]);
        assert_eq!(details.home_efs_file_system_id.as_deref(), Some("fs-1"));
        assert!(adapter.domain_details("d-1").await.expect("ok").is_none());
    }

    #[tokio::test]
    async fn apps_are_listed_and_deleted_by_their_owner_and_in_use_waits() {
        let list = mock!(Client::list_apps).then_output(|| {
            ListAppsOutput::builder()
                .apps(AppDetails::builder().app_type(AppType::JupyterLab).app_name("default").space_name("s1").status(AppStatus::InService).build())
                .build()
        });
        let delete = mock!(Client::delete_app)
            .match_requests(|r| r.space_name() == Some("s1") && r.user_profile_name().is_none() && r.app_type() == Some(&AppType::JupyterLab))
            .then_output(|| DeleteAppOutput::builder().build());
        let in_use = mock!(Client::delete_domain).then_error(|| DeleteDomainError::ResourceInUse(ResourceInUse::builder().build()));
        let retained = mock!(Client::delete_domain)
            .match_requests(|r| r.retention_policy().and_then(|p| p.home_efs_file_system()) == Some(&RetentionType::Retain))
            .then_output(|| DeleteDomainOutput::builder().build());
        let client = mock_client!(aws_sdk_sagemaker, RuleMode::Sequential, [&list, &delete, &in_use, &retained]);
        let adapter = SageMakerAdapter::new(client);
        let apps = adapter.apps("d-1").await.expect("listed");
        assert_eq!(apps[0].status, "InService");
        adapter.delete_app("d-1", &apps[0]).await.expect("deleted");
        adapter.delete_domain_retaining("d-1", HomeEfsRetention::Delete).await.expect("in use is waited out");
        adapter.delete_domain_retaining("d-1", HomeEfsRetention::Retain).await.expect("retained");
        assert_eq!(retained.num_calls(), 1);
    }
}
