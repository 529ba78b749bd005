//! The fake EC2: VPCs, subnets, route tables, endpoints, and what a domain leaves in its VPC.

use super::*;

impl NetworkPort for FakeAws {
    async fn default_vpc_id(&self) -> PortResult<Option<String>> {
        Ok(self.enter("DescribeVpcs")?.default_vpc.clone())
    }

    async fn describe_vpc(&self, vpc_id: &str, reads: VpcReads) -> PortResult<Option<VpcNetwork>> {
        let mut vpc = self.enter("DescribeVpc")?.vpcs.get(vpc_id).cloned();
        // What was not asked for stays empty, as with the real adapter.
        if let Some(vpc) = vpc.as_mut() {
            if !reads.security_groups {
                vpc.security_group_ids.clear();
                vpc.group_rules.clear();
            }
            if !reads.routes_and_endpoints {
                vpc.route_tables.clear();
                vpc.endpoint_services.clear();
                vpc.endpoint_groups.clear();
            }
        }
        Ok(vpc)
    }
}

impl LeftoverNetworkPort for FakeAws {
    async fn domain_security_groups(&self, _vpc_id: &str, domain_id: &str) -> PortResult<Vec<DomainSecurityGroup>> {
        let w = self.enter("DescribeSecurityGroups")?;
        Ok(w.domain_security_groups.iter().filter(|g| g.0 == domain_id).map(|g| g.1.clone()).collect())
    }

    async fn network_interfaces_using(&self, group_ids: &[String]) -> PortResult<Vec<String>> {
        let w = self.enter("DescribeNetworkInterfaces")?;
        Ok(w.network_interfaces.iter().filter(|(_, groups)| groups.iter().any(|g| group_ids.contains(g))).map(|(id, _)| id.clone()).collect())
    }

    async fn delete_security_group(&self, group_id: &str) -> PortResult<()> {
        let mut w = self.enter("DeleteSecurityGroup")?;
        if w.network_interfaces.iter().any(|(_, groups)| groups.iter().any(|g| g == group_id)) {
            return Err(OnboardingError::new(ErrorName::AwsRequestFailed, format!("DependencyViolation: {group_id} has a dependent object")));
        }
        w.domain_security_groups.retain(|g| g.1.group_id != group_id);
        Ok(())
    }
}
