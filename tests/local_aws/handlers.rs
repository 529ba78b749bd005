//! Every handler against moto server (through the router), called directly with its real SDK
//! adapters. Where moto lacks an operation (Identity Center application assignments, SageMaker
//! user profiles), the router serves it; the adapters' own tests cover those calls with mocks.

use std::sync::Arc;

use anyhow::{ensure, Context, Result};
use aws_sdk_ec2::types::{Filter, VpcEndpointType};
use lambda_runtime::{Context as LambdaContext, LambdaEvent};
use libtest_mimic::Trial;
use onboard::local::LocalSession;
use onboarding_aws::ec2::Ec2Adapter;
use onboarding_aws::iam::IamAdapter;
use onboarding_aws::identity_center::IdentityCenterAdapter;
use onboarding_aws::invitation_ledger::InvitationLedgerAdapter;
use onboarding_aws::sagemaker::SageMakerAdapter;
use onboarding_aws::ses::SesAdapter;
use onboarding_aws::sso_assignments::AssignmentAdapter;
use onboarding_core::{ErrorName, OnboardingError, OnboardingState};
use serde_json::json;
use tests::Env;

use crate::local_test;

pub fn trials(env: &Arc<Env>) -> Vec<Trial> {
    vec![
        local_test!(env, every_handler_in_order_against_moto),
        local_test!(env, resolve_identities_names_unknown_principals),
        local_test!(env, set_up_roles_checks_an_existing_roles_trust),
        local_test!(env, discover_network_checks_vpc_only_networks),
    ]
}

fn event<T>(payload: T) -> LambdaEvent<T> {
    LambdaEvent::new(payload, LambdaContext::default())
}

fn named(result: Result<OnboardingState, OnboardingError>) -> Result<ErrorName> {
    match result {
        Ok(_) => anyhow::bail!("expected a named error, the step succeeded"),
        Err(e) => Ok(e.name),
    }
}

const REGION: &str = "us-east-1";

async fn validated(request: serde_json::Value) -> Result<OnboardingState> {
    let config = validate::Config {
        validation: local_aws::validation_context(),
        domain_region: REGION.into(),
        settings: onboarding_core::state::Settings { poll_interval_seconds: 1, max_polls: 5, quota_wait_seconds: 2 },
    };
    let input: validate::RequestInput = serde_json::from_value(json!({"request": request}))?;
    Ok(validate::handler(&config, event(input)).await?)
}

/// The whole chain, step by step, each asserting on what exists in the local AWS afterwards.
async fn every_handler_in_order_against_moto(s: &LocalSession) -> Result<()> {
    // Each handler signs as its function: the calls are authorized by that function's policies.
    let config = s.aws.sdk_config();
    let as_function = |name: &str| s.aws.sdk_config_as(name);
    let domain = "handlers-chain";
    s.aws.configure(json!({"pendingPollsByName": {domain: 1}}))?;
    let state = validated(json!({
        "domainName": domain,
        "ticket": {"id": "H-1", "requester": "lead@example.com"},
        "identityCenter": {"users": ["jane"], "groups": ["ml-team"]},
        "executionRole": {"mlActivities": [{"activity": "S3BucketAccess", "s3Buckets": ["handlers-data"]}]},
        "storage": {"defaultSpaceSizeGb": 10, "maxSpaceSizeGb": 50}
    }))
    .await?;

    let state = resolve_identities::handler(&IdentityCenterAdapter::from_config(&as_function("resolve-identities")), REGION, None, event(state)).await?;
    let ids = state.identities.as_ref().context("identities")?;
    ensure!(ids.users[0].email.as_deref() == Some("jane@example.com"));
    ensure!(ids.groups[0].member_count == 2, "ml-team has omar and li: {:?}", ids.groups[0]);

    let iam = IamAdapter::from_config(&as_function("set-up-roles")).with_permissions_boundary(Some(local_aws::permissions_boundary_arn()));
    let state = set_up_roles::handler(&iam, local_aws::ROLE_NAME_PREFIX, REGION, event(state)).await?;
    let role_name = format!("{}{domain}-execution", local_aws::ROLE_NAME_PREFIX);
    let iam_client = aws_sdk_iam::Client::new(config);
    let created = iam_client.get_role().role_name(&role_name).send().await?;
    let boundary = created.role().and_then(|r| r.permissions_boundary()).and_then(|b| b.permissions_boundary_arn());
    ensure!(boundary == Some(local_aws::permissions_boundary_arn().as_str()), "the role's boundary is {boundary:?}");
    let attached = iam_client.list_attached_role_policies().role_name(&role_name).send().await?;
    ensure!(attached.attached_policies().iter().any(|p| p.policy_arn() == Some("arn:aws:iam::aws:policy/AmazonSageMakerFullAccess")));
    let inline = iam_client.get_role_policy().role_name(&role_name).policy_name(onboarding_core::policies::ML_ACTIVITIES_POLICY_NAME).send().await?;
    ensure!(inline.policy_document().contains("handlers-data"));
    // A rerun adopts the role.
    let again = set_up_roles::handler(&iam, local_aws::ROLE_NAME_PREFIX, REGION, event(state.clone())).await?;
    ensure!(again.roles.as_ref().is_some_and(|r| !r.execution_role_created));

    let state = discover_network::handler(
        &Ec2Adapter::from_config(&as_function("discover-network")),
        &SageMakerAdapter::from_config(&as_function("discover-network")),
        REGION,
        event(state),
    )
    .await?;
    let network = state.network.clone().context("network")?;
    let ec2 = aws_sdk_ec2::Client::new(config);
    let default_vpc = ec2.describe_vpcs().filters(Filter::builder().name("is-default").values("true").build()).send().await?;
    ensure!(default_vpc.vpcs().first().and_then(|v| v.vpc_id()) == Some(network.vpc_id.as_str()));
    ensure!(!network.availability_zone_ids.iter().any(|z| z == "use1-az3"), "a constrained zone was chosen: {:?}", network.availability_zone_ids);
    ensure!(network.subnet_ids.len() >= 2);

    let sagemaker = SageMakerAdapter::from_config(&as_function("create-domain"));
    let state = create_domain::handler(&sagemaker, event(state)).await?;
    let record = state.domain.clone().context("domain")?;
    ensure!(record.created);
    let adopted = create_domain::handler(&sagemaker, event(state.clone())).await?;
    ensure!(adopted.domain.as_ref().is_some_and(|d| !d.created && d.domain_id == record.domain_id));

    let sagemaker = SageMakerAdapter::from_config(&as_function("poll-domain"));
    let pending = poll_domain::handler(&sagemaker, event(state)).await?;
    ensure!(pending.domain.as_ref().is_some_and(|d| d.status == "Pending"), "the router holds the domain Pending once");
    let state = poll_domain::handler(&sagemaker, event(pending)).await?;
    let record = state.domain.clone().context("domain")?;
    ensure!(record.status == "InService" && record.sso_application_arn.is_some());
    // Read back after polling (the router counts every DescribeDomain as a poll).
    let sm = aws_sdk_sagemaker::Client::new(config);
    let described = sm.describe_domain().domain_id(&record.domain_id).send().await?;
    ensure!(described.auth_mode().map(|m| m.as_str()) == Some("SSO"));
    let user = described.default_user_settings().context("user settings")?;
    ensure!(user.execution_role() == state.roles.as_ref().map(|r| r.execution_role_arn.as_str()));
    let ebs = user.space_storage_settings().and_then(|s| s.default_ebs_storage_settings()).context("space storage")?;
    ensure!(ebs.default_ebs_volume_size_in_gb() == Some(10) && ebs.maximum_ebs_volume_size_in_gb() == Some(50));

    // Served by the router: moto implements neither application assignments nor user profiles.
    let assigning = as_function("assign-access");
    let state = assign_access::handler(&SageMakerAdapter::from_config(&assigning), &AssignmentAdapter::from_config(&assigning), event(state)).await?;
    let app = record.sso_application_arn.clone().context("app")?;
    let assigned = s.aws.assignments(&app)?;
    ensure!(assigned.len() == 2, "assignments: {assigned:?}");
    let profile = sm.describe_user_profile().domain_id(&record.domain_id).user_profile_name("jane").send().await?;
    ensure!(profile.single_sign_on_user_value() == Some("jane"));

    // Other tests send e-mail through the same local AWS at the same time: count only this
    // domain's messages.
    let inviting = as_function("send-invitations");
    let (identity, ses) = (IdentityCenterAdapter::from_config(&inviting), SesAdapter::from_config(&inviting));
    let ledger = InvitationLedgerAdapter::from_config(&inviting, local_aws::ledger::LOCAL_INVITATIONS_TABLE);
    let ports = || send_invitations::Ports { identity: &identity, mail: &ses, ledger: &ledger };
    let before_invitations = state.clone();
    let state = send_invitations::handler(ports(), Some(local_aws::SENDER_ADDRESS), event(state)).await?;
    let invitations = s.aws.emails_about(domain)?;
    ensure!(invitations.len() == 4, "jane, omar, li and the requester: {invitations:?}");
    ensure!(invitations.iter().all(|e| e.body.contains(&record.url)), "the URL is in every invitation");
    let recorded = aws_sdk_dynamodb::Client::new(config)
        .query()
        .table_name(local_aws::ledger::LOCAL_INVITATIONS_TABLE)
        .key_condition_expression("domainArn = :d")
        .expression_attribute_values(":d", aws_sdk_dynamodb::types::AttributeValue::S(record.domain_arn.clone()))
        .send()
        .await?;
    let person = |item: &std::collections::HashMap<String, aws_sdk_dynamodb::types::AttributeValue>| {
        item.get("person").and_then(|p| p.as_s().ok()).cloned().unwrap_or_default()
    };
    let people = recorded.items().iter().map(person).filter(|p| !p.starts_with('#')).count();
    ensure!(people == 4, "each invitation is in the ledger: {:?}", recorded.items());
    ensure!(recorded.items().iter().any(|i| person(i) == "#team"), "the onboarding recorded its team: {:?}", recorded.items());
    // A rerun is another execution: another run, the state before its invitations.
    let rerun = send_invitations::handler(ports(), Some(local_aws::SENDER_ADDRESS), event(before_invitations)).await?;
    ensure!(rerun.invitations.as_ref().is_some_and(|i| i.already_sent));
    ensure!(s.aws.emails_about(domain)?.len() == invitations.len(), "a rerun sent e-mail");

    let mut failed = serde_json::to_value(&state)?;
    failed["failure"] = json!({"Error": "DomainFailed", "Cause": "{\"errorType\":\"DomainFailed\",\"errorMessage\":\"no capacity\"}"});
    let notice = notify_failure::handler(
        &SesAdapter::from_config(&as_function("notify-failure")),
        Some(local_aws::SENDER_ADDRESS),
        event(json!({"state": failed, "input": {}})),
    )
    .await?;
    ensure!(notice.sent);
    let notices: Vec<_> = s.aws.emails_about(domain)?.into_iter().filter(|e| !invitations.contains(e)).collect();
    ensure!(notices.len() == 1, "one failure notice: {notices:?}");
    ensure!(notices[0].destinations == ["lead@example.com"] && notices[0].body.contains("no capacity"), "{:?}", notices[0]);
    Ok(())
}

async fn resolve_identities_names_unknown_principals(s: &LocalSession) -> Result<()> {
    let state = validated(json!({"domainName": "handlers-ghost", "identityCenter": {"users": ["ghost"], "groups": ["nobody"]}})).await?;
    let result = resolve_identities::handler(&IdentityCenterAdapter::from_config(s.aws.sdk_config()), REGION, None, event(state)).await;
    ensure!(named(result)? == ErrorName::PrincipalNotFound);
    let elsewhere = validated(json!({"domainName": "handlers-region", "region": "eu-west-1", "identityCenter": {"users": ["jane"]}})).await?;
    let result = resolve_identities::handler(&IdentityCenterAdapter::from_config(s.aws.sdk_config()), REGION, None, event(elsewhere)).await;
    ensure!(named(result)? == ErrorName::IdentityCenterRegionMismatch);
    Ok(())
}

async fn set_up_roles_checks_an_existing_roles_trust(s: &LocalSession) -> Result<()> {
    let iam_client = aws_sdk_iam::Client::new(s.aws.sdk_config());
    let ec2_trust =
        json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]});
    let role = iam_client
        .create_role()
        .role_name(format!("{}handlers-ec2-role", local_aws::ROLE_NAME_PREFIX))
        .assume_role_policy_document(ec2_trust.to_string())
        .send()
        .await?;
    let arn = role.role().map(|r| r.arn().to_string()).context("arn")?;
    let state = validated(json!({"domainName": "handlers-trust", "identityCenter": {"users": ["jane"]}, "executionRole": {"existingRoleArn": arn}})).await?;
    let result = set_up_roles::handler(&IamAdapter::from_config(s.aws.sdk_config()), local_aws::ROLE_NAME_PREFIX, REGION, event(state)).await;
    ensure!(named(result)? == ErrorName::ExecutionRoleUntrusted);
    Ok(())
}

async fn discover_network_checks_vpc_only_networks(s: &LocalSession) -> Result<()> {
    let ec2 = aws_sdk_ec2::Client::new(s.aws.sdk_config());
    let vpc = ec2.create_vpc().cidr_block("10.20.0.0/16").send().await?.vpc().and_then(|v| v.vpc_id().map(str::to_string)).context("vpc")?;
    let subnet = ec2.create_subnet().vpc_id(&vpc).cidr_block("10.20.1.0/24").availability_zone("us-east-1a").send().await?;
    let subnet = subnet.subnet().and_then(|s| s.subnet_id().map(str::to_string)).context("subnet")?;
    let group = ec2
        .create_security_group()
        .group_name("handlers-studio")
        .description("studio")
        .vpc_id(&vpc)
        .send()
        .await?
        .group_id()
        .map(str::to_string)
        .context("sg")?;
    let request = json!({
        "domainName": "handlers-vpc-only",
        "identityCenter": {"users": ["jane"]},
        "network": {"accessType": "VpcOnly", "vpcId": vpc, "subnetIds": [subnet], "securityGroupIds": [group]}
    });
    let adapter = Ec2Adapter::from_config(s.aws.sdk_config());
    let catalog = SageMakerAdapter::from_config(s.aws.sdk_config());
    let result = discover_network::handler(&adapter, &catalog, REGION, event(validated(request.clone()).await?)).await;
    let Err(e) = result else { anyhow::bail!("a VpcOnly network without endpoints passed") };
    ensure!(e.name == ErrorName::VpcOnlyNetworkIncomplete && e.message.contains("sagemaker.runtime") && e.message.contains("TCP 2049 (NFS)"), "{e}");
    for (from, to, _) in onboarding_core::network::VPC_ONLY_GROUP_PORTS {
        let itself = aws_sdk_ec2::types::UserIdGroupPair::builder().group_id(&group).build();
        let rule = aws_sdk_ec2::types::IpPermission::builder().ip_protocol("tcp").from_port(*from).to_port(*to).user_id_group_pairs(itself).build();
        ec2.authorize_security_group_ingress().group_id(&group).ip_permissions(rule).send().await?;
    }
    // Endpoints served from a shared-services VPC: the request vouches for them, the summary warns.
    let mut vouched = request.clone();
    vouched["network"]["endpointsProvidedElsewhere"] = json!(true);
    let state = discover_network::handler(&adapter, &catalog, REGION, event(validated(vouched).await?)).await?;
    let warnings = state.network.map(|n| n.warnings).unwrap_or_default();
    ensure!(warnings.len() == 1 && warnings[0].contains("sagemaker.api"), "{warnings:?}");
    // Interface endpoints without private DNS do not count.
    for (i, service) in onboarding_core::network::required_endpoints(REGION).into_iter().enumerate() {
        let endpoint = ec2.create_vpc_endpoint().vpc_id(&vpc).service_name(service).vpc_endpoint_type(VpcEndpointType::Interface).subnet_ids(&subnet);
        endpoint.security_group_ids(&group).private_dns_enabled(i > 0).send().await?;
    }
    // The endpoints' group does not admit HTTPS from the domain yet.
    let result = discover_network::handler(&adapter, &catalog, REGION, event(validated(request.clone()).await?)).await;
    let Err(e) = result else { anyhow::bail!("endpoints that refuse HTTPS from the domain passed") };
    ensure!(e.message.contains(&format!("sagemaker.runtime endpoint's security groups ({group}) do not admit HTTPS (TCP 443)")), "{e}");
    // HTTPS from the VPC's range, which holds the domain's subnet.
    let https = aws_sdk_ec2::types::IpPermission::builder()
        .ip_protocol("tcp")
        .from_port(443)
        .to_port(443)
        .ip_ranges(aws_sdk_ec2::types::IpRange::builder().cidr_ip("10.20.0.0/16").build())
        .build();
    ec2.authorize_security_group_ingress().group_id(&group).ip_permissions(https).send().await?;
    let result = discover_network::handler(&adapter, &catalog, REGION, event(validated(request.clone()).await?)).await;
    let Err(e) = result else { anyhow::bail!("an endpoint without private DNS counted") };
    ensure!(e.message.contains("sagemaker.api") && !e.message.contains("sagemaker.runtime") && !e.message.contains("HTTPS"), "{e}");
    ec2.create_vpc_endpoint()
        .vpc_id(&vpc)
        .service_name(format!("com.amazonaws.{REGION}.sagemaker.api"))
        .vpc_endpoint_type(VpcEndpointType::Interface)
        .subnet_ids(&subnet)
        .security_group_ids(&group)
        .private_dns_enabled(true)
        .send()
        .await?;
    let state = discover_network::handler(&adapter, &catalog, REGION, event(validated(request).await?)).await?;
    ensure!(state.network.as_ref().is_some_and(|n| n.subnet_ids == [subnet.clone()] && n.security_group_ids == [group.clone()]));
    Ok(())
}
