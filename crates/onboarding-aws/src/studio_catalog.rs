//! The account's Studio images, app image configs and lifecycle configurations, read before a
//! domain names them.

use aws_sdk_sagemaker::operation::describe_app_image_config::DescribeAppImageConfigError;
use aws_sdk_sagemaker::operation::describe_image::DescribeImageError;
use aws_sdk_sagemaker::operation::describe_image_version::DescribeImageVersionError;
use aws_sdk_sagemaker::operation::describe_studio_lifecycle_config::DescribeStudioLifecycleConfigError;
use onboarding_core::ports::{PortResult, StudioCatalogPort};

use crate::classify;
use crate::sagemaker::SageMakerAdapter;

impl StudioCatalogPort for SageMakerAdapter {
    async fn image_exists(&self, name: &str, version: Option<u32>) -> PortResult<bool> {
        match version {
            None => match self.client().describe_image().image_name(name).send().await {
                Ok(_) => Ok(true),
                Err(e) if matches!(e.as_service_error(), Some(DescribeImageError::ResourceNotFound(_))) => Ok(false),
                Err(e) => Err(classify("sagemaker:DescribeImage", &e)),
            },
            Some(v) => {
                let version = i32::try_from(v).unwrap_or(i32::MAX);
                match self.client().describe_image_version().image_name(name).version(version).send().await {
                    Ok(_) => Ok(true),
                    Err(e) if matches!(e.as_service_error(), Some(DescribeImageVersionError::ResourceNotFound(_))) => Ok(false),
                    Err(e) => Err(classify("sagemaker:DescribeImageVersion", &e)),
                }
            }
        }
    }

    async fn app_image_config_apps(&self, name: &str) -> PortResult<Option<Vec<String>>> {
        let out = match self.client().describe_app_image_config().app_image_config_name(name).send().await {
            Ok(out) => out,
            Err(e) if matches!(e.as_service_error(), Some(DescribeAppImageConfigError::ResourceNotFound(_))) => return Ok(None),
            Err(e) => return Err(classify("sagemaker:DescribeAppImageConfig", &e)),
        };
        let serves = [
            ("JupyterLab", out.jupyter_lab_app_image_config().is_some()),
            ("CodeEditor", out.code_editor_app_image_config().is_some()),
            ("KernelGateway", out.kernel_gateway_image_config().is_some()),
        ];
        Ok(Some(serves.iter().filter(|(_, yes)| *yes).map(|(app, _)| app.to_string()).collect()))
    }

    async fn lifecycle_config_app(&self, name: &str) -> PortResult<Option<String>> {
        match self.client().describe_studio_lifecycle_config().studio_lifecycle_config_name(name).send().await {
            Ok(out) => Ok(Some(out.studio_lifecycle_config_app_type().map(|t| t.as_str().to_string()).unwrap_or_default())),
            Err(e) if matches!(e.as_service_error(), Some(DescribeStudioLifecycleConfigError::ResourceNotFound(_))) => Ok(None),
            Err(e) => Err(classify("sagemaker:DescribeStudioLifecycleConfig", &e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_sagemaker::operation::describe_app_image_config::DescribeAppImageConfigOutput;
    use aws_sdk_sagemaker::operation::describe_image_version::DescribeImageVersionOutput;
    use aws_sdk_sagemaker::operation::describe_studio_lifecycle_config::DescribeStudioLifecycleConfigOutput;
    use aws_sdk_sagemaker::types::error::ResourceNotFound;
    use aws_sdk_sagemaker::types::{JupyterLabAppImageConfig, StudioLifecycleConfigAppType};
    use aws_sdk_sagemaker::Client;
    use aws_smithy_mocks::{mock, mock_client, RuleMode};

    #[tokio::test]
    async fn found_missing_and_what_each_serves() {
        let version = mock!(Client::describe_image_version)
            .match_requests(|r| r.image_name() == Some("gpu-research") && r.version() == Some(3))
            .then_output(|| DescribeImageVersionOutput::builder().build());
        let no_version = mock!(Client::describe_image_version).then_error(|| DescribeImageVersionError::ResourceNotFound(ResourceNotFound::builder().build()));
        let config = mock!(Client::describe_app_image_config)
            .then_output(|| DescribeAppImageConfigOutput::builder().jupyter_lab_app_image_config(JupyterLabAppImageConfig::builder().build()).build());
        let lcc = mock!(Client::describe_studio_lifecycle_config)
            .then_output(|| DescribeStudioLifecycleConfigOutput::builder().studio_lifecycle_config_app_type(StudioLifecycleConfigAppType::CodeEditor).build());
        let no_lcc = mock!(Client::describe_studio_lifecycle_config)
            .then_error(|| DescribeStudioLifecycleConfigError::ResourceNotFound(ResourceNotFound::builder().build()));
        let client = mock_client!(aws_sdk_sagemaker, RuleMode::Sequential, [&version, &no_version, &config, &lcc, &no_lcc]);
        let sm = SageMakerAdapter::new(client);
        assert!(sm.image_exists("gpu-research", Some(3)).await.expect("read"));
        assert!(!sm.image_exists("gpu-research", Some(9)).await.expect("read"));
        assert_eq!(sm.app_image_config_apps("gpu-lab").await.expect("read"), Some(vec!["JupyterLab".to_string()]));
        assert_eq!(sm.lifecycle_config_app("tools").await.expect("read").as_deref(), Some("CodeEditor"));
        assert_eq!(sm.lifecycle_config_app("gone").await.expect("read"), None);
    }
}
