//! EC2 reads for network discovery: the default VPC, and a VPC's subnets, route tables,
//! endpoints and security groups.

use aws_sdk_ec2::types::{Filter, SecurityGroup, State, VpcEndpoint, VpcEndpointType};
use onboarding_core::ports::{GroupRule, NetworkPort, PortResult, RouteInfo, RouteTableInfo, SubnetInfo, VpcNetwork, VpcReads};

use crate::classify;

#[derive(Clone, Debug)]
pub struct Ec2Adapter {
    client: aws_sdk_ec2::Client,
}

pub(crate) fn filter(name: &str, value: &str) -> Filter {
    Filter::builder().name(name).values(value).build()
}

impl Ec2Adapter {
    pub fn new(client: aws_sdk_ec2::Client) -> Self {
        Ec2Adapter { client }
    }

    pub fn from_config(config: &aws_config::SdkConfig) -> Self {
        Self::new(aws_sdk_ec2::Client::new(config))
    }

    pub(crate) fn client(&self) -> &aws_sdk_ec2::Client {
        &self.client
    }

    async fn first_vpc(&self, name: &str, value: &str) -> PortResult<Option<String>> {
        let out = self.client.describe_vpcs().filters(filter(name, value)).send().await.map_err(|e| classify("ec2:DescribeVpcs", &e))?;
        Ok(out.vpcs().iter().find_map(|v| v.vpc_id().map(str::to_string)))
    }

    async fn subnets(&self, vpc_id: &str) -> PortResult<Vec<SubnetInfo>> {
        let items = self.client.describe_subnets().filters(filter("vpc-id", vpc_id)).into_paginator().items().send().collect::<Result<Vec<_>, _>>().await;
        let items = items.map_err(|e| classify("ec2:DescribeSubnets", &e))?;
        Ok(items
            .iter()
            .map(|s| SubnetInfo {
                subnet_id: s.subnet_id().unwrap_or_default().to_string(),
                availability_zone: s.availability_zone().unwrap_or_default().to_string(),
                availability_zone_id: s.availability_zone_id().unwrap_or_default().to_string(),
                available_ip_addresses: s.available_ip_address_count().unwrap_or(0),
                cidr_block: s.cidr_block().unwrap_or_default().to_string(),
            })
            .collect())
    }

    async fn route_tables(&self, vpc_id: &str) -> PortResult<Vec<RouteTableInfo>> {
        let items = self.client.describe_route_tables().filters(filter("vpc-id", vpc_id)).into_paginator().items().send().collect::<Result<Vec<_>, _>>().await;
        let items = items.map_err(|e| classify("ec2:DescribeRouteTables", &e))?;
        Ok(items
            .iter()
            .map(|t| RouteTableInfo {
                main: t.associations().iter().any(|a| a.main() == Some(true)),
                subnet_ids: t.associations().iter().filter_map(|a| a.subnet_id().map(str::to_string)).collect(),
                routes: t
                    .routes()
                    .iter()
                    .map(|r| RouteInfo {
                        destination: r.destination_cidr_block().unwrap_or_default().to_string(),
                        gateway_id: r.gateway_id().map(str::to_string),
                        nat_gateway_id: r.nat_gateway_id().map(str::to_string),
                        transit_gateway_id: r.transit_gateway_id().map(str::to_string),
                        instance_id: r.instance_id().map(str::to_string),
                        network_interface_id: r.network_interface_id().map(str::to_string),
                    })
                    .collect(),
            })
            .collect())
    }

    /// The available endpoints that serve the VPC: their service names, and each interface
    /// endpoint's security groups.
    async fn endpoints(&self, vpc_id: &str) -> PortResult<(Vec<String>, Vec<(String, Vec<String>)>)> {
        let items = self.client.describe_vpc_endpoints().filters(filter("vpc-id", vpc_id)).into_paginator().items().send().collect::<Result<Vec<_>, _>>().await;
        let items = items.map_err(|e| classify("ec2:DescribeVpcEndpoints", &e))?;
        // Only an available endpoint serves: Pending, PendingAcceptance and Partial do not yet.
        // EC2 answers the state in lower case ("available"), which the SDK's enum (spelt
        // "Available") keeps as an unknown value: compare the text.
        let available = |s: Option<&State>| s.is_some_and(|s| s.as_str().eq_ignore_ascii_case("available"));
        // An interface endpoint serves Studio's calls to the service's usual name only with
        // private DNS; a gateway endpoint (S3) serves through the route tables.
        let resolvable = |e: &VpcEndpoint| e.vpc_endpoint_type() == Some(&VpcEndpointType::Gateway) || e.private_dns_enabled() == Some(true);
        let serving: Vec<&VpcEndpoint> = items.iter().filter(|e| available(e.state()) && resolvable(e)).collect();
        let services = serving.iter().filter_map(|e| e.service_name().map(str::to_string)).collect();
        let groups = serving
            .iter()
            .filter(|e| e.vpc_endpoint_type() == Some(&VpcEndpointType::Interface))
            .filter_map(|e| Some((e.service_name()?.to_string(), e.groups().iter().filter_map(|g| g.group_id().map(str::to_string)).collect())))
            .collect();
        Ok((services, groups))
    }

    async fn security_groups(&self, vpc_id: &str) -> PortResult<Vec<SecurityGroup>> {
        let items =
            self.client.describe_security_groups().filters(filter("vpc-id", vpc_id)).into_paginator().items().send().collect::<Result<Vec<_>, _>>().await;
        items.map_err(|e| classify("ec2:DescribeSecurityGroups", &e))
    }
}

/// A group's inbound rules, one per source: a security group or an IPv4 range.
fn group_rules(group: &SecurityGroup) -> Vec<GroupRule> {
    let group_id = group.group_id().unwrap_or_default();
    group
        .ip_permissions()
        .iter()
        .flat_map(|p| {
            let rule = move |source_group_id: String, source_cidr: Option<String>| GroupRule {
                group_id: group_id.to_string(),
                protocol: p.ip_protocol().unwrap_or_default().to_string(),
                from_port: p.from_port().unwrap_or(-1),
                to_port: p.to_port().unwrap_or(-1),
                source_group_id,
                source_cidr,
            };
            let from_groups = p.user_id_group_pairs().iter().filter_map(move |pair| Some(rule(pair.group_id()?.to_string(), None)));
            let from_ranges = p.ip_ranges().iter().filter_map(move |range| Some(rule(String::new(), Some(range.cidr_ip()?.to_string()))));
            from_groups.chain(from_ranges)
        })
        .collect()
}

/// The read's items when `wanted`, else none (the read is not made).
async fn when<T>(wanted: bool, read: impl std::future::Future<Output = PortResult<Vec<T>>>) -> PortResult<Vec<T>> {
    if wanted {
        read.await
    } else {
        Ok(Vec::new())
    }
}

impl NetworkPort for Ec2Adapter {
    async fn default_vpc_id(&self) -> PortResult<Option<String>> {
        self.first_vpc("is-default", "true").await
    }

    async fn describe_vpc(&self, vpc_id: &str, reads: VpcReads) -> PortResult<Option<VpcNetwork>> {
        // Independent reads, only those asked for, made at once. The VPC is looked up with a
        // filter (not VpcIds) so that a missing VPC is an empty answer rather than an error code;
        // the other reads then found nothing and are dropped.
        let exists = async {
            if reads.known_to_exist {
                Ok(true)
            } else {
                self.first_vpc("vpc-id", vpc_id).await.map(|vpc| vpc.is_some())
            }
        };
        let (exists, subnets, route_tables, (endpoint_services, endpoint_groups), groups) = tokio::try_join!(
            exists,
            self.subnets(vpc_id),
            when(reads.routes_and_endpoints, self.route_tables(vpc_id)),
            async {
                if reads.routes_and_endpoints {
                    self.endpoints(vpc_id).await
                } else {
                    Ok((Vec::new(), Vec::new()))
                }
            },
            when(reads.security_groups, self.security_groups(vpc_id))
        )?;
        if !exists {
            return Ok(None);
        }
        let security_group_ids = groups.iter().filter_map(|g| g.group_id().map(str::to_string)).collect();
        let group_rules = groups.iter().flat_map(group_rules).collect();
        Ok(Some(VpcNetwork { vpc_id: vpc_id.to_string(), subnets, route_tables, endpoint_services, endpoint_groups, security_group_ids, group_rules }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_ec2::operation::describe_route_tables::DescribeRouteTablesOutput;
    use aws_sdk_ec2::operation::describe_security_groups::DescribeSecurityGroupsOutput;
    use aws_sdk_ec2::operation::describe_subnets::DescribeSubnetsOutput;
    use aws_sdk_ec2::operation::describe_vpc_endpoints::DescribeVpcEndpointsOutput;
    use aws_sdk_ec2::operation::describe_vpcs::DescribeVpcsOutput;
    use aws_sdk_ec2::types::{
        IpPermission, IpRange, Route, RouteTable, RouteTableAssociation, SecurityGroup, SecurityGroupIdentifier, Subnet, UserIdGroupPair, Vpc, VpcEndpoint,
    };
    use aws_sdk_ec2::Client;
    use aws_smithy_mocks::{mock, mock_client, RuleMode};
    use onboarding_core::ErrorName;

    #[tokio::test]
    async fn default_vpc_uses_the_is_default_filter() {
        let rule = mock!(Client::describe_vpcs)
            .match_requests(|r| r.filters().iter().any(|f| f.name() == Some("is-default")))
            .then_output(|| DescribeVpcsOutput::builder().vpcs(Vpc::builder().vpc_id("vpc-0123abcd").build()).build());
        let ec2 = Ec2Adapter::new(mock_client!(aws_sdk_ec2, [&rule]));
        assert_eq!(ec2.default_vpc_id().await.expect("vpc").as_deref(), Some("vpc-0123abcd"));
    }

    #[tokio::test]
    async fn describes_a_whole_vpc() {
        let vpcs = mock!(Client::describe_vpcs).then_output(|| DescribeVpcsOutput::builder().vpcs(Vpc::builder().vpc_id("vpc-1").build()).build());
        let subnets = mock!(Client::describe_subnets).then_output(|| {
            DescribeSubnetsOutput::builder()
                .subnets(
                    Subnet::builder()
                        .subnet_id("subnet-1")
                        .availability_zone("us-east-1a")
                        .availability_zone_id("use1-az1")
                        .available_ip_address_count(250)
                        .build(),
                )
                .build()
        });
        let tables = mock!(Client::describe_route_tables).then_output(|| {
            DescribeRouteTablesOutput::builder()
                .route_tables(
                    RouteTable::builder()
                        .associations(RouteTableAssociation::builder().main(true).build())
                        .routes(Route::builder().destination_cidr_block("0.0.0.0/0").nat_gateway_id("nat-1").build())
                        .build(),
                )
                .build()
        });
        let endpoints = mock!(Client::describe_vpc_endpoints).then_output(|| {
            DescribeVpcEndpointsOutput::builder()
                .vpc_endpoints(
                    VpcEndpoint::builder()
                        .service_name("com.amazonaws.us-east-1.sagemaker.api")
                        .state(State::from("available"))
                        .vpc_endpoint_type(VpcEndpointType::Interface)
                        .groups(SecurityGroupIdentifier::builder().group_id("sg-endpoints").build())
                        .private_dns_enabled(true)
                        .build(),
                )
                .vpc_endpoints(
                    VpcEndpoint::builder()
                        .service_name("com.amazonaws.us-east-1.s3")
                        .state(State::from("available"))
                        .vpc_endpoint_type(VpcEndpointType::Gateway)
                        .build(),
                )
                // Without private DNS, Studio's calls to the service's name do not reach it.
                .vpc_endpoints(
                    VpcEndpoint::builder()
                        .service_name("com.amazonaws.us-east-1.sagemaker.runtime")
                        .state(State::from("available"))
                        .private_dns_enabled(false)
                        .build(),
                )
                .vpc_endpoints(VpcEndpoint::builder().service_name("com.amazonaws.us-east-1.sts").state(State::Deleted).build())
                .vpc_endpoints(VpcEndpoint::builder().service_name("com.amazonaws.us-east-1.logs").state(State::PendingAcceptance).build())
                .build()
        });
        let groups = mock!(Client::describe_security_groups).then_output(|| {
            let https = IpPermission::builder()
                .ip_protocol("tcp")
                .from_port(443)
                .to_port(443)
                .user_id_group_pairs(UserIdGroupPair::builder().group_id("sg-1").build())
                .ip_ranges(IpRange::builder().cidr_ip("10.0.0.0/16").build())
                .build();
            DescribeSecurityGroupsOutput::builder()
                .security_groups(SecurityGroup::builder().group_id("sg-1").build())
                .security_groups(SecurityGroup::builder().group_id("sg-endpoints").ip_permissions(https).build())
                .build()
        });
        let ec2 = Ec2Adapter::new(mock_client!(aws_sdk_ec2, RuleMode::MatchAny, [&vpcs, &subnets, &tables, &endpoints, &groups]));
        let vpc = ec2
            .describe_vpc("vpc-1", VpcReads { known_to_exist: false, security_groups: true, routes_and_endpoints: true })
            .await
            .expect("describe")
            .expect("exists");
        assert_eq!(vpc.subnets[0].availability_zone_id, "use1-az1");
        assert!(vpc.route_tables[0].main);
        assert_eq!(vpc.route_tables[0].routes[0].nat_gateway_id.as_deref(), Some("nat-1"));
        assert_eq!(vpc.endpoint_services, vec!["com.amazonaws.us-east-1.sagemaker.api", "com.amazonaws.us-east-1.s3"]);
        assert_eq!(vpc.endpoint_groups, vec![("com.amazonaws.us-east-1.sagemaker.api".to_string(), vec!["sg-endpoints".to_string()])]);
        assert_eq!(vpc.security_group_ids, vec!["sg-1", "sg-endpoints"]);
        let sources: Vec<(&str, Option<&str>)> = vpc.group_rules.iter().map(|r| (r.source_group_id.as_str(), r.source_cidr.as_deref())).collect();
        assert_eq!(sources, vec![("sg-1", None), ("", Some("10.0.0.0/16"))]);
        assert!(vpc.group_rules.iter().all(|r| r.group_id == "sg-endpoints" && r.from_port == 443));
    }

    #[tokio::test]
    async fn makes_only_the_reads_asked_for() {
        // The client answers only subnets: any other call would fail the test.
        let subnets = mock!(Client::describe_subnets)
            .then_output(|| DescribeSubnetsOutput::builder().subnets(Subnet::builder().subnet_id("subnet-1").availability_zone_id("use1-az1").build()).build());
        let ec2 = Ec2Adapter::new(mock_client!(aws_sdk_ec2, [&subnets]));
        let vpc = ec2.describe_vpc("vpc-1", VpcReads { known_to_exist: true, ..VpcReads::default() }).await.expect("describe").expect("exists");
        assert_eq!(vpc.subnets.len(), 1);
        assert!(vpc.route_tables.is_empty() && vpc.endpoint_services.is_empty() && vpc.security_group_ids.is_empty());
        assert_eq!(subnets.num_calls(), 1);
    }

    #[tokio::test]
    async fn missing_vpc_is_none_and_server_errors_are_unavailable() {
        let none = mock!(Client::describe_vpcs).then_output(|| DescribeVpcsOutput::builder().build());
        let subnets = mock!(Client::describe_subnets).then_output(|| DescribeSubnetsOutput::builder().build());
        let ec2 = Ec2Adapter::new(mock_client!(aws_sdk_ec2, RuleMode::MatchAny, [&none, &subnets]));
        assert_eq!(ec2.describe_vpc("vpc-9", VpcReads::default()).await.expect("describe"), None);

        let broken = mock!(Client::describe_vpcs).then_http_response(|| {
            aws_smithy_runtime_api::http::Response::new(
                aws_smithy_runtime_api::http::StatusCode::try_from(503).expect("status"),
                aws_smithy_types::body::SdkBody::from("<Response><Errors><Error><Code>Unavailable</Code></Error></Errors></Response>"),
            )
        });
        let ec2 = Ec2Adapter::new(mock_client!(aws_sdk_ec2, [&broken]));
        assert_eq!(ec2.default_vpc_id().await.expect_err("unavailable").name, ErrorName::AwsUnavailable);
    }
}
