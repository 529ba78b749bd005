//! Every request rule, valid and invalid, through the public entry points.

use onboarding_core::request::*;
use onboarding_core::validate::{validate_json, Problem, ValidationContext, MAX_REQUEST_BYTES};
use serde_json::{json, Value};

fn ctx() -> ValidationContext {
    ValidationContext::new("sagemaker-onboarding-")
}

fn base() -> Value {
    json!({ "domainName": "team-a", "identityCenter": { "users": ["jane"] } })
}

/// Applies `patch` (a JSON merge) to the base request and validates it.
fn check(patch: Value) -> Result<OnboardingRequest, Vec<Problem>> {
    let mut request = base();
    merge(&mut request, patch);
    validate_json(&request.to_string(), &ctx())
}

fn merge(target: &mut Value, patch: Value) {
    match (target, patch) {
        (Value::Object(t), Value::Object(p)) => {
            for (k, v) in p {
                if v.is_null() {
                    t.remove(&k);
                } else {
                    merge(t.entry(k).or_insert(Value::Null), v);
                }
            }
        }
        (t, p) => *t = p,
    }
}

/// Asserts that the request is refused with a problem at `path` whose message contains `text`.
#[track_caller]
fn refused(patch: Value, path: &str, text: &str) {
    let problems = check(patch.clone()).expect_err(&format!("{patch} should be refused"));
    assert!(problems.iter().any(|p| p.path == path && p.message.contains(text)), "expected {path}: ...{text}... for {patch}, got {problems:?}");
}

#[track_caller]
fn accepted(patch: Value) -> OnboardingRequest {
    check(patch.clone()).unwrap_or_else(|p| panic!("{patch} should be accepted: {p:?}"))
}

#[test]
fn the_minimal_request_gets_its_defaults() {
    let r = accepted(json!({}));
    assert_eq!(r.studio.default_experience, StudioExperience::Studio);
    assert_eq!(r.studio.jupyter_server.instance_type.as_deref(), Some("system"));
    assert_eq!(r.execution_role.managed_policy_arns, Some(vec!["arn:aws:iam::aws:policy/AmazonSageMakerFullAccess".to_string()]));
    assert_eq!(r.network.access_type, NetworkAccessType::PublicInternetOnly);
    assert!(r.canvas.enabled && r.code_editor.enabled && !r.rstudio.enabled);
}

#[test]
fn domain_name_rules() {
    refused(json!({"domainName": null}), "domainName", "is required");
    refused(json!({"domainName": ""}), "domainName", "is required");
    refused(json!({"domainName": "team_a"}), "domainName", "letters, digits and hyphens");
    refused(json!({"domainName": "-team"}), "domainName", "starting and ending");
    refused(json!({"domainName": "x".repeat(64)}), "domainName", "at most 63");
    accepted(json!({"domainName": "x".repeat(63)}));
    refused(json!({"region": "mars-1"}), "region", "not a region name");
    accepted(json!({"region": "eu-west-1"}));
}

#[test]
fn ticket_rules() {
    refused(json!({"ticket": {"id": "has space"}}), "ticket.id", "1-64");
    refused(json!({"ticket": {"id": "OPS-1", "requester": "not-an-address"}}), "ticket.requester", "e-mail");
    refused(json!({"ticket": {"requester": "a@example.com"}}), "ticket.id", "is required");
    accepted(json!({"ticket": {"id": "OPS-1", "requester": "lead@example.com"}}));
}

#[test]
fn principal_rules() {
    refused(json!({"identityCenter": {"users": [], "groups": []}}), "identityCenter", "at least one");
    refused(json!({"identityCenter": {"users": ["jane", "JANE"]}}), "identityCenter.users[1]", "named twice");
    refused(json!({"identityCenter": {"users": ["", "x"]}}), "identityCenter.users[0]", "is empty");
    refused(json!({"identityCenter": {"users": [" jane"]}}), "identityCenter.users[0]", "white space");
    refused(json!({"identityCenter": {"groups": ["a\u{0007}b"]}}), "identityCenter.groups[0]", "control");
    refused(json!({"identityCenter": {"users": ["jane.doe", "jane-doe"]}}), "identityCenter.users[1]", "same user profile name");
    refused(json!({"identityCenter": {"users": ["..."]}}), "identityCenter.users[0]", "letter or digit");
    let many: Vec<String> = (0..51).map(|i| format!("user{i}")).collect();
    refused(json!({"identityCenter": {"users": many}}), "identityCenter.users", "at most 50");
    accepted(json!({"identityCenter": {"users": [], "groups": ["ml-team"]}}));
}

#[test]
fn execution_role_rules() {
    refused(json!({"executionRole": {"existingRoleArn": "arn:aws:iam::123:role/x"}}), "executionRole.existingRoleArn", "not an IAM role ARN");
    refused(json!({"executionRole": {"existingRoleArn": "arn:aws:iam::123456789012:role/x", "roleName": "y"}}), "executionRole", "cannot be combined");
    refused(json!({"executionRole": {"roleName": "bad/name"}}), "executionRole.roleName", "letters, digits");
    refused(json!({"executionRole": {"roleName": "x".repeat(44)}}), "executionRole.roleName", "1-43");
    refused(json!({"executionRole": {"managedPolicyArns": ["AmazonSageMakerFullAccess"]}}), "executionRole.managedPolicyArns[0]", "managed policy ARN");
    let arn = "arn:aws:iam::aws:policy/AmazonSageMakerCanvasFullAccess";
    refused(json!({"executionRole": {"managedPolicyArns": [arn, arn]}}), "executionRole.managedPolicyArns[1]", "twice");
    let r = accepted(json!({"executionRole": {"managedPolicyArns": [arn]}}));
    assert_eq!(r.execution_role.managed_policy_arns, Some(vec![arn.to_string()]));
    let existing = accepted(json!({"executionRole": {"existingRoleArn": "arn:aws:iam::123456789012:role/path/sagemaker-onboarding-x"}}));
    assert_eq!(existing.execution_role.managed_policy_arns, None);
}

#[test]
fn a_request_obtains_no_more_than_the_deployment_allows() {
    for powerful in ["arn:aws:iam::aws:policy/AdministratorAccess", "arn:aws:iam::aws:policy/IAMFullAccess", "arn:aws:iam::210987654321:policy/Anything"] {
        refused(
            json!({"executionRole": {"managedPolicyArns": [powerful]}}),
            "executionRole.managedPolicyArns[0]",
            "not among the managed policies this deployment allows",
        );
    }
    refused(
        json!({"executionRole": {"existingRoleArn": "arn:aws:iam::123456789012:role/Admin"}}),
        "executionRole.existingRoleArn",
        "must start with \"sagemaker-onboarding-\"",
    );
    refused(json!({"rstudio": {"enabled": true, "existingRoleArn": "arn:aws:iam::123456789012:role/Admin"}}), "rstudio.existingRoleArn", "must start with");

    let limited = ValidationContext {
        account_id: Some("123456789012".into()),
        allowed_senders: Some(vec!["onboarding@example.com".into()]),
        allowed_recipient_domains: Some(vec!["example.com".into()]),
        ..ctx()
    };
    let within = |limits: &ValidationContext, patch: Value| {
        let mut request = base();
        merge(&mut request, patch);
        validate_json(&request.to_string(), limits)
    };
    let with = |patch: Value| within(&limited, patch);
    let problem = |patch: Value, path: &str| with(patch).err().unwrap_or_default().into_iter().find(|p| p.path == path).map(|p| p.message);
    let other_account = json!({"executionRole": {"existingRoleArn": "arn:aws:iam::210987654321:role/sagemaker-onboarding-x"}});
    assert!(problem(other_account, "executionRole.existingRoleArn").is_some_and(|m| m.contains("account 210987654321")));
    assert!(problem(json!({"notification": {"sender": "ceo@example.com"}}), "notification.sender").is_some_and(|m| m.contains("not a sender")));
    assert!(with(json!({"notification": {"sender": "Onboarding@Example.com"}})).is_ok());
    let outside = json!({"notification": {"extraRecipients": ["a@example.com", "b@elsewhere.org"]}});
    assert!(problem(outside, "notification.extraRecipients[1]").is_some_and(|m| m.contains("elsewhere.org")));
    // The default policy is not on this deployment's list: the request must name one.
    let canvas = "arn:aws:iam::aws:policy/AmazonSageMakerCanvasFullAccess";
    let narrow = ValidationContext { allowed_managed_policies: vec![canvas.into()], ..ctx() };
    let problems = within(&narrow, json!({})).err().unwrap_or_default();
    assert!(problems.iter().any(|p| p.path == "executionRole.managedPolicyArns" && p.message.contains("does not allow the default")), "{problems:?}");
    assert!(within(&narrow, json!({"executionRole": {"managedPolicyArns": [canvas]}})).is_ok());
}

#[test]
fn ml_activity_rules() {
    let all = [
        "AccessRequiredAwsServices",
        "RunStudioApplications",
        "ManageMlJobs",
        "ManageModels",
        "ManagePipelines",
        "ManageExperiments",
        "UseCanvas",
        "QueryAthena",
    ];
    let list: Vec<Value> = all.iter().map(|a| json!({"activity": a})).collect();
    accepted(json!({"executionRole": {"mlActivities": list}}));
    refused(json!({"executionRole": {"mlActivities": [{"activity": "S3BucketAccess"}]}}), "executionRole.mlActivities[0].s3Buckets", "at least one bucket");
    refused(
        json!({"executionRole": {"mlActivities": [{"activity": "S3BucketAccess", "s3Buckets": ["Bad_Bucket"]}]}}),
        "executionRole.mlActivities[0].s3Buckets[0]",
        "not an S3 bucket name",
    );
    refused(
        json!({"executionRole": {"mlActivities": [{"activity": "ManageModels", "s3Buckets": ["b-1"]}]}}),
        "executionRole.mlActivities[0].s3Buckets",
        "only S3BucketAccess",
    );
    refused(json!({"executionRole": {"mlActivities": [{"activity": "ManageModels"}, {"activity": "ManageModels"}]}}), "executionRole.mlActivities[1]", "twice");
    refused(json!({"executionRole": {"mlActivities": [{"activity": "Juggling"}]}}), "executionRole.mlActivities[0].activity", "unknown variant");
    refused(
        json!({"canvas": {"enabled": false}, "executionRole": {"mlActivities": [{"activity": "UseCanvas"}]}}),
        "executionRole.mlActivities[0]",
        "canvas.enabled",
    );
    let eleven: Vec<Value> = (0..11).map(|_| json!({"activity": "ManageModels"})).collect();
    refused(json!({"executionRole": {"mlActivities": eleven}}), "executionRole.mlActivities", "at most 10");
}

#[test]
fn studio_rules() {
    refused(json!({"studio": {"jupyterServer": {"instanceType": "t3.medium"}}}), "studio.jupyterServer.instanceType", "AppInstanceType");
    // Shaped like one, but SageMaker has no such type: CreateDomain would refuse it.
    refused(json!({"studio": {"jupyterServer": {"instanceType": "ml.bogus.xlarge"}}}), "studio.jupyterServer.instanceType", "AppInstanceType");
    refused(
        json!({"studio": {"jupyterServer": {"sageMakerImageArn": "arn:aws:sagemaker:us-east-1:1:image/x"}}}),
        "studio.jupyterServer.sageMakerImageArn",
        "image ARN",
    );
    refused(json!({"studio": {"notebookSharing": {"s3OutputPath": "s3://b/p"}}}), "studio.notebookSharing", "Studio Classic option");
    refused(
        json!({"studio": {"defaultExperience": "StudioClassic", "notebookSharing": {"s3OutputPath": "b/p"}}}),
        "studio.notebookSharing.s3OutputPath",
        "s3://",
    );
    refused(
        json!({"studio": {"defaultExperience": "StudioClassic", "notebookSharing": {"s3OutputPath": "s3://b", "kmsKeyId": "a key"}}}),
        "studio.notebookSharing.kmsKeyId",
        "KMS",
    );
    refused(json!({"studio": {"defaultExperience": "Studio2"}}), "studio.defaultExperience", "unknown variant");
    let r = accepted(json!({"studio": {"defaultExperience": "StudioClassic", "notebookSharing": {"s3OutputPath": "s3://b/p"}}}));
    assert!(r.studio.notebook_sharing.is_some_and(|s| s.allow_cell_output));
}

#[test]
fn rstudio_rules() {
    refused(json!({"rstudio": {"connectUrl": "https://c.example.com"}}), "rstudio.connectUrl", "rstudio.enabled is false");
    refused(json!({"rstudio": {"enabled": true, "connectUrl": "http://c.example.com"}}), "rstudio.connectUrl", "https://");
    refused(json!({"rstudio": {"enabled": true, "packageManagerUrl": "https:// spaced"}}), "rstudio.packageManagerUrl", "https://");
    refused(
        json!({"rstudio": {"enabled": true, "existingRoleArn": "arn:aws:iam::123456789012:role/r", "roleName": "x"}}),
        "rstudio.roleName",
        "cannot be combined",
    );
    refused(json!({"rstudio": {"enabled": true, "existingRoleArn": "role"}}), "rstudio.existingRoleArn", "IAM role ARN");
    refused(json!({"rstudio": {"enabled": true, "instanceType": "big"}}), "rstudio.instanceType", "AppInstanceType");
    refused(json!({"rstudio": {"enabled": true, "userGroup": "ROOT"}}), "rstudio.userGroup", "unknown variant");
    let r = accepted(json!({"rstudio": {"enabled": true, "userGroup": "R_STUDIO_ADMIN"}}));
    assert_eq!(r.rstudio.instance_type.as_deref(), Some("system"));
}

#[test]
fn network_rules() {
    refused(json!({"network": {"vpcId": "vpc-xyz"}}), "network.vpcId", "not a VPC id");
    refused(json!({"network": {"subnetIds": ["subnet-0123abcd"]}}), "network.subnetIds", "name the VPC");
    refused(json!({"network": {"vpcId": "vpc-0123abcd", "subnetIds": ["subnet-1"]}}), "network.subnetIds[0]", "subnet-...");
    refused(json!({"network": {"vpcId": "vpc-0123abcd", "subnetIds": ["subnet-0123abcd", "subnet-0123abcd"]}}), "network.subnetIds[1]", "twice");
    let eleven: Vec<String> = (0..11).map(|i| format!("subnet-0123abc{i:x}")).collect();
    refused(json!({"network": {"vpcId": "vpc-0123abcd", "subnetIds": eleven}}), "network.subnetIds", "at most 10");
    refused(json!({"network": {"securityGroupIds": ["sg-1", "sg-2"]}}), "network.securityGroupIds[0]", "sg-...");
    let six: Vec<String> = (0..6).map(|i| format!("sg-0123abc{i}")).collect();
    refused(json!({"network": {"securityGroupIds": six}}), "network.securityGroupIds", "at most 5");
    refused(json!({"network": {"accessType": "VpcOnly"}}), "network.securityGroupIds", "VpcOnly needs");
    refused(json!({"network": {"accessType": "Private"}}), "network.accessType", "unknown variant");
    accepted(json!({"network": {"accessType": "VpcOnly", "securityGroupIds": ["sg-0123abcd"]}}));
}

#[test]
fn storage_rules() {
    refused(json!({"storage": {"maxSpaceSizeGb": 20000}}), "storage.maxSpaceSizeGb", "20000 is above 16384");
    refused(json!({"storage": {"defaultSpaceSizeGb": 4}}), "storage.defaultSpaceSizeGb", "4 is below 5");
    refused(json!({"storage": {"defaultSpaceSizeGb": 50, "maxSpaceSizeGb": 20}}), "storage.defaultSpaceSizeGb", "above storage.maxSpaceSizeGb");
    refused(json!({"storage": {"defaultSpaceSizeGb": -1}}), "storage.defaultSpaceSizeGb", "invalid value");
    refused(json!({"storage": {"kmsKeyId": "key with spaces"}}), "storage.kmsKeyId", "KMS");
    let r = accepted(json!({"storage": {"defaultSpaceSizeGb": 20}}));
    assert_eq!((r.storage.default_space_size_gb, r.storage.max_space_size_gb), (Some(20), Some(100)));
    let r = accepted(json!({"storage": {"maxSpaceSizeGb": 16384}}));
    assert_eq!(r.storage.default_space_size_gb, Some(5));
}

#[test]
fn notification_and_tag_rules() {
    refused(json!({"notification": {"sender": "ops@"}}), "notification.sender", "e-mail");
    refused(json!({"notification": {"extraRecipients": ["a@example.com", "A@example.com"]}}), "notification.extraRecipients[1]", "twice");
    refused(json!({"notification": {"extraRecipients": ["x@example.com\r\nBcc: y@example.com"]}}), "notification.extraRecipients[0]", "e-mail");
    refused(json!({"tags": {"aws:owner": "x"}}), "tags.aws:owner", "reserved");
    refused(json!({"tags": {"sagemaker-onboarding:domain": "x"}}), "tags.sagemaker-onboarding:domain", "reserved");
    refused(json!({"tags": {"team": "<script>"}}), "tags.team", "values are");
    let many: serde_json::Map<String, Value> = (0..46).map(|i| (format!("k{i}"), json!("v"))).collect();
    refused(json!({"tags": many}), "tags", "at most 45");
    accepted(json!({"tags": {"cost-center": "4711"}}));
}

#[test]
fn structure_errors_name_their_path() {
    refused(json!({"colour": "blue", "studio": {"theme": "dark"}}), "colour", "unknown field");
    refused(json!({"colour": "blue", "studio": {"theme": "dark"}}), "studio.theme", "unknown field");
    refused(json!({"identityCenter": {"users": "jane"}}), "identityCenter.users", "invalid type");
    // Found by fuzzing: an empty key still gets a path.
    refused(json!({"": 1}), "$[\"\"]", "unknown field");
    refused(json!({"studio": {"a.b": 1}}), "studio[\"a.b\"]", "unknown field");
    let text = format!("{{\"domainName\": \"{}\"}}", "x".repeat(MAX_REQUEST_BYTES));
    let problems = validate_json(&text, &ctx()).expect_err("too large");
    assert!(problems[0].message.contains("bytes"));
    assert!(validate_json("{\"domainName\": ", &ctx()).is_err());
    assert!(validate_json("[]", &ctx()).is_err());
}

#[test]
fn every_problem_is_reported_at_once() {
    let problems =
        check(json!({"domainName": "-x", "identityCenter": {"users": []}, "storage": {"maxSpaceSizeGb": 1}, "notification": {"sender": "x"}, "extra": 1}))
            .expect_err("invalid");
    let paths: Vec<&str> = problems.iter().map(|p| p.path.as_str()).collect();
    for path in ["extra", "domainName", "identityCenter", "storage.maxSpaceSizeGb", "notification.sender"] {
        assert!(paths.contains(&path), "{path} missing from {paths:?}");
    }
}

#[test]
fn the_examples_are_valid() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples");
    let mut seen = 0;
    for entry in std::fs::read_dir(dir).expect("examples") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|e| e == "json") {
            let text = std::fs::read_to_string(&path).expect("read");
            validate_json(&text, &ctx()).unwrap_or_else(|p| panic!("{} is invalid: {p:?}", path.display()));
            seen += 1;
        }
    }
    assert!(seen >= 3, "expected the three example requests, found {seen}");
    let mut offboardings = 0;
    for entry in std::fs::read_dir(format!("{dir}/offboarding")).expect("offboarding examples") {
        let path = entry.expect("entry").path();
        let text = std::fs::read_to_string(&path).expect("read");
        onboarding_core::offboarding::validate_offboarding_json(&text, &ctx()).unwrap_or_else(|p| panic!("{} is invalid: {p:?}", path.display()));
        offboardings += 1;
    }
    assert!(offboardings >= 2, "expected the offboarding examples, found {offboardings}");
}

#[test]
fn the_schema_is_generated_from_the_types() {
    let schema = onboarding_core::Workflow::Onboarding.request_schema();
    let props = &schema["properties"];
    for key in
        ["domainName", "identityCenter", "executionRole", "studio", "canvas", "codeEditor", "rstudio", "network", "storage", "notification", "tags", "ticket"]
    {
        assert!(props.get(key).is_some(), "schema lacks {key}");
    }
    assert_eq!(schema["additionalProperties"], json!(false));
    assert_eq!(schema["required"], json!(["domainName"]));
}

#[test]
fn the_deployments_limits_come_from_its_variables() {
    let vars = [("ROLE_NAME_PREFIX", "p-"), ("SENDER_ADDRESS", "a@example.com"), ("ALLOWED_SENDERS", "b@example.com"), ("ALLOWED_RECIPIENT_DOMAINS", "")];
    let limits = ValidationContext::from_vars(|name| vars.iter().find(|(k, _)| *k == name).map(|(_, v)| v.to_string()));
    assert_eq!(limits.role_name_prefix, "p-");
    assert_eq!(limits.allowed_senders, Some(vec!["b@example.com".to_string(), "a@example.com".to_string()]));
    assert_eq!(limits.allowed_recipient_domains, Some(vec![]), "set but empty: no extra recipients");
    assert_eq!(limits.account_id, None);
    assert!(limits.allowed_managed_policies.iter().any(|p| p.ends_with("/AmazonSageMakerFullAccess")), "the default allow-list");
}

#[test]
fn managed_policies_are_named_in_the_deployments_partition() {
    let china = ValidationContext::in_partition("sagemaker-onboarding-", "aws-cn");
    let valid = validate_json(&base().to_string(), &china).expect("valid");
    assert_eq!(valid.execution_role.managed_policy_arns, Some(vec!["arn:aws-cn:iam::aws:policy/AmazonSageMakerFullAccess".to_string()]));
    let mut request = base();
    merge(&mut request, json!({"executionRole": {"managedPolicyArns": ["arn:aws:iam::aws:policy/AmazonSageMakerFullAccess"]}}));
    let problems = validate_json(&request.to_string(), &china).expect_err("another partition's policy");
    assert!(problems.iter().any(|p| p.path == "executionRole.managedPolicyArns[0]"), "{problems:?}");
}

#[test]
fn endpoints_provided_elsewhere_is_for_vpc_only() {
    refused(json!({"network": {"endpointsProvidedElsewhere": true}}), "network.endpointsProvidedElsewhere", "only VpcOnly");
    let vpc_only =
        json!({"network": {"accessType": "VpcOnly", "vpcId": "vpc-0abc1234", "securityGroupIds": ["sg-0abc1234"], "endpointsProvidedElsewhere": true}});
    assert!(check(vpc_only).is_ok());
}
