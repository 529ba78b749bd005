"""How each AWS protocol names an operation, signs a call and says an error."""

import json
import re
import uuid
from urllib.parse import parse_qs


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



def json_response(payload, status=200):
    return status, {"Content-Type": "application/x-amz-json-1.1"}, json.dumps(payload).encode()
