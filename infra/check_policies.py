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
import fnmatch
import json
import subprocess
import sys
import tempfile
from pathlib import Path

from policy_sentry.querying.actions import get_action_data, get_actions_for_service
from policy_sentry.util.arns import does_arn_match

from deployed_policies import Resolver, translate


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

    translated = translate(args.template, args.base)
    out = Path(args.translated) if args.translated else Path(tempfile.mkdtemp()) / "translated.json"
    out.write_text(json.dumps(translated, indent=1))
    findings = []
    lint = subprocess.run([str(Path(sys.executable).parent / "cfn-lint"), str(out)], capture_output=True, text=True)
    if lint.returncode != 0:
        findings.append("cfn-lint on the translated template:\n" + lint.stdout + lint.stderr)

    resolver = Resolver(translated)
    statements = 0
    for where, document, scoped in policy_documents(translated):
        if not resolver.exists(where.split("/")[0]):
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


if __name__ == "__main__":
    main()
