"""A real Dokploy as the integration tests' target, with the interface of the simulator harness.

``tests/conftest.py`` uses :class:`RemoteDokploy` instead of starting the bundled simulator when
``DOKPLOY_TEST_URL`` and ``DOKPLOY_TEST_API_KEY`` are set (see tests/README.md).

The tests count the requests a module run sends (``sim.requests()``, ``sim.writes()``). The simulator
logs them itself; a real server does not. So the tests talk to the real server through a small
recording reverse proxy on 127.0.0.1: ``base_url`` is the proxy's address, every request to
``/api/<procedure>`` is forwarded unchanged (method, query, body, the ``x-api-key`` header) to the
server, and ``{"method", "procedure", "status"}`` is logged before the answer goes back, exactly as
the simulator's ``--request-log`` does. The modules need no change and no test-only switch, and
every request counts: the module's, a playbook's, a lookup's, the test's own setup calls.

The proxy also remembers the projects created through it (``project.create`` answers their id) and
removes them when the session ends, with the key that created them (``DOKPLOY_TEST_KEEP=1`` keeps
them). API keys stay in memory: nothing is logged but method, procedure and status.
"""

import json
import os
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import requests

# Headers that belong to one connection, not to the request or answer (RFC 9110, 7.6.1), plus the ones
# the proxy sets itself: the body it forwards is already decoded and re-counted.
HOP_BY_HOP = frozenset(("connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailer",
                        "transfer-encoding", "upgrade", "host", "content-length", "content-encoding"))
UPSTREAM_TIMEOUT = 300
TRUE = ("1", "true", "yes", "on")


def upstream_root(url):
    """``https://host[/prefix]`` from what a user types (with or without ``/api`` and a trailing slash)."""
    root = url.strip().rstrip("/")
    if root.endswith("/api"):
        root = root[:-len("/api")]
    if urlsplit(root).scheme not in ("http", "https"):
        raise ValueError("DOKPLOY_TEST_URL %r is not an http(s) URL" % url)
    return root


class RemoteDokploy:
    """A Dokploy server given by URL and key, reached through a recording proxy; see the module's docstring."""

    def __init__(self, url, api_key, second_org_key=None, validate_certs=True, ca_path=None, keep=False):
        self.upstream = upstream_root(url)
        self.api_key = api_key
        self.second_org_key = second_org_key or None
        self.verify = (ca_path or True) if validate_certs else False
        self.keep = keep
        self.base_url = None
        self.created_projects = []  # (projectId, the key that created it)
        self.cleanup_errors = []
        self._log = []
        self._lock = threading.Lock()
        self._local = threading.local()
        self._server = None

    @classmethod
    def from_environment(cls, environ=None):
        environ = os.environ if environ is None else environ
        return cls(environ["DOKPLOY_TEST_URL"], environ["DOKPLOY_TEST_API_KEY"],
                   second_org_key=environ.get("DOKPLOY_TEST_SECOND_ORG_KEY"),
                   validate_certs=environ.get("DOKPLOY_TEST_VALIDATE_CERTS", "true").lower() in TRUE,
                   ca_path=environ.get("DOKPLOY_TEST_CA_PATH") or None,
                   keep=environ.get("DOKPLOY_TEST_KEEP", "").lower() in TRUE)

    # -- the harness interface ------------------------------------------------

    def start(self):
        if self._server is not None:
            raise RuntimeError("proxy already started")
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, name="dokploy-test-proxy", daemon=True).start()
        self.base_url = "http://127.0.0.1:%d" % self._server.server_address[1]
        return self

    def requests(self):
        """Every API request sent through the proxy since the last reset, oldest first."""
        with self._lock:
            return list(self._log)

    def writes(self):
        return [entry for entry in self.requests() if entry["method"] == "POST"]

    def reset_log(self):
        with self._lock:
            del self._log[:]

    def stderr(self):
        return "\n".join(self.cleanup_errors)

    def stop(self):
        """Stop the proxy, then remove the projects created through it (unless ``keep``)."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if not self.keep:
            self.cleanup()

    def cleanup(self):
        """Remove every project created through the proxy that still exists; returns the ids removed."""
        # Imported here: the conftest imports this module before pytest-ansible makes the collection importable.
        from ansible_collections.community.dokploy.plugins.module_utils._client import DokployClient, DokployError

        removed = []
        for project_id, key in reversed(self.created_projects):
            client = DokployClient(self.upstream, key, validate_certs=bool(self.verify),
                                   ca_path=self.verify if isinstance(self.verify, str) else None)
            try:
                client.mutate("project.remove", {"projectId": project_id})
                removed.append(project_id)
            except DokployError as exc:
                if exc.code != "NOT_FOUND" and exc.status != 404:  # a test removed it already
                    self.cleanup_errors.append("project %s: %s" % (project_id, exc))
        self.created_projects = []
        return removed

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()
        return False

    # -- the proxy -------------------------------------------------------------

    def _session(self):
        session = getattr(self._local, "session", None)
        if session is None:
            session = self._local.session = requests.Session()
            session.trust_env = False  # no HTTP(S)_PROXY or CA bundle of the environment: verify is ours
        return session

    def _forward(self, method, path, headers, body):
        """(status, headers, body) of the server's answer; 502 when it could not be reached."""
        try:
            answer = self._session().request(method, self.upstream + path, headers=headers, data=body,
                                             allow_redirects=False, verify=self.verify, timeout=UPSTREAM_TIMEOUT)
        except requests.RequestException as exc:
            text = ("test proxy: %s%s could not be reached: %s" % (self.upstream, urlsplit(path).path,
                                                                   type(exc).__name__)).encode()
            return 502, {"Content-Type": "text/plain"}, text
        kept = dict((k, v) for k, v in answer.headers.items() if k.lower() not in HOP_BY_HOP)
        return answer.status_code, kept, answer.content

    def _record(self, method, path, status, request_headers, answer):
        url_path = urlsplit(path).path
        if not url_path.startswith("/api/"):
            return
        procedure = url_path[len("/api/"):]
        if method == "POST" and procedure == "project.create" and status == 200:
            try:
                project_id = json.loads(answer)["project"]["projectId"]
            except (ValueError, KeyError, TypeError):
                project_id = None
            if project_id:
                self.created_projects.append((project_id, request_headers.get("x-api-key") or self.api_key))
        with self._lock:
            self._log.append({"method": method, "procedure": procedure, "status": status})

    def _handler_class(self):
        remote = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def handle_any(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                headers = dict((k, v) for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP)
                status, answer_headers, answer = remote._forward(self.command, self.path, headers, body)
                # Logged before answering: when the module has its answer, the test sees the request.
                remote._record(self.command, self.path, status, dict((k.lower(), v) for k, v in headers.items()),
                               answer)
                self.send_response_only(status)
                for name, value in answer_headers.items():
                    if name.lower() not in ("date", "server"):
                        self.send_header(name, value)
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(answer)

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = handle_any

            def log_message(self, *args):
                pass

        return Handler
