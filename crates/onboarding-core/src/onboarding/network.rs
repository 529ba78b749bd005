//! Choosing subnets and checking a VpcOnly network (the guide's Step 4), over what EC2 reported.

use std::collections::BTreeMap;

use crate::kernel::errors::{ErrorName, OnboardingError};
use crate::onboarding::request::{Network, NetworkAccessType};
use crate::onboarding::state::ResolvedNetwork;
use crate::ports::{GroupRule, RouteTableInfo, SubnetInfo, VpcNetwork, VpcReads};

/// Availability Zones (by zone id: names differ per account) where SageMaker has known capacity
/// limits; subnets there are left out unless named explicitly. Extend as AWS documents more.
pub const CONSTRAINED_AZ_IDS: &[&str] = &["use1-az3", "usw1-az2", "apne1-az3", "cac1-az3"];

/// The VPC endpoints SageMaker documents for a VpcOnly domain without a way to the internet:
/// the SageMaker API and runtime, STS, CloudWatch Logs and S3 (S3 may be a gateway endpoint).
pub fn required_endpoints(region: &str) -> Vec<String> {
    ["sagemaker.api", "sagemaker.runtime", "sts", "logs", "s3"].iter().map(|service| crate::kernel::partition::endpoint_service(region, service)).collect()
}

/// What `resolve_network` needs read about the VPC for this request.
pub fn reads_for(wanted: &Network, known_to_exist: bool) -> VpcReads {
    let vpc_only = wanted.access_type == NetworkAccessType::VpcOnly;
    // VpcOnly also checks what the endpoints' security groups admit.
    VpcReads { known_to_exist, security_groups: !wanted.security_group_ids.is_empty() || vpc_only, routes_and_endpoints: vpc_only }
}

/// Picks subnets and security groups from the VPC and, for VpcOnly, checks that Studio can work there.
pub fn resolve_network(wanted: &Network, vpc: &VpcNetwork, region: &str) -> Result<ResolvedNetwork, OnboardingError> {
    let (subnets, skipped) = if wanted.subnet_ids.is_empty() { default_subnets(vpc)? } else { (named_subnets(wanted, vpc)?, Vec::new()) };

    let missing_groups: Vec<&String> = wanted.security_group_ids.iter().filter(|id| !vpc.security_group_ids.contains(id)).collect();
    if !missing_groups.is_empty() {
        return Err(not_found("security groups", &missing_groups, &vpc.vpc_id));
    }
    let warnings = if wanted.access_type == NetworkAccessType::VpcOnly { check_vpc_only(vpc, &subnets, wanted, region)? } else { Vec::new() };
    Ok(ResolvedNetwork {
        vpc_id: vpc.vpc_id.clone(),
        subnet_ids: subnets.iter().map(|s| s.subnet_id.clone()).collect(),
        availability_zone_ids: subnets.iter().map(|s| s.availability_zone_id.clone()).collect(),
        security_group_ids: wanted.security_group_ids.clone(),
        skipped_subnets: skipped,
        warnings,
    })
}

fn not_found(what: &str, ids: &[&String], vpc_id: &str) -> OnboardingError {
    let list: Vec<&str> = ids.iter().map(|s| s.as_str()).collect();
    OnboardingError::new(ErrorName::NetworkResourceNotFound, format!("{what} not found in {vpc_id}: {}", list.join(", ")))
}

fn named_subnets(wanted: &Network, vpc: &VpcNetwork) -> Result<Vec<SubnetInfo>, OnboardingError> {
    let missing: Vec<&String> = wanted.subnet_ids.iter().filter(|id| !vpc.subnets.iter().any(|s| &s.subnet_id == *id)).collect();
    if !missing.is_empty() {
        return Err(not_found("subnets", &missing, &vpc.vpc_id));
    }
    Ok(wanted.subnet_ids.iter().filter_map(|id| vpc.subnets.iter().find(|s| &s.subnet_id == id).cloned()).collect())
}

/// One subnet per Availability Zone (the one with the most free addresses), outside constrained zones.
fn default_subnets(vpc: &VpcNetwork) -> Result<(Vec<SubnetInfo>, Vec<String>), OnboardingError> {
    let mut skipped = Vec::new();
    let mut by_zone: BTreeMap<&str, &SubnetInfo> = BTreeMap::new();
    for subnet in &vpc.subnets {
        if CONSTRAINED_AZ_IDS.contains(&subnet.availability_zone_id.as_str()) {
            skipped.push(format!("{} (constrained zone {})", subnet.subnet_id, subnet.availability_zone_id));
        } else if subnet.available_ip_addresses <= 0 {
            skipped.push(format!("{} (no free IP addresses)", subnet.subnet_id));
        } else {
            let best = by_zone.entry(&subnet.availability_zone_id).or_insert(subnet);
            if subnet.available_ip_addresses > best.available_ip_addresses {
                skipped.push(format!("{} (another subnet in {})", best.subnet_id, best.availability_zone_id));
                *best = subnet;
            } else if best.subnet_id != subnet.subnet_id {
                skipped.push(format!("{} (another subnet in {})", subnet.subnet_id, subnet.availability_zone_id));
            }
        }
    }
    let chosen: Vec<SubnetInfo> = by_zone.into_values().take(crate::onboarding::validate::MAX_SUBNETS).cloned().collect();
    if chosen.is_empty() {
        return Err(OnboardingError::new(
            ErrorName::NoUsableSubnets,
            format!("{} has no subnet outside constrained Availability Zones with free addresses; name subnets in network.subnetIds", vpc.vpc_id),
        ));
    }
    Ok((chosen, skipped))
}

fn route_table_of<'a>(vpc: &'a VpcNetwork, subnet_id: &str) -> Option<&'a RouteTableInfo> {
    vpc.route_tables.iter().find(|t| t.subnet_ids.iter().any(|s| s == subnet_id)).or_else(|| vpc.route_tables.iter().find(|t| t.main))
}

fn default_route_target(table: Option<&RouteTableInfo>, prefix: &str) -> Option<String> {
    table?.routes.iter().filter(|r| r.destination == "0.0.0.0/0").find_map(|r| r.gateway_id.clone().filter(|g| g.starts_with(prefix)))
}

/// Where a subnet's traffic to the internet leaves without an internet gateway of its own: a NAT
/// gateway, a transit gateway (to a shared egress VPC), a NAT instance or appliance, or a
/// firewall / Gateway Load Balancer endpoint.
fn private_egress(table: Option<&RouteTableInfo>) -> Option<String> {
    table?.routes.iter().filter(|r| r.destination == "0.0.0.0/0").find_map(|r| {
        r.nat_gateway_id
            .clone()
            .or_else(|| r.transit_gateway_id.clone())
            .or_else(|| r.instance_id.clone())
            .or_else(|| r.network_interface_id.clone())
            .or_else(|| r.gateway_id.clone().filter(|g| g.starts_with("vpce-")))
    })
}

/// What SageMaker documents the domain's security groups must admit between themselves in
/// VpcOnly: NFS to the home EFS volume, and the ports Studio's apps talk to each other on.
pub const VPC_ONLY_GROUP_PORTS: &[(i32, i32, &str)] = &[(2049, 2049, "NFS"), (8192, 65535, "Studio apps")];

/// Whether `rule` admits TCP ports `from`-`to` into its group from one of `groups`.
fn admits(rule: &GroupRule, groups: &[String], from: i32, to: i32) -> bool {
    groups.contains(&rule.source_group_id) && (rule.protocol == "-1" || (rule.protocol == "tcp" && rule.from_port <= from && rule.to_port >= to))
}

/// Studio reaches the interface endpoints over HTTPS.
const HTTPS: i32 = 443;

/// An IPv4 range: its first address and prefix length.
fn ipv4_range(cidr: &str) -> Option<(u32, u32)> {
    let (address, prefix) = cidr.split_once('/')?;
    let address: std::net::Ipv4Addr = address.parse().ok()?;
    let prefix: u32 = prefix.parse().ok().filter(|p| *p <= 32)?;
    Some((u32::from(address), prefix))
}

/// Whether the range `outer` holds the whole range `inner`.
fn covers(outer: &str, inner: &str) -> bool {
    let (Some((outer, outer_prefix)), Some((inner, inner_prefix))) = (ipv4_range(outer), ipv4_range(inner)) else { return false };
    let mask = if outer_prefix == 0 { 0 } else { u32::MAX << (32 - outer_prefix) };
    inner_prefix >= outer_prefix && (inner & mask) == (outer & mask)
}

/// Whether one of `endpoint_groups` admits HTTPS from one of the domain's groups, or from a
/// range that holds every one of the domain's subnets.
fn admits_https(vpc: &VpcNetwork, endpoint_groups: &[String], domain_groups: &[String], subnets: &[SubnetInfo]) -> bool {
    vpc.group_rules.iter().filter(|r| endpoint_groups.contains(&r.group_id)).any(|r| {
        let https = r.protocol == "-1" || (r.protocol == "tcp" && r.from_port <= HTTPS && r.to_port >= HTTPS);
        let from_domain = domain_groups.contains(&r.source_group_id)
            || r.source_cidr.as_deref().is_some_and(|cidr| !subnets.is_empty() && subnets.iter().all(|s| covers(cidr, &s.cidr_block)));
        https && from_domain
    })
}

/// What VpcOnly lacks here, as an error; the warnings of what the request vouches for.
fn check_vpc_only(vpc: &VpcNetwork, subnets: &[SubnetInfo], wanted: &Network, region: &str) -> Result<Vec<String>, OnboardingError> {
    let groups = &wanted.security_group_ids;
    let mut missing = Vec::new();
    let mut warnings = Vec::new();
    for group in groups {
        for (from, to, what) in VPC_ONLY_GROUP_PORTS {
            let ports = if from == to { from.to_string() } else { format!("{from}-{to}") };
            if !vpc.group_rules.iter().any(|r| &r.group_id == group && admits(r, groups, *from, *to)) {
                missing.push(format!("{group} does not admit TCP {ports} ({what}) from the domain's security groups"));
            }
        }
    }
    for subnet in subnets {
        if let Some(igw) = default_route_target(route_table_of(vpc, &subnet.subnet_id), "igw-") {
            missing.push(format!("{} is public (0.0.0.0/0 goes to {igw}); VpcOnly needs private subnets", subnet.subnet_id));
        }
    }
    // An interface endpoint with private DNS takes the service's name for the whole VPC: Studio's
    // calls go to it even when there is a way out, so it must let them in.
    let required = required_endpoints(region);
    for (service, endpoint_groups) in vpc.endpoint_groups.iter().filter(|(service, _)| required.contains(service)) {
        if !admits_https(vpc, endpoint_groups, groups, subnets) {
            missing.push(format!(
                "the {service} endpoint's security groups ({}) do not admit HTTPS (TCP 443) from the domain's security groups or subnets",
                endpoint_groups.join(", ")
            ));
        }
    }
    let absent: Vec<String> = required.into_iter().filter(|e| !vpc.endpoint_services.contains(e)).collect();
    if !absent.is_empty() {
        let without_egress: Vec<&str> =
            subnets.iter().filter(|s| private_egress(route_table_of(vpc, &s.subnet_id)).is_none()).map(|s| s.subnet_id.as_str()).collect();
        if without_egress.is_empty() {
            // A private way out serves the services' public endpoints.
        } else if wanted.endpoints_provided_elsewhere {
            warnings.push(format!(
                "no endpoint for {} in {}: taken to be provided elsewhere (network.endpointsProvidedElsewhere)",
                absent.join(", "),
                vpc.vpc_id
            ));
        } else {
            missing.push(format!(
                "no available endpoint (with private DNS, for interface endpoints) for {} in {} and no route to a NAT gateway, transit gateway, NAT instance or firewall endpoint in {}",
                absent.join(", "),
                vpc.vpc_id,
                without_egress.join(", ")
            ));
        }
    }
    if missing.is_empty() {
        Ok(warnings)
    } else {
        Err(OnboardingError::new(ErrorName::VpcOnlyNetworkIncomplete, missing.join("; ")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ports::RouteInfo;

    fn subnet(id: &str, az_id: &str, free: i32) -> SubnetInfo {
        SubnetInfo {
            subnet_id: id.into(),
            availability_zone: format!("zone-{az_id}"),
            availability_zone_id: az_id.into(),
            available_ip_addresses: free,
            cidr_block: format!("10.0.{}.0/24", id.bytes().last().unwrap_or(0)),
        }
    }

    fn vpc() -> VpcNetwork {
        VpcNetwork {
            vpc_id: "vpc-1".into(),
            subnets: vec![
                subnet("subnet-a", "use1-az1", 100),
                subnet("subnet-b", "use1-az3", 100),
                subnet("subnet-c", "use1-az2", 10),
                subnet("subnet-d", "use1-az2", 50),
            ],
            route_tables: vec![RouteTableInfo {
                main: true,
                subnet_ids: vec![],
                routes: vec![RouteInfo { destination: "172.31.0.0/16".into(), gateway_id: Some("local".into()), ..Default::default() }],
            }],
            endpoint_services: vec![],
            endpoint_groups: vec![],
            security_group_ids: vec!["sg-1".into()],
            group_rules: VPC_ONLY_GROUP_PORTS.iter().map(|(from, to, _)| rule("sg-1", "tcp", *from, *to, "sg-1")).collect(),
        }
    }

    fn rule(group: &str, protocol: &str, from_port: i32, to_port: i32, source: &str) -> GroupRule {
        GroupRule { group_id: group.into(), protocol: protocol.into(), from_port, to_port, source_group_id: source.into(), source_cidr: None }
    }

    #[test]
    fn interface_endpoints_must_admit_https_from_the_domain() {
        let wanted = Network { access_type: NetworkAccessType::VpcOnly, security_group_ids: vec!["sg-1".into()], ..Default::default() };
        let mut closed = vpc();
        closed.endpoint_services = required_endpoints("us-east-1").to_vec();
        closed.endpoint_groups = vec![("com.amazonaws.us-east-1.sts".into(), vec!["sg-endpoints".into()])];
        let e = resolve_network(&wanted, &closed, "us-east-1").expect_err("HTTPS not admitted");
        assert!(e.message.contains("com.amazonaws.us-east-1.sts endpoint's security groups (sg-endpoints) do not admit HTTPS (TCP 443)"), "{}", e.message);

        let mut from_group = closed.clone();
        from_group.group_rules.push(rule("sg-endpoints", "tcp", 443, 443, "sg-1"));
        assert!(resolve_network(&wanted, &from_group, "us-east-1").is_ok());
        let from_range = |cidr: &str| {
            let mut vpc = closed.clone();
            vpc.group_rules.push(GroupRule { source_cidr: Some(cidr.into()), ..rule("sg-endpoints", "tcp", 0, 65535, "") });
            resolve_network(&wanted, &vpc, "us-east-1")
        };
        assert!(from_range("10.0.0.0/16").is_ok(), "the VPC's range holds every subnet");
        assert!(from_range("10.0.97.0/24").is_err(), "one subnet's range leaves the others out");
    }

    #[test]
    fn ranges_hold_ranges() {
        assert!(covers("10.0.0.0/16", "10.0.5.0/24") && covers("0.0.0.0/0", "192.168.1.0/24") && covers("10.0.5.0/24", "10.0.5.0/24"));
        assert!(
            !covers("10.0.0.0/24", "10.0.0.0/16")
                && !covers("10.1.0.0/16", "10.0.5.0/24")
                && !covers("10.0.0.0/33", "10.0.0.0/24")
                && !covers("", "10.0.0.0/24")
        );
    }

    #[test]
    fn endpoints_provided_elsewhere_are_a_warning_not_an_error() {
        let mut wanted = Network { access_type: NetworkAccessType::VpcOnly, security_group_ids: vec!["sg-1".into()], ..Default::default() };
        assert_eq!(resolve_network(&wanted, &vpc(), "us-east-1").expect_err("no endpoints").name, ErrorName::VpcOnlyNetworkIncomplete);
        wanted.endpoints_provided_elsewhere = true;
        let resolved = resolve_network(&wanted, &vpc(), "us-east-1").expect("vouched for");
        assert!(
            resolved.warnings.len() == 1 && resolved.warnings[0].contains("sts") && resolved.warnings[0].contains("endpointsProvidedElsewhere"),
            "{:?}",
            resolved.warnings
        );
        // The rest is still checked.
        let mut closed = vpc();
        closed.group_rules.clear();
        assert!(resolve_network(&wanted, &closed, "us-east-1").is_err());
    }

    #[test]
    fn vpc_only_groups_must_admit_nfs_and_studio_ports_between_themselves() {
        let wanted = Network { access_type: NetworkAccessType::VpcOnly, security_group_ids: vec!["sg-1".into()], ..Default::default() };
        let mut ready = vpc();
        ready.endpoint_services = required_endpoints("us-east-1").to_vec();
        assert!(resolve_network(&wanted, &ready, "us-east-1").is_ok());

        let mut closed = ready.clone();
        closed.group_rules = vec![rule("sg-1", "tcp", 8192, 65535, "sg-1"), rule("sg-1", "tcp", 2049, 2049, "sg-other")];
        let e = resolve_network(&wanted, &closed, "us-east-1").expect_err("no NFS between the groups");
        assert_eq!(e.name, ErrorName::VpcOnlyNetworkIncomplete);
        assert!(e.message.contains("sg-1 does not admit TCP 2049 (NFS)") && !e.message.contains("8192"), "{}", e.message);

        let mut narrow = ready.clone();
        narrow.group_rules = vec![rule("sg-1", "tcp", 2049, 2049, "sg-1"), rule("sg-1", "tcp", 8192, 9000, "sg-1")];
        let e = resolve_network(&wanted, &narrow, "us-east-1").expect_err("too few app ports");
        assert!(e.message.contains("TCP 8192-65535 (Studio apps)"), "{}", e.message);

        // All traffic from the group admits both.
        let mut open = ready;
        open.group_rules = vec![rule("sg-1", "-1", -1, -1, "sg-1")];
        assert!(resolve_network(&wanted, &open, "us-east-1").is_ok());
    }

    #[test]
    fn reads_only_what_the_request_needs() {
        let public = Network::default();
        assert_eq!(reads_for(&public, true), VpcReads { known_to_exist: true, security_groups: false, routes_and_endpoints: false });
        let vpc_only = Network { access_type: NetworkAccessType::VpcOnly, security_group_ids: vec!["sg-1".into()], ..Default::default() };
        assert_eq!(reads_for(&vpc_only, false), VpcReads { known_to_exist: false, security_groups: true, routes_and_endpoints: true });
    }

    #[test]
    fn default_subnets_skip_constrained_zones_and_keep_one_per_zone() {
        let n = resolve_network(&Network::default(), &vpc(), "us-east-1").expect("network");
        assert_eq!(n.subnet_ids, vec!["subnet-a", "subnet-d"]);
        assert_eq!(n.availability_zone_ids, vec!["use1-az1", "use1-az2"]);
        assert!(n.skipped_subnets.iter().any(|s| s.starts_with("subnet-b (constrained")));
        assert!(n.skipped_subnets.iter().any(|s| s.starts_with("subnet-c (another")));
    }

    #[test]
    fn named_subnets_are_honoured_even_in_constrained_zones() {
        let wanted = Network { vpc_id: Some("vpc-1".into()), subnet_ids: vec!["subnet-b".into()], ..Default::default() };
        assert_eq!(resolve_network(&wanted, &vpc(), "us-east-1").expect("network").subnet_ids, vec!["subnet-b"]);
    }

    #[test]
    fn unknown_subnets_and_groups_are_named() {
        let wanted = Network { subnet_ids: vec!["subnet-x".into()], ..Default::default() };
        let e = resolve_network(&wanted, &vpc(), "us-east-1").expect_err("missing");
        assert_eq!(e.name, ErrorName::NetworkResourceNotFound);
        assert!(e.message.contains("subnet-x"));
        let wanted = Network { security_group_ids: vec!["sg-9".into()], ..Default::default() };
        assert!(resolve_network(&wanted, &vpc(), "us-east-1").expect_err("missing").message.contains("sg-9"));
    }

    #[test]
    fn no_usable_subnet() {
        let mut v = vpc();
        v.subnets = vec![subnet("subnet-b", "use1-az3", 100), subnet("subnet-e", "use1-az4", 0)];
        assert_eq!(resolve_network(&Network::default(), &v, "us-east-1").expect_err("none").name, ErrorName::NoUsableSubnets);
    }

    #[test]
    fn vpc_only_needs_endpoints_or_nat_and_private_subnets() {
        let wanted = Network { access_type: NetworkAccessType::VpcOnly, security_group_ids: vec!["sg-1".into()], ..Default::default() };
        let e = resolve_network(&wanted, &vpc(), "us-east-1").expect_err("incomplete");
        assert_eq!(e.name, ErrorName::VpcOnlyNetworkIncomplete);
        assert!(e.message.contains("com.amazonaws.us-east-1.sagemaker.api") && e.message.contains("com.amazonaws.us-east-1.sagemaker.runtime"));

        let mut with_endpoints = vpc();
        with_endpoints.endpoint_services = required_endpoints("us-east-1").to_vec();
        assert!(resolve_network(&wanted, &with_endpoints, "us-east-1").is_ok());

        // Any private way out will do: NAT gateway, transit gateway, NAT instance, firewall endpoint.
        let default_route = RouteInfo { destination: "0.0.0.0/0".into(), ..Default::default() };
        for egress in [
            RouteInfo { nat_gateway_id: Some("nat-1".into()), ..default_route.clone() },
            RouteInfo { transit_gateway_id: Some("tgw-1".into()), ..default_route.clone() },
            RouteInfo { instance_id: Some("i-1".into()), ..default_route.clone() },
            RouteInfo { network_interface_id: Some("eni-1".into()), ..default_route.clone() },
            RouteInfo { gateway_id: Some("vpce-1".into()), ..default_route.clone() },
        ] {
            let mut with_egress = vpc();
            with_egress.route_tables[0].routes.push(egress.clone());
            assert!(resolve_network(&wanted, &with_egress, "us-east-1").is_ok(), "{egress:?}");
        }
        // A virtual private gateway leads home, not to the internet.
        let mut vgw = vpc();
        vgw.route_tables[0].routes.push(RouteInfo { gateway_id: Some("vgw-1".into()), ..default_route.clone() });
        assert!(resolve_network(&wanted, &vgw, "us-east-1").is_err());

        let mut public = with_endpoints.clone();
        public.route_tables.push(RouteTableInfo {
            main: false,
            subnet_ids: vec!["subnet-a".into()],
            routes: vec![RouteInfo { destination: "0.0.0.0/0".into(), gateway_id: Some("igw-1".into()), ..Default::default() }],
        });
        let e = resolve_network(&wanted, &public, "us-east-1").expect_err("public");
        assert!(e.message.contains("subnet-a is public"));
    }
}
