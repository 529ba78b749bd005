"""Lambda, locally: each function is its built binary, run under a Lambda Runtime API served here.

An invocation waits in its function's queue; an instance of that function takes it with
`GET /2018-06-01/runtime/invocation/next` and answers with `.../{id}/response` or `.../{id}/error`,
as in Lambda. A new instance starts (the binary itself: no build, no `cargo run`) only when an
invocation is queued and every instance is busy, up to `max_instances` per function; instances stay
warm afterwards. Each instance has a Runtime API port of its own, so that an instance that exits
while holding an invocation fails exactly that invocation (`Runtime.ExitError`).
"""

import json
import os
import queue
import subprocess
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

RUNTIME = "/2018-06-01/runtime"


class Invocation:
    def __init__(self, payload):
        self.id = str(uuid.uuid4())
        self.payload = payload
        self.done = threading.Event()
        self.answer = None  # (error: bool, body: bytes)

    def finish(self, error, body):
        if not self.done.is_set():
            self.answer = (error, body)
            self.done.set()


class Instance:
    def __init__(self, function):
        self.function = function
        self.process = None
        self.server = None
        self.started = False  # asked for its first invocation: its init is over
        self.waiting = False  # in `invocation/next`
        self.dead = False
        self.current = None


class RuntimeApi(BaseHTTPRequestHandler):
    """The Runtime API of one instance (`self.server.instance`)."""

    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def reply(self, status, body=b"", headers=None):
        self.send_response(status)
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        if self.path != f"{RUNTIME}/invocation/next":
            return self.reply(404, b'{"errorType":"NotFound"}')
        instance = self.server.instance
        function = instance.function
        invocation = function.next_for(instance)
        if invocation is None:
            self.close_connection = True
            return
        deadline = int((time.time() + function.pool.timeout_seconds) * 1000)
        headers = {
            "Lambda-Runtime-Aws-Request-Id": invocation.id,
            "Lambda-Runtime-Deadline-Ms": str(deadline),
            "Lambda-Runtime-Invoked-Function-Arn": function.arn,
            "Lambda-Runtime-Trace-Id": f"Root=1-{int(time.time()):08x}-{uuid.uuid4().hex[:24]};Sampled=0",
        }
        try:
            self.reply(200, invocation.payload, headers)
        except OSError:
            function.give_back(instance, invocation)

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        instance = self.server.instance
        parts = self.path[len(RUNTIME):].strip("/").split("/")
        if parts[:2] == ["init", "error"]:
            print(f"{instance.function.name}: init failed: {body.decode('utf-8', 'replace')}", file=sys.stderr, flush=True)
            return self.reply(202, b'{"status":"OK"}')
        if len(parts) == 3 and parts[0] == "invocation" and parts[2] in ("response", "error"):
            instance.function.answered(instance, parts[1], parts[2] == "error", body)
            return self.reply(202, b'{"status":"OK"}')
        return self.reply(404, b'{"errorType":"NotFound"}')


class Function:
    def __init__(self, pool, name):
        self.pool = pool
        self.name = name
        self.arn = f"arn:aws:lambda:{pool.region}:{pool.account}:function:{name}"
        self.lock = threading.Lock()
        self.queue = queue.Queue()
        self.instances = []
        self.idle = 0  # instances waiting for an invocation
        self.starting = 0  # instances started that have not asked for one yet
        self.pending = {}

    def invoke(self, payload, timeout):
        invocation = Invocation(payload)
        with self.lock:
            self.pending[invocation.id] = invocation
            self.queue.put(invocation)
            self.scale()
        if not invocation.done.wait(timeout):
            with self.lock:
                self.pending.pop(invocation.id, None)
            return True, json.dumps({"errorType": "Sandbox.Timedout", "errorMessage": f"Task timed out after {timeout:.2f} seconds"}).encode()
        return invocation.answer

    def scale(self):
        """Starts an instance when queued invocations outnumber the instances free to take them
        (the caller holds the lock)."""
        if self.queue.qsize() > self.idle + self.starting and len(self.instances) < self.pool.max_instances:
            self.start_instance()

    def start_instance(self):
        instance = Instance(self)
        server = ThreadingHTTPServer(("127.0.0.1", 0), RuntimeApi)
        server.daemon_threads = True
        server.instance = instance
        instance.server = server
        threading.Thread(target=server.serve_forever, daemon=True).start()
        env = dict(self.pool.env)
        env.update({
            "AWS_LAMBDA_FUNCTION_NAME": self.name,
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "256",
            "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
            "AWS_LAMBDA_LOG_GROUP_NAME": f"/aws/lambda/{self.name}",
            "AWS_LAMBDA_LOG_STREAM_NAME": f"local/{uuid.uuid4().hex[:12]}",
            "AWS_LAMBDA_RUNTIME_API": f"127.0.0.1:{server.server_address[1]}",
        })
        binary = os.path.join(self.pool.binaries, self.name)
        instance.process = subprocess.Popen([binary], env=env, stdin=subprocess.DEVNULL, stdout=self.pool.log, stderr=self.pool.log)
        self.instances.append(instance)
        self.starting += 1
        threading.Thread(target=self.watch, args=(instance,), daemon=True).start()

    def next_for(self, instance):
        """The next invocation for `instance` (blocks); None once the instance has exited."""
        with self.lock:
            if instance.dead:
                return None
            if not instance.started:
                instance.started = True
                self.starting -= 1
            instance.waiting = True
            self.idle += 1
        invocation = self.queue.get()
        with self.lock:
            if instance.dead:
                # Its process exited while this request waited: the invocation is another's.
                self.queue.put(invocation)
                self.scale()
                return None
            instance.waiting = False
            self.idle -= 1
            instance.current = invocation
        return invocation

    def give_back(self, instance, invocation):
        with self.lock:
            if instance.current is invocation:
                instance.current = None
            self.queue.put(invocation)
            self.scale()

    def answered(self, instance, request_id, error, body):
        with self.lock:
            invocation = self.pending.pop(request_id, None)
            if instance.current is not None and instance.current.id == request_id:
                instance.current = None
        if invocation:
            invocation.finish(error, body)

    def watch(self, instance):
        code = instance.process.wait()
        with self.lock:
            instance.dead = True
            if instance.waiting:
                instance.waiting = False
                self.idle -= 1
            held, instance.current = instance.current, None
            if not instance.started:
                self.starting -= 1
                # It never asked for an invocation (its init failed): as Lambda does, the
                # invocation that started it fails, rather than another instance starting for it.
                try:
                    held = self.queue.get_nowait()
                except queue.Empty:
                    held = None
            self.instances.remove(instance)
            if held:
                self.pending.pop(held.id, None)
            self.scale()
        instance.server.shutdown()
        instance.server.server_close()
        if held:
            held.finish(True, json.dumps({"errorType": "Runtime.ExitError", "errorMessage": f"RequestId: {held.id} Error: Runtime exited with error: exit status {code}"}).encode())


class Pool:
    """The functions under `binaries` (one executable per function name), each started with
    `env` plus what Lambda sets for a function."""

    def __init__(self, binaries, env, log_path, region, account, max_instances=8, timeout_seconds=900):
        self.binaries = binaries
        self.env = env
        self.log = open(log_path, "ab", buffering=0)
        self.region = region
        self.account = account
        self.max_instances = max_instances
        self.timeout_seconds = timeout_seconds
        self.functions = {}
        self.lock = threading.Lock()

    def exists(self, name):
        return "/" not in name and os.access(os.path.join(self.binaries, name), os.X_OK)

    def invoke(self, name, payload):
        """(error, body): `error` when the function answered an error (Lambda's `Unhandled`)."""
        with self.lock:
            function = self.functions.get(name)
            if function is None:
                function = self.functions[name] = Function(self, name)
        return function.invoke(payload, self.timeout_seconds)
