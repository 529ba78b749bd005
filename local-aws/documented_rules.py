"""Rules AWS states in its documentation and quotas, not in the service models, that the workflow
relies on: the local AWS refuses what breaks them as the service does. One place, each with its
source.

Each rule: (operation, source, check). `check(params, account)` returns None or
(HTTP status, error code, message); `account` answers what the rule needs to know of the
account's current state (read from moto).
"""

IAM_QUOTAS = "IAM and AWS STS quotas, https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html"
SES_SEND_EMAIL = "SES API v2 SendEmail, https://docs.aws.amazon.com/ses/latest/APIReference-V2/API_SendEmail.html"

ROLE_POLICY_CHARS = 10_240
MANAGED_POLICIES_PER_ROLE = 10
TAGS_PER_ROLE = 50
RECIPIENTS_PER_MESSAGE = 50


def chars(document):
    """A policy's size as IAM counts it: characters, white space not counted."""
    return sum(1 for c in document if not c.isspace())


def role_inline_policies(params, account):
    """Role policy size: all inline policies of a role, 10,240 characters in all."""
    role = params.get("RoleName", "")
    name = params.get("PolicyName", "")
    others = sum(chars(doc) for policy, doc in account.inline_policies(role).items() if policy != name)
    total = others + chars(params.get("PolicyDocument", ""))
    if total > ROLE_POLICY_CHARS:
        return 409, "LimitExceeded", f"Maximum policy size of {ROLE_POLICY_CHARS} bytes exceeded for role {role}"
    return None


def role_managed_policies(params, account):
    """Managed policies attached to a role: 10 (the default quota)."""
    role = params.get("RoleName", "")
    attached = account.attached_policies(role)
    if params.get("PolicyArn") not in attached and len(attached) >= MANAGED_POLICIES_PER_ROLE:
        return 409, "LimitExceeded", f"Cannot exceed quota for PoliciesPerRole: {MANAGED_POLICIES_PER_ROLE}"
    return None


def role_tags(params, account):
    """Tags per role: 50."""
    role = params.get("RoleName", "")
    new = {params[k] for k in params if k.startswith("Tags.member.") and k.endswith(".Key")}
    keys = set(account.role_tag_keys(role)) | new
    if len(keys) > TAGS_PER_ROLE:
        return 409, "LimitExceeded", f"Cannot exceed quota for TagsPerRole: {TAGS_PER_ROLE}"
    return None


def message_recipients(params, account):
    """A message may not include more than 50 recipients, across To, CC and BCC."""
    destination = params.get("Destination") or {}
    count = sum(len(destination.get(field) or []) for field in ("ToAddresses", "CcAddresses", "BccAddresses"))
    if count > RECIPIENTS_PER_MESSAGE:
        return 400, "MessageRejected", f"Recipient count exceeds {RECIPIENTS_PER_MESSAGE}"
    return None


RULES = [
    ("iam:PutRolePolicy", IAM_QUOTAS, role_inline_policies),
    ("iam:AttachRolePolicy", IAM_QUOTAS, role_managed_policies),
    ("iam:CreateRole", IAM_QUOTAS, role_tags),
    ("iam:TagRole", IAM_QUOTAS, role_tags),
    ("ses:SendEmail", SES_SEND_EMAIL, message_recipients),
]


def broken(op, params, account):
    """The first rule the call breaks, as (status, code, message), or None."""
    for operation, _, check in RULES:
        if operation == op:
            refusal = check(params, account)
            if refusal:
                return refusal
    return None
