//! The new Studio's app and file-system settings: what JupyterLab and Code Editor start with
//! (instance type, custom images, lifecycle configurations), the SageMaker Distribution versions
//! Studio hides, the file systems mounted beside the home EFS and the POSIX identity on them.
//! The request's keys and their checks against SageMaker's documented limits.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The most custom images an app's settings take (`CustomImages`).
pub const MAX_CUSTOM_IMAGES: usize = 200;
/// The most custom file systems a domain's default settings take (`CustomFileSystemConfigs`).
pub const MAX_CUSTOM_FILE_SYSTEMS: usize = 10;
/// The most custom file systems one space mounts (`SpaceSettings.CustomFileSystems`; EFS and
/// FSx only: a space mounts S3 only in SageMaker Unified Studio).
pub const MAX_SPACE_FILE_SYSTEMS: usize = 5;
/// The most hidden SageMaker Distribution versions (`VersionAliases`).
pub const MAX_HIDDEN_DISTRIBUTION_VERSIONS: usize = 20;
/// `CustomPosixUserConfig`'s ranges.
pub const POSIX_UIDS: std::ops::RangeInclusive<u64> = 10_000..=4_000_000;
pub const POSIX_GIDS: std::ops::RangeInclusive<u64> = 1_001..=4_000_000;

/// What an IDE (JupyterLab or Code Editor) offers users and starts new apps with, in their
/// private spaces and in shared spaces (`JupyterLabAppSettings` / `CodeEditorAppSettings`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(deny_unknown_fields)]
pub struct IdeSettings {
    /// The instance type new apps start on (an `ml.` type of SageMaker's `AppInstanceType`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_instance_type: Option<String>,
    /// Team images users may pick: SageMaker images of the account with an app image config
    /// (at most 200).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub custom_images: Vec<CustomImage>,
    /// Studio lifecycle configurations users may pick (ARNs in the domain's region and account).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub lifecycle_config_arns: Vec<String>,
    /// The lifecycle configuration that runs when a user picks none; one of `lifecycleConfigArns`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_lifecycle_config_arn: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(deny_unknown_fields)]
pub struct CustomImage {
    /// The SageMaker image's name (`CreateImage`).
    pub image_name: String,
    /// The image version; the latest when left out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_version: Option<u32>,
    /// The app image config that says how the image's kernels or app start.
    pub app_image_config_name: String,
}

/// A file system mounted in users' and shared spaces beside the home EFS.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum CustomFileSystem {
    /// An existing Amazon EFS file system.
    Efs(FileSystemMount),
    /// An existing Amazon FSx for Lustre file system.
    FsxLustre(FileSystemMount),
    /// An S3 prefix, mounted with Mountpoint for Amazon S3.
    S3(S3Mount),
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(deny_unknown_fields)]
pub struct FileSystemMount {
    /// `fs-` and 8 to 18 hex digits.
    pub file_system_id: String,
    /// The directory of the file system to mount (`/` when left out).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(deny_unknown_fields)]
pub struct S3Mount {
    /// `s3://BUCKET/PREFIX`.
    pub uri: String,
    /// Where the prefix appears in the space; SageMaker's default when left out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mount_path: Option<String>,
}

impl S3Mount {
    /// `(bucket, prefix)` of the URI (the prefix without its trailing `/`); `None` when it is not
    /// an `s3://` URI.
    pub fn bucket_and_prefix(&self) -> Option<(&str, &str)> {
        let rest = self.uri.strip_prefix("s3://")?;
        let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
        Some((bucket, prefix.trim_end_matches('/')))
    }
}

impl CustomFileSystem {
    /// Whether a space mounts it: EFS and FSx; S3 only in SageMaker Unified Studio (the API's
    /// `S3FileSystem`).
    pub fn mounts_in_spaces(&self) -> bool {
        !matches!(self, CustomFileSystem::S3(_))
    }

    /// What makes two entries the same mount: the file system (and directory), or the S3 URI.
    pub(crate) fn identity(&self) -> String {
        match self {
            CustomFileSystem::Efs(m) | CustomFileSystem::FsxLustre(m) => format!("{}:{}", m.file_system_id, m.path.as_deref().unwrap_or("/")),
            CustomFileSystem::S3(m) => m.uri.trim_end_matches('/').to_string(),
        }
    }
}

/// The POSIX identity users' apps have on the file systems (`CustomPosixUserConfig`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(deny_unknown_fields)]
pub struct PosixUser {
    /// 10000 to 4000000.
    pub uid: u64,
    /// 1001 to 4000000.
    pub gid: u64,
}
