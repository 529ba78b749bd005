//! What an example request names and a fresh local account lacks: its VPC, subnets, security
//! groups and (for VpcOnly) the interface endpoints Studio needs. The local AWS assigns its own
//! ids, so the request is rewritten to name them; each substitution is reported.

use anyhow::{Context, Result};
use aws_sdk_ec2::types::{IpPermission, UserIdGroupPair, VpcEndpointType};
use onboarding_core::network::{required_endpoints, VPC_ONLY_GROUP_PORTS};
use serde_json::{json, Value};

/// One resource created for the request: what the request named and what stands in for it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Prepared {
    pub kind: &'static str,
    pub named: String,
    pub local: String,
}

/// Availability Zones for prepared subnets (none of them capacity-constrained).
const ZONES: &[&str] = &["a", "b", "c", "d", "f"];

/// Creates the network `request.network` names when its VPC does not exist here, and rewrites the
/// request to use the local ids. A request without a named VPC, or whose VPC exists, is unchanged.
/// `second_octet` keeps CIDR blocks of concurrent callers apart (10.N.0.0/16).
pub async fn prepare_network(config: &aws_config::SdkConfig, region: &str, request: &mut Value, second_octet: u8) -> Result<Vec<Prepared>> {
    let Some(vpc_named) = request["network"]["vpcId"].as_str().map(str::to_string) else { return Ok(Vec::new()) };
    let ec2 = aws_sdk_ec2::Client::new(config);
    if ec2.describe_vpcs().vpc_ids(&vpc_named).send().await.is_ok_and(|out| !out.vpcs().is_empty()) {
        return Ok(Vec::new());
    }
    let mut prepared = Vec::new();
    let vpc = ec2.create_vpc().cidr_block(format!("10.{second_octet}.0.0/16")).send().await.context("creating the VPC")?;
    let vpc_id = vpc.vpc().and_then(|v| v.vpc_id()).context("CreateVpc answered no id")?.to_string();
    prepared.push(Prepared { kind: "VPC", named: vpc_named, local: vpc_id.clone() });

    let named_subnets: Vec<String> = strings(&request["network"]["subnetIds"]);
    let mut subnets = Vec::new();
    for (i, named) in named_subnets.iter().enumerate() {
        let zone = format!("{region}{}", ZONES[i % ZONES.len()]);
        let out = ec2
            .create_subnet()
            .vpc_id(&vpc_id)
            .cidr_block(format!("10.{second_octet}.{}.0/24", i + 1))
            .availability_zone(zone)
            .send()
            .await
            .context("creating a subnet")?;
        let id = out.subnet().and_then(|s| s.subnet_id()).context("CreateSubnet answered no id")?.to_string();
        prepared.push(Prepared { kind: "subnet", named: named.clone(), local: id.clone() });
        subnets.push(id);
    }
    let mut groups = Vec::new();
    for (i, named) in strings(&request["network"]["securityGroupIds"]).iter().enumerate() {
        let out = ec2
            .create_security_group()
            .group_name(format!("studio-{i}"))
            .description("Studio (prepared by the local AWS)")
            .vpc_id(&vpc_id)
            .send()
            .await
            .context("creating a security group")?;
        let id = out.group_id().context("CreateSecurityGroup answered no id")?.to_string();
        prepared.push(Prepared { kind: "security group", named: named.clone(), local: id.clone() });
        groups.push(id);
    }
    if request["network"]["accessType"] == "VpcOnly" {
        // What SageMaker documents the domain's groups must admit between themselves.
        for group in &groups {
            // HTTPS too: the interface endpoints below carry the domain's groups.
            let permissions = VPC_ONLY_GROUP_PORTS
                .iter()
                .map(|(from, to, _)| (*from, *to))
                .chain([(443, 443)])
                .map(|(from, to)| {
                    IpPermission::builder()
                        .ip_protocol("tcp")
                        .from_port(from)
                        .to_port(to)
                        .set_user_id_group_pairs(Some(groups.iter().map(|g| UserIdGroupPair::builder().group_id(g).build()).collect()))
                        .build()
                })
                .collect();
            ec2.authorize_security_group_ingress().group_id(group).set_ip_permissions(Some(permissions)).send().await.context("opening the group to itself")?;
        }
        for service in required_endpoints(region) {
            let create = ec2.create_vpc_endpoint().vpc_id(&vpc_id).service_name(&service);
            // S3 through a gateway endpoint, the others through interface endpoints with private DNS.
            let (create, kind) = if service.ends_with(".s3") {
                (create.vpc_endpoint_type(VpcEndpointType::Gateway), "gateway endpoint")
            } else {
                let interface = create
                    .vpc_endpoint_type(VpcEndpointType::Interface)
                    .set_subnet_ids(Some(subnets.clone()))
                    .set_security_group_ids(Some(groups.clone()))
                    .private_dns_enabled(true);
                (interface, "interface endpoint")
            };
            create.send().await.with_context(|| format!("creating the {service} endpoint"))?;
            prepared.push(Prepared { kind, named: service.clone(), local: service });
        }
    }
    request["network"]["vpcId"] = json!(vpc_id);
    if !subnets.is_empty() {
        request["network"]["subnetIds"] = json!(subnets);
    }
    if !groups.is_empty() {
        request["network"]["securityGroupIds"] = json!(groups);
    }
    Ok(prepared)
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array().into_iter().flatten().filter_map(|s| s.as_str().map(str::to_string)).collect()
}
