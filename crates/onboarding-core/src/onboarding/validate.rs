//! Parsing and validation of the request: every problem at once, each with its field path, and
//! the normalised request (defaults filled in) when there is none.

use std::collections::{BTreeSet, HashSet};

use crate::kernel::formats::*;
use crate::kernel::naming::{role_name, user_profile_name, RESERVED_TAG_COUNT, RESERVED_TAG_PREFIX};
use crate::onboarding::ide_rules::{check_app_instance_type, NEW_STUDIO_ONLY};
use crate::onboarding::request::*;

pub(crate) use crate::kernel::problems::{check_notification_of, check_principals, check_recipient, Problems};
pub use crate::kernel::problems::{
    parse_and_check, problems_error, Problem, ValidationContext, DEFAULT_ALLOWED_MANAGED_POLICIES, MAX_EXTRA_RECIPIENTS, MAX_GROUPS, MAX_REQUEST_BYTES,
    MAX_USERS,
};

pub const MAX_ML_ACTIVITIES: usize = 10;
pub const MAX_MANAGED_POLICIES: usize = 10;
/// IAM's quota on a role's inline policies: 10,240 characters in all, white space not counted.
pub const MAX_ROLE_INLINE_POLICY_CHARS: usize = 10_240;
/// The model allows 16; the API has rejected more than 10 in practice.
pub const MAX_SUBNETS: usize = 10;
/// One less than the API's 6: SageMaker adds an NFS group of its own.
pub const MAX_SECURITY_GROUPS: usize = 5;
pub const MIN_SPACE_GB: u32 = 5;
pub const MAX_SPACE_GB: u32 = 16384;
/// SageMaker's `IdleTimeoutInMinutes`: an hour to a year.
pub const IDLE_MINUTES: std::ops::RangeInclusive<u32> = 60..=525_600;
/// SageMaker's `VpcOnlyTrustedAccounts`: at most 20.
pub const MAX_TRUSTED_ACCOUNTS: usize = 20;
/// SageMaker's `MlTools` (the tools Studio's web portal can hide); a test holds it to the SDK's.
pub const ML_TOOLS: &[&str] = &[
    "DataWrangler",
    "FeatureStore",
    "EmrClusters",
    "AutoMl",
    "Experiments",
    "Training",
    "ModelEvaluation",
    "Pipelines",
    "Models",
    "JumpStart",
    "InferenceRecommender",
    "Endpoints",
    "Projects",
    "InferenceOptimization",
    "PerformanceEvaluation",
    "LakeraGuard",
    "Comet",
    "DeepchecksLLMEvaluation",
    "Fiddler",
    "HyperPodClusters",
    "RunningInstances",
    "Datasets",
    "Evaluators",
];
/// The console's defaults for space sizes.
pub const DEFAULT_SPACE_GB: u32 = 5;
pub const DEFAULT_MAX_SPACE_GB: u32 = 100;
pub const DEFAULT_INSTANCE_TYPE: &str = "system";
/// The managed policy a created role gets when the request names none.
pub const SAGEMAKER_FULL_ACCESS_NAME: &str = "AmazonSageMakerFullAccess";

/// That policy's ARN in a partition.
pub fn sagemaker_full_access(partition: &str) -> String {
    crate::kernel::partition::managed_policy_arn(partition, SAGEMAKER_FULL_ACCESS_NAME)
}

/// Parses and validates a request given as JSON text.
pub fn validate_json(text: &str, ctx: &ValidationContext) -> Result<OnboardingRequest, Vec<Problem>> {
    parse_and_check(text, |request| validate(request, ctx))
}

/// Parses and validates a request given as a JSON value (the state machine's input).
pub fn validate_value(value: &serde_json::Value, ctx: &ValidationContext) -> Result<OnboardingRequest, Vec<Problem>> {
    let text = value.to_string();
    validate_json(&text, ctx)
}

/// Checks every rule and fills in defaults.
pub fn validate(mut r: OnboardingRequest, ctx: &ValidationContext) -> Result<OnboardingRequest, Vec<Problem>> {
    let mut p = Problems::default();
    check_domain(&r, &mut p);
    check_ticket(&r, &mut p);
    check_identity_center(&r, &mut p);
    check_execution_role(&r, ctx, &mut p);
    check_studio(&r, &mut p);
    crate::onboarding::ide_rules::check(&r, ctx, &mut p);
    check_rstudio(&r, ctx, &mut p);
    check_network(&r, &mut p);
    check_storage(&r, &mut p);
    check_notification(&r, ctx, &mut p);
    check_membership(&r, ctx, &mut p);
    check_domain_settings(&r, &mut p);
    check_tags(&r, &mut p);
    check_requested_by(&r, &mut p);
    if !p.0.is_empty() {
        return Err(p.0);
    }
    fill_defaults(&mut r, ctx);
    Ok(r)
}

fn check_domain(r: &OnboardingRequest, p: &mut Problems) {
    if r.domain_name.is_empty() {
        p.add("domainName", "is required");
    } else if r.domain_name.len() > 63 {
        p.add("domainName", format!("is {} characters; at most 63 are allowed", r.domain_name.len()));
    } else {
        p.check(is_sagemaker_name(&r.domain_name), "domainName", "may hold only letters, digits and hyphens, starting and ending with a letter or digit");
    }
    if let Some(region) = &r.region {
        p.check(is_region(region), "region", format!("{region:?} is not a region name such as us-east-1"));
    }
}

fn check_requested_by(r: &OnboardingRequest, p: &mut Problems) {
    let Some(who) = &r.requested_by else { return };
    p.check(!who.is_empty() && who.len() <= MAX_REQUESTED_BY, "requestedBy", format!("must be 1-{MAX_REQUESTED_BY} characters"));
    p.check(!who.chars().any(char::is_control), "requestedBy", "may not hold control characters");
}

fn check_ticket(r: &OnboardingRequest, p: &mut Problems) {
    let Some(ticket) = &r.ticket else { return };
    p.check(is_ticket_id(&ticket.id), "ticket.id", "must be 1-64 characters of letters, digits, '.', '_' and '-'");
    if let Some(requester) = &ticket.requester {
        p.check(is_email(requester), "ticket.requester", "is not an e-mail address");
    }
}

fn check_identity_center(r: &OnboardingRequest, p: &mut Problems) {
    let ic = &r.identity_center;
    if ic.users.is_empty() && ic.groups.is_empty() {
        p.add("identityCenter", "name at least one user or group");
    }
    p.check(ic.users.len() <= MAX_USERS, "identityCenter.users", format!("at most {MAX_USERS} users per onboarding"));
    p.check(ic.groups.len() <= MAX_GROUPS, "identityCenter.groups", format!("at most {MAX_GROUPS} groups per onboarding"));
    check_principals("identityCenter.users", &ic.users, p);
    check_principals("identityCenter.groups", &ic.groups, p);
    let mut profiles = HashSet::new();
    for (i, user) in ic.users.iter().enumerate() {
        let profile = user_profile_name(user);
        if !user.trim().is_empty() && profile.is_empty() {
            p.add(format!("identityCenter.users[{i}]"), "needs at least one letter or digit to name a user profile");
        } else if !profile.is_empty() && !profiles.insert(profile.clone()) {
            p.add(format!("identityCenter.users[{i}]"), format!("gives the same user profile name ({profile}) as an earlier user"));
        }
    }
}

fn check_execution_role(r: &OnboardingRequest, ctx: &ValidationContext, p: &mut Problems) {
    let role = &r.execution_role;
    if let Some(arn) = &role.existing_role_arn {
        if is_role_arn(arn) {
            check_existing_role("executionRole.existingRoleArn", arn, ctx, p);
        } else {
            p.add("executionRole.existingRoleArn", "is not an IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME)");
        }
        let creates = role.role_name.is_some() || role.managed_policy_arns.is_some() || !role.ml_activities.is_empty();
        p.check(!creates, "executionRole", "existingRoleArn cannot be combined with roleName, managedPolicyArns or mlActivities");
    }
    if let Some(name) = &role.role_name {
        check_role_name("executionRole.roleName", name, ctx, p);
    }
    if let Some(arns) = &role.managed_policy_arns {
        p.check(arns.len() <= MAX_MANAGED_POLICIES, "executionRole.managedPolicyArns", format!("at most {MAX_MANAGED_POLICIES} managed policies per role"));
        let mut seen = HashSet::new();
        for (i, arn) in arns.iter().enumerate() {
            let at = format!("executionRole.managedPolicyArns[{i}]");
            if !is_policy_arn(arn) {
                p.add(at, "is not a managed policy ARN (arn:aws:iam::aws:policy/NAME)");
            } else if !ctx.allowed_managed_policies.iter().any(|allowed| allowed == arn) {
                p.add(at, format!("{arn} is not among the managed policies this deployment allows ({})", ctx.allowed_managed_policies.join(", ")));
            } else if !seen.insert(arn) {
                p.add(at, "is named twice");
            }
        }
    }
    if role.existing_role_arn.is_none() && role.managed_policy_arns.is_none() {
        p.check(
            ctx.allowed_managed_policies.iter().any(|a| *a == sagemaker_full_access(&ctx.partition)),
            "executionRole.managedPolicyArns",
            format!("name the managed policies: this deployment does not allow the default {}", sagemaker_full_access(&ctx.partition)),
        );
    }
    check_ml_activities(r, &ctx.partition, p);
    let default_name = role_name(&ctx.role_name_prefix, role.role_name.as_deref(), &r.domain_name, "execution");
    p.check(is_role_name(&default_name), "executionRole.roleName", format!("the role name {default_name:?} is not a valid IAM role name"));
}

/// An existing role is passed to SageMaker: the deployment may pass only its own account's roles
/// that carry its prefix, so a request cannot borrow a more powerful role.
fn check_existing_role(path: &str, arn: &str, ctx: &ValidationContext, p: &mut Problems) {
    let account = arn.split(':').nth(4).unwrap_or_default();
    if let Some(own) = &ctx.account_id {
        p.check(account == own, path, format!("the role is in account {account}; only roles of this deployment's account {own} can be used"));
    }
    let name = arn.rsplit('/').next().unwrap_or_default();
    p.check(
        name.starts_with(&ctx.role_name_prefix),
        path,
        format!("the role's name must start with {:?}: the deployment passes no other roles to SageMaker", ctx.role_name_prefix),
    );
}

fn check_role_name(path: &str, name: &str, ctx: &ValidationContext, p: &mut Problems) {
    let max = 64usize.saturating_sub(ctx.role_name_prefix.len());
    if name.is_empty() || name.len() > max || !is_role_name(name) {
        p.add(path, format!("must be 1-{max} of letters, digits and +=,.@_- (the deployment adds the prefix {:?})", ctx.role_name_prefix));
    }
}

fn check_ml_activities(r: &OnboardingRequest, partition: &str, p: &mut Problems) {
    let activities = &r.execution_role.ml_activities;
    p.check(activities.len() <= MAX_ML_ACTIVITIES, "executionRole.mlActivities", format!("at most {MAX_ML_ACTIVITIES} ML activities can be selected"));
    let mut seen = BTreeSet::new();
    for (i, a) in activities.iter().enumerate() {
        let at = format!("executionRole.mlActivities[{i}]");
        if !seen.insert(a.activity) {
            p.add(&at, format!("{:?} is selected twice", a.activity));
        }
        match a.activity {
            MlActivityKind::S3BucketAccess => {
                p.check(!a.s3_buckets.is_empty(), format!("{at}.s3Buckets"), "S3BucketAccess needs at least one bucket name");
                for (j, bucket) in a.s3_buckets.iter().enumerate() {
                    p.check(is_bucket_name(bucket), format!("{at}.s3Buckets[{j}]"), format!("{bucket:?} is not an S3 bucket name"));
                }
            }
            other => p.check(a.s3_buckets.is_empty(), format!("{at}.s3Buckets"), format!("only S3BucketAccess takes buckets, not {other:?}")),
        }
        if a.activity == MlActivityKind::UseCanvas {
            p.check(r.canvas.enabled, &at, "UseCanvas needs canvas.enabled");
        }
    }
    // The activities become one inline policy of the execution role, which IAM limits in size.
    if let Some(policy) = crate::onboarding::policies::ml_activities_policy(activities, partition) {
        let size = policy_chars(&policy.to_string());
        p.check(
            size <= MAX_ROLE_INLINE_POLICY_CHARS,
            "executionRole.mlActivities",
            format!("the ML activities policy would be {size} characters; IAM allows {MAX_ROLE_INLINE_POLICY_CHARS} in all of a role's inline policies (name fewer buckets)"),
        );
    }
}

/// A policy's size as IAM counts it toward its quotas: characters, white space not counted.
pub fn policy_chars(document: &str) -> usize {
    document.chars().filter(|c| !c.is_whitespace()).count()
}

fn check_studio(r: &OnboardingRequest, p: &mut Problems) {
    let s = &r.studio;
    if let Some(t) = &s.jupyter_server.instance_type {
        p.check(is_instance_type(t), "studio.jupyterServer.instanceType", format!("{t:?} is not one of SageMaker's app instance types (AppInstanceType)"));
    }
    if let Some(arn) = &s.jupyter_server.sage_maker_image_arn {
        p.check(is_image_arn(arn), "studio.jupyterServer.sageMakerImageArn", "is not a SageMaker image ARN (arn:aws:sagemaker:REGION:ACCOUNT:image/NAME)");
    }
    let classic = s.default_experience == StudioExperience::StudioClassic;
    if let Some(idle) = &s.idle_shutdown {
        p.check(!classic, "studio.idleShutdown", NEW_STUDIO_ONLY);
        let minutes = [
            ("idleTimeoutMinutes", Some(idle.idle_timeout_minutes)),
            ("minIdleTimeoutMinutes", idle.min_idle_timeout_minutes),
            ("maxIdleTimeoutMinutes", idle.max_idle_timeout_minutes),
        ];
        for (field, value) in minutes {
            if let Some(value) = value {
                p.check(
                    IDLE_MINUTES.contains(&value),
                    format!("studio.idleShutdown.{field}"),
                    format!("must be {} to {} minutes", IDLE_MINUTES.start(), IDLE_MINUTES.end()),
                );
            }
        }
        let (min, max) =
            (idle.min_idle_timeout_minutes.unwrap_or(idle.idle_timeout_minutes), idle.max_idle_timeout_minutes.unwrap_or(idle.idle_timeout_minutes));
        p.check(
            min <= idle.idle_timeout_minutes && idle.idle_timeout_minutes <= max,
            "studio.idleShutdown",
            "needs minIdleTimeoutMinutes <= idleTimeoutMinutes <= maxIdleTimeoutMinutes",
        );
    }
    if !s.hidden_instance_types.is_empty() {
        p.check(!classic, "studio.hiddenInstanceTypes", NEW_STUDIO_ONLY);
    }
    for (i, t) in s.hidden_instance_types.iter().enumerate() {
        p.check(
            is_instance_type(t),
            format!("studio.hiddenInstanceTypes[{i}]"),
            format!("{t:?} is not one of SageMaker's app instance types (AppInstanceType)"),
        );
    }
    if !s.hidden_ml_tools.is_empty() {
        p.check(!classic, "studio.hiddenMlTools", NEW_STUDIO_ONLY);
    }
    if let Some(spaces) = &s.private_spaces {
        p.check(!classic, "studio.privateSpaces", NEW_STUDIO_ONLY);
        p.check(spaces.app_type != SpaceAppType::CodeEditor || r.code_editor.enabled, "studio.privateSpaces.appType", "CodeEditor needs codeEditor.enabled");
        if let Some(t) = &spaces.instance_type {
            check_app_instance_type("studio.privateSpaces.instanceType", t, p);
        }
        if let Some(minutes) = spaces.idle_timeout_minutes {
            // A space's own timeout is a choice within the range the domain's idle shutdown allows.
            match &s.idle_shutdown {
                Some(idle) => {
                    let min = idle.min_idle_timeout_minutes.unwrap_or(idle.idle_timeout_minutes);
                    let max = idle.max_idle_timeout_minutes.unwrap_or(idle.idle_timeout_minutes);
                    p.check(
                        (min..=max).contains(&minutes),
                        "studio.privateSpaces.idleTimeoutMinutes",
                        format!("{minutes} minutes is outside studio.idleShutdown's {min} to {max}"),
                    );
                }
                None => p.add("studio.privateSpaces.idleTimeoutMinutes", "needs studio.idleShutdown: without it the domain stops no idle app"),
            }
        }
        if let Some(gb) = spaces.storage_gb {
            let max = r.storage.max_space_size_gb.unwrap_or(MAX_SPACE_GB);
            p.check(
                (MIN_SPACE_GB..=max).contains(&gb),
                "studio.privateSpaces.storageGb",
                format!("{gb} GB is outside {MIN_SPACE_GB} to {max} GB (storage.maxSpaceSizeGb, or SageMaker's largest)"),
            );
        }
    }
    for (i, tool) in s.hidden_ml_tools.iter().enumerate() {
        p.check(
            ML_TOOLS.contains(&tool.as_str()),
            format!("studio.hiddenMlTools[{i}]"),
            format!("{tool:?} is not one of SageMaker's ML tools: {}", ML_TOOLS.join(", ")),
        );
    }
    if let Some(sharing) = &s.notebook_sharing {
        p.check(
            s.default_experience == StudioExperience::StudioClassic,
            "studio.notebookSharing",
            "is a Studio Classic option; set studio.defaultExperience to StudioClassic",
        );
        p.check(is_s3_output_path(&sharing.s3_output_path), "studio.notebookSharing.s3OutputPath", "must be s3://BUCKET/PREFIX or https://...");
        if let Some(key) = &sharing.kms_key_id {
            p.check(is_kms_key(key), "studio.notebookSharing.kmsKeyId", "is not a KMS key id or ARN");
        }
    }
}

fn check_rstudio(r: &OnboardingRequest, ctx: &ValidationContext, p: &mut Problems) {
    let rs = &r.rstudio;
    if !rs.enabled {
        let set = [
            ("instanceType", rs.instance_type.is_some()),
            ("existingRoleArn", rs.existing_role_arn.is_some()),
            ("roleName", rs.role_name.is_some()),
            ("connectUrl", rs.connect_url.is_some()),
            ("packageManagerUrl", rs.package_manager_url.is_some()),
        ];
        for (field, is_set) in set {
            p.check(!is_set, format!("rstudio.{field}"), "is set but rstudio.enabled is false");
        }
        return;
    }
    if let Some(t) = &rs.instance_type {
        p.check(is_instance_type(t), "rstudio.instanceType", format!("{t:?} is not one of SageMaker's app instance types (AppInstanceType)"));
    }
    if let Some(arn) = &rs.existing_role_arn {
        if is_role_arn(arn) {
            check_existing_role("rstudio.existingRoleArn", arn, ctx, p);
        } else {
            p.add("rstudio.existingRoleArn", "is not an IAM role ARN");
        }
        p.check(rs.role_name.is_none(), "rstudio.roleName", "cannot be combined with existingRoleArn");
    }
    if let Some(name) = &rs.role_name {
        check_role_name("rstudio.roleName", name, ctx, p);
    }
    for (field, url) in [("connectUrl", &rs.connect_url), ("packageManagerUrl", &rs.package_manager_url)] {
        if let Some(url) = url {
            p.check(is_https_url(url), format!("rstudio.{field}"), "must be an https:// URL");
        }
    }
}

fn check_network(r: &OnboardingRequest, p: &mut Problems) {
    let n = &r.network;
    if let Some(vpc) = &n.vpc_id {
        p.check(is_ec2_id(vpc, "vpc"), "network.vpcId", format!("{vpc:?} is not a VPC id (vpc-...)"));
    }
    p.check(n.subnet_ids.is_empty() || n.vpc_id.is_some(), "network.subnetIds", "name the VPC (network.vpcId) the subnets belong to");
    p.check(n.subnet_ids.len() <= MAX_SUBNETS, "network.subnetIds", format!("at most {MAX_SUBNETS} subnets"));
    check_ids("network.subnetIds", &n.subnet_ids, "subnet", p);
    p.check(n.security_group_ids.len() <= MAX_SECURITY_GROUPS, "network.securityGroupIds", format!("at most {MAX_SECURITY_GROUPS} security groups"));
    check_ids("network.securityGroupIds", &n.security_group_ids, "sg", p);
    if n.access_type == NetworkAccessType::VpcOnly {
        p.check(!n.security_group_ids.is_empty(), "network.securityGroupIds", "VpcOnly needs at least one security group");
    } else {
        p.check(!n.endpoints_provided_elsewhere, "network.endpointsProvidedElsewhere", "only VpcOnly checks endpoints");
    }
}

fn check_ids(path: &str, ids: &[String], prefix: &str, p: &mut Problems) {
    let mut seen = HashSet::new();
    for (i, id) in ids.iter().enumerate() {
        let at = format!("{path}[{i}]");
        if !is_ec2_id(id, prefix) {
            p.add(at, format!("{id:?} is not an id of the form {prefix}-..."));
        } else if !seen.insert(id) {
            p.add(at, format!("{id} is named twice"));
        }
    }
}

fn check_storage(r: &OnboardingRequest, p: &mut Problems) {
    let s = &r.storage;
    if let Some(key) = &s.kms_key_id {
        p.check(is_kms_key(key), "storage.kmsKeyId", "is not a KMS key id or ARN");
    }
    for (field, size) in [("defaultSpaceSizeGb", s.default_space_size_gb), ("maxSpaceSizeGb", s.max_space_size_gb)] {
        match size {
            Some(gb) if gb < MIN_SPACE_GB => p.add(format!("storage.{field}"), format!("{gb} is below {MIN_SPACE_GB}")),
            Some(gb) if gb > MAX_SPACE_GB => p.add(format!("storage.{field}"), format!("{gb} is above {MAX_SPACE_GB}")),
            _ => {}
        }
    }
    if let (Some(default), Some(max)) = (s.default_space_size_gb, s.max_space_size_gb) {
        p.check(default <= max, "storage.defaultSpaceSizeGb", format!("{default} is above storage.maxSpaceSizeGb ({max})"));
    }
}

fn check_notification(r: &OnboardingRequest, ctx: &ValidationContext, p: &mut Problems) {
    check_notification_of(&r.notification, ctx, p);
}

fn check_membership(r: &OnboardingRequest, ctx: &ValidationContext, p: &mut Problems) {
    let Some(m) = &r.membership else { return };
    if let Some(owner) = &m.report_to {
        check_recipient(owner, "membership.reportTo", ctx, p);
    }
    if m.remove_departed_members {
        p.check(
            m.departed_user_data.is_some(),
            "membership.departedUserData",
            "say Delete or Keep: what becomes of a departed member's private spaces and profile",
        );
    } else {
        p.check(m.departed_user_data.is_none(), "membership.departedUserData", "applies only with membership.removeDepartedMembers");
    }
}

/// At most this many domain security groups (`DomainSecurityGroupIds`).
pub const MAX_DOMAIN_SECURITY_GROUPS: usize = 3;

fn check_domain_settings(r: &OnboardingRequest, p: &mut Problems) {
    let ds = &r.domain_settings;
    p.check(
        ds.security_group_ids.len() <= MAX_DOMAIN_SECURITY_GROUPS,
        "domainSettings.securityGroupIds",
        format!("at most {MAX_DOMAIN_SECURITY_GROUPS} security groups"),
    );
    let mut seen = HashSet::new();
    for (i, sg) in ds.security_group_ids.iter().enumerate() {
        let at = format!("domainSettings.securityGroupIds[{i}]");
        if !is_ec2_id(sg, "sg") {
            p.add(at, "is not a security group id (sg- and 8 or 17 hex digits)");
        } else if !seen.insert(sg) {
            p.add(at, "is named twice");
        }
    }
    if let Some(arn) = ds.amazon_q.as_ref().and_then(|q| q.q_profile_arn.as_ref()) {
        p.check(
            is_q_profile_arn(arn),
            "domainSettings.amazonQ.qProfileArn",
            "is not an Amazon Q Developer profile ARN (arn:aws:codewhisperer:REGION:ACCOUNT:profile/ID)",
        );
    }
    check_docker(r, p);
}

fn check_docker(r: &OnboardingRequest, p: &mut Problems) {
    let Some(docker) = &r.domain_settings.docker else { return };
    let accounts = &docker.vpc_only_trusted_accounts;
    if !accounts.is_empty() {
        p.check(r.network.access_type == NetworkAccessType::VpcOnly, "domainSettings.docker.vpcOnlyTrustedAccounts", "applies to VpcOnly domains only");
        p.check(docker.enabled, "domainSettings.docker.vpcOnlyTrustedAccounts", "needs domainSettings.docker.enabled");
        p.check(accounts.len() <= MAX_TRUSTED_ACCOUNTS, "domainSettings.docker.vpcOnlyTrustedAccounts", format!("at most {MAX_TRUSTED_ACCOUNTS} accounts"));
    }
    for (i, account) in accounts.iter().enumerate() {
        p.check(is_account(account), format!("domainSettings.docker.vpcOnlyTrustedAccounts[{i}]"), "is not a 12-digit AWS account id");
    }
    if docker.rootless.is_some() {
        p.check(docker.enabled, "domainSettings.docker.rootless", "needs domainSettings.docker.enabled");
    }
}

fn check_tags(r: &OnboardingRequest, p: &mut Problems) {
    let max = 50 - RESERVED_TAG_COUNT;
    p.check(r.tags.len() <= max, "tags", format!("at most {max} tags (the workflow adds its own)"));
    for (key, value) in &r.tags {
        let at = format!("tags.{key}");
        if key.is_empty() || key.chars().count() > 128 || !is_tag_text(key) {
            p.add(&at, "keys are 1-128 letters, digits, spaces and _.:/=+-@");
        } else if key.to_lowercase().starts_with("aws:") || key.starts_with(RESERVED_TAG_PREFIX) {
            p.add(&at, format!("keys starting with aws: or {RESERVED_TAG_PREFIX} are reserved"));
        }
        p.check(value.chars().count() <= 256 && is_tag_text(value), at, "values are at most 256 letters, digits, spaces and _.:/=+-@");
    }
}

fn fill_defaults(r: &mut OnboardingRequest, ctx: &ValidationContext) {
    // The normalised request states the reconciliation's choices (the team record Validate puts
    // in the state is made from them).
    r.membership.get_or_insert_default();
    let js = &mut r.studio.jupyter_server;
    js.instance_type.get_or_insert_with(|| DEFAULT_INSTANCE_TYPE.to_string());
    if r.execution_role.existing_role_arn.is_none() && r.execution_role.managed_policy_arns.is_none() {
        r.execution_role.managed_policy_arns = Some(vec![sagemaker_full_access(&ctx.partition)]);
    }
    if r.rstudio.enabled {
        r.rstudio.instance_type.get_or_insert_with(|| DEFAULT_INSTANCE_TYPE.to_string());
    }
    let s = &mut r.storage;
    match (s.default_space_size_gb, s.max_space_size_gb) {
        (Some(d), None) => s.max_space_size_gb = Some(d.max(DEFAULT_MAX_SPACE_GB)),
        (None, Some(m)) => s.default_space_size_gb = Some(DEFAULT_SPACE_GB.min(m)),
        _ => {}
    }
}
