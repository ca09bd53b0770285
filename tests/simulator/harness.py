"""Start and stop the Dokploy simulator from tests.

    from tests.simulator.harness import Simulator

    with Simulator() as sim:
        sim.start("secret-key")
        ...  # talk to sim.base_url (no "/api") with header x-api-key
        assert len(sim.writes()) == 1

`start()` launches `dokploy_sim.py` with the current interpreter on a free
port and reads its base URL from the first line it prints. With
`request_log=True` the simulator appends one JSON line per API request
({"method", "procedure", "status"}) to `sim.request_log`; `requests()` and
`writes()` read it back while the simulator runs. With `log_headers=True`
the log also holds each request's header names with a digest of each value
(never the value): `header_names()` lists the names, `sent_header(name,
value)` says which requests carried that header with that value.
"""

import base64
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

SIMULATOR = Path(__file__).resolve().parent / "dokploy_sim.py"


class Simulator:
    def __init__(self):
        self.process = None
        self.base_url = None
        self.api_key = None
        self.second_org_key = None
        self.request_log = None
        self.stderr_path = None
        self._tmpdir = None

    def start(self, api_key, second_org_key=None, extra_args=(), request_log=True, timeout=15, log_headers=False):
        """Start the simulator; returns self. `extra_args` go to the command line as they are."""
        if self.process is not None:
            raise RuntimeError("simulator already started")
        self._tmpdir = tempfile.TemporaryDirectory(prefix="dokploy-sim-")
        command = [sys.executable, str(SIMULATOR), "--host", "127.0.0.1", "--port", "0",
                   "--api-key", api_key]
        if second_org_key:
            command += ["--second-org-key", second_org_key]
        if request_log:
            self.request_log = os.path.join(self._tmpdir.name, "requests.jsonl")
            Path(self.request_log).touch()
            command += ["--request-log", self.request_log]
            if log_headers:
                command.append("--log-headers")
        command += [str(arg) for arg in extra_args]
        # stderr goes to a file: an unread pipe could fill up and block the simulator.
        self.stderr_path = os.path.join(self._tmpdir.name, "stderr.txt")
        with open(self.stderr_path, "w") as stderr:
            self.process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=stderr, text=True)
        self.api_key, self.second_org_key = api_key, second_org_key
        self.base_url = self._read_first_line(timeout)
        return self

    def _read_first_line(self, timeout):
        # Read in a thread so that a simulator that never prints cannot hang the test run.
        result = {}
        reader = threading.Thread(target=lambda: result.update(line=self.process.stdout.readline()),
                                  daemon=True)
        reader.start()
        reader.join(timeout)
        line = result.get("line", "").strip()
        if not line.startswith("http"):
            self.stop()
            raise RuntimeError(f"simulator did not start (first line {line!r})")
        return line

    def stderr(self):
        """What the simulator wrote to stderr so far (tracebacks, if any)."""
        try:
            return Path(self.stderr_path).read_text()
        except (OSError, TypeError):
            return ""

    def requests(self):
        """Every API request the simulator logged so far, oldest first: {"method", "procedure", "status"}."""
        return [dict((k, v) for k, v in entry.items() if k != "headers") for entry in self._log()]

    def header_names(self):
        """The header names (lower case) of every logged request, oldest first."""
        return [sorted(entry.get("headers", {})) for entry in self._log()]

    def sent_header(self, name, value):
        """For every logged request, oldest first, whether it carried the header ``name`` with ``value``."""
        digest = hashlib.sha256(value.encode("utf-8", "surrogateescape")).hexdigest()
        return [entry.get("headers", {}).get(name.lower()) == digest for entry in self._log()]

    def _log(self):
        if not self.request_log:
            return []
        with open(self.request_log, encoding="utf-8") as handle:
            return [json.loads(line) for line in handle if line.strip()]

    def writes(self):
        """The logged POST requests (mutations)."""
        return [entry for entry in self.requests() if entry["method"] == "POST"]

    def reset_log(self):
        """Forget the requests logged so far."""
        if self.request_log:
            # Truncate in place: the simulator keeps its append handle open.
            with open(self.request_log, "r+", encoding="utf-8") as handle:
                handle.truncate(0)

    def stop(self, timeout=10):
        """Stop the simulator (SIGTERM, it saves its state), then clean up."""
        if self.process is not None:
            if self.process.poll() is None:
                self.process.terminate()
                try:
                    self.process.wait(timeout)
                except subprocess.TimeoutExpired:
                    self.process.kill()
                    self.process.wait()
            self.process.stdout.close()
            self.process = None
        if self._tmpdir is not None:
            self._tmpdir.cleanup()
            self._tmpdir = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()
        return False


class LoopbackRegistry:
    """A plain-HTTP registry on a free loopback port that accepts one user (Basic auth on /v2/)."""

    def __init__(self, username, password):
        expected = "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                accepted = self.path == "/v2/" and self.headers.get("Authorization") == expected
                self.send_response(200 if accepted else 401)
                if not accepted:
                    self.send_header("WWW-Authenticate", 'Basic realm="registry"')
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"{}")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.address = f"127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self):
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def closed_loopback_port():
    """A loopback address where nothing listens (bound then released)."""
    with ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler) as server:
        return f"127.0.0.1:{server.server_address[1]}"
