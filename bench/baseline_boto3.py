"""The baseline: a minimal Python Lambda handler as the AWS samples write it (boto3 imported and
clients built at init, one DescribeDomain per invocation), driven by a minimal Lambda runtime
client loop so that it runs against the same local Runtime API as the Rust functions."""

import json
import os
import urllib.request

import boto3

sagemaker = boto3.client("sagemaker")
iam = boto3.client("iam")
sso_admin = boto3.client("sso-admin")


def handler(event, context):
    domain = sagemaker.describe_domain(DomainId=event["domain"]["domainId"])
    return {"status": domain["Status"]}


def main():
    api = "http://" + os.environ["AWS_LAMBDA_RUNTIME_API"] + "/2018-06-01/runtime/invocation"
    while True:
        with urllib.request.urlopen(api + "/next") as response:
            request_id = response.headers["Lambda-Runtime-Aws-Request-Id"]
            event = json.loads(response.read())
        try:
            body, path = json.dumps(handler(event, None)).encode(), f"/{request_id}/response"
        except Exception as exc:  # reported as a function error, as the Lambda runtime does
            body, path = json.dumps({"errorType": type(exc).__name__, "errorMessage": str(exc)}).encode(), f"/{request_id}/error"
        urllib.request.urlopen(urllib.request.Request(api + path, data=body, method="POST")).read()


if __name__ == "__main__":
    main()
