"""The deployment template as CloudFormation receives it, and the IAM policies it gives each
function: translated by the SAM translator (policy templates expanded), intrinsic functions
resolved with a deployment's values (parameters, pseudo parameters, the physical names of the
stack's resources) and its Conditions evaluated.

Shared by infra/check_policies.py (which resolves with sample values) and the local AWS, which
evaluates each function's policies on every call the function makes (local-aws/router.py).

Usage: deployed_policies.py TEMPLATE [--values VALUES.json]: prints each function's policies (JSON).
"""

import argparse
import json
import os
import re
import sys
from pathlib import Path

from samtranslator.translator.transform import transform
from samtranslator.yaml_helper import yaml_parse

# What the pseudo parameters are when no deployment says otherwise.
SAMPLE_PSEUDO = {
    "AWS::Partition": "aws",
    "AWS::Region": "us-east-1",
    "AWS::AccountId": "123456789012",
    "AWS::URLSuffix": "amazonaws.com",
    "AWS::StackName": "onboarding",
    "AWS::NoValue": None,
}
# Values for parameters that have no default.
SAMPLE_PARAMETERS = {"SenderAddress": "onboarding@example.com", "TicketSystemPrincipalArn": "arn:aws:iam::123456789012:role/tickets"}


class NoManagedPolicies:
    """The translator asks IAM for managed policy ARNs by name; the template names none."""

    def load(self):
        return {}


def translate(template_path, base=None):
    """The template after the SAM transform, as JSON values (intrinsic functions left in place)."""
    template_path = Path(template_path)
    base = Path(base) if base else template_path.parent
    template = yaml_parse(template_path.read_text())
    for resource in template.get("Resources", {}).values():
        props = resource.get("Properties", {})
        if resource["Type"] == "AWS::Serverless::Function" and isinstance(props.get("CodeUri"), str):
            props["CodeUri"] = "s3://deployment-bucket/" + Path(props["CodeUri"]).name + ".zip"
        if resource["Type"] == "AWS::Serverless::StateMachine" and isinstance(props.get("DefinitionUri"), str):
            props["Definition"] = json.loads((base / props.pop("DefinitionUri")).read_text())
    # The translator needs a region for its pseudo parameters; nothing is called.
    os.environ.setdefault("AWS_DEFAULT_REGION", SAMPLE_PSEUDO["AWS::Region"])
    return json.loads(json.dumps(transform(template, {}, NoManagedPolicies())))


# --- resolving intrinsic functions ----------------------------------------------------------------

SAMPLE_ARNS = {
    "AWS::Lambda::Function": "arn:{partition}:lambda:{region}:{account}:function:{name}",
    "AWS::StepFunctions::StateMachine": "arn:{partition}:states:{region}:{account}:stateMachine:{name}",
    "AWS::IAM::Role": "arn:{partition}:iam::{account}:role/{name}",
    "AWS::IAM::ManagedPolicy": "arn:{partition}:iam::{account}:policy/{name}",
    "AWS::SQS::Queue": "arn:{partition}:sqs:{region}:{account}:{name}",
    "AWS::Logs::LogGroup": "arn:{partition}:logs:{region}:{account}:log-group:{name}:*",
    "AWS::Events::EventBus": "arn:{partition}:events:{region}:{account}:event-bus/{name}",
    "AWS::Events::Rule": "arn:{partition}:events:{region}:{account}:rule/{name}",
    "AWS::KMS::Key": "arn:{partition}:kms:{region}:{account}:key/{name}",
    "AWS::DynamoDB::Table": "arn:{partition}:dynamodb:{region}:{account}:table/{name}",
}
# What Ref returns, where it is the ARN rather than the name.
REF_IS_ARN = {"AWS::StepFunctions::StateMachine", "AWS::IAM::ManagedPolicy"}


class Resolver:
    """Resolves intrinsic functions with a deployment's values.

    `values` (all optional): {"pseudo": {"AWS::Region": ...}, "parameters": {name: value},
    "names": {logical id: physical name}}; a resource without a physical name is named after
    its logical id, in lower case.
    """

    def __init__(self, template, values=None):
        values = values or {}
        self.resources = template.get("Resources", {})
        self.pseudo = dict(SAMPLE_PSEUDO, **values.get("pseudo", {}))
        self.names = values.get("names", {})
        given = values.get("parameters", {})
        self.parameters = {}
        for name, p in template.get("Parameters", {}).items():
            value = given.get(name, p.get("Default", SAMPLE_PARAMETERS.get(name, f"sample-{name}")))
            if p.get("Type") == "CommaDelimitedList" and not isinstance(value, list):
                value = [v.strip() for v in str(value).split(",") if v.strip()] or ([] if name in given else [f"sample-{name}"])
            self.parameters[name] = value
        self.conditions = {}
        for name, c in template.get("Conditions", {}).items():
            self.conditions[name] = bool(self.resolve(c))

    def name(self, logical_id):
        return self.names.get(logical_id, logical_id.lower())

    def arn(self, logical_id):
        rtype = self.resources[logical_id]["Type"]
        pattern = SAMPLE_ARNS.get(rtype, "arn:{partition}:unknown:{region}:{account}:{name}")
        return pattern.format(
            partition=self.pseudo["AWS::Partition"], region=self.pseudo["AWS::Region"], account=self.pseudo["AWS::AccountId"], name=self.name(logical_id)
        )

    def ref(self, name):
        if name in self.pseudo:
            return self.pseudo[name]
        if name in self.parameters:
            return self.parameters[name]
        if name in self.resources:
            return self.arn(name) if self.resources[name]["Type"] in REF_IS_ARN else self.name(name)
        raise ValueError(f"Ref to unknown {name}")

    def get_att(self, logical_id, attribute):
        if attribute == "Arn":
            return self.arn(logical_id)
        if attribute == "Name":
            return self.name(logical_id)
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
                return [part for part in self.resolve(value).split(separator)]
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

    def exists(self, logical_id):
        """Whether the resource is created (its Condition, if any, holds)."""
        condition = self.resources[logical_id].get("Condition")
        return condition is None or self.conditions[condition]


def function_policies(template, resolver):
    """{function: {"roleArn": ARN, "policies": [{"name": N, "policy": DOCUMENT}]}} for every
    function of the translated template, named after its code's directory (its crate): the inline
    policies of its execution role, resolved. (Its AWS managed policies, for logs and tracing,
    grant nothing the functions call.)"""
    roles = {}
    for logical_id, resource in template.get("Resources", {}).items():
        if resource["Type"] != "AWS::Lambda::Function" or not resolver.exists(logical_id):
            continue
        props = resource["Properties"]
        code = props.get("Code", {}).get("S3Key", "")
        function = Path(code).name.removesuffix(".zip") or logical_id
        role = props.get("Role", {}).get("Fn::GetAtt", [None])[0]
        policies = []
        if role:
            for policy in template["Resources"][role]["Properties"].get("Policies", []):
                policies.append({"name": policy["PolicyName"], "policy": resolver.resolve(policy["PolicyDocument"])})
        roles[function] = {"roleArn": resolver.arn(role) if role else None, "policies": policies}
    return roles


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("template")
    parser.add_argument("--values", help="a JSON file of the deployment's values (see Resolver)")
    args = parser.parse_args()
    values = json.loads(Path(args.values).read_text()) if args.values else {}
    translated = translate(args.template)
    json.dump(function_policies(translated, Resolver(translated, values)), sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main()
