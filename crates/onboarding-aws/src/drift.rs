//! Settings drift: an existing domain's settings against the request's, setting by setting.
//!
//! Both sides are read into the same flat list of leaves (`DefaultUserSettings.JupyterLabAppSettings.
//! DefaultResourceSpec.InstanceType` = `"ml.g5.xlarge"`), by one function over the SDK's types, so
//! that CreateDomain's own builders say what the request wants. Only what the request sets is
//! compared: SageMaker fills in defaults of its own (image ARNs, built-in lifecycle settings)
//! that are no drift, and a setting the request leaves out keeps the domain's value.

use std::collections::BTreeMap;
use std::fmt::Debug;

use aws_sdk_sagemaker::operation::describe_domain::DescribeDomainOutput;
use aws_sdk_sagemaker::types::{
    AppLifecycleManagement, CustomFileSystemConfig, CustomImage, CustomPosixUserConfig, DefaultSpaceSettings, DefaultSpaceStorageSettings, DomainSettings,
    JupyterLabAppSettings, ResourceSpec, UserSettings,
};
use onboarding_core::domain_spec::DomainSpec;
use onboarding_core::ports::SettingsDrift;

use crate::domain_body::{domain_settings, space_settings, user_settings};

/// Setting name -> value. A list's value starts with `[`, its items sorted.
#[derive(Default, Debug)]
pub(crate) struct Leaves(BTreeMap<String, String>);

impl Leaves {
    fn one<T: Debug>(&mut self, path: &str, value: Option<T>) {
        if let Some(value) = value {
            self.0.insert(path.to_string(), format!("{value:?}"));
        }
    }

    fn list<T: Debug>(&mut self, path: &str, items: &[T]) {
        let mut items: Vec<String> = items.iter().map(|i| format!("{i:?}")).collect();
        items.sort();
        self.0.insert(path.to_string(), format!("[{}]", items.join(", ")));
    }

    /// A list that only counts when it names something (a setting UpdateDomain cannot empty).
    fn list_if_any<T: Debug>(&mut self, path: &str, items: &[T]) {
        if !items.is_empty() {
            self.list(path, items);
        }
    }

    /// An absent list is an empty one; an absent single value is unset.
    fn get(&self, path: &str, wanted: &str) -> String {
        self.0.get(path).cloned().unwrap_or_else(|| if wanted.starts_with('[') { "[]".into() } else { "None".into() })
    }
}

/// What the request wants of the domain: the leaves of CreateDomain's own settings.
pub(crate) fn wanted(spec: &DomainSpec) -> (Leaves, Leaves) {
    let mut changeable = Leaves::default();
    user_leaves("DefaultUserSettings", &user_settings(spec), &mut changeable);
    space_leaves("DefaultSpaceSettings", &space_settings(spec), &mut changeable);
    if let Some(settings) = domain_settings(spec) {
        domain_leaves("DomainSettings", &settings, &mut changeable);
    }
    changeable.one("TagPropagation", spec.tag_propagation.then_some("Enabled"));
    let mut fixed = Leaves::default();
    fixed.one("VpcId", Some(spec.vpc_id.as_str()));
    fixed.list("SubnetIds", &spec.subnet_ids);
    fixed.one("AppNetworkAccessType", Some(spec.app_network_access_type));
    fixed.one("KmsKeyId", spec.kms_key_id.as_deref());
    (changeable, fixed)
}

/// What the domain has, read the same way.
pub(crate) fn found(domain: &DescribeDomainOutput) -> Leaves {
    let mut l = Leaves::default();
    if let Some(u) = domain.default_user_settings() {
        user_leaves("DefaultUserSettings", u, &mut l);
    }
    if let Some(s) = domain.default_space_settings() {
        space_leaves("DefaultSpaceSettings", s, &mut l);
    }
    if let Some(d) = domain.domain_settings() {
        domain_leaves("DomainSettings", d, &mut l);
    }
    l.one("TagPropagation", domain.tag_propagation().map(|t| if t.as_str() == "ENABLED" { "Enabled" } else { "Disabled" }));
    l.one("VpcId", domain.vpc_id());
    l.list("SubnetIds", domain.subnet_ids());
    l.one("AppNetworkAccessType", domain.app_network_access_type().map(|t| t.as_str()));
    l.one("KmsKeyId", domain.kms_key_id());
    l
}

/// The settings whose wanted value is not what the domain has.
pub(crate) fn compare(spec: &DomainSpec, domain: &DescribeDomainOutput) -> SettingsDrift {
    let (changeable, fixed) = wanted(spec);
    let has = found(domain);
    let differing =
        |want: &Leaves| -> Vec<String> { want.0.iter().filter(|(path, value)| has.get(path, value) != **value).map(|(path, _)| path.clone()).collect() };
    SettingsDrift { applied: differing(&changeable), needs_reonboarding: differing(&fixed) }
}

fn user_leaves(at: &str, u: &UserSettings, l: &mut Leaves) {
    let p = |name: &str| format!("{at}.{name}");
    l.one(&p("ExecutionRole"), u.execution_role());
    l.list(&p("SecurityGroups"), u.security_groups());
    if let Some(s) = u.sharing_settings() {
        l.one(&p("SharingSettings.NotebookOutputOption"), s.notebook_output_option());
        l.one(&p("SharingSettings.S3OutputPath"), s.s3_output_path());
        l.one(&p("SharingSettings.S3KmsKeyId"), s.s3_kms_key_id());
    }
    if let Some(j) = u.jupyter_server_app_settings() {
        resource_leaves(&p("JupyterServerAppSettings.DefaultResourceSpec"), j.default_resource_spec(), l);
    }
    if let Some(r) = u.r_studio_server_pro_app_settings() {
        l.one(&p("RStudioServerProAppSettings.AccessStatus"), r.access_status());
        l.one(&p("RStudioServerProAppSettings.UserGroup"), r.user_group());
    }
    if let Some(c) = u.code_editor_app_settings() {
        let at = p("CodeEditorAppSettings");
        app_leaves(&at, c.default_resource_spec(), c.custom_images(), c.lifecycle_config_arns(), c.app_lifecycle_management(), l);
    }
    jupyter_lab_leaves(&p("JupyterLabAppSettings"), u.jupyter_lab_app_settings(), l);
    storage_leaves(&p("SpaceStorageSettings"), u.space_storage_settings(), l);
    l.one(&p("DefaultLandingUri"), u.default_landing_uri());
    l.one(&p("StudioWebPortal"), u.studio_web_portal());
    file_system_leaves(at, u.custom_posix_user_config(), u.custom_file_system_configs(), l);
    if let Some(portal) = u.studio_web_portal_settings() {
        l.list(&p("StudioWebPortalSettings.HiddenMlTools"), portal.hidden_ml_tools());
        l.list(&p("StudioWebPortalSettings.HiddenAppTypes"), portal.hidden_app_types());
        l.list(&p("StudioWebPortalSettings.HiddenInstanceTypes"), portal.hidden_instance_types());
        let aliases: Vec<String> = portal
            .hidden_sage_maker_image_version_aliases()
            .iter()
            .flat_map(|image| image.version_aliases().iter().map(move |v| format!("{:?} {v}", image.sage_maker_image_name())))
            .collect();
        l.list(&p("StudioWebPortalSettings.HiddenSageMakerImageVersionAliases"), &aliases);
    }
}

fn space_leaves(at: &str, s: &DefaultSpaceSettings, l: &mut Leaves) {
    let p = |name: &str| format!("{at}.{name}");
    l.one(&p("ExecutionRole"), s.execution_role());
    l.list(&p("SecurityGroups"), s.security_groups());
    jupyter_lab_leaves(&p("JupyterLabAppSettings"), s.jupyter_lab_app_settings(), l);
    storage_leaves(&p("SpaceStorageSettings"), s.space_storage_settings(), l);
    file_system_leaves(at, s.custom_posix_user_config(), s.custom_file_system_configs(), l);
}

fn domain_leaves(at: &str, d: &DomainSettings, l: &mut Leaves) {
    let p = |name: &str| format!("{at}.{name}");
    l.list_if_any(&p("SecurityGroupIds"), d.security_group_ids());
    l.one(&p("ExecutionRoleIdentityConfig"), d.execution_role_identity_config());
    l.one(&p("TrustedIdentityPropagationSettings.Status"), d.trusted_identity_propagation_settings().and_then(|t| t.status()));
    if let Some(docker) = d.docker_settings() {
        l.one(&p("DockerSettings.EnableDockerAccess"), docker.enable_docker_access());
        l.one(&p("DockerSettings.RootlessDocker"), docker.rootless_docker());
        l.list_if_any(&p("DockerSettings.VpcOnlyTrustedAccounts"), docker.vpc_only_trusted_accounts());
    }
    if let Some(q) = d.amazon_q_settings() {
        l.one(&p("AmazonQSettings.Status"), q.status());
        l.one(&p("AmazonQSettings.QProfileArn"), q.q_profile_arn());
    }
    if let Some(rs) = d.r_studio_server_pro_domain_settings() {
        l.one(&p("RStudioServerProDomainSettings.DomainExecutionRoleArn"), rs.domain_execution_role_arn());
        l.one(&p("RStudioServerProDomainSettings.RStudioConnectUrl"), rs.r_studio_connect_url());
        l.one(&p("RStudioServerProDomainSettings.RStudioPackageManagerUrl"), rs.r_studio_package_manager_url());
        l.one(&p("RStudioServerProDomainSettings.DefaultResourceSpec.InstanceType"), rs.default_resource_spec().and_then(|r| r.instance_type()));
    }
}

/// JupyterLab's settings, users' and shared spaces' alike.
fn jupyter_lab_leaves(at: &str, settings: Option<&JupyterLabAppSettings>, l: &mut Leaves) {
    if let Some(j) = settings {
        app_leaves(at, j.default_resource_spec(), j.custom_images(), j.lifecycle_config_arns(), j.app_lifecycle_management(), l);
    }
}

fn app_leaves(
    at: &str,
    resource: Option<&ResourceSpec>,
    images: &[CustomImage],
    lifecycle_configs: &[String],
    lifecycle: Option<&AppLifecycleManagement>,
    l: &mut Leaves,
) {
    resource_leaves(&format!("{at}.DefaultResourceSpec"), resource, l);
    let images: Vec<String> = images.iter().map(|i| format!("{:?}:{:?}:{:?}", i.image_name(), i.image_version_number(), i.app_image_config_name())).collect();
    l.list(&format!("{at}.CustomImages"), &images);
    l.list(&format!("{at}.LifecycleConfigArns"), lifecycle_configs);
    if let Some(idle) = lifecycle.and_then(|m| m.idle_settings()) {
        let idle_at = format!("{at}.AppLifecycleManagement.IdleSettings");
        l.one(&format!("{idle_at}.LifecycleManagement"), idle.lifecycle_management());
        l.one(&format!("{idle_at}.IdleTimeoutInMinutes"), idle.idle_timeout_in_minutes());
        l.one(&format!("{idle_at}.MinIdleTimeoutInMinutes"), idle.min_idle_timeout_in_minutes());
        l.one(&format!("{idle_at}.MaxIdleTimeoutInMinutes"), idle.max_idle_timeout_in_minutes());
    }
}

fn resource_leaves(at: &str, resource: Option<&ResourceSpec>, l: &mut Leaves) {
    let Some(r) = resource else { return };
    l.one(&format!("{at}.InstanceType"), r.instance_type());
    l.one(&format!("{at}.SageMakerImageArn"), r.sage_maker_image_arn());
    l.one(&format!("{at}.LifecycleConfigArn"), r.lifecycle_config_arn());
}

fn storage_leaves(at: &str, storage: Option<&DefaultSpaceStorageSettings>, l: &mut Leaves) {
    let Some(ebs) = storage.and_then(|s| s.default_ebs_storage_settings()) else { return };
    l.one(&format!("{at}.DefaultEbsStorageSettings.DefaultEbsVolumeSizeInGb"), ebs.default_ebs_volume_size_in_gb());
    l.one(&format!("{at}.DefaultEbsStorageSettings.MaximumEbsVolumeSizeInGb"), ebs.maximum_ebs_volume_size_in_gb());
}

fn file_system_leaves(at: &str, posix: Option<&CustomPosixUserConfig>, systems: &[CustomFileSystemConfig], l: &mut Leaves) {
    if let Some(posix) = posix {
        l.one(&format!("{at}.CustomPosixUserConfig.Uid"), posix.uid());
        l.one(&format!("{at}.CustomPosixUserConfig.Gid"), posix.gid());
    }
    l.list(&format!("{at}.CustomFileSystemConfigs"), systems);
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_sagemaker::types::{AppInstanceType, TagPropagation};
    use onboarding_core::domain_spec::{IdleSpec, UserSettingsSpec};

    pub(crate) fn spec() -> DomainSpec {
        DomainSpec {
            domain_name: "team-a".into(),
            vpc_id: "vpc-1".into(),
            subnet_ids: vec!["subnet-1".into(), "subnet-2".into()],
            app_network_access_type: "PublicInternetOnly",
            app_security_group_management: None,
            kms_key_id: None,
            rstudio: None,
            user: UserSettingsSpec {
                execution_role_arn: "arn:aws:iam::123456789012:role/exec".into(),
                security_group_ids: vec![],
                studio_web_portal: "ENABLED",
                default_landing_uri: "studio::",
                jupyter_instance_type: "system".into(),
                jupyter_image_arn: None,
                sharing: None,
                hidden_app_types: vec!["RStudioServerPro"],
                rstudio_access: ("DISABLED", "R_STUDIO_USER"),
                space_storage_gb: None,
                jupyter_lab_idle: Some(IdleSpec { idle_timeout: 60, min_idle_timeout: 60, max_idle_timeout: 240 }),
                code_editor_idle: None,
                hidden_instance_types: vec![],
                hidden_ml_tools: vec![],
                hidden_distribution_versions: vec![],
                jupyter_lab: None,
                code_editor: None,
                custom_file_systems: vec![],
                posix_user: None,
            },
            tags: Default::default(),
            tag_propagation: true,
            space_idle: None,
            docker: None,
            source_identity: false,
            trusted_identity_propagation: false,
            domain_security_group_ids: vec![],
            amazon_q: None,
        }
    }

    /// The domain as SageMaker describes one made from `spec`, with defaults of its own added.
    fn described(spec: &DomainSpec) -> DescribeDomainOutput {
        let mut user = user_settings(spec);
        // SageMaker names the default image it chose; the request named none.
        let server = user.jupyter_server_app_settings.take().map(|mut j| {
            j.default_resource_spec = Some(
                ResourceSpec::builder()
                    .instance_type(AppInstanceType::System)
                    .sage_maker_image_arn("arn:aws:sagemaker:us-east-1:081325390199:image/jupyter-server-3")
                    .build(),
            );
            j
        });
        user.jupyter_server_app_settings = server;
        DescribeDomainOutput::builder()
            .default_user_settings(user)
            .default_space_settings(space_settings(spec))
            .vpc_id(&spec.vpc_id)
            .set_subnet_ids(Some(spec.subnet_ids.iter().rev().cloned().collect()))
            .app_network_access_type(spec.app_network_access_type.into())
            .tag_propagation(TagPropagation::Enabled)
            .build()
    }

    #[test]
    fn a_domain_made_from_the_request_has_no_drift_despite_sagemakers_defaults_and_order() {
        let spec = spec();
        assert_eq!(compare(&spec, &described(&spec)), SettingsDrift::default());
    }

    #[test]
    fn changed_settings_are_named_and_the_network_needs_a_new_onboarding() {
        let old = spec();
        let mut new = spec();
        new.user.jupyter_lab_idle = Some(IdleSpec { idle_timeout: 120, min_idle_timeout: 60, max_idle_timeout: 240 });
        new.user.hidden_instance_types = vec!["ml.p5.48xlarge".into()];
        new.subnet_ids = vec!["subnet-3".into()];
        let drift = compare(&new, &described(&old));
        assert_eq!(
            drift.applied,
            [
                "DefaultUserSettings.JupyterLabAppSettings.AppLifecycleManagement.IdleSettings.IdleTimeoutInMinutes",
                "DefaultUserSettings.StudioWebPortalSettings.HiddenInstanceTypes",
            ]
        );
        assert_eq!(drift.needs_reonboarding, ["SubnetIds"]);
    }

    #[tokio::test]
    async fn the_adapter_updates_only_what_differs_and_nothing_when_nothing_does() {
        use crate::sagemaker::SageMakerAdapter;
        use aws_sdk_sagemaker::operation::update_domain::UpdateDomainOutput;
        use aws_sdk_sagemaker::Client;
        use aws_smithy_mocks::{mock, mock_client, RuleMode};
        use onboarding_core::ports::SageMakerPort;
        let old = spec();
        let mut new = spec();
        new.user.hidden_ml_tools = vec!["JumpStart".into()];
        let described = {
            let old = old.clone();
            mock!(Client::describe_domain).then_output(move || described(&old))
        };
        let update = mock!(Client::update_domain)
            .match_requests(|r| {
                r.domain_id() == Some("d-1")
                    && r.default_user_settings().and_then(|u| u.studio_web_portal_settings()).is_some_and(|p| p.hidden_ml_tools().len() == 1)
                    && r.default_space_settings().is_none()
                    && r.domain_settings_for_update().is_none()
                    && r.tag_propagation().is_none()
            })
            .then_output(|| UpdateDomainOutput::builder().build());
        let sm = SageMakerAdapter::new(mock_client!(aws_sdk_sagemaker, RuleMode::MatchAny, [&described, &update]));
        let drift = sm.apply_settings("d-1", &new).await.expect("applied");
        assert_eq!(drift.applied, ["DefaultUserSettings.StudioWebPortalSettings.HiddenMlTools"]);
        assert_eq!(update.num_calls(), 1);
        let unchanged = sm.apply_settings("d-1", &old).await.expect("compared");
        assert_eq!(unchanged, SettingsDrift::default());
        assert_eq!(update.num_calls(), 1, "nothing differs, nothing is updated");
    }

    #[test]
    fn what_the_request_leaves_out_is_kept() {
        let old = spec();
        let mut new = spec();
        new.tag_propagation = false;
        new.user.jupyter_lab_idle = None;
        assert_eq!(compare(&new, &described(&old)), SettingsDrift::default());
    }
}
