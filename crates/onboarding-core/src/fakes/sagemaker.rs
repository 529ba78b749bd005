//! The fake SageMaker: domains, the Studio catalog, profiles, apps and spaces, with SageMaker's deletion
//! rules (held to the local AWS's by `tests/local_aws/agreement.rs`).

use super::*;

impl StudioCatalogPort for FakeAws {
    async fn image_exists(&self, name: &str, version: Option<u32>) -> PortResult<bool> {
        let w = self.enter("DescribeImage")?;
        Ok(w.images.iter().any(|(n, versions)| n == name && version.is_none_or(|v| versions.contains(&v))))
    }

    async fn app_image_config_apps(&self, name: &str) -> PortResult<Option<Vec<String>>> {
        Ok(self.enter("DescribeAppImageConfig")?.app_image_configs.iter().find(|(n, _)| n == name).map(|(_, apps)| apps.clone()))
    }

    async fn lifecycle_config_app(&self, name: &str) -> PortResult<Option<String>> {
        Ok(self.enter("DescribeStudioLifecycleConfig")?.lifecycle_configs.iter().find(|(n, _)| n == name).map(|(_, app)| app.clone()))
    }
}

impl SageMakerPort for FakeAws {
    async fn find_domain(&self, name: &str) -> PortResult<Option<DomainSummary>> {
        Ok(self
            .enter("ListDomains")?
            .domains
            .iter()
            .find(|d| d.spec.domain_name == name)
            .map(|d| DomainSummary { status: d.status.clone(), ..d.summary.clone() }))
    }

    async fn create_private_space(&self, domain_id: &str, space: &crate::onboarding::domain_spec::PrivateSpaceSpec, _tags: &Tags) -> PortResult<bool> {
        let mut w = self.enter("CreateSpace")?;
        if w.spaces.iter().any(|s| s.domain_id == domain_id && s.space.name == space.space_name) {
            return Ok(false);
        }
        let created = StudioResource { name: space.space_name.clone(), owner: Some(space.owner_profile.clone()), status: "InService".into() };
        w.spaces.push(FakeSpace::new(domain_id, created));
        w.private_spaces.push(space.clone());
        Ok(true)
    }

    async fn list_domains(&self) -> PortResult<Vec<(String, DomainSummary)>> {
        Ok(self
            .enter("ListDomains")?
            .domains
            .iter()
            .map(|d| (d.spec.domain_name.clone(), DomainSummary { status: d.status.clone(), ..d.summary.clone() }))
            .collect())
    }

    async fn list_tags(&self, arn: &str) -> PortResult<Tags> {
        Ok(self.enter("ListTags")?.domains.iter().find(|d| d.summary.domain_arn == arn).map(|d| d.tags.clone()).unwrap_or_default())
    }

    async fn add_tags(&self, arn: &str, tags: &Tags) -> PortResult<()> {
        let mut w = self.enter("AddTags")?;
        if let Some(d) = w.domains.iter_mut().find(|d| d.summary.domain_arn == arn) {
            d.tags.extend(tags.clone());
        }
        Ok(())
    }

    async fn create_domain(&self, spec: &DomainSpec) -> PortResult<CreatedDomain> {
        let mut w = self.enter("CreateDomain")?;
        // Ids are never reused, as SageMaker's are not (a deleted domain's id stays its own).
        w.domains_created += 1;
        let id = format!("d-{}", w.domains_created);
        let arn = format!("arn:aws:sagemaker:us-east-1:123456789012:domain/{id}");
        let pending = w.new_domain_pending_polls;
        w.domains.push(FakeDomain {
            summary: DomainSummary { domain_id: id.clone(), domain_arn: arn.clone(), status: DomainStatus::Pending },
            spec: spec.clone(),
            tags: spec.tags.clone(),
            status: DomainStatus::InService,
            failure_reason: None,
            pending_polls: pending,
            sso_application_arn: Some(format!("arn:aws:sso::123456789012:application/ssoins-1/apl-{id}")),
        });
        Ok(CreatedDomain { domain_id: id.clone(), domain_arn: arn, url: format!("https://{id}.studio.us-east-1.sagemaker.aws") })
    }

    async fn settings_drift(&self, domain_id: &str, spec: &DomainSpec) -> PortResult<SettingsDrift> {
        let w = self.enter("DescribeDomain")?;
        let Some(d) = w.domains.iter().find(|d| d.summary.domain_id == domain_id) else {
            return Err(OnboardingError::new(ErrorName::DomainRequestRejected, format!("no domain {domain_id}")));
        };
        let had = &d.spec;
        let mut drift = SettingsDrift::default();
        let fixed = [
            ("VpcId", had.vpc_id != spec.vpc_id),
            ("SubnetIds", had.subnet_ids != spec.subnet_ids),
            ("AppNetworkAccessType", had.app_network_access_type != spec.app_network_access_type),
            ("KmsKeyId", had.kms_key_id != spec.kms_key_id),
        ];
        drift.needs_reonboarding = fixed.iter().filter(|(_, differs)| *differs).map(|(name, _)| name.to_string()).collect();
        let domain_settings = |s: &DomainSpec| {
            (s.docker.clone(), s.source_identity, s.trusted_identity_propagation, s.domain_security_group_ids.clone(), s.amazon_q.clone(), s.rstudio.clone())
        };
        let changeable = [
            ("DefaultUserSettings", had.user != spec.user),
            ("DefaultSpaceSettings", had.space_idle != spec.space_idle || had.user.execution_role_arn != spec.user.execution_role_arn),
            ("DomainSettings", domain_settings(had) != domain_settings(spec)),
            ("TagPropagation", spec.tag_propagation && !had.tag_propagation),
        ];
        drift.applied = changeable.iter().filter(|(_, differs)| *differs).map(|(name, _)| name.to_string()).collect();
        Ok(drift)
    }

    async fn apply_settings(&self, domain_id: &str, spec: &DomainSpec) -> PortResult<SettingsDrift> {
        let drift = self.settings_drift(domain_id, spec).await?;
        if drift.applied.is_empty() {
            return Ok(drift);
        }
        let mut w = self.enter("UpdateDomain")?;
        if let Some(d) = w.domains.iter_mut().find(|d| d.summary.domain_id == domain_id) {
            let (vpc_id, subnet_ids, access, kms_key_id) =
                (d.spec.vpc_id.clone(), d.spec.subnet_ids.clone(), d.spec.app_network_access_type, d.spec.kms_key_id.clone());
            d.spec = DomainSpec { vpc_id, subnet_ids, app_network_access_type: access, kms_key_id, ..spec.clone() };
        }
        Ok(drift)
    }

    async fn describe_domain(&self, domain_id: &str) -> PortResult<Option<DomainDescription>> {
        let mut w = self.enter("DescribeDomain")?;
        let Some(d) = w.domains.iter_mut().find(|d| d.summary.domain_id == domain_id) else { return Ok(None) };
        let status = if d.pending_polls > 0 {
            d.pending_polls -= 1;
            DomainStatus::Pending
        } else {
            d.status.clone()
        };
        Ok(Some(DomainDescription {
            status,
            failure_reason: d.failure_reason.clone(),
            url: Some(format!("https://{domain_id}.studio.us-east-1.sagemaker.aws")),
            sso_application_arn: d.sso_application_arn.clone(),
        }))
    }

    async fn delete_domain(&self, domain_id: &str) -> PortResult<()> {
        self.enter("DeleteDomain")?.domains.retain(|d| d.summary.domain_id != domain_id);
        Ok(())
    }

    async fn user_profile_exists(&self, domain_id: &str, profile_name: &str) -> PortResult<bool> {
        Ok(self.enter("DescribeUserProfile")?.profiles.iter().any(|p| p.domain_id == domain_id && p.name == profile_name))
    }

    async fn create_user_profile(&self, domain_id: &str, profile_name: &str, sso_user_name: &str, _tags: &Tags) -> PortResult<()> {
        let mut w = self.enter("CreateUserProfile")?;
        if !w.profiles.iter().any(|p| p.domain_id == domain_id && p.name == profile_name) {
            w.profiles.push(FakeProfile::new(domain_id, profile_name, sso_user_name));
        }
        Ok(())
    }
}

impl StudioPort for FakeAws {
    async fn domain_details(&self, domain_id: &str) -> PortResult<Option<DomainDetails>> {
        let mut w = self.enter("DescribeDomain")?;
        let Some(index) = w.domains.iter().position(|d| d.summary.domain_id == domain_id) else { return Ok(None) };
        let d = w.domains[index].clone();
        if d.status == DomainStatus::Deleting {
            // Deleting for one answer, then gone.
            w.domains.remove(index);
        }
        let mut role_arns = vec![d.spec.user.execution_role_arn.clone()];
        role_arns.extend(d.spec.rstudio.as_ref().map(|r| r.domain_execution_role_arn.clone()));
        role_arns.dedup();
        Ok(Some(DomainDetails {
            domain_id: d.summary.domain_id.clone(),
            domain_arn: d.summary.domain_arn.clone(),
            domain_name: d.spec.domain_name.clone(),
            status: d.status.clone(),
            failure_reason: d.failure_reason.clone(),
            vpc_id: d.spec.vpc_id.clone(),
            home_efs_file_system_id: Some(format!("fs-{domain_id}")),
            sso_application_arn: d.sso_application_arn.clone(),
            url: Some(format!("https://{domain_id}.studio.us-east-1.sagemaker.aws")),
            role_arns,
        }))
    }

    async fn apps(&self, domain_id: &str) -> PortResult<Vec<StudioApp>> {
        let mut w = self.enter("ListApps")?;
        let listed: Vec<StudioApp> = w.apps.iter().filter(|a| a.domain_id == domain_id).map(|a| a.app.clone()).collect();
        if !w.apps_stuck_deleting {
            w.apps.iter_mut().filter(|a| a.app.status == "Deleting").for_each(|a| a.app.status = "Deleted".into());
        }
        Ok(listed)
    }

    async fn delete_app(&self, domain_id: &str, app: &StudioApp) -> PortResult<()> {
        let mut w = self.enter("DeleteApp")?;
        if let Some(a) = w.apps.iter_mut().find(|a| a.domain_id == domain_id && a.app.app_name == app.app_name && a.app.app_type == app.app_type) {
            a.app.status = "Deleting".into();
        }
        Ok(())
    }

    async fn spaces(&self, domain_id: &str) -> PortResult<Vec<StudioResource>> {
        let mut w = self.enter("ListSpaces")?;
        let listed: Vec<StudioResource> = w.spaces.iter().filter(|s| s.domain_id == domain_id).map(|s| s.space.clone()).collect();
        w.spaces.retain(|s| s.space.status != "Deleting");
        Ok(listed)
    }

    async fn delete_space(&self, domain_id: &str, space_name: &str) -> PortResult<()> {
        let mut w = self.enter("DeleteSpace")?;
        if w.apps.iter().any(|a| a.domain_id == domain_id && a.app.space_name.as_deref() == Some(space_name) && a.app.status != "Deleted") {
            return Err(OnboardingError::new(ErrorName::AwsRequestFailed, "ResourceInUse: the space has apps"));
        }
        if let Some(space) = w.spaces.iter_mut().find(|s| s.domain_id == domain_id && s.space.name == space_name) {
            space.space.status = "Deleting".into();
        }
        Ok(())
    }

    async fn user_profiles(&self, domain_id: &str) -> PortResult<Vec<StudioResource>> {
        let w = self.enter("ListUserProfiles")?;
        Ok(w.profiles
            .iter()
            .filter(|p| p.domain_id == domain_id)
            .map(|p| StudioResource { name: p.name.clone(), status: "InService".into(), owner: None })
            .collect())
    }

    async fn delete_user_profile(&self, domain_id: &str, profile_name: &str) -> PortResult<()> {
        let mut w = self.enter("DeleteUserProfile")?;
        // As SageMaker: a profile whose apps run or that owns a space is in use.
        let apps = w.apps.iter().any(|a| a.domain_id == domain_id && a.app.user_profile_name.as_deref() == Some(profile_name) && a.app.status != "Deleted");
        let spaces = w.spaces.iter().any(|s| s.domain_id == domain_id && s.space.owner.as_deref() == Some(profile_name));
        if apps || spaces {
            return Err(OnboardingError::new(ErrorName::AwsRequestFailed, "ResourceInUse: the user profile still has apps or private spaces"));
        }
        w.profiles.retain(|p| !(p.domain_id == domain_id && p.name == profile_name));
        Ok(())
    }

    async fn delete_domain_retaining(&self, domain_id: &str, home_efs: HomeEfsRetention) -> PortResult<()> {
        let mut w = self.enter("DeleteDomain")?;
        let holds = w.apps.iter().any(|a| a.domain_id == domain_id && a.app.status != "Deleted")
            || w.spaces.iter().any(|s| s.domain_id == domain_id)
            || w.profiles.iter().any(|p| p.domain_id == domain_id);
        if holds {
            return Err(OnboardingError::new(ErrorName::AwsRequestFailed, "ResourceInUse: the domain still holds apps, spaces or user profiles"));
        }
        w.domain_deletions.push(DomainDeletion { domain_id: domain_id.to_string(), retention: home_efs });
        if let Some(d) = w.domains.iter_mut().find(|d| d.summary.domain_id == domain_id) {
            d.status = DomainStatus::Deleting;
        }
        Ok(())
    }
}
