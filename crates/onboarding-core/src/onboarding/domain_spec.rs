//! Every option of the request decided into CreateDomain's terms. The SageMaker adapter copies
//! this field by field into the API call; all choices are made (and tested) here.

use crate::kernel::errors::OnboardingError;
use crate::kernel::naming::Tags;
use crate::kernel::naming::{MANAGED_BY, TAG_DOMAIN, TAG_MANAGED_BY, TAG_TICKET};
use crate::onboarding::request::{NetworkAccessType, OnboardingRequest, RStudioUserGroup, StudioExperience};
use crate::onboarding::state::{require, OnboardingState};
pub use crate::ports::domain_terms::*;

/// The private space the request asks for, for the user profile `profile`.
pub fn private_space(request: &OnboardingRequest, profile: &str) -> Option<PrivateSpaceSpec> {
    let spaces = request.studio.private_spaces.as_ref()?;
    Some(PrivateSpaceSpec {
        space_name: format!("{profile}-private"),
        owner_profile: profile.to_string(),
        app_type: spaces.app_type.as_str(),
        instance_type: spaces.instance_type.clone(),
        storage_gb: spaces.storage_gb.or(request.storage.default_space_size_gb),
        idle_timeout_minutes: spaces.idle_timeout_minutes,
        custom_file_systems: request.storage.custom_file_systems.iter().filter(|fs| fs.mounts_in_spaces()).cloned().collect(),
    })
}

/// The tags every resource of this onboarding carries: the request's, then the workflow's own.
pub fn resource_tags(request: &OnboardingRequest) -> Tags {
    let mut tags = request.tags.clone();
    tags.insert(TAG_MANAGED_BY.into(), MANAGED_BY.into());
    tags.insert(TAG_DOMAIN.into(), request.domain_name.clone());
    if let Some(ticket) = &request.ticket {
        tags.insert(TAG_TICKET.into(), ticket.id.clone());
    }
    tags
}

/// Decides the CreateDomain call for a state whose roles and network are resolved.
pub fn domain_spec(state: &OnboardingState) -> Result<DomainSpec, OnboardingError> {
    let r = &state.request;
    let roles = require(&state.roles, "roles")?;
    let network = require(&state.network, "network")?;
    let vpc_only = r.network.access_type == NetworkAccessType::VpcOnly;
    let classic = r.studio.default_experience == StudioExperience::StudioClassic;

    let rstudio = if r.rstudio.enabled {
        let role = roles.rstudio_role_arn.clone().ok_or_else(|| OnboardingError::state("RStudio is enabled but the state has no RStudio role"))?;
        Some(RStudioDomainSpec {
            domain_execution_role_arn: role,
            connect_url: r.rstudio.connect_url.clone(),
            package_manager_url: r.rstudio.package_manager_url.clone(),
            instance_type: r.rstudio.instance_type.clone().unwrap_or_else(|| "system".into()),
        })
    } else {
        None
    };

    let sharing = match (&r.studio.notebook_sharing, classic) {
        (Some(s), _) => Some(SharingSpec {
            notebook_output_option: if s.allow_cell_output { "Allowed" } else { "Disabled" },
            s3_output_path: Some(s.s3_output_path.clone()),
            s3_kms_key_id: s.kms_key_id.clone(),
        }),
        (None, true) => Some(SharingSpec { notebook_output_option: "Disabled", s3_output_path: None, s3_kms_key_id: None }),
        (None, false) => None,
    };

    let mut hidden = Vec::new();
    if !r.canvas.enabled {
        hidden.push("Canvas");
    }
    if !r.code_editor.enabled {
        hidden.push("CodeEditor");
    }
    if !r.rstudio.enabled {
        hidden.push("RStudioServerPro");
    }
    let idle = r.studio.idle_shutdown.as_ref().map(|i| IdleSpec {
        idle_timeout: i.idle_timeout_minutes,
        min_idle_timeout: i.min_idle_timeout_minutes.unwrap_or(i.idle_timeout_minutes),
        max_idle_timeout: i.max_idle_timeout_minutes.unwrap_or(i.idle_timeout_minutes),
    });
    let user_group = match r.rstudio.user_group {
        RStudioUserGroup::R_STUDIO_USER => "R_STUDIO_USER",
        RStudioUserGroup::R_STUDIO_ADMIN => "R_STUDIO_ADMIN",
    };

    Ok(DomainSpec {
        domain_name: r.domain_name.clone(),
        vpc_id: network.vpc_id.clone(),
        subnet_ids: network.subnet_ids.clone(),
        app_network_access_type: if vpc_only { "VpcOnly" } else { "PublicInternetOnly" },
        app_security_group_management: (vpc_only && rstudio.is_some()).then_some("Service"),
        kms_key_id: r.storage.kms_key_id.clone(),
        rstudio,
        user: UserSettingsSpec {
            execution_role_arn: roles.execution_role_arn.clone(),
            security_group_ids: network.security_group_ids.clone(),
            studio_web_portal: if classic { "DISABLED" } else { "ENABLED" },
            default_landing_uri: if classic { "app:JupyterServer:" } else { "studio::" },
            jupyter_instance_type: r.studio.jupyter_server.instance_type.clone().unwrap_or_else(|| "system".into()),
            jupyter_image_arn: r.studio.jupyter_server.sage_maker_image_arn.clone(),
            sharing,
            hidden_app_types: hidden,
            rstudio_access: (if r.rstudio.enabled { "ENABLED" } else { "DISABLED" }, user_group),
            space_storage_gb: r.storage.default_space_size_gb.zip(r.storage.max_space_size_gb),
            jupyter_lab_idle: idle,
            code_editor_idle: idle.filter(|_| r.code_editor.enabled),
            hidden_instance_types: r.studio.hidden_instance_types.clone(),
            hidden_ml_tools: r.studio.hidden_ml_tools.clone(),
            hidden_distribution_versions: r.studio.hidden_distribution_versions.clone(),
            jupyter_lab: r.studio.jupyter_lab.clone(),
            code_editor: r.studio.code_editor.clone().filter(|_| r.code_editor.enabled),
            custom_file_systems: r.storage.custom_file_systems.clone(),
            posix_user: r.storage.posix_user,
        },
        tags: resource_tags(r),
        tag_propagation: r.tag_propagation,
        space_idle: idle,
        docker: r.domain_settings.docker.as_ref().map(|d| DockerSpec {
            enabled: d.enabled,
            rootless: d.rootless,
            vpc_only_trusted_accounts: d.vpc_only_trusted_accounts.clone(),
        }),
        source_identity: r.domain_settings.source_identity,
        trusted_identity_propagation: r.domain_settings.trusted_identity_propagation,
        domain_security_group_ids: r.domain_settings.security_group_ids.clone(),
        amazon_q: r.domain_settings.amazon_q.as_ref().map(|q| (q.enabled, q.q_profile_arn.clone())),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::onboarding::request::*;
    use crate::onboarding::state::{ResolvedNetwork, Roles};

    fn state(request: OnboardingRequest) -> OnboardingState {
        OnboardingState {
            request,
            roles: Some(Roles {
                execution_role_arn: "arn:aws:iam::123456789012:role/x".into(),
                execution_role_created: true,
                rstudio_role_arn: Some("arn:aws:iam::123456789012:role/r".into()),
            }),
            network: Some(ResolvedNetwork {
                vpc_id: "vpc-1".into(),
                subnet_ids: vec!["subnet-1".into()],
                security_group_ids: vec!["sg-1".into()],
                ..Default::default()
            }),
            ..Default::default()
        }
    }

    #[test]
    fn new_studio_defaults() {
        let spec = domain_spec(&state(OnboardingRequest { domain_name: "d".into(), ..Default::default() })).expect("spec");
        assert_eq!(spec.user.studio_web_portal, "ENABLED");
        assert_eq!(spec.user.default_landing_uri, "studio::");
        assert_eq!(spec.user.sharing, None);
        assert_eq!(spec.user.hidden_app_types, vec!["RStudioServerPro"]);
        assert_eq!(spec.app_network_access_type, "PublicInternetOnly");
        assert_eq!(spec.app_security_group_management, None);
        assert_eq!(spec.rstudio, None);
        assert_eq!(spec.tags.get(TAG_MANAGED_BY).map(String::as_str), Some(MANAGED_BY));
    }

    #[test]
    fn classic_with_sharing_rstudio_and_vpc_only() {
        let mut r = OnboardingRequest { domain_name: "d".into(), ..Default::default() };
        r.studio.default_experience = StudioExperience::StudioClassic;
        r.studio.notebook_sharing = Some(NotebookSharing { s3_output_path: "s3://b/p".into(), kms_key_id: Some("k".into()), allow_cell_output: false });
        r.rstudio = RStudio { enabled: true, connect_url: Some("https://c".into()), user_group: RStudioUserGroup::R_STUDIO_ADMIN, ..Default::default() };
        r.network.access_type = NetworkAccessType::VpcOnly;
        r.canvas.enabled = false;
        r.storage = Storage { kms_key_id: Some("key".into()), default_space_size_gb: Some(10), max_space_size_gb: Some(50), ..Default::default() };
        r.ticket = Some(Ticket { id: "T-1".into(), requester: None });
        let spec = domain_spec(&state(r)).expect("spec");
        assert_eq!((spec.user.studio_web_portal, spec.user.default_landing_uri), ("DISABLED", "app:JupyterServer:"));
        let sharing = spec.user.sharing.expect("sharing");
        assert_eq!(sharing.notebook_output_option, "Disabled");
        assert_eq!(sharing.s3_output_path.as_deref(), Some("s3://b/p"));
        assert_eq!(spec.user.rstudio_access, ("ENABLED", "R_STUDIO_ADMIN"));
        assert_eq!(spec.user.hidden_app_types, vec!["Canvas"]);
        assert_eq!(spec.app_security_group_management, Some("Service"));
        assert_eq!(spec.user.space_storage_gb, Some((10, 50)));
        assert_eq!(spec.kms_key_id.as_deref(), Some("key"));
        assert_eq!(spec.rstudio.map(|r| r.connect_url), Some(Some("https://c".into())));
        assert_eq!(spec.tags.get(TAG_TICKET).map(String::as_str), Some("T-1"));
    }

    #[test]
    fn idle_shutdown_hidden_tools_and_tag_propagation() {
        let mut r = OnboardingRequest { domain_name: "d".into(), tag_propagation: true, ..Default::default() };
        r.studio.idle_shutdown = Some(IdleShutdown { idle_timeout_minutes: 120, min_idle_timeout_minutes: Some(60), max_idle_timeout_minutes: None });
        r.studio.hidden_instance_types = vec!["ml.p4d.24xlarge".into()];
        r.studio.hidden_ml_tools = vec!["JumpStart".into()];
        r.code_editor.enabled = false;
        let spec = domain_spec(&state(r)).expect("spec");
        let idle = IdleSpec { idle_timeout: 120, min_idle_timeout: 60, max_idle_timeout: 120 };
        assert_eq!((spec.user.jupyter_lab_idle, spec.space_idle), (Some(idle), Some(idle)));
        assert_eq!(spec.user.code_editor_idle, None, "Code Editor is off");
        assert_eq!((spec.user.hidden_instance_types.len(), spec.user.hidden_ml_tools.len()), (1, 1));
        assert!(spec.tag_propagation);
        assert_eq!(spec.docker, None);
    }

    #[test]
    fn needs_roles_and_network() {
        let s = OnboardingState::default();
        assert_eq!(domain_spec(&s).map_err(|e| e.name), Err(crate::kernel::errors::ErrorName::StateInvalid));
    }
}
