"""The local Lambda: invocations reach a function's instances through the Runtime API, answers and
errors come back as Lambda gives them, and an instance that dies fails its invocation once."""

import json
import os
import stat
import sys
import tempfile
import threading
import unittest

import lambda_pool

# A function speaking the Runtime API: it echoes its event, answers an error for {"fail": ...},
# exits holding the invocation for {"exit": ...}, and exits at once when INIT_FAILS is set.
FUNCTION = r'''#!/usr/bin/env python3
import json, os, sys, urllib.request
api = "http://" + os.environ["AWS_LAMBDA_RUNTIME_API"] + "/2018-06-01/runtime"
if os.environ.get("INIT_FAILS"):
    sys.exit(3)
while True:
    with urllib.request.urlopen(api + "/invocation/next") as answer:
        request_id = answer.headers["Lambda-Runtime-Aws-Request-Id"]
        event = json.loads(answer.read() or b"null")
    if isinstance(event, dict) and "exit" in event:
        sys.exit(1)
    if isinstance(event, dict) and "fail" in event:
        body, kind = {"errorType": event["fail"], "errorMessage": "asked to fail"}, "error"
    else:
        body, kind = {"echo": event, "function": os.environ["AWS_LAMBDA_FUNCTION_NAME"]}, "response"
    post = urllib.request.Request(f"{api}/invocation/{request_id}/{kind}", data=json.dumps(body).encode(), method="POST")
    urllib.request.urlopen(post).read()
'''


class LambdaPoolTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp()
        for name in ("echo", "broken"):
            path = os.path.join(self.dir, name)
            with open(path, "w") as f:
                f.write(FUNCTION.replace("#!/usr/bin/env python3", "#!" + sys.executable))
            os.chmod(path, os.stat(path).st_mode | stat.S_IEXEC)
        env = {"PATH": os.environ.get("PATH", "")}
        self.pool = lambda_pool.Pool(self.dir, env, os.path.join(self.dir, "functions.log"), "us-east-1", "123456789012", max_instances=2, timeout_seconds=30)

    def tearDown(self):
        for function in self.pool.functions.values():
            for instance in list(function.instances):
                instance.process.kill()

    def invoke(self, name, event):
        error, body = self.pool.invoke(name, json.dumps(event).encode())
        return error, json.loads(body)

    def test_an_answer_comes_back_from_the_functions_binary(self):
        self.assertTrue(self.pool.exists("echo"))
        self.assertFalse(self.pool.exists("missing"))
        self.assertEqual(self.invoke("echo", {"n": 1}), (False, {"echo": {"n": 1}, "function": "echo"}))

    def test_a_handler_error_is_lambdas_unhandled_error(self):
        self.assertEqual(self.invoke("echo", {"fail": "AwsThrottled"}), (True, {"errorType": "AwsThrottled", "errorMessage": "asked to fail"}))

    def test_concurrent_invocations_start_at_most_the_instances_allowed_and_each_is_answered_once(self):
        answers = []
        threads = [threading.Thread(target=lambda i=i: answers.append(self.invoke("echo", {"n": i}))) for i in range(6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        self.assertEqual(sorted(a[1]["echo"]["n"] for a in answers), list(range(6)))
        self.assertLessEqual(len(self.pool.functions["echo"].instances), 2)

    def test_an_instance_that_exits_fails_only_the_invocation_it_held(self):
        error, body = self.invoke("echo", {"exit": True})
        self.assertTrue(error)
        self.assertEqual(body["errorType"], "Runtime.ExitError")
        self.assertEqual(self.invoke("echo", {"n": 2}), (False, {"echo": {"n": 2}, "function": "echo"}))

    def test_a_function_whose_init_fails_fails_the_invocation_instead_of_starting_again(self):
        self.pool.env = dict(self.pool.env, INIT_FAILS="1")
        error, body = self.invoke("broken", {"n": 1})
        self.assertTrue(error)
        self.assertEqual(body["errorType"], "Runtime.ExitError")


if __name__ == "__main__":
    unittest.main()
