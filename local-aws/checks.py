"""What the local AWS refuses before a call reaches a service, as AWS would: calls a function's
IAM policies do not allow (decided by the IAM policy simulator, local-aws/authorizer.mjs), requests
that break their operation's service model, documented rules outside the models, and SES's
24-hour quota."""

import json
import os
import subprocess
import sys
import threading

import authorization
import documented_rules
import service_models
from moto_account import MotoAccount
from protocol import access_denied, aws_error, service_of, signer_of
from state import ACCOUNT, LOCK, POLICIES, STATE


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



class Checks:
    """The refusals, as methods of the router's request handler."""

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
