"""What local-aws/service_models.py refuses, by botocore's service models.

Run: .venv/bin/python -m unittest discover -s local-aws (the suite runs it).
"""

import unittest

from service_models import query_message, validation_message

ROLE = "arn:aws:iam::123456789012:role/sagemaker-onboarding-team-a-execution"


def create_domain(**changes):
    request = {"DomainName": "team-a", "AuthMode": "SSO", "DefaultUserSettings": {"ExecutionRole": ROLE}, "SubnetIds": ["subnet-0abc"], "VpcId": "vpc-0abc"}
    request.update(changes)
    return validation_message("sagemaker", "SageMaker.CreateDomain", "POST", "/", request)


class Models(unittest.TestCase):
    def test_a_request_that_keeps_the_model_passes(self):
        self.assertIsNone(create_domain())

    def test_patterns_match_the_whole_value(self):
        message = create_domain(DomainName="team_a")
        self.assertIn("'domainName' failed to satisfy constraint: Member must satisfy regular expression pattern", message)

    def test_required_members_types_enums_lengths_and_list_sizes(self):
        self.assertIn("Value null at 'authMode'", create_domain(AuthMode=None))
        self.assertIn("satisfy enum value set", create_domain(AuthMode="OIDC"))
        self.assertIn("Value at 'domainName' must be a string", create_domain(DomainName=7))
        self.assertIn("have length less than or equal to 63", create_domain(DomainName="a" * 64))
        self.assertIn("'subnetIds' failed to satisfy constraint: Member must have length less than or equal to 16", create_domain(SubnetIds=[f"subnet-{i:04x}" for i in range(17)]))

    def test_errors_are_counted_and_nested_members_named(self):
        message = validation_message(
            "sagemaker", "SageMaker.AddTags", "POST", "/", {"ResourceArn": "arn:aws:sagemaker:us-east-1:123456789012:domain/d-1", "Tags": [{"Key": "k" * 129, "Value": "v"}]}
        )
        self.assertTrue(message.startswith("1 validation error detected: "))
        self.assertIn("'tags.1.member.key'", message)

    def test_identity_center_ids_have_their_real_formats(self):
        message = validation_message(
            "sso", "SWBExternalService.CreateApplicationAssignment", "POST", "/", {"ApplicationArn": "arn:aws:sagemaker::123456789012:sso/application/x/apl-x", "PrincipalId": "u-1", "PrincipalType": "USER"}
        )
        self.assertTrue(message.startswith("2 validation errors detected: "))

    def test_a_document_member_takes_any_value(self):
        lookup = {"IdentityStoreId": "d-0123456789", "AlternateIdentifier": {"UniqueAttribute": {"AttributePath": "userName", "AttributeValue": "jane"}}}
        self.assertIsNone(validation_message("identitystore", "AWSIdentityStore.GetUserId", "POST", "/", lookup))

    def test_rest_operations_are_found_by_method_and_path(self):
        self.assertIn("Value null at 'content'", validation_message("ses", None, "POST", "/v2/email/outbound-emails", {"FromEmailAddress": "a@example.com"}))

    def test_query_forms_are_read_back_into_their_shapes(self):
        role = {"Action": "CreateRole", "Version": "2010-05-08", "RoleName": "sagemaker-onboarding-team-a", "AssumeRolePolicyDocument": "{}", "Tags.member.1.Key": "team", "Tags.member.1.Value": "a"}
        self.assertIsNone(query_message("iam", role))
        message = query_message("iam", dict(role, **{"RoleName": "r" * 65, "Tags.member.1.Key": "k" * 129}))
        self.assertTrue(message.startswith("2 validation errors detected: "), message)
        self.assertIn("'tags.1.member.key'", message)
        self.assertIn("Value null at 'assumeRolePolicyDocument'", query_message("iam", {"Action": "CreateRole", "RoleName": "r"}))
        many = {"Action": "TagRole", "RoleName": "r", **{f"Tags.member.{i}.Key": str(i) for i in range(1, 52)}, **{f"Tags.member.{i}.Value": "v" for i in range(1, 52)}}
        self.assertIn("'tags' failed to satisfy constraint: Member must have length less than or equal to 50", query_message("iam", many))

    def test_ec2_lists_are_numbered_without_member(self):
        vpcs = {"Action": "DescribeVpcs", "Filter.1.Name": "is-default", "Filter.1.Value.1": "true", "VpcId.1": "vpc-0abc"}
        self.assertIsNone(query_message("ec2", vpcs))
        self.assertIn("have value greater than or equal to 5", query_message("ec2", {"Action": "DescribeSubnets", "MaxResults": "3"}))
        self.assertIn("satisfy enum value set", query_message("ec2", {"Action": "CreateVpcEndpoint", "VpcId": "vpc-1", "ServiceName": "s", "VpcEndpointType": "Interfaze"}))

    def test_services_without_a_model_here_pass(self):
        self.assertIsNone(validation_message("s3", None, "PUT", "/bucket", {}))


if __name__ == "__main__":
    unittest.main()
