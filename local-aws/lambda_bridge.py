"""Lambda Invoke: synchronous and asynchronous invocations of the function binaries
(lambda_pool.py), with the retries and the on-failure destination of asynchronous ones."""

import copy
import http.client
import json
import sys
import threading
import time
import uuid

from protocol import INVOKE_PATH, aws_error
from state import ACCOUNT, STATE


# The functions, run from their built binaries (set by the router's main).
FUNCTIONS = None


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



class LambdaBridge:
    """Lambda's Invoke API, as methods of the router's request handler."""

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
