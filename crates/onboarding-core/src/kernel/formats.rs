//! Small format checks for names, ids, ARNs and addresses, written out by hand so that the
//! rules read like the API documentation they come from.

fn is_alnum(c: char) -> bool {
    c.is_ascii_alphanumeric()
}

/// SageMaker's name pattern for domains and user profiles: `^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$`.
pub fn is_sagemaker_name(s: &str) -> bool {
    let len_ok = (1..=63).contains(&s.len());
    let chars_ok = s.chars().all(|c| is_alnum(c) || c == '-');
    len_ok && chars_ok && s.starts_with(is_alnum) && s.ends_with(is_alnum)
}

/// A SageMaker domain id: `d-` and lower-case letters and digits (the model's `d-(-*[a-z0-9]){1,61}`).
pub fn is_domain_id(s: &str) -> bool {
    s.len() <= 63
        && s.strip_prefix("d-")
            .is_some_and(|rest| !rest.is_empty() && rest.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-') && !rest.ends_with('-'))
}

/// An Amazon Q Developer profile ARN, as SageMaker's `QProfileArn` pattern has it:
/// `arn:PARTITION:codewhisperer:REGION:ACCOUNT:` and 1-1,023 of letters, digits and `-_:/`.
pub fn is_q_profile_arn(s: &str) -> bool {
    let parts: Vec<&str> = s.splitn(6, ':').collect();
    let label_ok =
        |p: &str, min: usize| (min..=63).contains(&p.len()) && p.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.');
    parts.len() == 6
        && parts[0] == "arn"
        && label_ok(parts[1], 1)
        && parts[2] == "codewhisperer"
        && label_ok(parts[3], 0)
        && label_ok(parts[4], 0)
        && (1..=1023).contains(&parts[5].len())
        && parts[5].chars().all(|c| c.is_ascii_alphanumeric() || "-_:/".contains(c))
}

/// A region name such as `us-east-1` or `us-gov-west-1`.
pub fn is_region(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    parts.len() >= 3
        && parts[..parts.len() - 1].iter().all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_lowercase()))
        && parts[parts.len() - 1].chars().all(|c| c.is_ascii_digit())
        && !parts[parts.len() - 1].is_empty()
}

/// An EC2 id: `<prefix>-` then 8 or 17 lowercase hex digits.
pub fn is_ec2_id(s: &str, prefix: &str) -> bool {
    match s.strip_prefix(prefix).and_then(|rest| rest.strip_prefix('-')) {
        Some(hex) => (hex.len() == 8 || hex.len() == 17) && hex.chars().all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c)),
        None => false,
    }
}

/// An IAM role ARN as SageMaker accepts it for ExecutionRole.
pub fn is_role_arn(s: &str) -> bool {
    arn_parts(s).is_some_and(|a| a.service == "iam" && a.region.is_empty() && is_account(a.account) && is_role_resource(a.resource))
}

fn is_role_resource(resource: &str) -> bool {
    match resource.strip_prefix("role/") {
        Some(path_and_name) => !path_and_name.is_empty() && path_and_name.chars().all(|c| is_alnum(c) || "+=,.@-_/".contains(c)),
        None => false,
    }
}

/// A managed policy ARN (AWS managed or customer managed).
pub fn is_policy_arn(s: &str) -> bool {
    arn_parts(s).is_some_and(|a| {
        a.service == "iam"
            && (a.account == "aws" || is_account(a.account))
            && a.resource.strip_prefix("policy/").is_some_and(|n| !n.is_empty() && n.chars().all(|c| is_alnum(c) || "+=,.@-_/".contains(c)))
    })
}

/// An IAM role name: 1-64 of `\w+=,.@-`.
pub fn is_role_name(s: &str) -> bool {
    (1..=64).contains(&s.len()) && s.chars().all(|c| is_alnum(c) || "_+=,.@-".contains(c))
}

/// A SageMaker image ARN (`arn:aws:sagemaker:REGION:ACCOUNT:image/NAME`), as SageMaker's
/// `ImageArn` has it: at most 256 characters, the name `[a-zA-Z0-9]([-.]?[a-zA-Z0-9])*`.
pub fn is_image_arn(s: &str) -> bool {
    s.len() <= 256
        && arn_parts(s).is_some_and(|a| {
            a.service == "sagemaker" && is_region(a.region) && is_account(a.account) && a.resource.strip_prefix("image/").is_some_and(is_image_name)
        })
}

/// `[a-zA-Z0-9]([-.]?[a-zA-Z0-9])*`: letters and digits, single `-` or `.` between them.
fn is_image_name(name: &str) -> bool {
    let bytes = name.as_bytes();
    let alnum = |b: u8| b.is_ascii_alphanumeric();
    !bytes.is_empty()
        && bytes.iter().all(|b| alnum(*b) || *b == b'-' || *b == b'.')
        && alnum(bytes[0])
        && alnum(bytes[bytes.len() - 1])
        && !bytes.windows(2).any(|w| !alnum(w[0]) && !alnum(w[1]))
}

/// A Studio lifecycle configuration ARN (`arn:PARTITION:sagemaker:REGION:ACCOUNT:studio-lifecycle-config/NAME`),
/// with the region and account it names.
pub fn lifecycle_config_arn_parts(s: &str) -> Option<(&str, &str)> {
    let a = arn_parts(s).filter(|a| s.len() <= 256 && a.service == "sagemaker" && is_region(a.region) && is_account(a.account))?;
    a.resource.strip_prefix("studio-lifecycle-config/").filter(|name| is_sagemaker_name(name)).map(|_| (a.region, a.account))
}

/// An EFS or FSx file system id, as SageMaker's `FileSystemId` has it: `fs-` and 8 to 18 lowercase hex digits.
pub fn is_file_system_id(s: &str) -> bool {
    s.strip_prefix("fs-").is_some_and(|hex| (8..=18).contains(&hex.len()) && hex.chars().all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c)))
}

/// A SageMaker image name (`ImageName`): 1-63 of letters and digits, single `-` or `.` between them.
pub fn is_sagemaker_image_name(s: &str) -> bool {
    s.len() <= 63 && is_image_name(s)
}

/// A KMS key as CreateDomain takes it: max 2048 of `[a-zA-Z0-9:/_-]`.
pub fn is_kms_key(s: &str) -> bool {
    (1..=2048).contains(&s.len()) && s.chars().all(|c| is_alnum(c) || ":/_-".contains(c))
}

/// `^(https|s3)://([^/]+)/?(.*)$`, the SharingSettings S3OutputPath pattern.
pub fn is_s3_output_path(s: &str) -> bool {
    let rest = s.strip_prefix("s3://").or_else(|| s.strip_prefix("https://"));
    rest.is_some_and(|r| !r.is_empty() && !r.starts_with('/')) && s.len() <= 1024 && !s.chars().any(char::is_whitespace)
}

/// An S3 bucket name: 3-63 of lowercase letters, digits, dots and hyphens, starting and ending alphanumeric.
pub fn is_bucket_name(s: &str) -> bool {
    (3..=63).contains(&s.len())
        && s.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.' || c == '-')
        && s.starts_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit())
        && s.ends_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit())
}

/// An HTTPS URL with a host and no white space.
pub fn is_https_url(s: &str) -> bool {
    s.len() <= 1024
        && s.strip_prefix("https://").is_some_and(|r| r.split('/').next().is_some_and(|host| !host.is_empty()))
        && !s.chars().any(|c| c.is_whitespace() || c.is_control() || c == '"' || c == '<' || c == '>')
}

/// An instance type for a default resource spec: `system` or `ml.FAMILY.SIZE`.
pub fn is_instance_type(s: &str) -> bool {
    crate::kernel::instance_types::APP_INSTANCE_TYPES.contains(&s)
}

/// A plain e-mail address (`local@domain.tld`), strict enough to refuse header injection and markup.
pub fn is_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else { return false };
    let local_ok = (1..=64).contains(&local.len())
        && local.chars().all(|c| is_alnum(c) || "!#$%&'*+-/=?^_`{|}~.".contains(c))
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..");
    let labels: Vec<&str> = domain.split('.').collect();
    let domain_ok = domain.len() <= 253
        && labels.len() >= 2
        && labels.iter().all(|l| (1..=63).contains(&l.len()) && l.chars().all(|c| is_alnum(c) || c == '-') && !l.starts_with('-') && !l.ends_with('-'));
    s.len() <= 254 && local_ok && domain_ok
}

/// A ticket id, also used in execution names and tags: 1-64 of `A-Za-z0-9._-`.
pub fn is_ticket_id(s: &str) -> bool {
    (1..=64).contains(&s.len()) && s.chars().all(|c| is_alnum(c) || "._-".contains(c))
}

/// A tag key or value's characters: letters, digits, spaces and `_.:/=+-@`.
pub fn is_tag_text(s: &str) -> bool {
    s.chars().all(|c| c.is_alphanumeric() || c == ' ' || "_.:/=+-@".contains(c))
}

pub fn is_account(s: &str) -> bool {
    s.len() == 12 && s.chars().all(|c| c.is_ascii_digit())
}

struct Arn<'a> {
    service: &'a str,
    region: &'a str,
    account: &'a str,
    resource: &'a str,
}

fn arn_parts(s: &str) -> Option<Arn<'_>> {
    if s.len() > 2048 {
        return None;
    }
    let mut it = s.splitn(6, ':');
    let (arn, partition) = (it.next()?, it.next()?);
    let ok_partition =
        partition == "aws" || partition.strip_prefix("aws-").is_some_and(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_lowercase() || c == '-'));
    if arn != "arn" || !ok_partition {
        return None;
    }
    Some(Arn { service: it.next()?, region: it.next()?, account: it.next()?, resource: it.next()? })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sagemaker_names() {
        for ok in ["a", "team-a", "A1--b", &"x".repeat(63)] {
            assert!(is_sagemaker_name(ok), "{ok}");
        }
        for bad in ["", "-a", "a-", "a_b", "a.b", "é", &"x".repeat(64)] {
            assert!(!is_sagemaker_name(bad), "{bad}");
        }
    }

    #[test]
    fn q_profile_arns() {
        assert!(is_q_profile_arn("arn:aws:codewhisperer:us-east-1:123456789012:profile/ABC123"));
        assert!(is_q_profile_arn("arn:aws-cn:codewhisperer:cn-north-1:123456789012:profile/a_b-c"));
        for bad in ["arn:aws:q:us-east-1:123456789012:profile/A", "arn:aws:codewhisperer:us-east-1:123456789012:", "arn:aws:codewhisperer:US:1:p", "profile/A"]
        {
            assert!(!is_q_profile_arn(bad), "{bad}");
        }
    }

    #[test]
    fn regions() {
        assert!(is_region("us-east-1") && is_region("us-gov-west-1") && is_region("eu-central-2"));
        assert!(!is_region("us-east") && !is_region("US-EAST-1") && !is_region("us--1") && !is_region(""));
    }

    #[test]
    fn ec2_ids() {
        assert!(is_ec2_id("vpc-0123abcd", "vpc") && is_ec2_id("subnet-0123456789abcdef0", "subnet"));
        assert!(!is_ec2_id("vpc-0123", "vpc") && !is_ec2_id("sg-0123abcd", "vpc") && !is_ec2_id("vpc-0123ABCD", "vpc"));
    }

    #[test]
    fn arns() {
        assert!(is_role_arn("arn:aws:iam::123456789012:role/team/SageMakerRole"));
        assert!(is_role_arn("arn:aws-us-gov:iam::123456789012:role/r"));
        assert!(!is_role_arn("arn:aws:iam::12345678901:role/r"));
        assert!(!is_role_arn("arn:aws:iam::123456789012:user/r"));
        assert!(!is_role_arn("arn:aws:iam::123456789012:role/"));
        assert!(is_policy_arn("arn:aws:iam::aws:policy/AmazonSageMakerFullAccess"));
        assert!(is_policy_arn("arn:aws:iam::123456789012:policy/path/p"));
        assert!(!is_policy_arn("arn:aws:iam::aws:role/x"));
        assert!(is_image_arn("arn:aws:sagemaker:us-east-1:081325390199:image/jupyter-server-3"));
        assert!(!is_image_arn("arn:aws:sagemaker:us-east-1:081325390199:model/x"));
        assert!(is_image_arn("arn:aws:sagemaker:us-east-1:081325390199:image/team-image.v2"));
        assert!(is_image_arn("arn:aws:sagemaker:us-east-1:081325390199:image/Team-Image"));
        assert!(!is_image_arn("arn:aws:sagemaker:us-east-1:081325390199:image/Team_Image"));
        assert!(!is_image_arn("arn:aws:sagemaker:us-east-1:081325390199:image/a--b") && !is_image_arn("arn:aws:sagemaker:us-east-1:081325390199:image/a-"));
        let lcc = "arn:aws:sagemaker:eu-west-1:123456789012:studio-lifecycle-config/install-deps";
        assert_eq!(lifecycle_config_arn_parts(lcc), Some(("eu-west-1", "123456789012")));
        assert_eq!(lifecycle_config_arn_parts("arn:aws:sagemaker:eu-west-1:123456789012:image/install-deps"), None);
        assert_eq!(lifecycle_config_arn_parts("arn:aws:sagemaker:eu-west-1:123456789012:studio-lifecycle-config/a_b"), None);
        assert!(is_file_system_id("fs-0123456789abcdef0") && is_file_system_id("fs-01234567"));
        assert!(!is_file_system_id("fs-0123") && !is_file_system_id("fs-0123456789ABCDEF0") && !is_file_system_id("fsx-01234567"));
    }

    #[test]
    fn addresses_and_urls() {
        for ok in ["a@example.com", "first.last+tag@sub.example.org"] {
            assert!(is_email(ok), "{ok}");
        }
        for bad in ["", "a", "a@b", "a@@b.com", "a b@c.com", "<a>@b.com", "a@b.com\r\nBcc: x@y.com", ".a@b.com", "a@-b.com"] {
            assert!(!is_email(bad), "{bad}");
        }
        assert!(is_https_url("https://connect.example.com/rsc") && !is_https_url("http://x.com") && !is_https_url("https://"));
        assert!(is_s3_output_path("s3://bucket/prefix") && is_s3_output_path("https://bucket.s3.amazonaws.com"));
        assert!(!is_s3_output_path("s3://") && !is_s3_output_path("bucket/prefix"));
        assert!(is_bucket_name("my-bucket.1") && !is_bucket_name("My_Bucket") && !is_bucket_name("ab"));
    }

    #[test]
    fn other_formats() {
        assert!(is_instance_type("system") && is_instance_type("ml.t3.medium") && !is_instance_type("t3.medium") && !is_instance_type("ml.bogus.xlarge"));
        assert!(is_kms_key("arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab") && !is_kms_key("key with space"));
        assert!(is_ticket_id("OPS-1234") && !is_ticket_id("a b") && !is_ticket_id(""));
        assert!(is_role_name("team-a-execution") && !is_role_name("bad/name"));
        assert!(is_tag_text("cost-center: 42") && !is_tag_text("<x>"));
    }
}
