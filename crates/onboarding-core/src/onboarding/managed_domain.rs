//! The domain a request about an existing team names (by name or id), found only when this
//! workflow created it: what amendments and offboardings start from.

use crate::kernel::errors::{ErrorName, OnboardingError};
use crate::kernel::naming::created_for_domain;
use crate::ports::{DomainDetails, SageMakerPort, StudioPort};

/// The domain named by `name` or `id` in `region`; `DomainNotFound` when there is none,
/// `DomainNotManaged` when this workflow did not create it (`what` says what is refused:
/// "offboarded", "amended").
pub async fn find_managed_domain<S: SageMakerPort + StudioPort>(
    sagemaker: &S,
    name: Option<&str>,
    id: Option<&str>,
    region: &str,
    what: &str,
) -> Result<DomainDetails, OnboardingError> {
    let label = name.or(id).unwrap_or_default();
    let not_found = || OnboardingError::new(ErrorName::DomainNotFound, format!("no domain {label} in {region}: nothing to do"));
    let domain_id = match (id, name) {
        (Some(id), _) => id.to_string(),
        (None, Some(name)) => sagemaker.find_domain(name).await?.map(|d| d.domain_id).ok_or_else(not_found)?,
        (None, None) => return Err(not_found()),
    };
    let details = sagemaker.domain_details(&domain_id).await?.ok_or_else(not_found)?;
    if !created_for_domain(&sagemaker.list_tags(&details.domain_arn).await?, &details.domain_name) {
        return Err(OnboardingError::new(
            ErrorName::DomainNotManaged,
            format!("{} ({domain_id}) was not created by this workflow: it is not {what}", details.domain_name),
        ));
    }
    Ok(details)
}
