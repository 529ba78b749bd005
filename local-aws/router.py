#!/usr/bin/env python3
"""The local AWS endpoint: one port in front of moto server and the functions.

Test and demo infrastructure only: nothing of it is deployed, and the functions do not know it
exists (they see an AWS endpoint). It fills exactly the gaps moto leaves for this workflow:

* Lambda Invoke runs the function's built binary under a Lambda Runtime API (lambda_pool.py), and a
  handler error is what real Lambda answers: HTTP 200, `X-Amz-Function-Error: Unhandled`, the
  `{errorType, errorMessage}` body. That is how named errors reach Retry/Catch in the engine.
* IAM Identity Center application assignments (moto answers 500) are served here.
* SageMaker user profiles, apps and spaces (moto answers 500) are served here, with SageMaker's
  deletion rules: an app is Deleting for a configured number of ListApps answers (or, for the
  domains named in `stuckApps`, until that is lifted), then Deleted; a space with live apps, a
  user profile with live apps or spaces, and a domain holding any of them are ResourceInUse.
* CreateDomain also creates what SageMaker creates in the VPC: the home file system's NFS
  security groups (tagged with the domain's ARN) and a mount target's network interface, which
  DeleteDomain removes only when `RetentionPolicy.HomeEfsFileSystem` is `Delete`.
* DescribeDomain: moto's domains are always InService; here a new domain is held Pending for a
  configured number of polls, or reported Failed with a reason. ListDomains reports the same
  statuses, and a deleted domain as Deleting for a few answers before it is gone. A missing domain answers
  ResourceNotFound, as the real API does (moto says ValidationException).
* Fault injection for the reliability tests: fail the next N calls of an operation with an AWS
  error or an HTTP status, or delay them.
* Rules AWS documents outside the models (quotas such as IAM's 10,240 characters of inline
  policy per role) are enforced as the service enforces them: local-aws/documented_rules.py.
* Identity store ids, domain ids and Studio URLs in the real format (moto's are not), translated
  both ways: local-aws/real_formats.py.
* Service models: a request that breaks its operation's model (local-aws/service_models.py) is
  answered as the service answers it (ValidationException, IAM's ValidationError, EC2's
  InvalidParameterValue) and not forwarded.
* IAM: each function signs its calls with its own credentials (its name is the access key id),
  and each such call is authorized as IAM would: the function's policies from the deployment
  template (`--policies`, written by infra/deployed_policies.py), the actions, resources and
  condition values of the call (local-aws/authorization.py), decided by the IAM policy simulator
  (local-aws/authorizer.mjs). What the policies do not allow is answered AccessDenied, in the
  service's protocol, and nothing reaches the service. Calls signed otherwise (the tests, the
  Step Functions engine) are not checked.
* Asynchronous Lambda invocations (`X-Amz-Invocation-Type: Event`, how EventBridge invokes):
  answered 202, then run with the retries and the on-failure SQS destination configured for the
  function (`asyncInvoke`, from the template's EventInvokeConfig); the destination receives
  Lambda's invocation record.

Everything else goes to moto unchanged. Control endpoints (JSON): POST /_local/config,
POST /_local/faults, GET /_local/state, GET /_local/health.
"""

import argparse
import copy
import hashlib
import http.client
import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import authorization
import documented_rules
import lambda_pool
import service_models
from moto_account import MotoAccount
from real_formats import domain_ids_for_callers, domain_ids_for_moto, store_ids_for_callers, store_ids_for_moto, studio_urls

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

CREDENTIAL_SCOPE = re.compile(r"Credential=([^/]+)/\d{8}/([^/]+)/([^/]+)/aws4_request")
INVOKE_PATH = re.compile(r"^/2015-03-31/functions/([^/]+)/invocations")


def service_of(headers):
    match = CREDENTIAL_SCOPE.search(headers.get("Authorization", ""))
    return match.group(3) if match else None


def signer_of(headers):
    """(access key id, region) of a SigV4-signed request, or (None, None)."""
    match = CREDENTIAL_SCOPE.search(headers.get("Authorization", ""))
    return (match.group(1), match.group(2)) if match else (None, None)


def operation_of(method, path, headers, body):
    """The operation key used for faults and call counts, such as `sagemaker:CreateDomain`."""
    invoke = INVOKE_PATH.match(path)
    if invoke:
        return "lambda:Invoke:" + invoke.group(1)
    service = service_of(headers) or "unknown"
    target = headers.get("X-Amz-Target")
    if target:
        return f"{service}:{target.split('.')[-1]}"
    if headers.get("Content-Type", "").startswith("application/x-www-form-urlencoded"):
        action = parse_qs(body.decode("utf-8", "replace")).get("Action", [""])[0]
        if action:
            return f"{service}:{action}"
    if service == "ses" and path.startswith("/v2/email/outbound-emails"):
        return "ses:SendEmail"
    if service == "ses" and method == "GET" and path.split("?")[0] == "/v2/email/account":
        return "ses:GetAccount"
    return f"{service}:{method} {path.split('?')[0]}"


def aws_error(service, status, code, message):
    """An error body in the protocol the service speaks."""
    if service in ("iam", "sts"):
        body = (f"<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code><Message>{message}</Message>"
                f"</Error><RequestId>{uuid.uuid4()}</RequestId></ErrorResponse>")
        return status, {"Content-Type": "text/xml"}, body.encode()
    if service == "ec2":
        body = (f"<Response><Errors><Error><Code>{code}</Code><Message>{message}</Message></Error></Errors>"
                f"<RequestID>{uuid.uuid4()}</RequestID></Response>")
        return status, {"Content-Type": "text/xml"}, body.encode()
    body = json.dumps({"__type": code, "message": message, "Message": message}).encode()
    return status, {"Content-Type": "application/x-amz-json-1.1", "x-amzn-ErrorType": code}, body


def access_denied(service, message):
    """AccessDenied as each protocol says it."""
    if service == "ec2":
        return aws_error(service, 403, "UnauthorizedOperation", message)
    if service in ("iam", "sts"):
        return aws_error(service, 403, "AccessDenied", message)
    return aws_error(service, 403 if service == "ses" else 400, "AccessDeniedException", message)


class Authorizer:
    """The IAM policy simulator (local-aws/authorizer.mjs), one request at a time. A decision
    depends only on the request (policies, principal, action, resource, context), so identical
    requests are answered from a cache."""

    def __init__(self):
        script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "authorizer.mjs")
        self.process = subprocess.Popen(["node", script], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1)
        self.lock = threading.Lock()
        self.decisions = {}
        self.asked = 0

    def decide(self, request):
        line = json.dumps(request, sort_keys=True)
        with self.lock:
            self.asked += 1
            if line not in self.decisions:
                self.process.stdin.write(line + "\n")
                self.process.stdin.flush()
                self.decisions[line] = json.loads(self.process.stdout.readline())
            return self.decisions[line]


AUTHORIZER = None
# The functions, run from their built binaries (lambda_pool.py).
FUNCTIONS = None


def initial_pending_polls(domain_name):
    """How many DescribeDomain answers show a new domain Pending (the caller holds LOCK)."""
    return STATE["pendingPollsByName"].get(domain_name, STATE["domainPendingPolls"])


def json_response(payload, status=200):
    return status, {"Content-Type": "application/x-amz-json-1.1"}, json.dumps(payload).encode()


def send_to_queue(moto_port, region, queue_url, message):
    """SendMessage to moto's SQS (JSON protocol), as Lambda delivers to a destination queue."""
    conn = http.client.HTTPConnection("127.0.0.1", moto_port, timeout=30)
    payload = json.dumps({"QueueUrl": queue_url, "MessageBody": message}).encode()
    headers = {
        "Content-Type": "application/x-amz-json-1.0",
        "X-Amz-Target": "AmazonSQS.SendMessage",
        "Authorization": f"AWS4-HMAC-SHA256 Credential=testing/20260101/{region}/sqs/aws4_request, SignedHeaders=host, Signature=0",
    }
    conn.request("POST", "/", body=payload, headers=headers)
    answer = conn.getresponse()
    answer.read()
    conn.close()
    if answer.status != 200:
        print(f"could not deliver to {queue_url}: {answer.status}", file=sys.stderr, flush=True)


def keep_email(body, answer):
    """Keeps a message SES accepted, as the tests read it back (`GET /_local/emails`)."""
    request = json.loads(body or b"{}")
    simple = request.get("Content", {}).get("Simple", {})
    parts = simple.get("Body", {})
    destination = request.get("Destination", {})
    email = {
        "id": json.loads(answer or b"{}").get("MessageId", ""),
        "source": request.get("FromEmailAddress", ""),
        "subject": simple.get("Subject", {}).get("Data", ""),
        # What SES's own record holds: the HTML part when there is one.
        "body": (parts.get("Html") or parts.get("Text") or {}).get("Data", ""),
        "destinations": [a for key in ("ToAddresses", "CcAddresses", "BccAddresses") for a in destination.get(key, [])],
    }
    with LOCK:
        STATE["emails"].append(email)


def policies_for_call(function, policies, body):
    """The function's policies, less the statements `policyOverrides` leaves out of calls that
    name the override's domain (by its name or an id CreateDomain gave it)."""
    with LOCK:
        overrides = [o for o in STATE["policyOverrides"] if o["function"] == function]
        names = {o["matchDomain"]: [o["matchDomain"]] + sorted(STATE["domainIds"].get(o["matchDomain"], [])) for o in overrides}
    for override in overrides:
        if not any(text.encode() in body for text in names[override["matchDomain"]]):
            continue
        policies = [
            dict(p, policy=dict(p["policy"], Statement=[st for st in statements(p["policy"]) if st.get("Sid") != override["withoutStatement"]]))
            for p in policies
        ]
    return policies


def statements(policy):
    found = policy.get("Statement", [])
    return found if isinstance(found, list) else [found]


def take_fault(op, body):
    """The first queued fault for this operation (or `service:*`) whose `match` texts the body
    holds; `matchDomain` matches a call that names that domain's Identity Center application."""
    for key in (op, op.rsplit(":", 1)[0] + ":*"):
        queue = STATE["faults"].get(key) or []
        for i, fault in enumerate(queue):
            wanted = fault.get("match", [])
            wanted = [wanted] if isinstance(wanted, str) else wanted
            if "matchDomain" in fault:
                applications = [arn for arn, name in STATE["applications"].items() if name == fault["matchDomain"]]
                if not any(arn.encode() in body for arn in applications):
                    continue
            if all(text.encode() in body for text in wanted):
                return queue.pop(i)
    return None


class Router(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    moto_port = 0
    region = "us-east-1"

    def log_message(self, fmt, *args):  # quiet: the caller prints what matters
        pass

    def setup(self):
        super().setup()
        # Headers and body leave in separate writes: without this, Nagle's algorithm and the
        # client's delayed ACK hold every answer for 40 ms.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def do_GET(self):
        self.handle_any()

    def do_POST(self):
        self.handle_any()

    def do_PUT(self):
        self.handle_any()

    def do_DELETE(self):
        self.handle_any()

    def read_body(self):
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def send(self, status, headers, body):
        self.send_response(status)
        for key, value in headers.items():
            if key.lower() not in ("content-length", "transfer-encoding", "connection"):
                self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def handle_any(self):
        body = self.read_body()
        try:
            if self.path.startswith("/_local/"):
                return self.send(*self.control(body))
            op = operation_of(self.command, self.path, self.headers, body)
            refusal = self.authorize(op, body) or self.validate(body) or self.break_documented_rule(op, body) or self.over_ses_quota(op, body)
            if refusal:
                with LOCK:
                    STATE["calls"][op] = STATE["calls"].get(op, 0) + 1
                return self.send(*refusal)
            with LOCK:
                STATE["calls"][op] = STATE["calls"].get(op, 0) + 1
                fault = take_fault(op, body)
                # Recorded only when the call reaches the service: a failed call created nothing.
                if op in RECORDED and not (fault and (fault.get("status") or fault.get("lambdaError"))):
                    STATE["recorded"].setdefault(op, []).append(body.decode("utf-8", "replace"))
            if fault:
                if fault.get("delayMs"):
                    time.sleep(fault["delayMs"] / 1000.0)
                if fault.get("lambdaError"):
                    # What Lambda answers when the function crashed or timed out.
                    payload = json.dumps({"errorType": fault["lambdaError"], "errorMessage": fault.get("message", "injected")}).encode()
                    return self.send(200, {"Content-Type": "application/json", "X-Amz-Function-Error": "Unhandled"}, payload)
                if fault.get("status"):
                    service = service_of(self.headers) or "unknown"
                    return self.send(*aws_error(service, fault["status"], fault.get("code", "InternalFailure"), fault.get("message", "injected fault")))
            if op.startswith("sagemaker:"):
                status, headers, data = self.route(op, domain_ids_for_moto(body))
                return self.send(status, headers, domain_ids_for_callers(studio_urls(data, self.region)))
            answer = self.route(op, body)
            if op == "ses:SendEmail" and answer[0] == 200:
                keep_email(body, answer[2])
            return self.send(*answer)
        except Exception as exc:  # report, never hang the caller
            return self.send(*aws_error("unknown", 500, "LocalRouterError", str(exc)))

    def authorize(self, op, body):
        """None when the call may go on; else the AccessDenied answer. Only calls signed as a
        function are checked."""
        key, region = signer_of(self.headers)
        function = POLICIES.get(key)
        if function is None:
            return None
        service = service_of(self.headers) or "unknown"
        role_arn = function["roleArn"]
        principal = f"arn:aws:sts::{ACCOUNT}:assumed-role/{role_arn.rsplit('/', 1)[-1]}/{key}"
        call = authorization.Call(op, self.command, self.path, body, region, ACCOUNT)
        needs = authorization.needs_of(call, MotoAccount(self.moto_port, self.region))
        if needs is None:
            return self.deny(key, service, op, "*", "Unknown", f"User: {principal} is not authorized to perform: {op}: the local AWS does not know what it authorizes (local-aws/authorization.py)")
        policies = policies_for_call(key, function["policies"], body)
        for need in needs:
            answer = AUTHORIZER.decide({
                "policies": policies,
                "principal": principal,
                "action": need.action,
                "resource": need.resource,
                "account": ACCOUNT,
                "context": need.context,
                "resourcePolicy": need.resource_policy,
            })
            decision = answer.get("decision")
            if decision == "Allowed":
                continue
            why = {
                "ExplicitlyDenied": "with an explicit deny in an identity-based policy",
                "Invalid": f"because the request could not be evaluated: {answer.get('detail')}",
            }.get(decision, f"because no identity-based policy allows the {need.action} action")
            return self.deny(key, service, need.action, need.resource, decision, f"User: {principal} is not authorized to perform: {need.action} on resource: {need.resource} {why}")
        return None

    def validate(self, body):
        """None when the request keeps its operation's service model; else ValidationException."""
        service = service_of(self.headers)
        if not service:
            return None
        if body.startswith(b"{"):
            message = service_models.validation_message(service, self.headers.get("X-Amz-Target"), self.command, self.path, json.loads(body))
        elif self.headers.get("Content-Type", "").startswith("application/x-www-form-urlencoded"):
            message = service_models.query_message(service, authorization.request_params(body))
        else:
            return None
        if message is None:
            return None
        with LOCK:
            STATE["invalid"].append(message)
        print(message, file=sys.stderr, flush=True)
        # What each protocol's services call the error.
        code = {"iam": "ValidationError", "ec2": "InvalidParameterValue"}.get(service, "ValidationException")
        return aws_error(service, 400, code, message)

    def deny(self, function, service, action, resource, decision, message):
        with LOCK:
            STATE["denied"].append({"function": function, "action": action, "resource": resource, "decision": decision})
        print(message, file=sys.stderr, flush=True)
        return access_denied(service, message)

    def break_documented_rule(self, op, body):
        """None, or the answer to a call that breaks a rule of local-aws/documented_rules.py."""
        if not any(op == operation for operation, _, _ in documented_rules.RULES):
            return None
        refusal = documented_rules.broken(op, authorization.request_params(body), MotoAccount(self.moto_port, self.region))
        if refusal is None:
            return None
        status, code, message = refusal
        print(f"{op}: {code}: {message}", file=sys.stderr, flush=True)
        return aws_error(service_of(self.headers) or "unknown", status, code, message)

    def over_ses_quota(self, op, body):
        """None, or SES's answer to a send past a configured 24-hour quota: throttling with the
        message SES documents ("Daily message quota exceeded")."""
        if op != "ses:SendEmail":
            return None
        with LOCK:
            for quota in STATE["sesQuotas"]:
                if quota["match"].encode() not in body:
                    continue
                if quota["sent"] >= quota["max24HourSend"]:
                    if quota["refused"] < quota["refusals"]:
                        quota["refused"] += 1
                        return aws_error("ses", 429, "TooManyRequestsException", "Daily message quota exceeded.")
                    quota["sent"], quota["refused"] = 0, 0
                quota["sent"] += 1
        return None

    def get_account(self, _req):
        """SES v2 GetAccount: a production account whose send rate keeps local runs quick."""
        return json_response({
            "DedicatedIpAutoWarmupEnabled": False,
            "EnforcementStatus": "HEALTHY",
            "ProductionAccessEnabled": True,
            "SendingEnabled": True,
            "SendQuota": {"Max24HourSend": 50000.0, "MaxSendRate": 200.0, "SentLast24Hours": float(STATE["calls"].get("ses:SendEmail", 0))},
        })

    def route(self, op, body):
        if op.startswith("lambda:Invoke:"):
            return self.invoke(body)
        handler = LOCAL_OPERATIONS.get(op)
        if handler:
            return handler(self, json.loads(body or b"{}"))
        if op == "sagemaker:DescribeDomain":
            return self.describe_domain(body)
        if op == "sagemaker:ListDomains":
            return self.list_domains(body)
        if op == "sagemaker:DeleteDomain":
            return self.delete_domain(body)
        if op == "sagemaker:CreateDomain":
            return self.create_domain(body)
        if op == "sagemaker:ListTags":
            status, headers, data = self.forward(self.moto_port, body)
            # moto fails (500) on a domain created without tags; SageMaker answers none.
            return json_response({"Tags": []}) if status >= 500 else (status, headers, data)
        if op == "states:GetExecutionHistory":
            return self.execution_history(body)
        if op.startswith(("sso:", "identitystore:")):
            status, headers, data = self.forward(self.moto_port, store_ids_for_moto(body))
            return status, headers, store_ids_for_callers(data)
        return self.forward(self.moto_port, body)

    def execution_history(self, body):
        """GetExecutionHistory with what moto ignores: `reverseOrder`, and pages of `maxResults`
        (default 100, as the API's) joined by `nextToken`."""
        status, headers, data = self.forward(self.moto_port, body)
        if status != 200:
            return status, headers, data
        req = json.loads(body or b"{}")
        events = json.loads(data).get("events", [])
        if req.get("reverseOrder"):
            events.reverse()
        start = int(req["nextToken"]) if str(req.get("nextToken", "")).isdigit() else 0
        size = int(req.get("maxResults") or 100)
        page = {"events": events[start:start + size]}
        if start + size < len(events):
            page["nextToken"] = str(start + size)
        return json_response(page)

    def forward(self, port, body, timeout=120):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        conn.connect()
        conn.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        dropped = ("host", "content-length", "connection", "x-amz-invocation-type")
        headers = {k: v for k, v in self.headers.items() if k.lower() not in dropped}
        headers["Host"] = f"127.0.0.1:{port}"
        conn.request(self.command, self.path, body=body, headers=headers)
        resp = conn.getresponse()
        data = resp.read()
        out_headers = {k: v for k, v in resp.getheaders()}
        conn.close()
        return resp.status, out_headers, data

    def invoke(self, body):
        if self.headers.get("X-Amz-Invocation-Type") == "Event":
            function = INVOKE_PATH.match(self.path).group(1)
            # A copy keeps this request's path and headers: the connection may serve another.
            threading.Thread(target=copy.copy(self).run_async, args=(function, body), daemon=True).start()
            return 202, {"Content-Type": "application/json"}, b""
        return self.invoke_now(body)

    def run_async(self, function, body):
        """Lambda's asynchronous invocation: the first attempt and the retries, then the
        invocation record to the on-failure destination."""
        config = STATE["asyncInvoke"].get(function, {})
        attempts = 1 + int(config.get("maximumRetryAttempts", 2))
        for attempt in range(1, attempts + 1):
            status, headers, data = self.invoke_now(body)
            failed = status >= 300 or "X-Amz-Function-Error" in headers
            if not failed:
                return
        queue = config.get("onFailureQueueUrl")
        if not queue:
            return
        try:
            response = json.loads(data)
        except ValueError:
            response = {"errorMessage": data.decode("utf-8", "replace")}
        record = {
            "version": "1.0",
            "timestamp": time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime()),
            "requestContext": {
                "requestId": str(uuid.uuid4()),
                "functionArn": f"arn:aws:lambda:{self.region}:123456789012:function:{function}:$LATEST",
                "condition": "RetriesExhausted",
                "approximateInvokeCount": attempts,
            },
            "requestPayload": json.loads(body or b"null"),
            "responseContext": {"statusCode": 200, "executedVersion": "$LATEST", "functionError": "Unhandled"},
            "responsePayload": response,
        }
        send_to_queue(self.moto_port, self.region, queue, json.dumps(record))

    def invoke_now(self, body):
        function = INVOKE_PATH.match(self.path).group(1)
        if not FUNCTIONS.exists(function):
            return aws_error("lambda", 404, "ResourceNotFoundException", f"Function not found: arn:aws:lambda:{self.region}:{ACCOUNT}:function:{function}")
        error, data = FUNCTIONS.invoke(function, body)
        headers = {"Content-Type": "application/json", "X-Amz-Executed-Version": "$LATEST"}
        if error:
            headers["X-Amz-Function-Error"] = "Unhandled"
        return 200, headers, data

    # --- SageMaker domains -------------------------------------------------------------
    def describe_domain(self, body):
        status, headers, data = self.forward(self.moto_port, body)
        if status != 200:
            domain_id = json.loads(body or b"{}").get("DomainId", "")
            with LOCK:
                entry = STATE["deleting"].get(domain_id)
                if entry:
                    entry["remaining"] -= 1
                    if entry["remaining"] <= 0:
                        del STATE["deleting"][domain_id]
            if entry:
                # Deleted in moto at once; SageMaker shows it Deleting for minutes.
                return json_response(dict(entry["summary"], Status="Deleting"))
            # moto says ValidationException for an unknown id; the API says ResourceNotFound.
            return aws_error("sagemaker", 400, "ResourceNotFound", "Cannot find the requested domain")
        domain = json.loads(data)
        domain_id = domain.get("DomainId")
        with LOCK:
            domain.update(STATE["domainOverlay"].get(domain_id, {}))
            updating = STATE["updating"].get(domain_id, 0)
            if updating:
                STATE["updating"][domain_id] = updating - 1
        if domain.get("HomeEfsFileSystemId"):
            # moto's is `NAME-efs-id`; EFS's are `fs-` and 17 hex digits.
            domain["HomeEfsFileSystemId"] = "fs-" + hashlib.sha256(domain["HomeEfsFileSystemId"].encode()).hexdigest()[:17]
        application = domain.get("SingleSignOnApplicationArn")
        if application and not application.startswith("arn:aws:sso::"):
            # moto names the application in SageMaker's namespace; Identity Center names it
            # under its instance, and IAM authorizes assignments on that ARN.
            instance = self.identity_center_instance_id()
            application_id = hashlib.sha256(domain_id.encode()).hexdigest()[:16]
            domain["SingleSignOnApplicationArn"] = f"arn:aws:sso::{ACCOUNT}:application/{instance}/apl-{application_id}"
            with LOCK:
                STATE["applications"][domain["SingleSignOnApplicationArn"]] = domain.get("DomainName")
        with LOCK:
            remaining = STATE["pending"].setdefault(domain_id, initial_pending_polls(domain.get("DomainName")))
            if remaining > 0:
                STATE["pending"][domain_id] = remaining - 1
                domain["Status"] = "Pending"
            elif updating:
                domain["Status"] = "Updating"
            elif domain.get("DomainName") in STATE["failDomains"]:
                domain["Status"] = "Failed"
                domain["FailureReason"] = STATE["failDomains"][domain["DomainName"]]
            STATE["domainStatus"][domain_id] = domain.get("Status")
        return json_response(domain)

    def list_domains(self, body):
        """moto's list with the statuses DescribeDomain reported, and the domains being deleted."""
        status, headers, data = self.forward(self.moto_port, body)
        if status != 200:
            return status, headers, data
        listed = json.loads(data)
        with LOCK:
            for domain in listed.get("Domains", []):
                domain_id = domain.get("DomainId")
                if domain_id not in STATE["domainStatus"] and STATE["pending"].get(domain_id, initial_pending_polls(domain.get("DomainName"))) > 0:
                    # Not described yet: SageMaker lists a new domain Pending, as DescribeDomain will.
                    domain["Status"] = "Pending"
                else:
                    domain["Status"] = STATE["domainStatus"].get(domain_id, domain.get("Status"))
            for domain_id, entry in list(STATE["deleting"].items()):
                listed.setdefault("Domains", []).append(dict(entry["summary"], Status="Deleting"))
                entry["remaining"] -= 1
                if entry["remaining"] <= 0:
                    del STATE["deleting"][domain_id]
        return json_response(listed)

    def create_domain(self, body):
        """Creates in moto, then what SageMaker creates in the VPC for the home file system."""
        problems = self.unknown_studio_resources(json.loads(body or b"{}"))
        if problems:
            return aws_error("sagemaker", 400, "ValidationException", "; ".join(problems))
        status, headers, data = self.forward(self.moto_port, body)
        if status == 200:
            req = json.loads(body or b"{}")
            moto_id = json.loads(data).get("DomainArn", "").rsplit("/", 1)[-1]
            caller_id = json.loads(domain_ids_for_callers(json.dumps({"DomainId": moto_id}).encode()))["DomainId"]
            with LOCK:
                STATE["domainOverlay"][moto_id] = {"TagPropagation": req.get("TagPropagation", "DISABLED")}
                STATE["domainIds"].setdefault(req.get("DomainName", ""), set()).add(caller_id)
            try:
                self.create_domain_network(moto_id, req.get("VpcId", ""), req.get("SubnetIds", []))
            except Exception as exc:  # the domain exists; only its VPC resources are missing
                print(f"CreateDomain: the NFS security groups were not created: {exc}", file=sys.stderr, flush=True)
        return status, headers, data

    def create_domain_network(self, moto_id, vpc_id, subnet_ids):
        real = json.loads(domain_ids_for_callers(json.dumps({"DomainId": moto_id}).encode()))["DomainId"]
        arn = f"arn:aws:sagemaker:{self.region}:{ACCOUNT}:domain/{real}"
        account = MotoAccount(self.moto_port, self.region)
        tag = {"TagSpecification.1.ResourceType": "security-group", "TagSpecification.1.Tag.1.Key": "ManagedByAmazonSageMakerResource", "TagSpecification.1.Tag.1.Value": arn}
        groups = {}
        for direction in ("inbound", "outbound"):
            name = f"security-group-for-{direction}-nfs-{real}"
            answer = account.ec2("CreateSecurityGroup", GroupName=name, GroupDescription=f"NFS {direction} for {real}", VpcId=vpc_id, **tag)
            if "InvalidGroup.Duplicate" in answer:
                # A domain of the same name (hence id) made it before: SageMaker reuses it.
                answer = account.ec2("DescribeSecurityGroups", **{"Filter.1.Name": "group-name", "Filter.1.Value.1": name})
            found = re.search(r"<groupId>([^<]+)</groupId>", answer)
            if not found:
                raise RuntimeError(answer[:300])
            groups[direction] = found.group(1)
        # The inbound group admits NFS from the outbound one, as SageMaker's does.
        account.ec2("AuthorizeSecurityGroupIngress", GroupId=groups["inbound"], **{
            "IpPermissions.1.IpProtocol": "tcp", "IpPermissions.1.FromPort": "2049", "IpPermissions.1.ToPort": "2049", "IpPermissions.1.Groups.1.GroupId": groups["outbound"]})
        interfaces = []
        if subnet_ids:
            answer = account.ec2("CreateNetworkInterface", SubnetId=subnet_ids[0], Description=f"EFS mount target of {real}", **{"SecurityGroupId.1": groups["inbound"]})
            found = re.search(r"<networkInterfaceId>([^<]+)</networkInterfaceId>", answer)
            interfaces = [found.group(1)] if found else []
        with LOCK:
            STATE["domainNetwork"][moto_id] = {"groups": list(groups.values()), "interfaces": interfaces}

    # --- The Studio catalog: images, app image configs, lifecycle configurations ---------
    def catalog_arn(self, resource):
        return f"arn:aws:sagemaker:{self.region}:{ACCOUNT}:{resource}"

    def create_in_catalog(self, table, label, name, value, arn_key, resource):
        """Keeps a new catalog entry; ResourceInUse when the name is taken, as SageMaker answers."""
        with LOCK:
            if name in STATE[table]:
                return aws_error("sagemaker", 400, "ResourceInUse", f"{label} {name} already exists")
            STATE[table][name] = value
        return json_response({arn_key: self.catalog_arn(f"{resource}/{name}")})

    def create_image(self, req):
        return self.create_in_catalog("images", "Image", req.get("ImageName", ""), [], "ImageArn", "image")

    def create_image_version(self, req):
        name = req.get("ImageName", "")
        with LOCK:
            if name not in STATE["images"]:
                return aws_error("sagemaker", 400, "ResourceNotFound", f"Image {name} does not exist")
            versions = STATE["images"][name]
            versions.append(len(versions) + 1)
            version = versions[-1]
        return json_response({"ImageVersionArn": self.catalog_arn(f"image-version/{name}/{version}")})

    def describe_image(self, req):
        name = req.get("ImageName", "")
        with LOCK:
            if name not in STATE["images"]:
                return aws_error("sagemaker", 400, "ResourceNotFound", f"Image {name} does not exist")
        return json_response({"ImageName": name, "ImageStatus": "CREATED", "ImageArn": self.catalog_arn(f"image/{name}")})

    def describe_image_version(self, req):
        name, version = req.get("ImageName", ""), req.get("Version")
        with LOCK:
            versions = STATE["images"].get(name, [])
        if not versions or (version is not None and version not in versions):
            return aws_error("sagemaker", 400, "ResourceNotFound", f"Image version {version} of {name} does not exist")
        number = version if version is not None else versions[-1]
        return json_response({"Version": number, "ImageVersionStatus": "CREATED", "ImageVersionArn": self.catalog_arn(f"image-version/{name}/{number}")})

    def create_app_image_config(self, req):
        name = req.get("AppImageConfigName", "")
        return self.create_in_catalog("appImageConfigs", "AppImageConfig", name, req, "AppImageConfigArn", "app-image-config")

    def describe_app_image_config(self, req):
        name = req.get("AppImageConfigName", "")
        with LOCK:
            config = STATE["appImageConfigs"].get(name)
        if config is None:
            return aws_error("sagemaker", 400, "ResourceNotFound", f"AppImageConfig {name} does not exist")
        return json_response(dict(config, AppImageConfigArn=self.catalog_arn(f"app-image-config/{name}")))

    def create_studio_lifecycle_config(self, req):
        name, app = req.get("StudioLifecycleConfigName", ""), req.get("StudioLifecycleConfigAppType", "")
        return self.create_in_catalog("lifecycleConfigs", "StudioLifecycleConfig", name, app, "StudioLifecycleConfigArn", "studio-lifecycle-config")

    def describe_studio_lifecycle_config(self, req):
        name = req.get("StudioLifecycleConfigName", "")
        with LOCK:
            app = STATE["lifecycleConfigs"].get(name)
        if app is None:
            return aws_error("sagemaker", 400, "ResourceNotFound", f"StudioLifecycleConfig {name} does not exist")
        return json_response({"StudioLifecycleConfigName": name, "StudioLifecycleConfigAppType": app,
                              "StudioLifecycleConfigArn": self.catalog_arn(f"studio-lifecycle-config/{name}")})

    @staticmethod
    def unknown_studio_resources(req):
        """What a CreateDomain or UpdateDomain names of the catalog that does not exist, or that
        serves another app, as SageMaker refuses it."""
        problems = []
        for settings_key in ("DefaultUserSettings", "DefaultSpaceSettings"):
            for app_key, app in (("JupyterLabAppSettings", "JupyterLab"), ("CodeEditorAppSettings", "CodeEditor")):
                app_settings = (req.get(settings_key) or {}).get(app_key) or {}
                with LOCK:
                    for image in app_settings.get("CustomImages") or []:
                        versions = STATE["images"].get(image.get("ImageName"))
                        version = image.get("ImageVersionNumber")
                        if not versions or (version is not None and version not in versions):
                            problems.append(f"image {image.get('ImageName')} version {version} does not exist")
                        config = STATE["appImageConfigs"].get(image.get("AppImageConfigName"))
                        if config is None or f"{app}AppImageConfig" not in config:
                            problems.append(f"AppImageConfig {image.get('AppImageConfigName')} does not exist for {app}")
                    arns = list(app_settings.get("LifecycleConfigArns") or [])
                    default = (app_settings.get("DefaultResourceSpec") or {}).get("LifecycleConfigArn")
                    if default and default not in arns:
                        problems.append(f"the default lifecycle config {default} is not in LifecycleConfigArns")
                    for arn in arns:
                        if STATE["lifecycleConfigs"].get(arn.rsplit("/", 1)[-1]) != app:
                            problems.append(f"StudioLifecycleConfig {arn} does not exist for {app}")
        return problems

    def update_domain(self, req):
        """What UpdateDomain changes, kept beside moto's domain; the domain shows Updating once.
        As SageMaker documents: the network access type cannot change while apps run, nor
        subnets be removed."""
        domain_id = req.get("DomainId", "")
        current = self.moto_json("SageMaker.DescribeDomain", "sagemaker", {"DomainId": domain_id})
        if not current:
            return aws_error("sagemaker", 400, "ResourceNotFound", "Cannot find the requested domain")
        with LOCK:
            overlay = STATE["domainOverlay"].setdefault(domain_id, {})
            current.update(overlay)
            if STATE["updating"].get(domain_id) or STATE["domainStatus"].get(domain_id) in ("Pending", "Updating"):
                return aws_error("sagemaker", 400, "ResourceInUse", "The domain is being created or updated")
        problems = self.unknown_studio_resources(req)
        if problems:
            return aws_error("sagemaker", 400, "ValidationException", "; ".join(problems))
        apps, _, _ = self.holds(domain_id)
        live = [a for a in apps if a["Status"] in ("InService", "Pending", "Deleting")]
        access = req.get("AppNetworkAccessType")
        if live and access and access != current.get("AppNetworkAccessType"):
            return aws_error("sagemaker", 400, "ValidationException", "AppNetworkAccessType can only be modified if there are no apps in the InService, Pending, or Deleting state")
        if live and "SubnetIds" in req and set(current.get("SubnetIds") or []) - set(req["SubnetIds"]):
            return aws_error("sagemaker", 400, "ValidationException", "Subnets can only be removed if there are no apps in the InService, Pending, or Deleting state")
        with LOCK:
            for key in ("DefaultUserSettings", "DefaultSpaceSettings"):
                if key in req:
                    merged = dict(current.get(key) or {})
                    merged.update(req[key])
                    overlay[key] = merged
            if "DomainSettingsForUpdate" in req:
                settings = dict(current.get("DomainSettings") or {})
                for key, value in req["DomainSettingsForUpdate"].items():
                    settings["RStudioServerProDomainSettings" if key == "RStudioServerProDomainSettingsForUpdate" else key] = value
                overlay["DomainSettings"] = settings
            for key in ("TagPropagation", "AppNetworkAccessType", "SubnetIds", "AppSecurityGroupManagement"):
                if key in req:
                    overlay[key] = req[key]
            STATE["updating"][domain_id] = 1
        return json_response({"DomainArn": current.get("DomainArn")})

    def holds(self, domain_id):
        """What keeps a domain from being deleted: live apps, spaces, user profiles."""
        with LOCK:
            apps = [a for a in STATE["apps"].values() if a["DomainId"] == domain_id and a["Status"] != "Deleted"]
            spaces = [k for k in STATE["spaces"] if k[0] == domain_id]
            profiles = [k for k in STATE["profiles"] if k[0] == domain_id]
        return apps, spaces, profiles

    def delete_domain(self, body):
        """Deletes in moto; the domain then shows as Deleting in a few ListDomains answers, as a
        real deletion takes minutes. A domain that still holds apps, spaces or user profiles is
        ResourceInUse; the home file system's network interface goes unless it is retained."""
        req = json.loads(body or b"{}")
        domain_id = req.get("DomainId", "")
        apps, spaces, profiles = self.holds(domain_id)
        if apps or spaces or profiles:
            return aws_error("sagemaker", 400, "ResourceInUse", f"The domain still has {len(apps)} app(s), {len(spaces)} space(s) and {len(profiles)} user profile(s): delete them first")
        if (req.get("RetentionPolicy") or {}).get("HomeEfsFileSystem") == "Delete":
            with LOCK:
                network = STATE["domainNetwork"].get(domain_id, {})
                interfaces, network["interfaces"] = network.get("interfaces", []), []
            for eni in interfaces:
                MotoAccount(self.moto_port, self.region).ec2("DeleteNetworkInterface", NetworkInterfaceId=eni)
        summary = self.moto_json("SageMaker.DescribeDomain", "sagemaker", {"DomainId": domain_id})
        status, headers, data = self.forward(self.moto_port, body)
        if status != 200:
            return aws_error("sagemaker", 400, "ResourceNotFound", "Cannot find the requested domain")
        with LOCK:
            STATE["domainStatus"].pop(domain_id, None)
            if summary and STATE["deletingListings"] > 0:
                entry = {k: summary.get(k) for k in ("DomainArn", "DomainId", "DomainName", "CreationTime", "LastModifiedTime", "Url")}
                STATE["deleting"][domain_id] = {"summary": entry, "remaining": STATE["deletingListings"]}
        return status, headers, data

    def moto_json(self, target, service, payload):
        """A JSON-protocol call to moto; its answer, or None when it failed."""
        conn = http.client.HTTPConnection("127.0.0.1", self.moto_port, timeout=30)
        headers = {
            "Content-Type": "application/x-amz-json-1.1",
            "X-Amz-Target": target,
            "Authorization": f"AWS4-HMAC-SHA256 Credential=testing/20260101/{self.region}/{service}/aws4_request, SignedHeaders=host, Signature=0",
        }
        conn.request("POST", "/", body=json.dumps(payload).encode(), headers=headers)
        answer = conn.getresponse()
        data = answer.read()
        conn.close()
        return json.loads(data or b"{}") if answer.status == 200 else None

    def identity_center_instance_id(self):
        """The id of the account's Identity Center instance (moto's), as in its ARN."""
        instances = (self.moto_json("SWBExternalService.ListInstances", "sso", {}) or {}).get("Instances", [])
        return instances[0]["InstanceArn"].rsplit("/", 1)[-1] if instances else "ssoins-local"

    # --- SageMaker user profiles --------------------------------------------------------
    def create_user_profile(self, req):
        key = (req["DomainId"], req["UserProfileName"].lower())
        with LOCK:
            if key in STATE["profiles"]:
                return aws_error("sagemaker", 400, "ResourceInUse", "User profile already exists")
            arn = f"arn:aws:sagemaker:{self.region}:123456789012:user-profile/{req['DomainId']}/{req['UserProfileName']}"
            STATE["profiles"][key] = {
                "DomainId": req["DomainId"],
                "UserProfileName": req["UserProfileName"],
                "UserProfileArn": arn,
                "SingleSignOnUserIdentifier": req.get("SingleSignOnUserIdentifier"),
                "SingleSignOnUserValue": req.get("SingleSignOnUserValue"),
                "Status": "InService",
                "Tags": req.get("Tags", []),
            }
        return json_response({"UserProfileArn": arn})

    def describe_user_profile(self, req):
        with LOCK:
            profile = STATE["profiles"].get((req["DomainId"], req["UserProfileName"].lower()))
        if not profile:
            return aws_error("sagemaker", 400, "ResourceNotFound", "User profile does not exist")
        return json_response({k: v for k, v in profile.items() if k != "Tags"})

    def list_user_profiles(self, req):
        with LOCK:
            profiles = [p for p in STATE["profiles"].values() if not req.get("DomainIdEquals") or p["DomainId"] == req["DomainIdEquals"]]
        return json_response({"UserProfiles": [{k: p[k] for k in ("DomainId", "UserProfileName", "Status")} for p in profiles]})

    def delete_user_profile(self, req):
        with LOCK:
            STATE["profiles"].pop((req["DomainId"], req["UserProfileName"].lower()), None)
        return json_response({})

    def delete_user_profile_checked(self, req):
        domain_id, name = req["DomainId"], req["UserProfileName"]
        with LOCK:
            apps = [a for a in STATE["apps"].values() if a["DomainId"] == domain_id and a.get("UserProfileName") == name and a["Status"] != "Deleted"]
            spaces = [k for k, v in STATE["spaces"].items() if k[0] == domain_id and v.get("OwnerUserProfileName") == name]
            if (domain_id, name.lower()) not in STATE["profiles"]:
                return aws_error("sagemaker", 400, "ResourceNotFound", "User profile does not exist")
        if apps or spaces:
            return aws_error("sagemaker", 400, "ResourceInUse", f"The user profile still has {len(apps)} app(s) and {len(spaces)} private space(s)")
        return self.delete_user_profile(req)

    # --- SageMaker apps and spaces ------------------------------------------------------
    @staticmethod
    def app_key(req):
        return (req["DomainId"], req.get("UserProfileName") or req.get("SpaceName") or "", req["AppType"], req["AppName"])

    def create_app(self, req):
        key = self.app_key(req)
        with LOCK:
            if key in STATE["apps"] and STATE["apps"][key]["Status"] != "Deleted":
                return aws_error("sagemaker", 400, "ResourceInUse", "App already exists")
            owner = f"{req.get('UserProfileName') or req.get('SpaceName')}"
            arn = f"arn:aws:sagemaker:{self.region}:{ACCOUNT}:app/{req['DomainId']}/{owner}/{req['AppType'].lower()}/{req['AppName']}"
            STATE["apps"][key] = {k: req[k] for k in ("DomainId", "UserProfileName", "SpaceName", "AppType", "AppName") if req.get(k)}
            STATE["apps"][key].update(Status="InService", AppArn=arn)
        return json_response({"AppArn": arn})

    def list_apps(self, req):
        domain = req.get("DomainIdEquals")
        with LOCK:
            listed = [dict(a) for a in STATE["apps"].values() if not domain or a["DomainId"] == domain]
            stuck = STATE["stuckApps"]
            for app in STATE["apps"].values():
                if app["Status"] == "Deleting" and not stuck.get(app["DomainId"][2:]):
                    app["deletingLeft"] = app.get("deletingLeft", 0) - 1
                    if app["deletingLeft"] < 0:
                        app["Status"] = "Deleted"
        return json_response({"Apps": [{k: v for k, v in a.items() if k != "deletingLeft"} for a in listed]})

    def delete_app(self, req):
        key = self.app_key(req)
        with LOCK:
            app = STATE["apps"].get(key)
            if not app or app["Status"] == "Deleted":
                return aws_error("sagemaker", 400, "ResourceNotFound", "App does not exist")
            if app["Status"] == "Deleting":
                return aws_error("sagemaker", 400, "ResourceInUse", "App is being deleted")
            app["Status"], app["deletingLeft"] = "Deleting", STATE["appDeletingPolls"] - 1
        return json_response({})

    def create_space(self, req):
        if any("S3FileSystem" in fs for fs in (req.get("SpaceSettings") or {}).get("CustomFileSystems") or []):
            # As SageMaker documents S3FileSystem: a space mounts S3 only in SageMaker Unified Studio.
            return aws_error("sagemaker", 400, "ValidationException", "S3FileSystem is only supported in Amazon SageMaker Unified Studio")
        key = (req["DomainId"], req["SpaceName"])
        with LOCK:
            if key in STATE["spaces"]:
                return aws_error("sagemaker", 400, "ResourceInUse", "Space already exists")
            arn = f"arn:aws:sagemaker:{self.region}:{ACCOUNT}:space/{req['DomainId']}/{req['SpaceName']}"
            owner = (req.get("OwnershipSettings") or {}).get("OwnerUserProfileName")
            STATE["spaces"][key] = {"DomainId": req["DomainId"], "SpaceName": req["SpaceName"], "Status": "InService", "SpaceArn": arn, "OwnerUserProfileName": owner}
        return json_response({"SpaceArn": arn})

    def list_spaces(self, req):
        domain = req.get("DomainIdEquals")
        with LOCK:
            listed = [dict(v) for k, v in STATE["spaces"].items() if not domain or k[0] == domain]
            for key, space in list(STATE["spaces"].items()):
                if space["Status"] == "Deleting":
                    space["deletingLeft"] = space.get("deletingLeft", 0) - 1
                    if space["deletingLeft"] < 0:
                        del STATE["spaces"][key]
        summary = lambda v: dict({k: v[k] for k in ("DomainId", "SpaceName", "Status")}, OwnershipSettingsSummary={"OwnerUserProfileName": v["OwnerUserProfileName"]} if v.get("OwnerUserProfileName") else {})
        return json_response({"Spaces": [summary(v) for v in listed]})

    def delete_space(self, req):
        key = (req["DomainId"], req["SpaceName"])
        with LOCK:
            space = STATE["spaces"].get(key)
            if not space:
                return aws_error("sagemaker", 400, "ResourceNotFound", "Space does not exist")
            live = [a for a in STATE["apps"].values() if a["DomainId"] == key[0] and a.get("SpaceName") == key[1] and a["Status"] != "Deleted"]
            if live:
                return aws_error("sagemaker", 400, "ResourceInUse", f"The space still has {len(live)} app(s)")
            if space["Status"] == "Deleting":
                return aws_error("sagemaker", 400, "ResourceInUse", "Space is being deleted")
            space["Status"], space["deletingLeft"] = "Deleting", STATE["appDeletingPolls"] - 1
        return json_response({})

    # --- Identity Center application assignments -----------------------------------------
    def create_application_assignment(self, req):
        with LOCK:
            entries = STATE["assignments"].setdefault(req["ApplicationArn"], [])
            entry = {"PrincipalType": req["PrincipalType"], "PrincipalId": req["PrincipalId"]}
            if entry not in entries:
                entries.append(entry)
        return json_response({})

    def list_application_assignments(self, req):
        with LOCK:
            entries = list(STATE["assignments"].get(req["ApplicationArn"], []))
        return json_response({"ApplicationAssignments": [dict(e, ApplicationArn=req["ApplicationArn"]) for e in entries]})

    def describe_application_assignment(self, req):
        entry = {"PrincipalType": req["PrincipalType"], "PrincipalId": req["PrincipalId"]}
        with LOCK:
            found = entry in STATE["assignments"].get(req["ApplicationArn"], [])
        if not found:
            return aws_error("sso", 400, "ResourceNotFoundException", "Assignment not found")
        return json_response(dict(entry, ApplicationArn=req["ApplicationArn"]))

    def delete_application_assignment(self, req):
        entry = {"PrincipalType": req["PrincipalType"], "PrincipalId": req["PrincipalId"]}
        with LOCK:
            entries = STATE["assignments"].get(req["ApplicationArn"], [])
            if entry in entries:
                entries.remove(entry)
        return json_response({})

    # --- control ------------------------------------------------------------------------
    def control(self, body):
        path = self.path.split("?")[0]
        if path == "/_local/health":
            return 200, {"Content-Type": "application/json"}, b'{"ok":true}'
        query = parse_qs(self.path.split("?", 1)[1]) if "?" in self.path else {}
        wanted = query.get("match", [None])[0]
        if path == "/_local/recorded":
            # The bodies of one operation's recorded calls, only those holding `match` if given.
            with LOCK:
                bodies = [b for b in STATE["recorded"].get(query.get("op", [""])[0], []) if wanted is None or wanted in b]
            return 200, {"Content-Type": "application/json"}, json.dumps(bodies).encode()
        if path == "/_local/emails":
            # The e-mails SES accepted, only those whose subject names `about` if given.
            about = query.get("about", [None])[0]
            with LOCK:
                emails = [e for e in STATE["emails"] if about is None or about in e["subject"].split()]
            return 200, {"Content-Type": "application/json"}, json.dumps(emails).encode()
        if path == "/_local/assignments":
            # One application's assignments: [{PrincipalType, PrincipalId}].
            with LOCK:
                assigned = list(STATE["assignments"].get(query.get("application", [""])[0], []))
            return 200, {"Content-Type": "application/json"}, json.dumps(assigned).encode()
        if path == "/_local/denied":
            # The refusals of calls whose resource holds `match` if given.
            with LOCK:
                denied = [d for d in STATE["denied"] if wanted is None or wanted in d["resource"]]
            return 200, {"Content-Type": "application/json"}, json.dumps(denied).encode()
        if path == "/_local/state":
            with LOCK:
                snapshot = {
                    "assignments": STATE["assignments"],
                    "profiles": list(STATE["profiles"].values()),
                    "apps": list(STATE["apps"].values()),
                    "spaces": list(STATE["spaces"].values()),
                    "calls": STATE["calls"],
                    "faults": STATE["faults"],
                    "denied": STATE["denied"],
                    "invalid": STATE["invalid"],
                    "authorizer": {"asked": AUTHORIZER.asked, "simulated": len(AUTHORIZER.decisions)} if AUTHORIZER else None,
                }
                text = json.dumps(snapshot)
            return 200, {"Content-Type": "application/json"}, text.encode()
        req = json.loads(body or b"{}")
        with LOCK:
            if path == "/_local/config":
                for key in ("domainPendingPolls", "deletingListings", "appDeletingPolls"):
                    if key in req:
                        STATE[key] = req[key]
                for key in ("failDomains", "pendingPollsByName", "asyncInvoke", "stuckApps"):
                    for name, value in req.get(key, {}).items():
                        # null removes a setting.
                        if value is None:
                            STATE[key].pop(name, None)
                        else:
                            STATE[key][name] = value
            elif path == "/_local/ses-quota":
                # {"match": "text of the sends it counts", "max24HourSend": 100, "refusals": 3}
                STATE["sesQuotas"].append({"match": req["match"], "max24HourSend": int(req["max24HourSend"]), "refusals": int(req.get("refusals", 1)), "sent": 0, "refused": 0})
            elif path == "/_local/policies":
                # {"function": "assign-access", "withoutStatement": "UserProfiles", "matchDomain": "least-privilege"}
                sids = {st.get("Sid") for p in POLICIES.get(req["function"], {}).get("policies", []) for st in statements(p["policy"])}
                if req["withoutStatement"] not in sids:
                    return 400, {"Content-Type": "application/json"}, json.dumps({"error": f"{req['function']} has no statement {req['withoutStatement']}"}).encode()
                STATE["policyOverrides"].append({k: req[k] for k in ("function", "withoutStatement", "matchDomain")})
            elif path == "/_local/faults":
                # {"op": "sagemaker:CreateDomain", "count": 2, "status": 400, "code": "ThrottlingException",
                #  "message": "...", "delayMs": 0, "match": "text the request body must contain",
                #  "matchDomain": "a domain whose Identity Center application the request names"}
                fault = {k: req[k] for k in ("status", "code", "message", "delayMs", "match", "matchDomain", "lambdaError") if k in req}
                STATE["faults"].setdefault(req["op"], []).extend([fault] * int(req.get("count", 1)))
            elif path == "/_local/reset":
                for key, empty in (("pending", {}), ("assignments", {}), ("profiles", {}), ("apps", {}), ("spaces", {}), ("stuckApps", {}), ("domainNetwork", {}), ("domainOverlay", {}), ("updating", {}), ("faults", {}), ("calls", {}), ("failDomains", {}), ("pendingPollsByName", {}), ("recorded", {}), ("denied", []), ("invalid", []), ("sesQuotas", []), ("emails", []), ("policyOverrides", []), ("domainIds", {})):
                    STATE[key] = empty
                STATE["domainPendingPolls"] = 0
                STATE["deletingListings"] = 1
                STATE["appDeletingPolls"] = 1
                STATE["domainStatus"], STATE["deleting"] = {}, {}
            else:
                return 404, {"Content-Type": "application/json"}, b'{"error":"unknown control path"}'
        return 200, {"Content-Type": "application/json"}, b'{"ok":true}'


LOCAL_OPERATIONS = {
    "sagemaker:CreateUserProfile": Router.create_user_profile,
    "sagemaker:DescribeUserProfile": Router.describe_user_profile,
    "sagemaker:ListUserProfiles": Router.list_user_profiles,
    "sagemaker:DeleteUserProfile": Router.delete_user_profile_checked,
    "sagemaker:CreateApp": Router.create_app,
    "sagemaker:ListApps": Router.list_apps,
    "sagemaker:DeleteApp": Router.delete_app,
    "sagemaker:CreateSpace": Router.create_space,
    "sagemaker:UpdateDomain": Router.update_domain,
    "sagemaker:CreateImage": Router.create_image,
    "sagemaker:CreateImageVersion": Router.create_image_version,
    "sagemaker:DescribeImage": Router.describe_image,
    "sagemaker:DescribeImageVersion": Router.describe_image_version,
    "sagemaker:CreateAppImageConfig": Router.create_app_image_config,
    "sagemaker:DescribeAppImageConfig": Router.describe_app_image_config,
    "sagemaker:CreateStudioLifecycleConfig": Router.create_studio_lifecycle_config,
    "sagemaker:DescribeStudioLifecycleConfig": Router.describe_studio_lifecycle_config,
    "sagemaker:ListSpaces": Router.list_spaces,
    "sagemaker:DeleteSpace": Router.delete_space,
    "sso:CreateApplicationAssignment": Router.create_application_assignment,
    "sso:ListApplicationAssignments": Router.list_application_assignments,
    "sso:DescribeApplicationAssignment": Router.describe_application_assignment,
    "sso:DeleteApplicationAssignment": Router.delete_application_assignment,
    "ses:GetAccount": Router.get_account,
}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--moto-port", type=int, required=True)
    parser.add_argument("--functions", required=True, help="the directory of the built function binaries (one per function name)")
    parser.add_argument("--function-env", required=True, help="the functions' environment (JSON object), beside what Lambda sets")
    parser.add_argument("--function-log", required=True, help="where the functions' output goes")
    parser.add_argument("--concurrency", type=int, default=8, help="instances per function at most")
    parser.add_argument("--region", default="us-east-1")
    parser.add_argument("--policies", help="each function's IAM policies (JSON, from infra/deployed_policies.py): their calls are authorized")
    args = parser.parse_args()
    Router.moto_port, Router.region = args.moto_port, args.region
    global FUNCTIONS
    with open(args.function_env) as f:
        FUNCTIONS = lambda_pool.Pool(args.functions, json.load(f), args.function_log, args.region, ACCOUNT, max_instances=args.concurrency)
    if args.policies:
        global AUTHORIZER
        with open(args.policies) as f:
            POLICIES.update(json.load(f))
        AUTHORIZER = Authorizer()
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Router)
    server.daemon_threads = True
    print(f"router listening on 127.0.0.1:{args.port}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
