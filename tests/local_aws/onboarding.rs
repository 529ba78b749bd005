//! Whole onboardings through the real definition, the engine and the real function binaries,
//! each asserting on what exists in the local AWS afterwards.

use std::sync::Arc;

use anyhow::{ensure, Context, Result};
use libtest_mimic::Trial;
use local_aws::SentEmail;
use onboard::execution::{self, Outcome};
use onboard::local::LocalSession;
use onboarding_core::ports::WorkflowPort;
use onboarding_core::Workflow;
use serde_json::{json, Value};
use tests::{read, Env};

use crate::local_test;

pub fn trials(env: &Arc<Env>) -> Vec<Trial> {
    vec![
        local_test!(env, cli_flow_example_onboards_end_to_end),
        local_test!(env, studio_classic_example_with_rstudio),
        local_test!(env, vpc_only_example_in_a_prepared_network),
        local_test!(env, audited_example_sends_source_identity_and_trusted_identity_propagation),
        local_test!(env, cost_controlled_example_sends_idle_shutdown_hidden_tools_and_tag_propagation),
        local_test!(env, gpu_research_example_sends_images_lifecycle_configurations_and_file_systems),
        local_test!(env, a_rerun_with_changed_settings_updates_the_domain_and_reports_the_rest),
        local_test!(env, a_domain_pending_for_several_polls_then_succeeds),
        local_test!(env, a_failed_domain_fails_the_execution_and_tells_the_requester),
        local_test!(env, an_invalid_request_fails_at_validation_and_creates_nothing),
        local_test!(env, a_rerun_creates_nothing_twice),
        local_test!(env, a_named_error_from_a_function_is_what_retry_matches),
        crate::trial("every_example_has_an_end_to_end_test", || every_example_has_an_end_to_end_test().map_err(crate::failed)),
    ]
}

/// `scripts/demo FILE` must work for every file under `examples/`: each is onboarded here. Their
/// tickets differ: the ticket is the onboarding's idempotency key, so two examples sharing one
/// would be one onboarding.
fn every_example_has_an_end_to_end_test() -> Result<()> {
    let this = read("tests/local_aws/onboarding.rs");
    let mut tickets = std::collections::BTreeMap::new();
    for entry in std::fs::read_dir(tests::root().join("examples"))? {
        let path = entry?.path();
        let Some(name) = path.file_stem().and_then(|n| n.to_str()).filter(|_| path.extension().is_some_and(|e| e == "json")) else { continue };
        ensure!(this.contains(&format!("example(\"{name}\")")), "examples/{name}.json is onboarded by no test");
        let ticket = example(name)?["ticket"]["id"].as_str().unwrap_or_default().to_string();
        if let Some(other) = tickets.insert(ticket.clone(), name.to_string()) {
            anyhow::bail!("examples/{name}.json and examples/{other}.json share the ticket {ticket}");
        }
    }
    Ok(())
}

async fn run(s: &LocalSession, request: &Value) -> Result<Outcome> {
    s.onboard(&request.to_string(), |_| {}).await
}

fn example(name: &str) -> Result<Value> {
    serde_json::from_str(&read(&format!("examples/{name}.json"))).context("example")
}

fn recipients(emails: &[SentEmail]) -> Vec<String> {
    let mut all: Vec<String> = emails.iter().flat_map(|e| e.destinations.clone()).collect();
    all.sort();
    all
}

async fn describe(s: &LocalSession, domain_id: &str) -> Result<aws_sdk_sagemaker::operation::describe_domain::DescribeDomainOutput> {
    Ok(aws_sdk_sagemaker::Client::new(s.aws.sdk_config()).describe_domain().domain_id(domain_id).send().await?)
}

async fn domains_named(s: &LocalSession, name: &str) -> Result<usize> {
    let list = aws_sdk_sagemaker::Client::new(s.aws.sdk_config()).list_domains().send().await?;
    Ok(list.domains().iter().filter(|d| d.domain_name() == Some(name)).count())
}

fn succeeded(outcome: &Outcome) -> Result<&Value> {
    ensure!(outcome.succeeded(), "execution {}: {:?} {:?}", outcome.status, outcome.error, outcome.cause);
    outcome.output.as_ref().context("no output")
}

fn field<'a>(v: &'a Value, key: &str) -> Result<&'a str> {
    v[key].as_str().with_context(|| format!("no {key} in {v}"))
}

/// The settings of a cost-controlled team, as they reached SageMaker (the CreateDomain body the
/// local AWS received, held to SageMaker's model on the way).
async fn cost_controlled_example_sends_idle_shutdown_hidden_tools_and_tag_propagation(s: &LocalSession) -> Result<()> {
    let request = example("cost-controlled-team")?;
    let outcome = run(s, &request).await?;
    succeeded(&outcome)?;
    let body = recorded_body(s, "sagemaker:CreateDomain", "DomainName", "team-costs")?;
    let idle = json!({"LifecycleManagement": "ENABLED", "IdleTimeoutInMinutes": 60, "MinIdleTimeoutInMinutes": 60, "MaxIdleTimeoutInMinutes": 240});
    let user = &body["DefaultUserSettings"];
    ensure!(user["JupyterLabAppSettings"]["AppLifecycleManagement"]["IdleSettings"] == idle, "{user}");
    ensure!(user["CodeEditorAppSettings"]["AppLifecycleManagement"]["IdleSettings"] == idle, "{user}");
    ensure!(user["CodeEditorAppSettings"]["DefaultResourceSpec"] == json!({"InstanceType": "ml.t3.large"}), "Code Editor starts small: {user}");
    ensure!(body["DefaultSpaceSettings"]["JupyterLabAppSettings"]["AppLifecycleManagement"]["IdleSettings"] == idle, "{body}");
    let portal = &user["StudioWebPortalSettings"];
    ensure!(
        portal["HiddenInstanceTypes"] == request["studio"]["hiddenInstanceTypes"] && portal["HiddenMlTools"] == json!(["JumpStart", "EmrClusters"]),
        "{portal}"
    );
    ensure!(body["TagPropagation"] == "ENABLED", "{body}");
    ensure!(body["Tags"].as_array().is_some_and(|tags| tags.contains(&json!({"Key": "cost-center", "Value": "cc-4711"}))), "{body}");
    // jane, named, gets her private space with the request's app, instance type and size.
    let summary = succeeded(&outcome)?;
    let domain_id = field(summary, "domainId")?;
    let space = recorded_body(s, "sagemaker:CreateSpace", "DomainId", domain_id)?;
    ensure!(space["SpaceName"] == "jane-private" && space["OwnershipSettings"]["OwnerUserProfileName"] == "jane", "{space}");
    ensure!(space["SpaceSharingSettings"]["SharingType"] == "Private", "{space}");
    let settings = &space["SpaceSettings"];
    ensure!(settings["AppType"] == "JupyterLab" && settings["JupyterLabAppSettings"]["DefaultResourceSpec"]["InstanceType"] == "ml.t3.medium", "{space}");
    ensure!(settings["SpaceStorageSettings"]["EbsStorageSettings"]["EbsVolumeSizeInGb"] == 10, "{space}");
    Ok(())
}

/// The first body of `op` the local AWS received whose `key` is `value`.
fn recorded_body(s: &LocalSession, op: &str, key: &str, value: &str) -> Result<Value> {
    let bodies = s.aws.recorded_matching(op, Some(value))?;
    bodies.iter().filter_map(|b| serde_json::from_str::<Value>(b).ok()).find(|b| b[key] == value).with_context(|| format!("no {op} with {key} {value}"))
}

/// A GPU research team: its own image, a lifecycle configuration that runs by default, an FSx
/// for Lustre scratch file system and an S3 prefix mounted in every space, a POSIX identity on
/// them; the bodies of CreateDomain and CreateSpace that reached SageMaker carry each.
async fn gpu_research_example_sends_images_lifecycle_configurations_and_file_systems(s: &LocalSession) -> Result<()> {
    let request = example("gpu-research-team")?;
    let outcome = run(s, &request).await?;
    let summary = succeeded(&outcome)?.clone();
    // The local AWS holds the image, its app image config and the lifecycle configuration (seeded
    // as a platform team would have made them): DiscoverNetwork, which reads them, found them
    // before anything was created (bad requests 95 and 96 are refused there when they are not).
    let step = |name: &str| outcome.steps.iter().position(|st| st.state == name);
    ensure!(step("DiscoverNetwork") < step("SetUpRoles"), "{:?}", outcome.steps.iter().map(|st| &st.state).collect::<Vec<_>>());
    let body = recorded_body(s, "sagemaker:CreateDomain", "DomainName", "team-gpu")?;
    let lab = &body["DefaultUserSettings"]["JupyterLabAppSettings"];
    let wanted = &request["studio"]["jupyterLab"];
    ensure!(lab["DefaultResourceSpec"]["InstanceType"] == "ml.g5.xlarge", "{lab}");
    ensure!(
        lab["DefaultResourceSpec"]["LifecycleConfigArn"] == wanted["defaultLifecycleConfigArn"] && lab["LifecycleConfigArns"] == wanted["lifecycleConfigArns"],
        "{lab}"
    );
    ensure!(lab["CustomImages"] == json!([{"ImageName": "gpu-research", "ImageVersionNumber": 3, "AppImageConfigName": "gpu-research-jupyterlab"}]), "{lab}");
    ensure!(lab["AppLifecycleManagement"]["IdleSettings"]["MaxIdleTimeoutInMinutes"] == 480, "{lab}");
    ensure!(body["DefaultSpaceSettings"]["JupyterLabAppSettings"]["CustomImages"] == lab["CustomImages"], "shared spaces offer the image too: {body}");
    let mounts = json!([
        {"FSxLustreFileSystemConfig": {"FileSystemId": "fs-0123456789abcdef0", "FileSystemPath": "/research"}},
        {"S3FileSystemConfig": {"S3Uri": "s3://team-gpu-datasets/curated", "MountPath": "/mnt/datasets"}}
    ]);
    for settings in [&body["DefaultUserSettings"], &body["DefaultSpaceSettings"]] {
        ensure!(settings["CustomFileSystemConfigs"] == mounts, "{settings}");
        ensure!(settings["CustomPosixUserConfig"] == json!({"Uid": 200001, "Gid": 1001}), "{settings}");
    }
    let hidden = &body["DefaultUserSettings"]["StudioWebPortalSettings"]["HiddenSageMakerImageVersionAliases"];
    ensure!(hidden == &json!([{"SageMakerImageName": "sagemaker_distribution", "VersionAliases": ["1.9", "1.10"]}]), "{hidden}");
    // jane's private space mounts the same file systems and stops after its own idle time.
    let space = recorded_body(s, "sagemaker:CreateSpace", "DomainId", field(&summary, "domainId")?)?;
    let settings = &space["SpaceSettings"];
    // The S3 prefix is not: a space mounts S3 only in SageMaker Unified Studio.
    ensure!(settings["CustomFileSystems"] == json!([{"FSxLustreFileSystem": {"FileSystemId": "fs-0123456789abcdef0"}}]), "{space}");
    ensure!(settings["JupyterLabAppSettings"]["AppLifecycleManagement"]["IdleSettings"]["IdleTimeoutInMinutes"] == 240, "{space}");
    // The created role may use the S3 prefix it mounts, and nothing else of the bucket.
    let role = field(&summary, "executionRoleArn")?.rsplit('/').next().context("role name")?.to_string();
    let iam = aws_sdk_iam::Client::new(s.aws.sdk_config());
    let policy = iam.get_role_policy().role_name(&role).policy_name(onboarding_core::policies::S3_MOUNTS_POLICY_NAME).send().await?;
    let document = onboarding_aws::iam::percent_decode(policy.policy_document());
    ensure!(document.contains("arn:aws:s3:::team-gpu-datasets/curated/*") && !document.contains("team-gpu-datasets/*"), "{document}");
    Ok(())
}

/// A second onboarding of a team (another ticket) with changed settings brings the domain to
/// them with UpdateDomain and lists each change; a new encryption key cannot be applied in place
/// and is reported instead.
async fn a_rerun_with_changed_settings_updates_the_domain_and_reports_the_rest(s: &LocalSession) -> Result<()> {
    let mut request = simple_request("e2e-drift", "E2E-DRIFT-1");
    request["studio"] = json!({"idleShutdown": {"idleTimeoutMinutes": 60, "maxIdleTimeoutMinutes": 240}});
    let first = succeeded(&run(s, &request).await?)?.clone();
    ensure!(first["settingsApplied"] == json!([]) && first["settingsNeedingReonboarding"] == json!([]), "{first}");
    let domain_id = field(&first, "domainId")?.to_string();

    request["ticket"]["id"] = json!("E2E-DRIFT-2");
    request["studio"] = json!({"idleShutdown": {"idleTimeoutMinutes": 120, "maxIdleTimeoutMinutes": 240}, "hiddenMlTools": ["JumpStart"]});
    request["tagPropagation"] = json!(true);
    request["storage"] = json!({"kmsKeyId": "alias/e2e-drift"});
    let second = succeeded(&run(s, &request).await?)?.clone();
    ensure!(second["domainId"] == json!(domain_id) && domains_named(s, "e2e-drift").await? == 1, "{second}");
    let applied: Vec<&str> = second["settingsApplied"].as_array().context("settingsApplied")?.iter().filter_map(Value::as_str).collect();
    for expected in [
        "DefaultUserSettings.JupyterLabAppSettings.AppLifecycleManagement.IdleSettings.IdleTimeoutInMinutes",
        "DefaultSpaceSettings.JupyterLabAppSettings.AppLifecycleManagement.IdleSettings.IdleTimeoutInMinutes",
        "DefaultUserSettings.StudioWebPortalSettings.HiddenMlTools",
        "TagPropagation",
    ] {
        ensure!(applied.contains(&expected), "{expected} not in {applied:?}");
    }
    ensure!(second["settingsNeedingReonboarding"] == json!(["KmsKeyId"]), "{second}");
    let update = recorded_body(s, "sagemaker:UpdateDomain", "DomainId", &domain_id)?;
    ensure!(
        update["TagPropagation"] == "ENABLED" && update["DefaultUserSettings"]["StudioWebPortalSettings"]["HiddenMlTools"] == json!(["JumpStart"]),
        "{update}"
    );
    ensure!(update.get("KmsKeyId").is_none() && update.get("DomainSettingsForUpdate").is_none(), "{update}");
    // The domain holds the new settings; a third run finds nothing left to change.
    let d = describe(s, &domain_id).await?;
    let idle = d.default_user_settings().and_then(|u| u.jupyter_lab_app_settings()).and_then(|j| j.app_lifecycle_management()).and_then(|m| m.idle_settings());
    ensure!(idle.and_then(|i| i.idle_timeout_in_minutes()) == Some(120), "{idle:?}");
    request["ticket"]["id"] = json!("E2E-DRIFT-3");
    let third = succeeded(&run(s, &request).await?)?.clone();
    ensure!(third["settingsApplied"] == json!([]) && third["settingsNeedingReonboarding"] == json!(["KmsKeyId"]), "{third}");
    Ok(())
}

async fn cli_flow_example_onboards_end_to_end(s: &LocalSession) -> Result<()> {
    let request = example("cli-flow")?;
    let outcome = run(s, &request).await?;
    let summary = succeeded(&outcome)?;
    let domain_id = field(summary, "domainId")?;
    let url = field(summary, "domainUrl")?;
    ensure!(field(summary, "onboardingId")? == "ticket-OPS-1001");
    ensure!(summary["networkWarnings"] == json!([]), "a public network has nothing to warn of: {summary}");

    let d = describe(s, domain_id).await?;
    let user = d.default_user_settings().context("user settings")?;
    let jupyter = user.jupyter_server_app_settings().and_then(|j| j.default_resource_spec()).context("jupyter spec")?;
    ensure!(jupyter.sage_maker_image_arn() == request["studio"]["jupyterServer"]["sageMakerImageArn"].as_str());
    ensure!(jupyter.instance_type().map(|t| t.as_str()) == Some("system"));
    ensure!(user.studio_web_portal().map(|p| p.as_str()) == Some("ENABLED") && user.default_landing_uri() == Some("studio::"));
    ensure!(user.execution_role() == summary["executionRoleArn"].as_str());

    let iam = aws_sdk_iam::Client::new(s.aws.sdk_config());
    let role_name = field(summary, "executionRoleArn")?.rsplit('/').next().context("role name")?.to_string();
    let attached = iam.list_attached_role_policies().role_name(&role_name).send().await?;
    ensure!(attached.attached_policies().iter().any(|p| p.policy_arn() == Some("arn:aws:iam::aws:policy/AmazonSageMakerFullAccess")));
    let role = iam.get_role().role_name(&role_name).send().await?;
    let boundary = role.role().and_then(|r| r.permissions_boundary()).and_then(|b| b.permissions_boundary_arn()).map(str::to_string);
    ensure!(boundary == Some(local_aws::permissions_boundary_arn()), "the execution role's permissions boundary is {boundary:?}");

    let app = d.single_sign_on_application_arn().context("application")?;
    let assigned = s.aws.assignments(app)?;
    let types: Vec<&str> = assigned.iter().filter_map(|a| a["PrincipalType"].as_str()).collect();
    ensure!(types == ["USER", "GROUP"], "assignments {types:?}");

    let emails = s.aws.emails_about("team-a")?;
    ensure!(recipients(&emails) == ["jane@example.com", "lead@example.com", "li@example.com", "omar@example.com"], "{:?}", recipients(&emails));
    ensure!(emails.iter().all(|e| e.body.contains(url) && e.source == local_aws::SENDER_ADDRESS));
    Ok(())
}

async fn studio_classic_example_with_rstudio(s: &LocalSession) -> Result<()> {
    let request = example("studio-classic")?;
    let summary = succeeded(&run(s, &request).await?)?.clone();
    let d = describe(s, field(&summary, "domainId")?).await?;
    let user = d.default_user_settings().context("user settings")?;
    ensure!(user.studio_web_portal().map(|p| p.as_str()) == Some("DISABLED") && user.default_landing_uri() == Some("app:JupyterServer:"));
    let sharing = user.sharing_settings().context("sharing")?;
    ensure!(sharing.notebook_output_option().map(|o| o.as_str()) == Some("Disabled"));
    ensure!(sharing.s3_output_path() == Some("s3://research-r-shared/notebooks") && sharing.s3_kms_key_id().is_some());
    ensure!(user.r_studio_server_pro_app_settings().and_then(|r| r.access_status()).map(|a| a.as_str()) == Some("ENABLED"));
    let rstudio = d.domain_settings().and_then(|ds| ds.r_studio_server_pro_domain_settings()).context("rstudio settings")?;
    ensure!(
        rstudio.r_studio_connect_url() == Some("https://rsconnect.example.com") && rstudio.r_studio_package_manager_url() == Some("https://rspm.example.com")
    );
    let role_name = rstudio.domain_execution_role_arn().and_then(|a| a.rsplit('/').next()).context("rstudio role")?.to_string();
    let iam = aws_sdk_iam::Client::new(s.aws.sdk_config());
    let policy = iam.get_role_policy().role_name(&role_name).policy_name(onboarding_core::policies::RSTUDIO_POLICY_NAME).send().await?;
    ensure!(policy.policy_document().contains("license-manager") || policy.policy_document().contains("license-manager%3A"));
    // A group only: its members and the requester are invited; members get profiles at first sign-in.
    ensure!(recipients(&s.aws.emails_about("research-r")?) == ["lead@example.com", "li@example.com", "omar@example.com"]);
    ensure!(summary["userProfiles"] == json!([]));
    Ok(())
}

/// The audited team: every role session carries the user's profile name as its source identity
/// and their Identity Center identity reaches the services they call; the created role's trust
/// allows both, and the CreateDomain body that reached SageMaker (and the domain it holds) asks for both.
async fn audited_example_sends_source_identity_and_trusted_identity_propagation(s: &LocalSession) -> Result<()> {
    let mut request = example("audited-team")?;
    local_aws::prepare::prepare_network(s.aws.sdk_config(), &s.aws.region, &mut request, 33).await?;
    let summary = succeeded(&run(s, &request).await?)?.clone();
    // What SageMaker holds for the domain (the local AWS keeps the settings as they were sent).
    let d = describe(s, field(&summary, "domainId")?).await?;
    let settings = d.domain_settings().context("no DomainSettings")?;
    ensure!(settings.execution_role_identity_config().map(|c| c.as_str()) == Some("USER_PROFILE_NAME"), "{settings:?}");
    ensure!(settings.trusted_identity_propagation_settings().and_then(|t| t.status()).map(|s| s.as_str()) == Some("ENABLED"), "{settings:?}");
    ensure!(d.app_network_access_type().map(|t| t.as_str()) == Some("VpcOnly"));
    // And the CreateDomain body that reached SageMaker.
    let body = recorded_body(s, "sagemaker:CreateDomain", "DomainName", "risk-audit")?;
    ensure!(body["DomainSettings"]["ExecutionRoleIdentityConfig"] == "USER_PROFILE_NAME", "{body}");
    ensure!(body["DomainSettings"]["TrustedIdentityPropagationSettings"] == json!({"Status": "ENABLED"}), "{body}");
    let role = field(&summary, "executionRoleArn")?.rsplit('/').next().context("role name")?.to_string();
    use onboarding_core::ports::IamPort;
    let info = onboarding_aws::iam::IamAdapter::from_config(s.aws.sdk_config()).get_role(&role).await?.context("the role")?;
    let trust = info.trust_policy;
    let actions = &trust["Statement"][0]["Action"];
    ensure!(actions == &json!(["sts:AssumeRole", "sts:SetSourceIdentity", "sts:SetContext"]), "{trust}");
    Ok(())
}

async fn vpc_only_example_in_a_prepared_network(s: &LocalSession) -> Result<()> {
    // The example names its own network; the local AWS builds the same shape (as `onboard local`
    // does) and the request names the local ids.
    let mut request = example("vpc-only")?;
    let prepared = local_aws::prepare::prepare_network(s.aws.sdk_config(), &s.aws.region, &mut request, 31).await?;
    let kinds: Vec<&str> = prepared.iter().map(|p| p.kind).collect();
    let endpoints = ["interface endpoint"; 4].into_iter().chain(["gateway endpoint"]);
    let expected: Vec<&str> = ["VPC", "subnet", "subnet", "security group"].into_iter().chain(endpoints).collect();
    ensure!(kinds == expected, "{kinds:?}");
    let vpc = request["network"]["vpcId"].as_str().context("vpc")?.to_string();
    let subnets = request["network"]["subnetIds"].clone();
    let group = request["network"]["securityGroupIds"][0].as_str().context("security group")?.to_string();
    ensure!(vpc != "vpc-0a1b2c3d4e5f60718" && prepared[0].named == "vpc-0a1b2c3d4e5f60718");
    let again = local_aws::prepare::prepare_network(s.aws.sdk_config(), &s.aws.region, &mut request.clone(), 31).await?;
    ensure!(again.is_empty(), "a network that exists is used as it is: {again:?}");

    let summary = succeeded(&run(s, &request).await?)?.clone();
    ensure!(summary["vpcId"] == json!(vpc) && summary["subnetIds"] == subnets);
    let d = describe(s, field(&summary, "domainId")?).await?;
    ensure!(d.app_network_access_type().map(|t| t.as_str()) == Some("VpcOnly"));
    ensure!(d.kms_key_id() == request["storage"]["kmsKeyId"].as_str());
    let user = d.default_user_settings().context("user settings")?;
    ensure!(user.security_groups() == [group.clone()]);
    let ebs = user.space_storage_settings().and_then(|s| s.default_ebs_storage_settings()).context("ebs")?;
    ensure!(ebs.default_ebs_volume_size_in_gb() == Some(20) && ebs.maximum_ebs_volume_size_in_gb() == Some(200));
    let hidden: Vec<&str> = user.studio_web_portal_settings().map(|p| p.hidden_app_types().iter().map(|a| a.as_str()).collect()).unwrap_or_default();
    ensure!(hidden.contains(&"Canvas") && !hidden.contains(&"CodeEditor"), "hidden {hidden:?}");
    // Docker, as the CreateDomain body that reached SageMaker has it.
    let body = recorded_body(s, "sagemaker:CreateDomain", "DomainName", "fraud-models")?;
    let docker = &body["DomainSettings"]["DockerSettings"];
    ensure!(docker["EnableDockerAccess"] == "ENABLED" && docker["VpcOnlyTrustedAccounts"] == json!(["123456789012"]), "{body}");

    let tags = aws_sdk_sagemaker::Client::new(s.aws.sdk_config()).list_tags().resource_arn(field(&summary, "domainArn")?).send().await?;
    let tag = |k: &str| tags.tags().iter().find(|t| t.key() == Some(k)).and_then(|t| t.value()).map(str::to_string);
    ensure!(tag("cost-center").as_deref() == Some("4711") && tag("sagemaker-onboarding:ticket").as_deref() == Some("OPS-1002"));

    let iam = aws_sdk_iam::Client::new(s.aws.sdk_config());
    ensure!(field(&summary, "executionRoleArn")?.ends_with("role/sagemaker-onboarding-fraud-models-execution"));
    let inline = iam
        .get_role_policy()
        .role_name("sagemaker-onboarding-fraud-models-execution")
        .policy_name(onboarding_core::policies::ML_ACTIVITIES_POLICY_NAME)
        .send()
        .await?;
    ensure!(inline.policy_document().contains("fraud-models-data"));
    ensure!(recipients(&s.aws.emails_about("fraud-models")?) == ["jane@example.com", "lead@example.com", "omar@example.com", "platform-team@example.com"]);
    Ok(())
}

fn simple_request(domain: &str, ticket: &str) -> Value {
    json!({
        "domainName": domain,
        "ticket": {"id": ticket, "requester": "lead@example.com"},
        "identityCenter": {"users": ["jane"]},
        "notification": {"sender": local_aws::SENDER_ADDRESS}
    })
}

async fn a_domain_pending_for_several_polls_then_succeeds(s: &LocalSession) -> Result<()> {
    s.aws.configure(json!({"pendingPollsByName": {"e2e-slow": 4}}))?;
    let outcome = run(s, &simple_request("e2e-slow", "E2E-SLOW")).await?;
    succeeded(&outcome)?;
    let polls = outcome.steps.iter().filter(|st| st.state == "PollDomain").count();
    ensure!(polls == 5, "4 Pending polls and one InService, saw {polls}");
    let waits = outcome.steps.iter().filter(|st| st.state == "WaitForDomain").count();
    ensure!(waits == polls, "a Wait before every poll");
    Ok(())
}

async fn a_failed_domain_fails_the_execution_and_tells_the_requester(s: &LocalSession) -> Result<()> {
    let reason = "InsufficientCapacity: no capacity for EFS in use1-az1";
    s.aws.configure(json!({"failDomains": {"e2e-failing": reason}}))?;
    let mut request = simple_request("e2e-failing", "E2E-FAIL");
    request["onFailure"] = json!({"deleteFailedDomain": true});
    let outcome = run(s, &request).await?;
    ensure!(outcome.status == "FAILED", "status {}", outcome.status);
    ensure!(outcome.error.as_deref() == Some("DomainFailed"), "error {:?}", outcome.error);
    ensure!(outcome.cause.as_deref().is_some_and(|c| c.contains(reason)), "cause {:?}", outcome.cause);
    let notices: Vec<SentEmail> = s.aws.emails_about("e2e-failing")?.into_iter().filter(|e| e.subject.contains("failed")).collect();
    ensure!(notices.len() == 1 && notices[0].destinations == ["lead@example.com"], "{notices:?}");
    ensure!(notices[0].body.contains("DomainFailed") && notices[0].body.contains("WaitForDomain") && notices[0].body.contains("InsufficientCapacity"));
    ensure!(s.aws.emails_about("e2e-failing")?.len() == 1, "no invitation for a failed domain");
    // Deleted: SageMaker lists a domain being deleted as Deleting for a while (other tests' listings
    // may or may not have seen that listing go by), never as anything else.
    let list = aws_sdk_sagemaker::Client::new(s.aws.sdk_config()).list_domains().send().await?;
    let left: Vec<_> = list.domains().iter().filter(|d| d.domain_name() == Some("e2e-failing")).filter_map(|d| d.status()).collect();
    ensure!(left.iter().all(|status| status.as_str() == "Deleting"), "the failed domain was to be deleted: {left:?}");
    Ok(())
}

async fn an_invalid_request_fails_at_validation_and_creates_nothing(s: &LocalSession) -> Result<()> {
    let request = json!({
        "domainName": "e2e_invalid",
        "ticket": {"id": "E2E-INVALID", "requester": "lead@example.com"},
        "identityCenter": {"users": []},
        "storage": {"maxSpaceSizeGb": 20000}
    });
    let outcome = run(s, &request).await?;
    ensure!(outcome.status == "FAILED" && outcome.error.as_deref() == Some("RequestInvalid"), "{:?}", outcome.error);
    let cause = outcome.cause.clone().unwrap_or_default();
    ensure!(cause.contains("domainName") && cause.contains("storage.maxSpaceSizeGb: 20000 is above 16384") && cause.contains("identityCenter"), "{cause}");
    let states: Vec<&str> = outcome.steps.iter().map(|st| st.state.as_str()).collect();
    ensure!(!states.contains(&"ResolveIdentities") && !states.contains(&"CreateDomain"), "{states:?}");
    ensure!(domains_named(s, "e2e_invalid").await? == 0);
    let iam = aws_sdk_iam::Client::new(s.aws.sdk_config());
    ensure!(iam.get_role().role_name("sagemaker-onboarding-e2e_invalid-execution").send().await.is_err(), "a role was created");
    // No invitation; the requester is told what to fix.
    let emails = s.aws.emails_about("e2e_invalid")?;
    ensure!(emails.len() == 1 && emails[0].subject.contains("failed") && emails[0].body.contains("storage.maxSpaceSizeGb"), "{emails:?}");
    Ok(())
}

async fn a_rerun_creates_nothing_twice(s: &LocalSession) -> Result<()> {
    let request = simple_request("e2e-rerun", "E2E-RERUN");
    let first = run(s, &request).await?;
    let summary = succeeded(&first)?.clone();
    let emails = s.aws.emails_about("e2e-rerun")?.len();
    ensure!(emails == 2, "jane and the requester, got {emails}");

    // The same ticket again is the same onboarding: the existing execution answers.
    let name = onboard::execution_name_for::<onboarding_core::OnboardingRequest>(&request.to_string());
    let again = s.workflow(Workflow::Onboarding).start(&name, &request.to_string()).await?;
    ensure!(again.existing && again.execution_arn == first.execution_arn);

    // Started again by hand under another name: everything is found and reused.
    let rerun = s.workflow(Workflow::Onboarding).start("e2e-rerun-by-hand", &request.to_string()).await?;
    let second = execution::follow(&s.sfn, &rerun.execution_arn, std::time::Duration::from_millis(250), |_| {}).await?;
    let summary2 = succeeded(&second)?;
    ensure!(summary2["domainId"] == summary["domainId"]);
    ensure!(summary2["invitations"]["alreadySent"] == json!(true));
    ensure!(summary2["assignments"].as_array().is_some_and(|a| a.iter().all(|x| x["created"] == json!(false))));
    ensure!(domains_named(s, "e2e-rerun").await? == 1);
    ensure!(s.aws.emails_about("e2e-rerun")?.len() == emails, "a rerun sent e-mail");
    let app = describe(s, field(&summary, "domainId")?).await?.single_sign_on_application_arn().map(str::to_string).context("app")?;
    ensure!(s.aws.assignments(&app)?.len() == 1);
    Ok(())
}

async fn a_named_error_from_a_function_is_what_retry_matches(s: &LocalSession) -> Result<()> {
    // IAM throttles CreateRole four times: the SDK's own three attempts fail, set-up-roles answers
    // AwsThrottled, and the definition's Retry for that name runs the step again.
    s.aws.inject_fault("iam:CreateRole", 4, json!({"status": 400, "code": "Throttling", "message": "Rate exceeded", "match": "e2e-throttled"}))?;
    let outcome = run(s, &simple_request("e2e-throttled", "E2E-THROTTLE")).await?;
    succeeded(&outcome)?;
    let step = outcome.steps.iter().find(|st| st.state == "SetUpRoles").context("no SetUpRoles")?;
    ensure!(step.retried == ["AwsThrottled"], "retried {:?}", step.retried);
    ensure!(domains_named(s, "e2e-throttled").await? == 1);
    Ok(())
}
