//! IAM policy documents: the execution role's trust policy, the ML activity catalog and the
//! RStudio app role policy the guide lists.

use serde_json::{json, Value};

use crate::onboarding::request::{MlActivity, MlActivityKind};

pub const SAGEMAKER_PRINCIPAL: &str = "sagemaker.amazonaws.com";

/// The trust policy of every role the workflow creates: SageMaker may assume it.
pub fn sagemaker_trust_policy() -> Value {
    sagemaker_trust_policy_allowing(&["sts:AssumeRole"])
}

/// The trust policy letting SageMaker assume the role with `actions` (`sts:AssumeRole` and
/// what the domain's settings need).
pub fn sagemaker_trust_policy_allowing(actions: &[&str]) -> Value {
    let action = match actions {
        [only] => json!(only),
        many => json!(many),
    };
    json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Principal": { "Service": SAGEMAKER_PRINCIPAL },
            "Action": action
        }]
    })
}

/// What SageMaker must be allowed on the execution role for the request's domain settings:
/// `sts:AssumeRole`, then `sts:SetSourceIdentity` (source identity) and `sts:SetContext`
/// (trusted identity propagation).
pub fn execution_trust_actions(request: &crate::onboarding::request::OnboardingRequest) -> Vec<&'static str> {
    let settings = &request.domain_settings;
    let mut actions = vec!["sts:AssumeRole"];
    if settings.source_identity {
        actions.push("sts:SetSourceIdentity");
    }
    if settings.trusted_identity_propagation {
        actions.push("sts:SetContext");
    }
    actions
}

/// The actions of `wanted` a trust policy does not allow SageMaker.
pub fn trust_lacks<'a>(policy: &Value, wanted: &[&'a str]) -> Vec<&'a str> {
    let statements = match &policy["Statement"] {
        Value::Array(list) => list.clone(),
        single @ Value::Object(_) => vec![single.clone()],
        _ => Vec::new(),
    };
    let allowed = |action: &str| {
        statements.iter().any(|s| {
            s["Effect"] == "Allow"
                && one_or_many(&s["Principal"]["Service"]).iter().any(|p| p == SAGEMAKER_PRINCIPAL)
                && one_or_many(&s["Action"]).iter().any(|a| a == action || a == "sts:*" || a == "*")
        })
    };
    wanted.iter().copied().filter(|a| !allowed(a)).collect()
}

/// Amazon Q Developer in Studio, for the execution role: chat and code suggestions.
pub const AMAZON_Q_POLICY_NAME: &str = "sagemaker-onboarding-amazon-q";

pub fn amazon_q_policy() -> Value {
    json!({
        "Version": "2012-10-17",
        "Statement": [
            { "Sid": "AmazonQChat", "Effect": "Allow", "Action": ["q:SendMessage", "q:StartConversation"], "Resource": "*" },
            { "Sid": "AmazonQCodeSuggestions", "Effect": "Allow", "Action": "codewhisperer:GenerateRecommendations", "Resource": "*" }
        ]
    })
}

/// The S3 prefixes the request mounts in spaces (`storage.customFileSystems`), for the
/// execution role the mounts use.
pub const S3_MOUNTS_POLICY_NAME: &str = "sagemaker-onboarding-s3-mounts";

/// Read and write under each mounted prefix, and list only that prefix; `None` without S3 mounts.
pub fn s3_mounts_policy(systems: &[crate::onboarding::request::CustomFileSystem], partition: &str) -> Option<Value> {
    let mounts: Vec<(&str, &str)> = systems
        .iter()
        .filter_map(|system| match system {
            crate::onboarding::request::CustomFileSystem::S3(m) => m.bucket_and_prefix(),
            _ => None,
        })
        .collect();
    if mounts.is_empty() {
        return None;
    }
    let statements: Vec<Value> = mounts
        .iter()
        .enumerate()
        .flat_map(|(i, (bucket, prefix))| {
            let objects = if prefix.is_empty() { format!("arn:{partition}:s3:::{bucket}/*") } else { format!("arn:{partition}:s3:::{bucket}/{prefix}/*") };
            let listed = if prefix.is_empty() { "*".to_string() } else { format!("{prefix}/*") };
            [
                json!({ "Sid": format!("ListMount{i}"), "Effect": "Allow", "Action": "s3:ListBucket", "Resource": format!("arn:{partition}:s3:::{bucket}"),
                        "Condition": { "StringLike": { "s3:prefix": [prefix.to_string(), listed] } } }),
                json!({ "Sid": format!("UseMount{i}"), "Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"], "Resource": objects }),
            ]
        })
        .collect();
    Some(json!({ "Version": "2012-10-17", "Statement": statements }))
}

/// Whether a trust policy lets sagemaker.amazonaws.com assume the role.
pub fn trusts_sagemaker(policy: &Value) -> bool {
    trust_lacks(policy, &["sts:AssumeRole"]).is_empty()
}

fn one_or_many(v: &Value) -> Vec<String> {
    match v {
        Value::String(s) => vec![s.clone()],
        Value::Array(items) => items.iter().filter_map(|i| i.as_str().map(str::to_string)).collect(),
        _ => Vec::new(),
    }
}

/// The RStudioServerPro app role's permissions, verbatim from the guide.
pub fn rstudio_policy() -> Value {
    json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": "VisualEditor0",
            "Effect": "Allow",
            "Action": [
                "license-manager:ExtendLicenseConsumption",
                "license-manager:ListReceivedLicenses",
                "license-manager:GetLicense",
                "license-manager:CheckoutLicense",
                "license-manager:CheckInLicense",
                "logs:CreateLogDelivery",
                "logs:CreateLogGroup",
                "logs:CreateLogStream",
                "logs:DeleteLogDelivery",
                "logs:Describe*",
                "logs:GetLogDelivery",
                "logs:GetLogEvents",
                "logs:ListLogDeliveries",
                "logs:PutLogEvents",
                "logs:PutResourcePolicy",
                "logs:UpdateLogDelivery",
                "sagemaker:CreateApp"
            ],
            "Resource": "*"
        }]
    })
}

/// The inline policy name under which a role's ML activity statements are kept.
pub const ML_ACTIVITIES_POLICY_NAME: &str = "sagemaker-onboarding-ml-activities";
pub const RSTUDIO_POLICY_NAME: &str = "sagemaker-onboarding-rstudio";

/// The policy document granting the selected ML activities, or `None` when none is selected.
pub fn ml_activities_policy(activities: &[MlActivity], partition: &str) -> Option<Value> {
    if activities.is_empty() {
        return None;
    }
    let statements: Vec<Value> = activities.iter().flat_map(|a| activity_statements(a, partition)).collect();
    Some(json!({ "Version": "2012-10-17", "Statement": statements }))
}

/// The statements of one catalog entry. Sids are stable so that a rerun writes the same document.
pub fn activity_statements(activity: &MlActivity, partition: &str) -> Vec<Value> {
    let sid = format!("{:?}", activity.activity);
    let allow = |actions: &[&str]| json!({ "Sid": sid, "Effect": "Allow", "Action": actions, "Resource": "*" });
    match activity.activity {
        MlActivityKind::AccessRequiredAwsServices => vec![allow(&[
            "ecr:BatchGetImage",
            "ecr:GetDownloadUrlForLayer",
            "ecr:GetAuthorizationToken",
            "logs:CreateLogGroup",
            "logs:CreateLogStream",
            "logs:PutLogEvents",
            "logs:DescribeLogStreams",
            "ec2:CreateNetworkInterface",
            "ec2:CreateNetworkInterfacePermission",
            "ec2:DeleteNetworkInterface",
            "ec2:DeleteNetworkInterfacePermission",
            "ec2:DescribeNetworkInterfaces",
            "ec2:DescribeVpcs",
            "ec2:DescribeSubnets",
            "ec2:DescribeSecurityGroups",
            "ec2:DescribeDhcpOptions",
        ])],
        MlActivityKind::RunStudioApplications => vec![allow(&[
            "sagemaker:CreateApp",
            "sagemaker:DeleteApp",
            "sagemaker:DescribeApp",
            "sagemaker:ListApps",
            "sagemaker:CreateSpace",
            "sagemaker:UpdateSpace",
            "sagemaker:DeleteSpace",
            "sagemaker:DescribeSpace",
            "sagemaker:ListSpaces",
            "sagemaker:CreatePresignedDomainUrl",
            "sagemaker:DescribeDomain",
            "sagemaker:DescribeUserProfile",
            "sagemaker:ListTags",
            "sagemaker:AddTags",
        ])],
        MlActivityKind::ManageMlJobs => vec![allow(&[
            "sagemaker:CreateTrainingJob",
            "sagemaker:DescribeTrainingJob",
            "sagemaker:StopTrainingJob",
            "sagemaker:ListTrainingJobs",
            "sagemaker:CreateProcessingJob",
            "sagemaker:DescribeProcessingJob",
            "sagemaker:StopProcessingJob",
            "sagemaker:ListProcessingJobs",
            "sagemaker:CreateHyperParameterTuningJob",
            "sagemaker:DescribeHyperParameterTuningJob",
            "sagemaker:StopHyperParameterTuningJob",
            "sagemaker:CreateTransformJob",
            "sagemaker:DescribeTransformJob",
            "sagemaker:StopTransformJob",
        ])],
        MlActivityKind::ManageModels => vec![allow(&[
            "sagemaker:CreateModel",
            "sagemaker:DescribeModel",
            "sagemaker:DeleteModel",
            "sagemaker:ListModels",
            "sagemaker:CreateModelPackage",
            "sagemaker:CreateModelPackageGroup",
            "sagemaker:DescribeModelPackage",
            "sagemaker:UpdateModelPackage",
            "sagemaker:ListModelPackages",
            "sagemaker:CreateEndpointConfig",
            "sagemaker:CreateEndpoint",
            "sagemaker:UpdateEndpoint",
            "sagemaker:DeleteEndpoint",
            "sagemaker:DescribeEndpoint",
            "sagemaker:InvokeEndpoint",
        ])],
        MlActivityKind::ManagePipelines => vec![allow(&[
            "sagemaker:CreatePipeline",
            "sagemaker:UpdatePipeline",
            "sagemaker:DeletePipeline",
            "sagemaker:DescribePipeline",
            "sagemaker:ListPipelines",
            "sagemaker:StartPipelineExecution",
            "sagemaker:StopPipelineExecution",
            "sagemaker:DescribePipelineExecution",
            "sagemaker:ListPipelineExecutionSteps",
        ])],
        MlActivityKind::ManageExperiments => vec![allow(&[
            "sagemaker:CreateExperiment",
            "sagemaker:DescribeExperiment",
            "sagemaker:UpdateExperiment",
            "sagemaker:DeleteExperiment",
            "sagemaker:CreateTrial",
            "sagemaker:CreateTrialComponent",
            "sagemaker:AssociateTrialComponent",
            "sagemaker:Search",
        ])],
        MlActivityKind::S3BucketAccess => {
            let buckets: Vec<String> = activity.s3_buckets.iter().map(|b| format!("arn:{partition}:s3:::{b}")).collect();
            let objects: Vec<String> = activity.s3_buckets.iter().map(|b| format!("arn:{partition}:s3:::{b}/*")).collect();
            vec![
                json!({ "Sid": "S3BucketAccessList", "Effect": "Allow", "Action": ["s3:ListBucket", "s3:GetBucketLocation"], "Resource": buckets }),
                json!({ "Sid": "S3BucketAccessObjects", "Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"], "Resource": objects }),
            ]
        }
        MlActivityKind::UseCanvas => vec![allow(&[
            "sagemaker:CreateApp",
            "sagemaker:DescribeApp",
            "sagemaker:DeleteApp",
            "sagemaker:ListApps",
            "sagemaker:CreatePresignedDomainUrl",
            "sagemaker:CreateAutoMLJobV2",
            "sagemaker:DescribeAutoMLJobV2",
            "sagemaker:ListCandidatesForAutoMLJob",
            "forecast:CreateDatasetImportJob",
            "forecast:DescribeDatasetImportJob",
        ])],
        MlActivityKind::QueryAthena => vec![allow(&[
            "athena:StartQueryExecution",
            "athena:GetQueryExecution",
            "athena:GetQueryResults",
            "athena:StopQueryExecution",
            "athena:ListWorkGroups",
            "glue:GetDatabase",
            "glue:GetDatabases",
            "glue:GetTable",
            "glue:GetTables",
            "glue:GetPartitions",
        ])],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trust_policy_is_recognised() {
        assert!(trusts_sagemaker(&sagemaker_trust_policy()));
        let ec2 = json!({"Statement": {"Effect": "Allow", "Principal": {"Service": ["ec2.amazonaws.com"]}, "Action": "sts:AssumeRole"}});
        assert!(!trusts_sagemaker(&ec2));
        let deny = json!({"Statement": [{"Effect": "Deny", "Principal": {"Service": SAGEMAKER_PRINCIPAL}, "Action": "sts:AssumeRole"}]});
        assert!(!trusts_sagemaker(&deny));
        let list = json!({"Statement": [{"Effect": "Allow", "Principal": {"Service": ["ec2.amazonaws.com", SAGEMAKER_PRINCIPAL]}, "Action": ["sts:AssumeRole", "sts:TagSession"]}]});
        assert!(trusts_sagemaker(&list));
    }

    #[test]
    fn rstudio_policy_is_the_guides() {
        let p = rstudio_policy();
        assert_eq!(p["Statement"][0]["Action"].as_array().map(Vec::len), Some(17));
        assert_eq!(p["Statement"][0]["Resource"], "*");
    }

    #[test]
    fn s3_access_is_limited_to_the_named_buckets() {
        let a = MlActivity { activity: MlActivityKind::S3BucketAccess, s3_buckets: vec!["team-data".into()] };
        let doc = ml_activities_policy(&[a], "aws").expect("policy");
        let text = doc.to_string();
        assert!(text.contains("arn:aws:s3:::team-data/*") && !text.contains("\"Resource\":\"*\""));
        assert!(ml_activities_policy(&[], "aws").is_none());
    }

    #[test]
    fn s3_mounts_reach_their_prefix_only() {
        use crate::onboarding::request::{CustomFileSystem, FileSystemMount, S3Mount};
        let systems = vec![
            CustomFileSystem::Efs(FileSystemMount { file_system_id: "fs-01234567".into(), path: None }),
            CustomFileSystem::S3(S3Mount { uri: "s3://team-data/curated/".into(), mount_path: None }),
        ];
        let text = s3_mounts_policy(&systems, "aws").expect("policy").to_string();
        assert!(text.contains("arn:aws:s3:::team-data/curated/*") && text.contains("\"curated/*\"") && !text.contains("\"Resource\":\"*\""), "{text}");
        assert!(s3_mounts_policy(&systems[..1], "aws").is_none());
    }

    #[test]
    fn every_activity_has_statements_with_unique_sids() {
        let all = MlActivityKind::ALL;
        let list: Vec<MlActivity> = all.iter().map(|k| MlActivity { activity: *k, s3_buckets: vec!["b-1".into()] }).collect();
        let doc = ml_activities_policy(&list, "aws").expect("policy");
        let sids: Vec<&str> = doc["Statement"].as_array().into_iter().flatten().filter_map(|s| s["Sid"].as_str()).collect();
        let unique: std::collections::HashSet<_> = sids.iter().collect();
        assert_eq!(unique.len(), sids.len());
        assert!(sids.len() >= all.len());
    }
}
