//! AWS partitions: ARNs and endpoint service names differ outside the `aws` partition
//! (`arn:aws-cn:...`, `cn.com.amazonaws.cn-north-1.sagemaker.api`).

/// The partition a region belongs to.
pub fn partition_of(region: &str) -> &'static str {
    const PREFIXES: &[(&str, &str)] = &[
        ("cn-", "aws-cn"),
        ("us-gov-", "aws-us-gov"),
        ("us-isob-", "aws-iso-b"),
        ("us-isof-", "aws-iso-f"),
        ("us-iso-", "aws-iso"),
        ("eu-isoe-", "aws-iso-e"),
    ];
    PREFIXES.iter().find(|(prefix, _)| region.starts_with(prefix)).map_or("aws", |(_, partition)| partition)
}

/// The name of a VPC endpoint service (`com.amazonaws.REGION.SERVICE`, in China `cn.com.amazonaws...`).
pub fn endpoint_service(region: &str, service: &str) -> String {
    let prefix = if partition_of(region) == "aws-cn" { "cn.com.amazonaws" } else { "com.amazonaws" };
    format!("{prefix}.{region}.{service}")
}

/// An AWS managed policy's ARN (`name` may carry a path: `service-role/NAME`).
pub fn managed_policy_arn(partition: &str, name: &str) -> String {
    format!("arn:{partition}:iam::aws:policy/{name}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partitions_and_their_names() {
        assert_eq!(partition_of("eu-west-1"), "aws");
        assert_eq!(partition_of("cn-northwest-1"), "aws-cn");
        assert_eq!(partition_of("us-gov-west-1"), "aws-us-gov");
        assert_eq!(partition_of("us-isob-east-1"), "aws-iso-b");
        assert_eq!(endpoint_service("cn-north-1", "sagemaker.api"), "cn.com.amazonaws.cn-north-1.sagemaker.api");
        assert_eq!(endpoint_service("us-gov-west-1", "sagemaker.api"), "com.amazonaws.us-gov-west-1.sagemaker.api");
        assert_eq!(managed_policy_arn("aws-cn", "AmazonSageMakerFullAccess"), "arn:aws-cn:iam::aws:policy/AmazonSageMakerFullAccess");
    }
}
