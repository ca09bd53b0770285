"""The shared client: URL handling, headers, error mapping, retries, secrets."""

import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from ansible_collections.community.dokploy.plugins.module_utils._client import (
    UNAUTHORIZED_HINT,
    DokployClient,
    DokployError,
    normalize_base_url,
)

KEY = "unit-secret-key-7Yx2"


class ScriptedServer:
    """A local HTTP server answering from a script of (status, body) and recording requests."""

    def __init__(self):
        self.script = []
        self.requests = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode() if length else ""
                server.requests.append({
                    "method": self.command, "path": self.path, "body": body,
                    "headers": dict(self.headers),
                })
                status, payload = server.script.pop(0) if server.script else (200, "null")
                if status == "reset":
                    # Close without answering, as a proxy dropping the connection does.
                    self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
                    self.connection.close()
                    return
                data = payload if isinstance(payload, str) else json.dumps(payload)
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data.encode())))
                self.end_headers()
                self.wfile.write(data.encode())

            do_GET = do_POST = _answer

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = "http://127.0.0.1:%d" % self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server():
    scripted = ScriptedServer()
    yield scripted
    scripted.close()


def client_for(server, **kwargs):
    kwargs.setdefault("backoff_factor", 0)
    return DokployClient(server.url, KEY, **kwargs)


@pytest.mark.parametrize("given", [
    "https://dokploy.example.com",
    "https://dokploy.example.com/",
    "https://dokploy.example.com/api",
    "https://dokploy.example.com/api/",
    " https://dokploy.example.com// ",
])
def test_base_url_with_or_without_api_and_slash(given):
    assert normalize_base_url(given) == "https://dokploy.example.com/api"


def test_base_url_keeps_a_path_prefix():
    assert normalize_base_url("https://example.com/dokploy/") == "https://example.com/dokploy/api"


@pytest.mark.parametrize("bad", ["", None, "dokploy.example.com", "ftp://example.com"])
def test_bad_base_url_names_the_option(bad):
    with pytest.raises(DokployError, match="^option api_url: "):
        normalize_base_url(bad)


def test_query_is_get_with_parameters_and_key_header(server):
    server.script = [(200, {"projectId": "p1"})]
    answer = client_for(server).query("project.one", projectId="p1", skipped=None, flag=True)
    assert answer == {"projectId": "p1"}
    request = server.requests[0]
    assert request["method"] == "GET"
    assert request["path"] in ("/api/project.one?projectId=p1&flag=true", "/api/project.one?flag=true&projectId=p1")
    assert request["headers"]["x-api-key"] == KEY
    assert "Authorization" not in request["headers"]


def test_mutation_is_post_with_json_body(server):
    server.script = [(200, "")]
    client = client_for(server)
    assert client.mutate("project.update", {"projectId": "p1", "description": None}) is None
    request = server.requests[0]
    assert request["method"] == "POST" and request["path"] == "/api/project.update"
    assert json.loads(request["body"]) == {"projectId": "p1", "description": None}
    assert client.writes == ["project.update"]


def test_one_session_for_all_requests(server):
    client = client_for(server)
    session = client.session
    client.query("project.all")
    client.mutate("project.create", {"name": "x"})
    assert client.session is session and len(server.requests) == 2


def test_401_explains_the_causes_in_one_line_without_the_key(server):
    server.script = [(401, {"message": "Unauthorized"})]
    with pytest.raises(DokployError) as caught:
        client_for(server).query("project.all")
    error = caught.value
    assert error.status == 401
    assert UNAUTHORIZED_HINT in str(error)
    assert "\n" not in str(error) and KEY not in str(error)


def test_401_of_another_organization_keeps_dokploys_message(server):
    server.script = [(401, {"message": "You are not authorized to access this project", "code": "UNAUTHORIZED",
                            "data": {"code": "UNAUTHORIZED", "httpStatus": 401, "path": "project.one",
                                     "zodError": None}})]
    with pytest.raises(DokployError) as caught:
        client_for(server).query("project.one", projectId="p")
    assert "You are not authorized to access this project" in str(caught.value)
    assert UNAUTHORIZED_HINT in str(caught.value)
    assert caught.value.code == "UNAUTHORIZED"


def test_400_carries_zod_field_errors_mapped_to_option_names(server):
    server.script = [(400, {
        "message": "Input validation failed", "code": "BAD_REQUEST",
        "data": {"code": "BAD_REQUEST", "httpStatus": 400, "path": "application.saveDockerProvider",
                 "zodError": {"formErrors": [], "fieldErrors": {
                     "dockerImage": ["Invalid input: expected string, received number"]}}},
    })]
    with pytest.raises(DokployError) as caught:
        client_for(server).mutate("application.saveDockerProvider", {"dockerImage": 1})
    error = caught.value
    assert error.status == 400 and error.code == "BAD_REQUEST"
    assert error.field_errors == {"dockerImage": ["Invalid input: expected string, received number"]}
    renamed = error.with_option_names({"dockerImage": "docker_image"})
    assert str(renamed) == "option docker_image: Invalid input: expected string, received number"
    assert renamed.to_result()["field_errors"] == {"docker_image": ["Invalid input: expected string, received number"]}


def test_text_error_body(server):
    server.script = [(400, "Invalid JSON")]
    with pytest.raises(DokployError, match="Invalid JSON") as caught:
        client_for(server).mutate("project.create", {})
    assert caught.value.status == 400


def test_not_found_has_status_code_and_message(server):
    server.script = [(404, {"message": "Project not found", "code": "NOT_FOUND",
                            "data": {"code": "NOT_FOUND", "httpStatus": 404, "zodError": None}})]
    with pytest.raises(DokployError) as caught:
        client_for(server).query("project.one", projectId="nope")
    assert (caught.value.status, caught.value.code) == (404, "NOT_FOUND")
    assert str(caught.value) == "project.one: HTTP 404 NOT_FOUND: Project not found"


def test_a_key_echoed_by_the_server_is_masked(server):
    server.script = [(500, {"message": "bad key %s" % KEY})]
    with pytest.raises(DokployError) as caught:
        client_for(server).query("project.all")
    assert KEY not in str(caught.value) and "********" in str(caught.value)


@pytest.mark.parametrize("status", [429, 502, 503, 504])
def test_get_is_retried_on_transient_statuses(server, status):
    server.script = [(status, {"message": "busy"}), (status, {"message": "busy"}), (200, [])]
    assert client_for(server).query("project.all") == []
    assert len(server.requests) == 3


def test_get_retries_are_bounded(server):
    server.script = [(503, {"message": "busy"})] * 10
    with pytest.raises(DokployError) as caught:
        client_for(server, retries=2).query("project.all")
    assert caught.value.status == 503
    assert len(server.requests) == 3


def test_get_is_retried_after_a_connection_reset(server):
    server.script = [("reset", None), (200, [])]
    assert client_for(server).query("project.all") == []
    assert len(server.requests) == 2


@pytest.mark.parametrize("first", [(503, {"message": "busy"}), ("reset", None)])
def test_post_is_never_retried(server, first):
    server.script = [first, (200, True)]
    with pytest.raises(DokployError):
        client_for(server).mutate("project.create", {"name": "x"})
    assert len(server.requests) == 1


def test_post_is_not_retried_when_nothing_listens():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    client = DokployClient("http://127.0.0.1:%d" % port, KEY, backoff_factor=0)
    with pytest.raises(DokployError, match="cannot reach|kept failing") as caught:
        client.mutate("project.create", {"name": "x"})
    assert KEY not in str(caught.value)
    assert client.calls == [("POST", "project.create")]


def test_timeout_names_the_option():
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)  # accepts the connection but never answers
    try:
        client = DokployClient("http://127.0.0.1:%d" % listener.getsockname()[1], KEY, timeout=1, retries=0)
        with pytest.raises(DokployError, match=r"within 1 seconds \(option timeout\)"):
            client.query("project.all")
    finally:
        listener.close()


def test_tls_is_verified_by_default_and_ca_path_is_used():
    assert DokployClient("https://x.example", KEY).session.verify is True
    assert DokployClient("https://x.example", KEY, ca_path="/etc/ca.pem").session.verify == "/etc/ca.pem"
    assert DokployClient("https://x.example", KEY, validate_certs=False, ca_path="/etc/ca.pem").session.verify is False


def test_missing_key_names_the_option():
    with pytest.raises(DokployError, match="^option api_key: "):
        DokployClient("https://x.example", "")
