"""What local-aws/authorization.py asks IAM for each call the functions make.

Run: .venv/bin/python -m unittest discover -s local-aws (the suite runs it).
"""

import json
import unittest

from authorization import Call, needs_of

ACCOUNT = "123456789012"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/sagemaker-onboarding-team-a-execution"
BOUNDARY = f"arn:aws:iam::{ACCOUNT}:policy/boundary"


def call(op, params, form=False):
    body = "&".join(f"{k}={v}" for k, v in params.items()) if form else json.dumps(params)
    return Call(op, "POST", "/", body.encode(), "eu-west-1", ACCOUNT)


class Account:
    """What the account holds, as the tests arrange it."""

    def __init__(self, boundaries=None, role_tags=None, group_tags=None):
        self.boundaries, self.tags, self.groups = boundaries or {}, role_tags or {}, group_tags or {}

    def role_boundary(self, name):
        return self.boundaries.get(name)

    def role_tags(self, name):
        return self.tags.get(name, {})

    def security_group_tags(self, group_id):
        return self.groups.get(group_id, {})

    def domain_tags(self, domain_id):
        return {}


def needs(op, params, form=False, boundaries=None, role_tags=None, group_tags=None):
    found = needs_of(call(op, params, form), Account(boundaries, role_tags, group_tags))
    return None if found is None else [(n.action, n.resource, n.context) for n in found]


class SageMaker(unittest.TestCase):
    def test_create_domain_passes_its_roles_and_creates_the_application_and_the_encrypted_volume(self):
        found = needs_of(
            call(
                "sagemaker:CreateDomain",
                {
                    "DomainName": "team-a",
                    "AuthMode": "SSO",
                    "KmsKeyId": "key-1",
                    "DefaultUserSettings": {"ExecutionRole": ROLE},
                    "DefaultSpaceSettings": {"ExecutionRole": ROLE},
                },
            ),
            Account(),
        )
        actions = [(n.action, n.resource, n.context) for n in found]
        self.assertEqual(actions[0], ("sagemaker:CreateDomain", f"arn:aws:sagemaker:eu-west-1:{ACCOUNT}:domain/team-a", {}))
        # One PassRole per role, however often the request names it.
        self.assertEqual(actions[1], ("iam:PassRole", ROLE, {"iam:PassedToService": "sagemaker.amazonaws.com"}))
        self.assertEqual([a for a, _, _ in actions[2:4]], ["sso:CreateManagedApplicationInstance", "sso:GetManagedApplicationInstance"])
        kms = [n for n in found if n.action.startswith("kms:")]
        self.assertEqual({n.resource for n in kms}, {f"arn:aws:kms:eu-west-1:{ACCOUNT}:key/key-1"})
        self.assertTrue(all(n.context == {"kms:ViaService": "sagemaker.eu-west-1.amazonaws.com"} and n.resource_policy for n in kms))
        self.assertIn(("elasticfilesystem:CreateFileSystem", "*", {"elasticfilesystem:Encrypted": "true"}), actions)

    def test_a_domain_without_sso_or_key_needs_only_itself_and_its_roles(self):
        found = needs("sagemaker:CreateDomain", {"DomainName": "d", "AuthMode": "IAM", "DefaultUserSettings": {"ExecutionRole": ROLE}})
        self.assertEqual([a for a, _, _ in found], ["sagemaker:CreateDomain", "iam:PassRole"])

    def test_profiles_tags_and_domains_are_named_by_their_arns(self):
        self.assertEqual(
            needs("sagemaker:CreateUserProfile", {"DomainId": "d-1", "UserProfileName": "jane"}),
            [("sagemaker:CreateUserProfile", f"arn:aws:sagemaker:eu-west-1:{ACCOUNT}:user-profile/d-1/jane", {})],
        )
        arn = f"arn:aws:sagemaker:eu-west-1:{ACCOUNT}:domain/d-1"
        self.assertEqual(needs("sagemaker:AddTags", {"ResourceArn": arn, "Tags": []}), [("sagemaker:AddTags", arn, {})])
        self.assertEqual(needs("sagemaker:DescribeDomain", {"DomainId": "d-1"}), [("sagemaker:DescribeDomain", arn, {})])
        self.assertEqual(needs("sagemaker:ListDomains", {}), [("sagemaker:ListDomains", "*", {})])


class Iam(unittest.TestCase):
    def test_create_role_carries_the_boundary_it_sets(self):
        found = needs("iam:CreateRole", {"RoleName": "r", "PermissionsBoundary": BOUNDARY}, form=True)
        self.assertEqual(found, [("iam:CreateRole", f"arn:aws:iam::{ACCOUNT}:role/r", {"iam:PermissionsBoundary": BOUNDARY})])

    def test_changing_a_role_carries_the_boundary_the_role_has(self):
        found = needs("iam:AttachRolePolicy", {"RoleName": "r", "PolicyArn": "arn:aws:iam::aws:policy/P"}, form=True, boundaries={"r": BOUNDARY})
        self.assertEqual(found[0][2], {"iam:PermissionsBoundary": BOUNDARY, "iam:PolicyARN": "arn:aws:iam::aws:policy/P"})
        # A role without a boundary: the key is absent, and a condition on it does not match.
        self.assertEqual(needs("iam:PutRolePolicy", {"RoleName": "r"}, form=True)[0][2], {})

    def test_an_operation_not_described_is_unknown(self):
        self.assertIsNone(needs("iam:DeleteUser", {"UserName": "u"}, form=True))
        self.assertIsNone(needs("s3:GetObject", {}))


class IdentityCenterMailAndEvents(unittest.TestCase):
    def test_identity_store_lookups_name_the_store_and_the_principal(self):
        found = needs("identitystore:DescribeUser", {"IdentityStoreId": "d-1", "UserId": "u-1"})
        self.assertEqual([r for _, r, _ in found], [f"arn:aws:identitystore::{ACCOUNT}:identitystore/d-1", "arn:aws:identitystore:::user/u-1"])
        found = needs("identitystore:ListGroupMemberships", {"IdentityStoreId": "d-1", "GroupId": "g-1"})
        self.assertEqual(len(found), 3)

    def test_assignments_carry_the_application_account(self):
        app = f"arn:aws:sso::{ACCOUNT}:application/ssoins-1/apl-1"
        found = needs("sso:CreateApplicationAssignment", {"ApplicationArn": app, "PrincipalId": "u", "PrincipalType": "USER"})
        self.assertEqual(found, [("sso:CreateApplicationAssignment", app, {"sso:ApplicationAccount": ACCOUNT})])

    def test_mail_is_sent_as_the_address_whatever_its_display_name(self):
        found = needs("ses:SendEmail", {"FromEmailAddress": "SageMaker onboarding <onboarding@example.com>"})
        self.assertEqual(found, [("ses:SendEmail", f"arn:aws:ses:eu-west-1:{ACCOUNT}:identity/onboarding@example.com", {"ses:FromAddress": "onboarding@example.com"})])

    def test_the_sending_quota_takes_no_resource(self):
        self.assertEqual(needs("ses:GetAccount", {}), [("ses:GetAccount", "*", {})])

    def test_the_invitation_ledger_is_named_by_its_table(self):
        found = needs("dynamodb:PutItem", {"TableName": "ledger", "Item": {}})
        self.assertEqual(found, [("dynamodb:PutItem", f"arn:aws:dynamodb:eu-west-1:{ACCOUNT}:table/ledger", {})])
        self.assertIsNone(needs("dynamodb:DeleteTable", {"TableName": "ledger"}))

    def test_events_go_to_each_named_bus_or_the_default_one(self):
        found = needs("events:PutEvents", {"Entries": [{"EventBusName": "tickets"}, {"Source": "s"}]})
        self.assertEqual([r for _, r, _ in found], [f"arn:aws:events:eu-west-1:{ACCOUNT}:event-bus/default", f"arn:aws:events:eu-west-1:{ACCOUNT}:event-bus/tickets"])


if __name__ == "__main__":
    unittest.main()


class Offboarding(unittest.TestCase):
    def test_role_deletions_carry_the_roles_tags(self):
        tags = {"sagemaker-onboarding:managed-by": "sagemaker-onboarding"}
        found = needs("iam:DeleteRole", {"RoleName": "r"}, form=True, role_tags={"r": tags})
        self.assertEqual(found[0][0], "iam:DeleteRole")
        self.assertEqual(found[0][2]["iam:ResourceTag/sagemaker-onboarding:managed-by"], "sagemaker-onboarding")
        self.assertEqual(found[0][2]["aws:ResourceTag/sagemaker-onboarding:managed-by"], "sagemaker-onboarding")

    def test_security_group_deletions_carry_the_groups_tags(self):
        tags = {"ManagedByAmazonSageMakerResource": f"arn:aws:sagemaker:eu-west-1:{ACCOUNT}:domain/d-1"}
        found = needs("ec2:DeleteSecurityGroup", {"GroupId": "sg-1"}, form=True, group_tags={"sg-1": tags})
        self.assertEqual(found, [("ec2:DeleteSecurityGroup", f"arn:aws:ec2:eu-west-1:{ACCOUNT}:security-group/sg-1", {"aws:ResourceTag/ManagedByAmazonSageMakerResource": tags["ManagedByAmazonSageMakerResource"]})])

    def test_apps_are_deleted_by_their_arn(self):
        found = needs("sagemaker:DeleteApp", {"DomainId": "d-1", "SpaceName": "s", "AppType": "JupyterLab", "AppName": "default"})
        self.assertEqual(found[0][1], f"arn:aws:sagemaker:eu-west-1:{ACCOUNT}:app/d-1/s/jupyterlab/default")
