//! What AWS leaves in the VPC when a domain is deleted: the NFS security groups SageMaker created
//! for it, and the network interfaces that still use them.

use aws_sdk_ec2::types::{IpPermission, UserIdGroupPair};
use onboarding_core::ports::{DomainSecurityGroup, LeftoverNetworkPort, PortResult};

use crate::classify;
use crate::ec2::{filter, Ec2Adapter};

/// The names SageMaker gives the security groups it creates for a domain's home file system.
pub fn domain_group_names(domain_id: &str) -> [String; 2] {
    [format!("security-group-for-inbound-nfs-{domain_id}"), format!("security-group-for-outbound-nfs-{domain_id}")]
}

/// The permissions' references to other groups, without their CIDR ranges: what must go before
/// the groups they name can be deleted.
fn group_references(permissions: &[IpPermission], own: &str) -> Vec<IpPermission> {
    permissions
        .iter()
        .filter_map(|p| {
            let pairs: Vec<UserIdGroupPair> = p.user_id_group_pairs().iter().filter(|g| g.group_id() != Some(own)).cloned().collect();
            (!pairs.is_empty()).then(|| {
                IpPermission::builder()
                    .set_ip_protocol(p.ip_protocol().map(str::to_string))
                    .set_from_port(p.from_port())
                    .set_to_port(p.to_port())
                    .set_user_id_group_pairs(Some(pairs))
                    .build()
            })
        })
        .collect()
}

impl LeftoverNetworkPort for Ec2Adapter {
    async fn domain_security_groups(&self, vpc_id: &str, domain_id: &str) -> PortResult<Vec<DomainSecurityGroup>> {
        let names = domain_group_names(domain_id);
        let out = self
            .client()
            .describe_security_groups()
            .filters(filter("vpc-id", vpc_id))
            .filters(aws_sdk_ec2::types::Filter::builder().name("group-name").set_values(Some(names.to_vec())).build())
            .send()
            .await
            .map_err(|e| classify("ec2:DescribeSecurityGroups", &e))?;
        Ok(out
            .security_groups()
            .iter()
            .map(|g| DomainSecurityGroup { group_id: g.group_id().unwrap_or_default().to_string(), group_name: g.group_name().unwrap_or_default().to_string() })
            .collect())
    }

    async fn network_interfaces_using(&self, group_ids: &[String]) -> PortResult<Vec<String>> {
        if group_ids.is_empty() {
            return Ok(Vec::new());
        }
        let items = self
            .client()
            .describe_network_interfaces()
            .filters(aws_sdk_ec2::types::Filter::builder().name("group-id").set_values(Some(group_ids.to_vec())).build())
            .into_paginator()
            .items()
            .send()
            .collect::<Result<Vec<_>, _>>()
            .await
            .map_err(|e| classify("ec2:DescribeNetworkInterfaces", &e))?;
        Ok(items.iter().filter_map(|eni| eni.network_interface_id().map(str::to_string)).collect())
    }

    async fn delete_security_group(&self, group_id: &str) -> PortResult<()> {
        // The inbound group admits NFS from the outbound one (and the outbound one sends to the
        // inbound one): those references go first, or neither can be deleted.
        let described = self.client().describe_security_groups().group_ids(group_id).send().await.map_err(|e| classify("ec2:DescribeSecurityGroups", &e))?;
        let Some(group) = described.security_groups().first() else { return Ok(()) };
        let ingress = group_references(group.ip_permissions(), group_id);
        if !ingress.is_empty() {
            self.client()
                .revoke_security_group_ingress()
                .group_id(group_id)
                .set_ip_permissions(Some(ingress))
                .send()
                .await
                .map_err(|e| classify("ec2:RevokeSecurityGroupIngress", &e))?;
        }
        let egress = group_references(group.ip_permissions_egress(), group_id);
        if !egress.is_empty() {
            self.client()
                .revoke_security_group_egress()
                .group_id(group_id)
                .set_ip_permissions(Some(egress))
                .send()
                .await
                .map_err(|e| classify("ec2:RevokeSecurityGroupEgress", &e))?;
        }
        // EC2 models no error shapes: a group in use is DependencyViolation, said in the message.
        self.client().delete_security_group().group_id(group_id).send().await.map_err(|e| classify("ec2:DeleteSecurityGroup", &e))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_ec2::operation::delete_security_group::DeleteSecurityGroupOutput;
    use aws_sdk_ec2::operation::describe_security_groups::DescribeSecurityGroupsOutput;
    use aws_sdk_ec2::operation::revoke_security_group_ingress::RevokeSecurityGroupIngressOutput;
    use aws_sdk_ec2::types::SecurityGroup;
    use aws_sdk_ec2::Client;
    use aws_smithy_mocks::{mock, mock_client, RuleMode};

    #[test]
    fn group_names_follow_sagemaker() {
        assert_eq!(domain_group_names("d-1")[0], "security-group-for-inbound-nfs-d-1");
    }

    #[tokio::test]
    async fn references_to_other_groups_are_revoked_before_the_group_is_deleted() {
        let describe = mock!(Client::describe_security_groups).then_output(|| {
            DescribeSecurityGroupsOutput::builder()
                .security_groups(
                    SecurityGroup::builder()
                        .group_id("sg-in")
                        .ip_permissions(
                            IpPermission::builder()
                                .ip_protocol("tcp")
                                .from_port(2049)
                                .to_port(2049)
                                .user_id_group_pairs(UserIdGroupPair::builder().group_id("sg-out").build())
                                .build(),
                        )
                        .build(),
                )
                .build()
        });
        let revoke = mock!(Client::revoke_security_group_ingress)
            .match_requests(|r| r.ip_permissions()[0].user_id_group_pairs()[0].group_id() == Some("sg-out"))
            .then_output(|| RevokeSecurityGroupIngressOutput::builder().build());
        let delete =
            mock!(Client::delete_security_group).match_requests(|r| r.group_id() == Some("sg-in")).then_output(|| DeleteSecurityGroupOutput::builder().build());
        let ec2 = Ec2Adapter::new(mock_client!(aws_sdk_ec2, RuleMode::Sequential, [&describe, &revoke, &delete]));
        ec2.delete_security_group("sg-in").await.expect("deleted");
        assert_eq!((revoke.num_calls(), delete.num_calls()), (1, 1));
    }
}
