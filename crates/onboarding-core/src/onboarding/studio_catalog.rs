//! The account's Studio catalog a request names: custom images (and versions), app image
//! configs and Studio lifecycle configurations, each for the app (JupyterLab or Code Editor) that
//! uses it. Checked before anything is created: CreateDomain would refuse them later, after the
//! roles exist.

use crate::kernel::errors::{ErrorName, OnboardingError};
use crate::onboarding::request::OnboardingRequest;
use crate::ports::{PortResult, StudioCatalogPort};

/// Something of the catalog that the request names, with its field path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StudioReference {
    Image { path: String, name: String, version: Option<u32> },
    AppImageConfig { path: String, name: String, app: &'static str },
    LifecycleConfig { path: String, name: String, app: &'static str },
}

/// Every image, app image config and lifecycle configuration the request names.
pub fn studio_references(r: &OnboardingRequest) -> Vec<StudioReference> {
    let mut found = Vec::new();
    for (key, app, ide) in [("jupyterLab", "JupyterLab", &r.studio.jupyter_lab), ("codeEditor", "CodeEditor", &r.studio.code_editor)] {
        let Some(ide) = ide else { continue };
        for (i, image) in ide.custom_images.iter().enumerate() {
            let path = format!("studio.{key}.customImages[{i}]");
            found.push(StudioReference::Image { path: format!("{path}.imageName"), name: image.image_name.clone(), version: image.image_version });
            found.push(StudioReference::AppImageConfig { path: format!("{path}.appImageConfigName"), name: image.app_image_config_name.clone(), app });
        }
        for (i, arn) in ide.lifecycle_config_arns.iter().enumerate() {
            let name = arn.rsplit_once("studio-lifecycle-config/").map(|(_, name)| name).unwrap_or(arn);
            found.push(StudioReference::LifecycleConfig { path: format!("studio.{key}.lifecycleConfigArns[{i}]"), name: name.to_string(), app });
        }
    }
    found
}

/// Reads each reference; `StudioResourceNotFound` lists every one that is missing or serves
/// another app. Answers how many were checked.
pub async fn check_studio_catalog<P: StudioCatalogPort>(catalog: &P, request: &OnboardingRequest) -> Result<usize, OnboardingError> {
    let references = studio_references(request);
    let mut problems = Vec::new();
    for reference in &references {
        if let Some(problem) = problem(catalog, reference).await? {
            problems.push(problem);
        }
    }
    if !problems.is_empty() {
        return Err(OnboardingError::new(ErrorName::StudioResourceNotFound, problems.join("; ")));
    }
    Ok(references.len())
}

/// What is wrong with one reference, if anything.
async fn problem<P: StudioCatalogPort>(catalog: &P, reference: &StudioReference) -> PortResult<Option<String>> {
    Ok(match reference {
        StudioReference::Image { path, name, version } => (!catalog.image_exists(name, *version).await?).then(|| match version {
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
