"""What IAM authorizes when a function calls an AWS API, as the Service Authorization Reference
describes it: for each operation the functions call, the actions it needs (the dependent ones,
such as iam:PassRole for a role handed to SageMaker, included), the resource ARN of each and the
request's values of the condition keys the deployment template's policies use.

The decision itself is the IAM policy simulator's (local-aws/authorizer.mjs). An operation not
described here is refused: a function that starts calling something new fails locally until its
authorization is written down, as it would fail in an account until its policy grants it.
"""

import json
import re
from urllib.parse import parse_qs

# A role ARN anywhere in a SageMaker request is a role passed to SageMaker.
ROLE_ARN = re.compile(r"^arn:aws[a-z-]*:iam::\d{12}:role/")
ADDRESS = re.compile(r"<([^<>]+)>\s*$")


def request_params(body):
    """A request's parameters: its JSON body, or its query-protocol form (one value a key)."""
    text = body.decode("utf-8", "replace") if body else ""
    if text.startswith("{"):
        return json.loads(text)
    return {k: v[0] for k, v in parse_qs(text, keep_blank_values=True).items()}


class Call:
    """One signed request: its operation key (`service:Action`), its parameters and where it
    was sent (the region of its credential scope)."""

    def __init__(self, op, method, path, body, region, account):
        self.op = op
        self.method = method
        self.path = path
        self.region = region
        self.account = account
        self.params = request_params(body)

    def arn(self, service, resource, region=True, account=True):
        return f"arn:aws:{service}:{self.region if region else ''}:{self.account if account else ''}:{resource}"


class Need:
    """One IAM authorization: an action on a resource, with request context."""

    def __init__(self, action, resource, context=None, resource_policy=None):
        self.action = action
        self.resource = resource
        self.context = {k: v for k, v in (context or {}).items() if v is not None}
        self.resource_policy = resource_policy

    def __repr__(self):
        return f"{self.action} on {self.resource} {self.context}"


def roles_in(value):
    """Every role ARN in a request's parameters."""
    if isinstance(value, dict):
        return [r for v in value.values() for r in roles_in(v)]
    if isinstance(value, list):
        return [r for v in value for r in roles_in(v)]
    return [value] if isinstance(value, str) and ROLE_ARN.match(value) else []


def pass_roles(call, service):
    return [Need("iam:PassRole", role, {"iam:PassedToService": service}) for role in sorted(set(roles_in(call.params)))]


def kms_key_arn(call, key):
    return key if key.startswith("arn:") else call.arn("kms", f"key/{key}")


def default_key_policy(account):
    """A KMS key's default policy: the account's IAM policies decide who may use the key (KMS
    allows nothing that the key policy does not)."""
    return {"Version": "2012-10-17", "Statement": [{"Sid": "Enable IAM policies", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{account}:root"}, "Action": "kms:*", "Resource": "*"}]}


# --- the operations the functions call ------------------------------------------------------------

def iam_role(call):
    return f"arn:aws:iam::{call.account}:role/{call.params.get('RoleName', '')}"


def resource_tags(tags):
    """A resource's tags as the condition keys IAM evaluates them with."""
    return {f"aws:ResourceTag/{k}": v for k, v in tags.items()}


def iam_needs(call, account):
    """IAM: the role named in the call; iam:PermissionsBoundary is the boundary the call sets, or
    else the one the role carries (`account.role_boundary(name)`); deletions carry the role's tags."""
    role_boundary = account.role_boundary
    action = call.op
    name = call.params.get("RoleName", "")
    if action in ("iam:DetachRolePolicy", "iam:ListRolePolicies", "iam:DeleteRolePolicy", "iam:DeleteRole", "iam:UpdateAssumeRolePolicy"):
        tags = account.role_tags(name)
        context = dict(resource_tags(tags), **{f"iam:ResourceTag/{k}": v for k, v in tags.items()})
        if action == "iam:DetachRolePolicy":
            context["iam:PolicyARN"] = call.params.get("PolicyArn")
        return [Need(action, iam_role(call), context)]
    if action in ("iam:CreateRole", "iam:PutRolePermissionsBoundary"):
        boundary = call.params.get("PermissionsBoundary")
    elif action in ("iam:PutRolePolicy", "iam:AttachRolePolicy", "iam:GetRole"):
        boundary = role_boundary(name)
    else:
        boundary = None
    context = {"iam:PermissionsBoundary": boundary}
    if action == "iam:AttachRolePolicy":
        context["iam:PolicyARN"] = call.params.get("PolicyArn")
    if action in ("iam:ListAttachedRolePolicies", "iam:TagRole"):
        context = {}
    return [Need(action, iam_role(call), context)]


def sagemaker_needs(call, account):
    p = call.params
    action = call.op
    if action == "sagemaker:DeleteDomain":
        domain = p.get("DomainId", "")
        return [Need(action, call.arn("sagemaker", f"domain/{domain}"), resource_tags(account.domain_tags(domain)))]
    catalog = {
        "sagemaker:DescribeImage": f"image/{p.get('ImageName', '')}",
        "sagemaker:DescribeImageVersion": f"image-version/{p.get('ImageName', '')}/{p.get('Version', '*')}",
        "sagemaker:DescribeAppImageConfig": f"app-image-config/{p.get('AppImageConfigName', '')}",
        "sagemaker:DescribeStudioLifecycleConfig": f"studio-lifecycle-config/{p.get('StudioLifecycleConfigName', '')}",
    }
    if action in catalog:
        return [Need(action, call.arn("sagemaker", catalog[action]))]
    if action == "sagemaker:UpdateDomain":
        domain = p.get("DomainId", "")
        needs = [Need(action, call.arn("sagemaker", f"domain/{domain}"), resource_tags(account.domain_tags(domain)))]
        return needs + pass_roles(call, "sagemaker.amazonaws.com")
    if action == "sagemaker:ListDomains":
        return [Need(action, "*")]
    if action in ("sagemaker:ListTags", "sagemaker:AddTags"):
        return [Need(action, p.get("ResourceArn", ""))]
    if action in ("sagemaker:DescribeDomain", "sagemaker:DeleteDomain"):
        return [Need(action, call.arn("sagemaker", f"domain/{p.get('DomainId', '')}"))]
    if action in ("sagemaker:ListApps", "sagemaker:ListSpaces", "sagemaker:ListUserProfiles"):
        # The List actions take no resource-level permissions.
        return [Need(action, "*")]
    if action == "sagemaker:DeleteApp":
        owner = f"{p.get('UserProfileName')}" if p.get("UserProfileName") else p.get("SpaceName", "")
        return [Need(action, call.arn("sagemaker", f"app/{p.get('DomainId', '')}/{owner}/{p.get('AppType', '').lower()}/{p.get('AppName', '')}"))]
    if action == "sagemaker:DeleteSpace":
        return [Need(action, call.arn("sagemaker", f"space/{p.get('DomainId', '')}/{p.get('SpaceName', '')}"))]
    if action == "sagemaker:CreateSpace":
        space = call.arn("sagemaker", f"space/{p.get('DomainId', '')}/{p.get('SpaceName', '')}")
        # Tags given at creation are added with the caller's sagemaker:AddTags.
        return [Need(action, space)] + ([Need("sagemaker:AddTags", space)] if p.get("Tags") else [])
    if action == "sagemaker:DeleteUserProfile":
        return [Need(action, call.arn("sagemaker", f"user-profile/{p.get('DomainId', '')}/{p.get('UserProfileName', '')}"))]
    if action in ("sagemaker:DescribeUserProfile", "sagemaker:CreateUserProfile"):
        needs = [Need(action, call.arn("sagemaker", f"user-profile/{p.get('DomainId', '')}/{p.get('UserProfileName', '')}"))]
        return needs + pass_roles(call, "sagemaker.amazonaws.com")
    if action == "sagemaker:CreateDomain":
        # The domain has no id before it exists: its name stands in.
        needs = [Need(action, call.arn("sagemaker", f"domain/{p.get('DomainName', '')}"))]
        needs += pass_roles(call, "sagemaker.amazonaws.com")
        if p.get("AuthMode") == "SSO":
            # SageMaker creates the domain's Identity Center application as the caller.
            needs += [Need("sso:CreateManagedApplicationInstance", "*"), Need("sso:GetManagedApplicationInstance", "*")]
        key = p.get("KmsKeyId")
        if key:
            # The home EFS volume, encrypted with the customer's key, created through SageMaker.
            via = {"kms:ViaService": f"sagemaker.{call.region}.amazonaws.com"}
            needs += [Need(a, kms_key_arn(call, key), via, default_key_policy(call.account)) for a in ("kms:CreateGrant", "kms:Decrypt", "kms:DescribeKey", "kms:GenerateDataKeyWithoutPlaintext")]
            needs.append(Need("elasticfilesystem:CreateFileSystem", "*", {"elasticfilesystem:Encrypted": "true"}))
        return needs
    return None


def identitystore_needs(call):
    p = call.params
    store = f"arn:aws:identitystore::{call.account}:identitystore/{p.get('IdentityStoreId', '')}"
    resources = {
        # The user or group is not known before the lookup.
        "identitystore:GetUserId": ["arn:aws:identitystore:::user/*"],
        "identitystore:GetGroupId": ["arn:aws:identitystore:::group/*"],
        "identitystore:DescribeUser": [f"arn:aws:identitystore:::user/{p.get('UserId', '')}"],
        "identitystore:ListGroupMemberships": ["arn:aws:identitystore:::membership/*", f"arn:aws:identitystore:::group/{p.get('GroupId', '')}"],
    }.get(call.op)
    if resources is None:
        return None
    return [Need(call.op, r) for r in [store] + resources]


def sso_needs(call):
    if call.op in ("sso:ListInstances", "sso:DeleteManagedApplicationInstance"):
        return [Need(call.op, "*")]
    if call.op in ("sso:CreateApplicationAssignment", "sso:ListApplicationAssignments", "sso:DeleteApplicationAssignment"):
        # The domain's application belongs to the account that created the domain.
        return [Need(call.op, call.params.get("ApplicationArn", ""), {"sso:ApplicationAccount": call.account})]
    return None


def ses_needs(call):
    if call.op == "ses:GetAccount":
        return [Need(call.op, "*")]
    if call.op != "ses:SendEmail":
        return None
    sender = call.params.get("FromEmailAddress", "")
    named = ADDRESS.search(sender)
    address = named.group(1) if named else sender
    return [Need("ses:SendEmail", call.arn("ses", f"identity/{address}"), {"ses:FromAddress": address})]


def events_needs(call):
    if call.op != "events:PutEvents":
        return None
    buses = {entry.get("EventBusName") or "default" for entry in call.params.get("Entries", [])}
    return [Need(call.op, bus if bus.startswith("arn:") else call.arn("events", f"event-bus/{bus}")) for bus in sorted(buses)]


def states_needs(call):
    if call.op == "states:StartExecution":
        return [Need(call.op, call.params.get("stateMachineArn", ""))]
    if call.op in ("states:DescribeExecution", "states:GetExecutionHistory"):
        return [Need(call.op, call.params.get("executionArn", ""))]
    return None


def ec2_needs(call, account):
    # The Describe actions take no resource-level permissions.
    if call.op in ("ec2:DescribeVpcs", "ec2:DescribeSubnets", "ec2:DescribeRouteTables", "ec2:DescribeVpcEndpoints", "ec2:DescribeSecurityGroups", "ec2:DescribeNetworkInterfaces"):
        return [Need(call.op, "*")]
    if call.op in ("ec2:DeleteSecurityGroup", "ec2:RevokeSecurityGroupIngress", "ec2:RevokeSecurityGroupEgress"):
        group = call.params.get("GroupId", "")
        return [Need(call.op, call.arn("ec2", f"security-group/{group}"), resource_tags(account.security_group_tags(group)))]
    return None


def dynamodb_needs(call):
    if call.op in ("dynamodb:Query", "dynamodb:PutItem", "dynamodb:GetItem", "dynamodb:DeleteItem"):
        return [Need(call.op, call.arn("dynamodb", f"table/{call.params.get('TableName', '')}"))]
    return None


def needs_of(call, account):
    """The authorizations a call needs, or None when this module does not know the operation.
    `account` answers what the account holds now: `role_boundary(name)`, `role_tags(name)`,
    `security_group_tags(id)`, `domain_tags(id)`."""
    service = call.op.split(":", 1)[0]
    if service == "iam":
        known = (
            "iam:GetRole",
            "iam:CreateRole",
            "iam:PutRolePolicy",
            "iam:PutRolePermissionsBoundary",
            "iam:TagRole",
            "iam:ListAttachedRolePolicies",
            "iam:AttachRolePolicy",
            "iam:DetachRolePolicy",
            "iam:ListRolePolicies",
            "iam:DeleteRolePolicy",
            "iam:DeleteRole",
        )
        return iam_needs(call, account) if call.op in known else None
    if service == "ec2":
        return ec2_needs(call, account)
    if service == "sagemaker":
        return sagemaker_needs(call, account)
    handler = {
        "identitystore": identitystore_needs,
        "sso": sso_needs,
        "ses": ses_needs,
        "events": events_needs,
        "states": states_needs,
        "dynamodb": dynamodb_needs,
    }.get(service)
    return handler(call) if handler else None
