//! The rules of the JupyterLab and Code Editor settings, custom file systems and the POSIX
//! identity (the types are in `ide_settings`).

use std::collections::HashSet;

use crate::kernel::formats::{is_bucket_name, is_file_system_id, is_instance_type, is_sagemaker_image_name, is_sagemaker_name, lifecycle_config_arn_parts};
use crate::kernel::problems::{Problems, ValidationContext};
use crate::onboarding::request::{OnboardingRequest, StudioExperience};
use crate::ports::studio_settings::*;

/// What a Studio Classic request naming a new Studio option is told.
pub(crate) const NEW_STUDIO_ONLY: &str = "is a new Studio option; Studio Classic has no JupyterLab or Code Editor apps and no web portal settings";

/// An instance type a JupyterLab or Code Editor app runs on: an `ml.` one of SageMaker's
/// `AppInstanceType`, not Studio Classic's `system`.
pub(crate) fn check_app_instance_type(path: &str, t: &str, p: &mut Problems) {
    if t == "system" {
        p.add(path, "system is Studio Classic's JupyterServer instance; apps run on an ml. instance type");
    } else {
        p.check(is_instance_type(t), path, format!("{t:?} is not one of SageMaker's app instance types (AppInstanceType)"));
    }
}

/// The app, distribution-version and file-system checks of a request.
pub(crate) fn check(r: &OnboardingRequest, ctx: &ValidationContext, p: &mut Problems) {
    let classic = r.studio.default_experience == StudioExperience::StudioClassic;
    if let Some(ide) = &r.studio.jupyter_lab {
        p.check(!classic, "studio.jupyterLab", NEW_STUDIO_ONLY);
        check_ide("studio.jupyterLab", ide, r, ctx, p);
    }
    if let Some(ide) = &r.studio.code_editor {
        p.check(!classic, "studio.codeEditor", NEW_STUDIO_ONLY);
        p.check(r.code_editor.enabled, "studio.codeEditor", "needs codeEditor.enabled");
        check_ide("studio.codeEditor", ide, r, ctx, p);
    }
    let versions = &r.studio.hidden_distribution_versions;
    if !versions.is_empty() {
        p.check(!classic, "studio.hiddenDistributionVersions", NEW_STUDIO_ONLY);
        p.check(
            versions.len() <= MAX_HIDDEN_DISTRIBUTION_VERSIONS,
            "studio.hiddenDistributionVersions",
            format!("at most {MAX_HIDDEN_DISTRIBUTION_VERSIONS} versions"),
        );
    }
    let mut seen = HashSet::new();
    for (i, version) in versions.iter().enumerate() {
        let at = format!("studio.hiddenDistributionVersions[{i}]");
        if !is_major_minor(version) {
            p.add(at, format!("{version:?} is not a SageMaker Distribution version alias (MAJOR.MINOR, such as 2.1)"));
        } else if !seen.insert(version) {
            p.add(at, "is named twice");
        }
    }
    check_file_systems(r, classic, p);
}

fn check_ide(path: &str, ide: &IdeSettings, r: &OnboardingRequest, ctx: &ValidationContext, p: &mut Problems) {
    if let Some(t) = &ide.default_instance_type {
        check_app_instance_type(&format!("{path}.defaultInstanceType"), t, p);
    }
    if let Some(t) = ide.default_instance_type.as_ref().filter(|t| r.studio.hidden_instance_types.contains(t)) {
        p.add(format!("{path}.defaultInstanceType"), format!("{t} is in studio.hiddenInstanceTypes: users could not see the type their apps start on"));
    }
    p.check(ide.custom_images.len() <= MAX_CUSTOM_IMAGES, format!("{path}.customImages"), format!("at most {MAX_CUSTOM_IMAGES} images"));
    let mut images = HashSet::new();
    for (i, image) in ide.custom_images.iter().enumerate() {
        let at = format!("{path}.customImages[{i}]");
        p.check(
            is_sagemaker_image_name(&image.image_name),
            format!("{at}.imageName"),
            "is not a SageMaker image name (letters and digits, single - or . between them, at most 63)",
        );
        p.check(
            is_sagemaker_name(&image.app_image_config_name),
            format!("{at}.appImageConfigName"),
            "is not an app image config name (letters, digits and -, at most 63)",
        );
        p.check(image.image_version != Some(0), format!("{at}.imageVersion"), "image versions start at 1");
        p.check(images.insert(&image.image_name), format!("{at}.imageName"), "is named twice: an image is offered once");
    }
    let mut arns = HashSet::new();
    for (i, arn) in ide.lifecycle_config_arns.iter().enumerate() {
        let at = format!("{path}.lifecycleConfigArns[{i}]");
        match lifecycle_config_arn_parts(arn) {
            None => p.add(at, "is not a Studio lifecycle configuration ARN (arn:aws:sagemaker:REGION:ACCOUNT:studio-lifecycle-config/NAME)"),
            Some((region, account)) => {
                if let Some(domain_region) = r.region.as_deref().filter(|d| *d != region) {
                    p.add(&at, format!("is in {region}; the domain is in {domain_region}"));
                }
                if let Some(deployment) = ctx.account_id.as_deref().filter(|d| *d != account) {
                    p.add(&at, format!("is of account {account}; the deployment's is {deployment}"));
                }
                p.check(arns.insert(arn), at, "is named twice");
            }
        }
    }
    if let Some(default) = &ide.default_lifecycle_config_arn {
        p.check(ide.lifecycle_config_arns.contains(default), format!("{path}.defaultLifecycleConfigArn"), format!("must be one of {path}.lifecycleConfigArns"));
    }
}

fn check_file_systems(r: &OnboardingRequest, classic: bool, p: &mut Problems) {
    let systems = &r.storage.custom_file_systems;
    if !systems.is_empty() {
        p.check(!classic, "storage.customFileSystems", "are mounted in JupyterLab and Code Editor spaces, a new Studio option");
        p.check(systems.len() <= MAX_CUSTOM_FILE_SYSTEMS, "storage.customFileSystems", format!("at most {MAX_CUSTOM_FILE_SYSTEMS} file systems"));
        let mounted_in_spaces = systems.iter().filter(|fs| fs.mounts_in_spaces()).count();
        if r.studio.private_spaces.is_some() {
            p.check(
                mounted_in_spaces <= MAX_SPACE_FILE_SYSTEMS,
                "storage.customFileSystems",
                format!("a private space mounts at most {MAX_SPACE_FILE_SYSTEMS} EFS and FSx file systems (studio.privateSpaces)"),
            );
        }
    }
    let mut seen = HashSet::new();
    for (i, system) in systems.iter().enumerate() {
        let at = format!("storage.customFileSystems[{i}]");
        match system {
            CustomFileSystem::Efs(m) | CustomFileSystem::FsxLustre(m) => {
                let kind = if matches!(system, CustomFileSystem::Efs(_)) { "efs" } else { "fsxLustre" };
                p.check(is_file_system_id(&m.file_system_id), format!("{at}.{kind}.fileSystemId"), "is not a file system id (fs- and 8 to 18 hex digits)");
                if let Some(path) = &m.path {
                    p.check(is_mount_path(path, 256), format!("{at}.{kind}.path"), "must start with / and have no white space (at most 256 characters)");
                }
            }
            CustomFileSystem::S3(m) => {
                p.check(
                    m.bucket_and_prefix().is_some_and(|(bucket, _)| is_bucket_name(bucket)) && m.uri.len() <= 1024 && !m.uri.chars().any(char::is_whitespace),
                    format!("{at}.s3.uri"),
                    "must be s3://BUCKET/PREFIX with a valid bucket name",
                );
                if let Some(path) = &m.mount_path {
                    p.check(is_mount_path(path, 1024), format!("{at}.s3.mountPath"), "must start with / and have no white space (at most 1,024 characters)");
                }
            }
        }
        p.check(seen.insert(system.identity()), at, "mounts what another entry mounts");
    }
    if let Some(posix) = &r.storage.posix_user {
        p.check(POSIX_UIDS.contains(&posix.uid), "storage.posixUser.uid", format!("must be {} to {}", POSIX_UIDS.start(), POSIX_UIDS.end()));
        p.check(POSIX_GIDS.contains(&posix.gid), "storage.posixUser.gid", format!("must be {} to {}", POSIX_GIDS.start(), POSIX_GIDS.end()));
        p.check(!classic, "storage.posixUser", "applies to JupyterLab and Code Editor spaces, a new Studio option");
    }
}

/// `(0|[1-9]\d*)\.(0|[1-9]\d*)`, SageMaker's `ImageVersionAliasPattern`.
fn is_major_minor(s: &str) -> bool {
    let number = |n: &str| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()) && (n == "0" || !n.starts_with('0'));
    s.len() <= 128 && s.split_once('.').is_some_and(|(major, minor)| number(major) && number(minor))
}

fn is_mount_path(path: &str, max: usize) -> bool {
    path.starts_with('/') && path.len() <= max && !path.chars().any(|c| c.is_whitespace() || c.is_control())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distribution_versions() {
        assert!(is_major_minor("2.1") && is_major_minor("0.0") && is_major_minor("10.12"));
        assert!(!is_major_minor("2") && !is_major_minor("02.1") && !is_major_minor("2.1.0") && !is_major_minor("latest"));
    }

    #[test]
    fn file_systems_are_told_apart_by_what_they_mount() {
        let efs = |path: Option<&str>| CustomFileSystem::Efs(FileSystemMount { file_system_id: "fs-01234567".into(), path: path.map(str::to_string) });
        assert_eq!(efs(None).identity(), efs(Some("/")).identity());
        assert_ne!(efs(None).identity(), efs(Some("/data")).identity());
        let json = serde_json::json!({"fsxLustre": {"fileSystemId": "fs-01234567", "path": "/scratch"}});
        let parsed: CustomFileSystem = serde_json::from_value(json).expect("camelCase variant");
        assert!(matches!(parsed, CustomFileSystem::FsxLustre(_)));
    }
}
