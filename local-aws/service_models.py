"""Requests held to AWS's published service models (botocore's data files, installed with moto):
required members, types, enums, lengths, ranges, list and map sizes, and patterns. A request
that breaks one is answered ValidationException, as the service answers it, and is not
forwarded: moto accepts nearly anything, AWS does not.

Covered: the services that speak JSON (SageMaker, sso-admin, identitystore, EventBridge, Step
Functions), SES v2 (REST-JSON), and IAM and EC2 (the query protocol: the form is read back into
the operation's input shape with botocore's own naming rules).
"""

import re

# The models' patterns are Java regular expressions with Unicode classes (\p{L}, \p{N}, ...),
# which Python's re cannot read; the regex module can.
import regex

from botocore.loaders import Loader
from botocore.model import ServiceModel
from botocore.serialize import EC2Serializer, QuerySerializer

# SigV4 signing name -> botocore's service name.
MODELS = {
    "sagemaker": "sagemaker",
    "sso": "sso-admin",
    "identitystore": "identitystore",
    "events": "events",
    "states": "stepfunctions",
    "ses": "sesv2",
    "iam": "iam",
    "ec2": "ec2",
    "dynamodb": "dynamodb",
}
QUERY_NAMING = {"query": QuerySerializer(), "ec2": EC2Serializer()}

_loader = Loader()
_models = {}
_patterns = {}


def model(signing_name):
    name = MODELS.get(signing_name)
    if name is None:
        return None
    if name not in _models:
        _models[name] = ServiceModel(_loader.load_service_model(name, "service-2"), service_name=name)
    return _models[name]


def operation(service_model, target, method, path, action=None):
    """The operation a request calls: by X-Amz-Target (JSON), its Action (query), or by method
    and path (REST)."""
    if action:
        return service_model.operation_model(action) if action in service_model.operation_names else None
    if target:
        name = target.split(".")[-1]
        return service_model.operation_model(name) if name in service_model.operation_names else None
    for name in service_model.operation_names:
        op = service_model.operation_model(name)
        http = op.http
        if http.get("method") != method:
            continue
        template = http.get("requestUri", "").split("?")[0]
        pattern = "^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template)) + "$"
        if re.match(pattern, path.split("?")[0]):
            return op
    return None


def compiled(pattern):
    """The model's pattern, compiled; None where even the regex module cannot read it."""
    if pattern not in _patterns:
        try:
            _patterns[pattern] = regex.compile(pattern)
        except regex.error:
            _patterns[pattern] = None
    return _patterns[pattern]


def shown(value):
    text = str(value)
    return text if len(text) <= 60 else text[:57] + "..."


def problems(shape, value, where):
    """What `value` breaks of `shape`'s constraints, as AWS words it."""
    found = []
    meta = shape.metadata
    kind = shape.type_name

    def bad(constraint):
        found.append(f"Value '{shown(value)}' at '{where}' failed to satisfy constraint: Member must {constraint}")

    def length(size):
        if "min" in meta and size < meta["min"]:
            bad(f"have length greater than or equal to {meta['min']}")
        if "max" in meta and size > meta["max"]:
            bad(f"have length less than or equal to {meta['max']}")

    if kind == "structure" and meta.get("document"):
        return found  # a document: any JSON value
    if kind == "structure":
        if not isinstance(value, dict):
            return [f"Value at '{where}' must be a structure"]
        for name in shape.required_members:
            if value.get(name) is None:
                found.append(f"Value null at '{join(where, name)}' failed to satisfy constraint: Member must not be null")
        for name, member in shape.members.items():
            if value.get(name) is not None:
                found += problems(member, value[name], join(where, name))
        return found
    if kind == "list":
        if not isinstance(value, list):
            return [f"Value at '{where}' must be a list"]
        length(len(value))
        for i, item in enumerate(value):
            found += problems(shape.member, item, f"{where}.{i + 1}.member")
        return found
    if kind == "map":
        if not isinstance(value, dict):
            return [f"Value at '{where}' must be a map"]
        length(len(value))
        for key, item in value.items():
            found += problems(shape.key, key, f"{where}.key")
            found += problems(shape.value, item, f"{where}.{key}")
        return found
    if kind == "string":
        if not isinstance(value, str):
            return [f"Value at '{where}' must be a string"]
        length(len(value))
        if shape.enum and value not in shape.enum:
            bad(f"satisfy enum value set: [{', '.join(shape.enum)}]")
        pattern = meta.get("pattern")
        matcher = compiled(pattern) if pattern else None
        # AWS matches the whole value (the models' patterns carry no anchors).
        if matcher is not None and not matcher.fullmatch(value):
            bad(f"satisfy regular expression pattern: {pattern}")
        return found
    if kind in ("integer", "long"):
        if isinstance(value, bool) or not isinstance(value, int):
            return [f"Value at '{where}' must be an integer"]
    elif kind in ("float", "double"):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return [f"Value at '{where}' must be a number"]
    elif kind == "boolean":
        if not isinstance(value, bool):
            return [f"Value at '{where}' must be a boolean"]
        return found
    else:  # timestamps and blobs: their encoding is the SDK's business
        return found
    if "min" in meta and value < meta["min"]:
        bad(f"have value greater than or equal to {meta['min']}")
    if "max" in meta and value > meta["max"]:
        bad(f"have value less than or equal to {meta['max']}")
    return found


def join(where, name):
    name = name[0].lower() + name[1:]
    return f"{where}.{name}" if where else name


def from_form(shape, form, prefix, naming):
    """The value a query-protocol form holds for `shape` at `prefix` (None when absent): the
    inverse of botocore's serializer, so that the model's constraints apply to it."""
    kind = shape.type_name
    if kind == "structure":
        value = {}
        for name, member in shape.members.items():
            key = naming._get_serialized_name(member, name)
            found = from_form(member, form, f"{prefix}.{key}" if prefix else key, naming)
            if found is not None:
                value[name] = found
        return value if value or not prefix else None
    if kind == "list":
        if form.get(prefix) == "":
            return []
        if isinstance(naming, EC2Serializer) or naming._is_shape_flattened(shape):
            item_prefix = prefix
        else:
            item_prefix = f"{prefix}.{shape.member.serialization.get('name', 'member')}"
        items = []
        while True:
            item = from_form(shape.member, form, f"{item_prefix}.{len(items) + 1}", naming)
            if item is None:
                return items or None
            items.append(item)
    if kind == "map":
        entries = prefix if naming._is_shape_flattened(shape) else f"{prefix}.entry"
        value, i = {}, 1
        while f"{entries}.{i}.key" in form:
            value[form[f"{entries}.{i}.key"]] = form.get(f"{entries}.{i}.value")
            i += 1
        return value or None
    text = form.get(prefix)
    if text is None:
        return None
    if kind in ("integer", "long"):
        return int(text) if re.fullmatch(r"-?\d+", text) else text
    if kind == "boolean":
        return {"true": True, "false": False}.get(text, text)
    if kind in ("float", "double"):
        try:
            return float(text)
        except ValueError:
            return text
    return text


def query_message(signing_name, form):
    """validation_message for a query-protocol request (IAM, EC2): `form` is its parameters."""
    service_model = model(signing_name)
    if service_model is None or service_model.protocol not in QUERY_NAMING:
        return None
    op = operation(service_model, None, "POST", "/", action=form.get("Action"))
    if op is None or op.input_shape is None:
        return None
    params = from_form(op.input_shape, form, "", QUERY_NAMING[service_model.protocol])
    return message_for(problems(op.input_shape, params, ""))


def message_for(found):
    if not found:
        return None
    return f"{len(found)} validation error{'s' if len(found) > 1 else ''} detected: " + "; ".join(found)


def validation_message(signing_name, target, method, path, params):
    """None when the request keeps its operation's model (or no model covers it); else the
    message of the ValidationException AWS answers."""
    service_model = model(signing_name)
    if service_model is None or service_model.protocol in QUERY_NAMING:
        return None
    op = operation(service_model, target, method, path)
    if op is None or op.input_shape is None:
        return None
    # REST: members bound to the URI or headers are not in the body.
    shape = op.input_shape
    return message_for(problems(shape, params, "") if not op.http.get("requestUri", "/").count("{") else [])
