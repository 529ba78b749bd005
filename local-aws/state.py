"""What the local AWS holds between calls: one lock, the simulations' state, the functions'
policies and the calls whose bodies are recorded."""

import threading



LOCK = threading.Lock()
STATE = {
    # Polls that DescribeDomain answers Pending for a domain it has not seen before.
    "domainPendingPolls": 0,
    # Domain name -> Pending polls for that domain (overrides domainPendingPolls).
    "pendingPollsByName": {},
    # Domain name -> FailureReason: that domain ends Failed after its Pending polls.
    "failDomains": {},
    # Domain id -> remaining Pending polls.
    "pending": {},
    # Application ARN -> list of {PrincipalType, PrincipalId}.
    "assignments": {},
    # (domain id, profile name) -> profile.
    "profiles": {},
    # (domain id, owner, app type, app name) -> app (with "deletingLeft" once deleted).
    "apps": {},
    # (domain id, space name) -> space.
    "spaces": {},
    # ListApps (and ListSpaces) answers that show a deleted app (space) as Deleting.
    "appDeletingPolls": 1,
    # Domain name -> true: its apps stay Deleting (an app stuck in deletion).
    "stuckApps": {},
    # Domain id (moto's) -> {"groups": [ids], "interfaces": [ids]} that CreateDomain made in the VPC.
    "domainNetwork": {},
    # Operation key ("service:Action") -> list of fault dicts, consumed one per call.
    "faults": {},
    # Operation key -> number of calls seen.
    "calls": {},
    # SES's 24-hour sending quotas, each over the SendEmail calls whose body holds its `match`
    # text: {"match", "max24HourSend", "refusals", "sent", "refused"}. Past max24HourSend sends,
    # `refusals` calls are refused, then the 24 hours move on (counted in calls, not time).
    "sesQuotas": [],
    # Operation key -> request bodies, for the operations in RECORDED.
    "recorded": {},
    # Function -> {"maximumRetryAttempts": N, "onFailureQueueUrl": URL}, for asynchronous invocations.
    "asyncInvoke": {},
    # Calls that IAM refused: {"function", "action", "resource", "decision"}, oldest first.
    "denied": [],
    # The e-mails SES accepted: {"id", "source", "subject", "body", "destinations"}, oldest first.
    "emails": [],
    # Policy statements left out for one domain's calls: {"function", "withoutStatement" (a Sid),
    # "matchDomain" (a domain name)}; how a test shows a function needs a statement, on the one
    # local AWS the other tests share.
    "policyOverrides": [],
    # Domain name -> the ids (as callers see them) CreateDomain gave domains of that name.
    "domainIds": {},
    # The messages of requests refused by their service model.
    "invalid": [],
    # A domain's Identity Center application ARN -> the domain's name.
    "applications": {},
    # Domain id -> the status DescribeDomain last reported (ListDomains reports the same).
    "domainStatus": {},
    # ListDomains answers that show a deleted domain as Deleting, before it is gone.
    "deletingListings": 1,
    # Domain id -> {"summary": its ListDomains entry, "remaining": answers still showing it}.
    "deleting": {},
    # Domain id -> what DescribeDomain answers beyond moto's: TagPropagation, and the settings
    # UpdateDomain changed (moto implements neither).
    "domainOverlay": {},
    # Domain id -> DescribeDomain answers still showing it Updating after an UpdateDomain.
    "updating": {},
    # The account's Studio catalog (moto has none): image name -> versions, app image config
    # name -> its body, lifecycle configuration name -> its app type.
    "images": {},
    "appImageConfigs": {},
    "lifecycleConfigs": {},
}
# Function -> {"roleArn": ARN, "policies": [{"name", "policy"}]}: whose calls are authorized.
POLICIES = {}
ACCOUNT = "123456789012"

# Calls whose bodies the tests read back: the events the workflow publishes for the ticket system,
# and the calls that create something (to prove that nothing is created twice).
RECORDED = {
    "events:PutEvents",
    "iam:CreateRole",
    "sagemaker:CreateDomain",
    "sagemaker:UpdateDomain",
    "sagemaker:CreateUserProfile",
    "sagemaker:CreateSpace",
    "sagemaker:DeleteDomain",
    "sagemaker:DeleteApp",
    "sagemaker:DeleteSpace",
    "sagemaker:DeleteUserProfile",
    "sso:CreateApplicationAssignment",
    "sso:DeleteApplicationAssignment",
    "iam:DeleteRole",
    "ec2:DeleteSecurityGroup",
    "ses:SendEmail",
}


def initial_pending_polls(domain_name):
    """How many DescribeDomain answers show a new domain Pending (the caller holds LOCK)."""
    return STATE["pendingPollsByName"].get(domain_name, STATE["domainPendingPolls"])
