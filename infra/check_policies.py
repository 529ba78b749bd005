"""Checks the deployment template as CloudFormation receives it: translated by the SAM translator
(policy templates expanded, event sources' queues and permissions added), linted by cfn-lint, and
every IAM policy statement in it checked against the IAM service definitions (policy_sentry's
copy of the Service Authorization Reference):

- each action (or action pattern) names actions that exist;
- in an Allow, each action applies to at least one of the statement's resources (an action that
  takes only "*" cannot be granted on an ARN), and each resource serves at least one action;
- in a role's Allow, "*" only for actions that take no resource-level permissions;
- each condition key is a global one or one the statement's actions support.

Usage: check_policies.py TEMPLATE [--base DIR] [--translated OUT.json]. Prints each finding and exits 1 when
there is one; prints a count of what it checked otherwise.
"""

import argparse
import os
import fnmatch
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from cfnlint.decode import cfn_yaml
from policy_sentry.querying.actions import get_action_data, get_actions_for_service
from policy_sentry.util.arns import does_arn_match
from samtranslator.translator.transform import transform

PSEUDO = {
    "AWS::Partition": "aws",
    "AWS::Region": "us-east-1",
    "AWS::AccountId": "123456789012",
    "AWS::URLSuffix": "amazonaws.com",
    "AWS::StackName": "onboarding",
    "AWS::NoValue": None,
}
# Values for parameters that have no default.
SAMPLE_PARAMETERS = {"SenderAddress": "onboarding@example.com"}


class NoManagedPolicies:
    """The translator asks IAM for managed policy ARNs by name; the template names none."""

    def load(self):
        return {}


def translate(template_path, base):
    template = cfn_yaml.load(str(template_path))
    for resource in template.get("Resources", {}).values():
        props = resource.get("Properties", {})
        if resource["Type"] == "AWS::Serverless::Function" and isinstance(props.get("CodeUri"), str):
            props["CodeUri"] = "s3://deployment-bucket/" + Path(props["CodeUri"]).name + ".zip"
        if resource["Type"] == "AWS::Serverless::StateMachine" and isinstance(props.get("DefinitionUri"), str):
            props["Definition"] = json.loads((base / props.pop("DefinitionUri")).read_text())
    return json.loads(json.dumps(transform(template, {}, NoManagedPolicies())))


# --- resolving intrinsic functions to sample values ---------------------------------------------

SAMPLE_ARNS = {
    "AWS::Lambda::Function": "arn:aws:lambda:us-east-1:123456789012:function:{name}",
    "AWS::StepFunctions::StateMachine": "arn:aws:states:us-east-1:123456789012:stateMachine:{name}",
    "AWS::IAM::Role": "arn:aws:iam::123456789012:role/{name}",
    "AWS::IAM::ManagedPolicy": "arn:aws:iam::123456789012:policy/{name}",
    "AWS::SQS::Queue": "arn:aws:sqs:us-east-1:123456789012:{name}",
    "AWS::Logs::LogGroup": "arn:aws:logs:us-east-1:123456789012:log-group:{name}:*",
    "AWS::Events::EventBus": "arn:aws:events:us-east-1:123456789012:event-bus/{name}",
    "AWS::Events::Rule": "arn:aws:events:us-east-1:123456789012:rule/{name}",
    "AWS::KMS::Key": "arn:aws:kms:us-east-1:123456789012:key/{name}",
}
# What Ref returns, where it is the ARN rather than the name.
REF_IS_ARN = {"AWS::StepFunctions::StateMachine", "AWS::IAM::ManagedPolicy"}


class Resolver:
    def __init__(self, template):
        self.resources = template.get("Resources", {})
        self.parameters = {}
        for name, p in template.get("Parameters", {}).items():
            value = p.get("Default", SAMPLE_PARAMETERS.get(name, f"sample-{name}"))
            if p.get("Type") == "CommaDelimitedList":
                value = [v.strip() for v in str(value).split(",") if v.strip()] or [f"sample-{name}"]
            self.parameters[name] = value
        self.conditions = {}
        for name, c in template.get("Conditions", {}).items():
            self.conditions[name] = bool(self.resolve(c))

    def arn(self, logical_id):
        rtype = self.resources[logical_id]["Type"]
        return SAMPLE_ARNS.get(rtype, "arn:aws:unknown:us-east-1:123456789012:{name}").format(name=logical_id.lower())

    def ref(self, name):
        if name in PSEUDO:
            return PSEUDO[name]
        if name in self.parameters:
            return self.parameters[name]
        if name in self.resources:
            return self.arn(name) if self.resources[name]["Type"] in REF_IS_ARN else name.lower()
        raise ValueError(f"Ref to unknown {name}")

    def get_att(self, logical_id, attribute):
        if attribute == "Arn":
            return self.arn(logical_id)
        if attribute == "Name":
            return logical_id.lower()
        return f"{logical_id.lower()}-{attribute.lower()}"

    def sub(self, text, variables):
        def one(match):
            name = match.group(1)
            if name in variables:
                return str(variables[name])
            if "." in name and name.split(".")[0] in self.resources:
                return str(self.get_att(*name.split(".", 1)))
            value = self.ref(name)
            return ",".join(value) if isinstance(value, list) else str(value)

        return re.sub(r"\$\{([^}!]+)\}", one, text)

    def resolve(self, node):
        if isinstance(node, list):
            return [self.resolve(n) for n in node]
        if not isinstance(node, dict):
            return node
        if len(node) == 1:
            (key, arg), = node.items()
            if key == "Ref":
                return self.ref(arg)
            if key == "Fn::GetAtt":
                logical_id, attribute = arg if isinstance(arg, list) else arg.split(".", 1)
                return self.get_att(logical_id, attribute)
            if key == "Fn::Sub":
                text, variables = (arg, {}) if isinstance(arg, str) else (arg[0], self.resolve(arg[1]))
                return self.sub(text, variables)
            if key == "Fn::Join":
                separator, values = arg
                return separator.join(str(v) for v in self.resolve(values))
            if key == "Fn::Split":
                separator, value = arg
                return self.resolve(value).split(separator)
            if key == "Fn::Select":
                index, values = arg
                return self.resolve(values)[int(self.resolve(index))]
            if key == "Fn::If":
                condition, yes, no = arg
                return self.resolve(yes if self.conditions[condition] else no)
            if key == "Fn::Equals":
                left, right = self.resolve(arg)
                return left == right
            if key == "Fn::Not":
                return not self.resolve(arg[0])
            if key == "Fn::And":
                return all(self.resolve(arg))
            if key == "Fn::Or":
                return any(self.resolve(arg))
            if key == "Condition":
                return self.conditions[arg]
        return {k: self.resolve(v) for k, v in node.items()}


# --- the IAM service definitions ------------------------------------------------------------------

def listed(value):
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


_service_actions = {}


def actions_matching(pattern):
    """The known actions a pattern (`svc:Name`, `svc:Describe*`, `svc:*`) names."""
    if pattern == "*":
        return ["*"]
    prefix, _, name = pattern.partition(":")
    if prefix not in _service_actions:
        try:
            _service_actions[prefix] = get_actions_for_service(prefix)
        except Exception:  # an unknown service prefix
            _service_actions[prefix] = []
    return [a for a in _service_actions[prefix] if fnmatch.fnmatch(a.lower(), pattern.lower())]


def action_entries(action):
    prefix, _, name = action.partition(":")
    return get_action_data(prefix, name).get(prefix, [])


GLOBAL_CONDITION_PREFIXES = ("aws:",)


def key_supported(key, supported):
    key = key.lower()
    for s in supported:
        s = s.lower()
        if s == key or ("${" in s and key.startswith(s.split("${")[0])):
            return True
    return False


def check_statement(where, statement, scoped):
    """`scoped`: a role's own policy, where an action that can be scoped to resources must be."""
    findings = []
    effect = statement.get("Effect")
    patterns = listed(statement.get("Action")) + listed(statement.get("NotAction"))
    actions = []
    for pattern in patterns:
        matched = actions_matching(pattern)
        if not matched:
            findings.append(f"{where}: {pattern} names no IAM action")
        actions.extend(a for a in matched if a != "*")
    resources = listed(statement.get("Resource"))
    specific = [r for r in resources if r != "*"]
    if scoped and effect == "Allow" and "*" in resources:
        for action in actions:
            kinds = sorted({e["resource_arn_format"] for e in action_entries(action)} - {"*"})
            if kinds:
                findings.append(f"{where}: {action} is granted on \"*\" although it can be scoped to {', '.join(kinds)}")
    if effect == "Allow" and "Action" in statement and specific:
        served = set()
        for action in actions:
            formats = [e["resource_arn_format"] for e in action_entries(action)]
            matching = [r for r in specific if any(f != "*" and does_arn_match(r, f) for f in formats)]
            if "*" not in resources and not matching:
                kinds = sorted({f for f in formats if f != "*"}) or ["only Resource \"*\""]
                findings.append(f"{where}: {action} applies to none of {specific}; it takes {', '.join(kinds)}")
            served.update(matching)
        for r in specific:
            if r not in served and actions:
                findings.append(f"{where}: resource {r} serves none of the statement's actions")
    supported = set()
    for action in actions:
        for entry in action_entries(action):
            supported.update(entry.get("condition_keys", []))
    for operator, keys in (statement.get("Condition") or {}).items():
        for key in keys:
            if key.lower().startswith(GLOBAL_CONDITION_PREFIXES):
                continue
            if not key_supported(key, supported):
                findings.append(f"{where}: condition key {key} ({operator}) is not supported by {sorted(set(actions))}")
    return findings


def policy_documents(template):
    """(where, document, scoped) for every IAM policy document in the translated template;
    `scoped` for a role's own policies (a boundary or a resource policy may be broad)."""
    for logical_id, resource in template.get("Resources", {}).items():
        props = resource.get("Properties", {})
        rtype = resource["Type"]
        if rtype == "AWS::IAM::Role":
            for policy in props.get("Policies", []):
                yield f"{logical_id}/{policy.get('PolicyName')}", policy["PolicyDocument"], True
        elif rtype in ("AWS::IAM::ManagedPolicy", "AWS::IAM::Policy", "AWS::SQS::QueuePolicy", "AWS::SNS::TopicPolicy"):
            yield logical_id, props["PolicyDocument"], False
        elif rtype == "AWS::Events::EventBusPolicy" and "Statement" in props:
            yield logical_id, {"Statement": [props["Statement"]]}, False


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("template")
    parser.add_argument("--base", help="the directory the template's relative paths start from (default: the template's)")
    parser.add_argument("--translated", help="where to write the translated template (JSON)")
    args = parser.parse_args()

    # The translator needs a region for its pseudo parameters; nothing is called.
    os.environ.setdefault("AWS_DEFAULT_REGION", PSEUDO["AWS::Region"])
    translated = translate(args.template, Path(args.base or Path(args.template).parent))
    out = Path(args.translated) if args.translated else Path(tempfile.mkdtemp()) / "translated.json"
    out.write_text(json.dumps(translated, indent=1))
    findings = []
    lint = subprocess.run([str(Path(sys.executable).parent / "cfn-lint"), str(out)], capture_output=True, text=True)
    if lint.returncode != 0:
        findings.append("cfn-lint on the translated template:\n" + lint.stdout + lint.stderr)

    resolver = Resolver(translated)
    statements = 0
    for where, document, scoped in policy_documents(translated):
        if resource_condition_false(translated, where, resolver):
            continue
        document = resolver.resolve(document)
        for i, statement in enumerate(listed(document.get("Statement"))):
            statements += 1
            findings += check_statement(f"{where}[{statement.get('Sid', i)}]", statement, scoped)
    for f in findings:
        print(f)
    if findings:
        sys.exit(1)
    print(f"{statements} policy statements checked against the IAM service definitions; cfn-lint passed on the translated template")


def resource_condition_false(template, where, resolver):
    logical_id = where.split("/")[0]
    condition = template["Resources"][logical_id].get("Condition")
    return condition is not None and not resolver.conditions[condition]


if __name__ == "__main__":
    main()
