#!/usr/bin/env python3
"""The local AWS endpoint: one port in front of moto server and the functions (see README.md here).

Each request is refused as AWS would refuse it (checks.py), served by a simulation of what moto
lacks (sagemaker_sim.py, identity_center_sim.py, ses_sim.py, lambda_bridge.py), or forwarded to
moto unchanged; control endpoints (control.py) set faults and quotas and answer the tests' reads.
"""

import argparse
import http.client
import json
import socket
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import checks
import lambda_bridge
import lambda_pool
from checks import Checks
from control import ControlEndpoints
from faults import take_fault
from identity_center_sim import IdentityCenterSimulation
from lambda_bridge import LambdaBridge
from protocol import aws_error, json_response, operation_of, service_of
from real_formats import domain_ids_for_callers, domain_ids_for_moto, store_ids_for_callers, store_ids_for_moto, studio_urls
from sagemaker_sim import SageMakerSimulation
from ses_sim import SesSimulation, keep_email
from state import ACCOUNT, LOCK, POLICIES, RECORDED, STATE


class Router(Checks, LambdaBridge, SageMakerSimulation, IdentityCenterSimulation, SesSimulation, ControlEndpoints, BaseHTTPRequestHandler):
    """One request: refused as AWS would refuse it, served by a simulation, or forwarded to moto."""

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
    with open(args.function_env) as f:
        lambda_bridge.FUNCTIONS = lambda_pool.Pool(args.functions, json.load(f), args.function_log, args.region, ACCOUNT, max_instances=args.concurrency)
    if args.policies:
        with open(args.policies) as f:
            POLICIES.update(json.load(f))
        checks.AUTHORIZER = checks.Authorizer()
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
