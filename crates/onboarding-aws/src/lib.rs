//! AWS SDK adapters: each implements one port of `onboarding-core` over one service client.
//! Clients are built once per Lambda instance.

pub mod aws_error;
pub mod domain_body;
mod drift;
pub mod ec2;
pub mod eventbridge;
pub mod iam;
pub mod identity_center;
pub mod invitation_ledger;
pub mod leftovers;
pub mod sagemaker;
pub mod ses;
pub mod sso_assignments;
pub mod step_functions;
pub mod studio;
pub mod studio_catalog;

pub use aws_error::classify;

/// Loads the shared SDK configuration from the environment (region, credentials, endpoint).
pub async fn load_config() -> aws_config::SdkConfig {
    aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await
}

/// The region the function runs in, as the SDK configuration says.
pub fn config_region(config: &aws_config::SdkConfig) -> String {
    config.region().map(|r| r.to_string()).unwrap_or_else(|| "us-east-1".to_string())
}

/// The configuration for domain-side clients (SageMaker, EC2, Identity Center): built for IAM
/// Identity Center's region, since the guide requires the domain in that region.
pub fn domain_region_config(config: &aws_config::SdkConfig) -> aws_config::SdkConfig {
    config.to_builder().region(aws_config::Region::new(onboarding_core::config::domain_region())).build()
}
