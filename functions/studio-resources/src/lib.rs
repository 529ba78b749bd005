//! Before anything is created: the custom images, app image configs and Studio lifecycle
//! configurations the request names exist in the domain's account and region, and each serves
//! the app (JupyterLab or Code Editor) it is named for. CreateDomain would refuse them later,
//! after the roles exist.

use lambda_runtime::LambdaEvent;
use onboarding_core::ide_settings::{studio_references, StudioReference};
use onboarding_core::ports::{PortResult, StudioCatalogPort};
use onboarding_core::state::OnboardingState;
use onboarding_core::{ErrorName, OnboardingError};

pub async fn handler<P: StudioCatalogPort>(catalog: &P, event: LambdaEvent<OnboardingState>) -> Result<OnboardingState, OnboardingError> {
    let state = event.payload;
    let references = studio_references(&state.request);
    let mut problems = Vec::new();
    for reference in &references {
        if let Some(problem) = problem(catalog, reference).await? {
            problems.push(problem);
        }
    }
    if !problems.is_empty() {
        return Err(OnboardingError::new(ErrorName::StudioResourceNotFound, problems.join("; ")));
    }
    tracing::info!(checked = references.len(), "the images and lifecycle configurations exist");
    Ok(state)
}

/// What is wrong with one reference, if anything.
async fn problem<P: StudioCatalogPort>(catalog: &P, reference: &StudioReference) -> PortResult<Option<String>> {
    Ok(match reference {
        StudioReference::Image { path, name, version, .. } => (!catalog.image_exists(name, *version).await?).then(|| match version {
            Some(v) => format!("{path}: the image {name} has no version {v}"),
            None => format!("{path}: no image {name}"),
        }),
        StudioReference::AppImageConfig { path, name, app } => match catalog.app_image_config_apps(name).await? {
            None => Some(format!("{path}: no app image config {name}")),
            Some(apps) if !apps.iter().any(|a| a == app) => Some(format!("{path}: the app image config {name} is for {}, not {app}", apps.join(", "))),
            Some(_) => None,
        },
        StudioReference::LifecycleConfig { path, name, app } => match catalog.lifecycle_config_app(name).await? {
            None => Some(format!("{path}: no Studio lifecycle configuration {name}")),
            Some(for_app) if for_app != *app => Some(format!("{path}: the lifecycle configuration {name} is for {for_app}, not {app}")),
            Some(_) => None,
        },
    })
}
