"""A Dokploy v0.30.x API simulator for tests (standard library only).

It speaks Dokploy's plain API (`/api/<router>.<procedure>`, queries as GET
with query parameters, mutations as POST with a JSON body, `x-api-key`
auth) and answers with the shapes, status codes and error bodies recorded
from a real Dokploy v0.30.2 (tests/contract/transcripts). Request inputs are
validated against the real server's OpenAPI document (openapi.json, a copy
of the server's own) with zod's error bodies.

Usage:
    python tests/simulator/dokploy_sim.py --port 0 --api-key KEY
The first line on stdout is the base URL (no `/api`); it serves until
SIGTERM/SIGINT.

Making deployments fail (there is no admin procedure, so nothing can clash
with a real one):
  * `--fail-deploys`: behave like a Dokploy host without a Docker daemon,
    which is how the transcripts were recorded: application/compose
    deployments end in `error` with the recorded log, database deploys,
    `start`, `reload`, `saveExternalPort` and `changePassword` answer the
    recorded 500s.
  * marker: a service whose env blob holds the line `SIMULATOR_DEPLOY_FAIL=1`
    fails its deployments (same log / 500 as above); other services of the
    same server deploy normally.

Other behaviour worth knowing:
  * deployments are `running` for `--deploy-seconds` (default 1), then
    `done` (or `error`); with 0 they finish before the deploy call answers.
  * `--fault-rate R` makes that share of API requests answer 502 or 503,
    reset the connection or stall for `--stall-seconds` (default 30) and then
    close it. Half of the fault kinds strike after a write was applied
    (the write persists), the others before (nothing is applied).
  * `--latency S` delays every API request by S seconds (half before it is
    applied, half before it is answered), so that races between clients show.
  * `--request-log FILE` appends {"method", "procedure", "status"} per API
    request (status 0 when the connection was reset or stalled). With
    `--log-headers`, also "headers": each request header's name (lower case)
    mapped to the SHA-256 of its value, so that a test can check a header's
    value without the log holding it.
  * `--state FILE` loads the state at start if the file exists and saves it
    after every applied write and at exit.
  * environments are listed in "database row order" as the real server does:
    a shuffle seeded by `--order-seed N` (default: random per process).
  * `--dokploy-version V` (default the newest modelled) switches the answers
    that changed between releases; see routers/databases.py and compose.py.
"""

import argparse
import hashlib
import json
import random
import signal
import socket
import ssl
import struct
import sys
import threading
import time
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))
import routers  # noqa: E402
import zodlike  # noqa: E402
from simcore import HERE, NEWEST_VERSION, Api, ApiError, Context, Store, parse_version, server_error  # noqa: E402


def load_input_schemas():
    """procedure -> JSON schema of its input, from the server's OpenAPI document."""
    doc = json.loads((HERE / "openapi.json").read_text())
    schemas = {}
    for path, operations in doc["paths"].items():
        for method, op in operations.items():
            if "requestBody" in op:
                content = op["requestBody"]["content"]
                schema = content.get("application/json", {}).get("schema")
            else:
                params = op.get("parameters") or []
                schema = {"type": "object",
                          "properties": {p["name"]: p["schema"] for p in params},
                          "required": [p["name"] for p in params if p.get("required")]}
                if not params:
                    schema = None
            schemas[path.lstrip("/")] = schema
    return schemas


INPUT_SCHEMAS = load_input_schemas()
PROCEDURES, REFINEMENTS, NONOPTIONAL = routers.load()
for _procedure, _fields in NONOPTIONAL.items():
    for _field in _fields:
        INPUT_SCHEMAS[_procedure]["properties"][_field]["x-nonoptional"] = True


def refinement_issues(procedure, data):
    check = REFINEMENTS.get(procedure)
    return check(data) if check else []


# --------------------------------------------------------------------------
# HTTP
# --------------------------------------------------------------------------

NOT_FOUND_BODY = {"message": "Not found", "code": "NOT_FOUND",
                  "data": {"code": "NOT_FOUND", "httpStatus": 404, "zodError": None}}
FAULT_KINDS = (("502", "before"), ("503", "before"), ("reset", "before"), ("stall", "before"),
               ("502", "after"), ("reset", "after"), ("stall", "after"))


class Fault(Exception):
    def __init__(self, kind):
        super().__init__(kind)
        self.kind = kind


class Simulator:
    """Everything a request handler needs: keys, store, api, options."""

    def __init__(self, args):
        self.store = Store(args.state)
        self.api = Api(self.store, args.deploy_seconds, args.fail_deploys, args.dokploy_version,
                       order_seed=getattr(args, "order_seed", None))
        self.keys = {args.api_key: self.store.orgs[0]}
        if args.second_org_key:
            self.keys[args.second_org_key] = self.store.orgs[1]
        self.fault_rate = args.fault_rate
        self.faults = random.Random(args.fault_seed)
        self.fault_lock = threading.Lock()
        self.stall_seconds = args.stall_seconds
        self.latency = getattr(args, "latency", 0.0)
        self.log_file = open(args.request_log, "a", encoding="utf-8") if args.request_log else None
        self.log_headers = getattr(args, "log_headers", False)
        self.log_lock = threading.Lock()

    def log(self, method, procedure, status, headers=None):
        if self.log_file is None:
            return
        entry = {"method": method, "procedure": procedure, "status": status}
        if self.log_headers:
            entry["headers"] = dict((name.lower(), header_digest(value)) for name, value in (headers or {}).items())
        with self.log_lock:
            self.log_file.write(json.dumps(entry) + "\n")
            self.log_file.flush()

    def roll_fault(self):
        if self.fault_rate <= 0:
            return None
        with self.fault_lock:
            if self.faults.random() >= self.fault_rate:
                return None
            return self.faults.choice(FAULT_KINDS)

    def call(self, method, procedure, org, raw_query, body):
        """Route one API call; returns (status, content_type, payload_bytes)."""
        entry = PROCEDURES.get(procedure)
        if entry is None or entry[0] != method:
            return 404, "application/json", encode(NOT_FOUND_BODY)
        schema = INPUT_SCHEMAS.get(procedure)
        if method == "GET":
            params = dict(parse_qsl(raw_query, keep_blank_values=True))
            data = zodlike.coerce_query(schema or {}, params)
        else:
            try:
                data = json.loads(body) if body.strip() else zodlike.UNDEFINED
            except ValueError:
                return 400, None, b"Invalid JSON"
        if schema is not None:
            issues = zodlike.validate(schema, data) or refinement_issues(procedure, data)
            if issues:
                return 400, "application/json", encode(validation_error(procedure, issues))
            data = zodlike.apply_defaults(schema, data)
        if data is zodlike.UNDEFINED:
            data = {}
        ctx = Context(org)
        with self.store.lock:
            self.api.settle()
            try:
                result = entry[1](self.api, ctx, data)
            except ApiError as error:
                return error_response(procedure, error)
            except Exception as error:  # a simulator bug: answer like tRPC does, keep serving
                traceback.print_exc()
                return error_response(procedure, server_error(f"Simulator error: {error!r}"))
            payload = b"" if result is None else encode(result)
        if method == "POST":
            self.store.save()
        return 200, "application/json", payload


def header_digest(value):
    """What the request log keeps of a header's value (the value itself may be a credential)."""
    return hashlib.sha256(value.encode("utf-8", "surrogateescape")).hexdigest()


def encode(value):
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def validation_error(procedure, issues):
    return {"message": "Input validation failed", "code": "BAD_REQUEST",
            "data": {"code": "BAD_REQUEST", "httpStatus": 400, "path": procedure,
                     "zodError": zodlike.flatten(issues)},
            "issues": issues}


def error_response(procedure, error):
    status = ApiError.STATUS[error.code]
    body = {"message": error.message, "code": error.code,
            "data": {"code": error.code, "httpStatus": status, "path": procedure, "zodError": None}}
    return status, "application/json", encode(body)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "DokploySimulator"
    sim = None  # set by serve()

    def setup(self):
        super().setup()
        # Headers and body leave in separate writes; without TCP_NODELAY the
        # Nagle/delayed-ACK interplay adds ~40 ms to every keep-alive answer.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, *args):
        pass  # quiet: tests read the request log instead

    def do_GET(self):
        self.handle_api("GET")

    def do_POST(self):
        self.handle_api("POST")

    # No procedure uses these methods: after auth they answer the unknown-procedure 404.
    def do_PUT(self):
        self.handle_api("PUT")

    def do_PATCH(self):
        self.handle_api("PATCH")

    def do_DELETE(self):
        self.handle_api("DELETE")

    def handle_api(self, method):
        url = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode("utf-8", "replace") if length else ""
        if not url.path.startswith("/api/"):
            return self.answer(404, "text/plain", b"Not found")
        procedure = url.path[len("/api/"):]
        sim = self.sim
        fault = sim.roll_fault()
        if sim.latency:
            # Half on the way in, half on the way out, outside the state's lock: races get room as on a real network.
            time.sleep(sim.latency / 2)
        try:
            if fault and fault[1] == "before":
                raise Fault(fault[0])
            status, ctype, payload = self.dispatch(method, procedure, url.query, body)
            if sim.latency:
                time.sleep(sim.latency / 2)
            if fault:
                raise Fault(fault[0])
        except Fault as f:
            return self.fail(method, procedure, f.kind)
        sim.log(method, procedure, status, self.headers)
        self.answer(status, ctype, payload)

    def dispatch(self, method, procedure, query, body):
        org = self.sim.keys.get(self.headers.get("x-api-key") or "")
        if org is None:
            # Checked before routing, so unknown procedures answer 401 as well.
            return 401, "application/json; charset=utf-8", b'{"message":"Unauthorized"}'
        return self.sim.call(method, procedure, org, query, body)

    def fail(self, method, procedure, kind):
        if kind in ("502", "503"):
            self.sim.log(method, procedure, int(kind), self.headers)
            text = b"Bad Gateway" if kind == "502" else b"Service Unavailable"
            return self.answer(int(kind), "text/plain", text)
        self.sim.log(method, procedure, 0, self.headers)
        if kind == "stall":
            time.sleep(self.sim.stall_seconds)
        # An abortive close (SO_LINGER 0) makes the client see a connection reset.
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.close_connection = True

    def answer(self, status, ctype, payload):
        self.send_response(status)
        if ctype:
            self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)


def version_text(text):
    try:
        parse_version(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None
    return text


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", maxsplit=1)[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--api-key", required=True)
    parser.add_argument("--second-org-key")
    parser.add_argument("--state")
    parser.add_argument("--tls-cert")
    parser.add_argument("--tls-key")
    parser.add_argument("--deploy-seconds", type=float, default=1.0)
    parser.add_argument("--fail-deploys", action="store_true")
    parser.add_argument("--fault-rate", type=float, default=0.0)
    parser.add_argument("--fault-seed", type=int, default=None)
    parser.add_argument("--stall-seconds", type=float, default=30.0)
    parser.add_argument("--request-log")
    parser.add_argument("--log-headers", action="store_true",
                        help="log each request's header names, with a SHA-256 digest of each value")
    parser.add_argument("--latency", type=float, default=0.0)
    parser.add_argument("--dokploy-version", default=NEWEST_VERSION, type=version_text,
                        help=f"the release to answer as (default {NEWEST_VERSION}); see README")
    parser.add_argument("--order-seed", type=int, default=None,
                        help="seed of the environments' row order (default: random per process)")
    return parser.parse_args(argv)


def serve(args):
    sim = Simulator(args)
    handler = type("BoundHandler", (Handler,), {"sim": sim})
    server = ThreadingHTTPServer((args.host, args.port), handler)
    server.daemon_threads = True
    scheme = "http"
    if args.tls_cert:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(args.tls_cert, args.tls_key)
        server.socket = context.wrap_socket(server.socket, server_side=True)
        scheme = "https"

    def stop(*_signal_args):
        threading.Thread(target=server.shutdown, daemon=True).start()

    # Handlers first: a client may signal as soon as it has read the URL.
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    host, port = server.server_address[:2]
    print(f"{scheme}://{host}:{port}", flush=True)
    try:
        server.serve_forever(poll_interval=0.2)
    finally:
        server.server_close()
        sim.store.save()
        if sim.log_file:
            sim.log_file.close()


if __name__ == "__main__":
    serve(parse_args())
