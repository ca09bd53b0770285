"""The shared client: URL handling, headers, error mapping, retries, secrets."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from requests.adapters import HTTPAdapter

from ansible_collections.community.dokploy.plugins.module_utils._client import (
    UNAUTHORIZED_HINT,
    DokployClient,
    DokployError,
    WriteOutcomeUnknown,
    normalize_base_url,
    repeatable,
)
from ansible_collections.community.dokploy.plugins.module_utils._secrets import Secrets, mask, mask_url, shell_quoted

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
                if 300 <= status < 400:
                    self.send_header("Location", payload["location"])
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


@pytest.mark.parametrize("first", [(503, {"message": "busy"}), (502, "Bad Gateway"), ("reset", None)])
def test_a_create_whose_answer_is_lost_is_not_resent_and_says_it_may_have_landed(server, first):
    server.script = [first, (200, True)]
    with pytest.raises(WriteOutcomeUnknown) as caught:
        client_for(server).mutate("project.create", {"name": "x"})
    assert len(server.requests) == 1
    assert "may have been applied" in str(caught.value)


@pytest.mark.parametrize("procedure", ["application.deploy", "compose.redeploy", "postgres.saveExternalPort"])
def test_triggers_are_not_resent(server, procedure):
    server.script = [(502, "Bad Gateway"), (200, True)]
    with pytest.raises(WriteOutcomeUnknown):
        client_for(server).mutate(procedure, {})
    assert len(server.requests) == 1


@pytest.mark.parametrize("first", [(503, {"message": "busy"}), (504, "Gateway Timeout"), ("reset", None)])
@pytest.mark.parametrize("procedure", ["project.update", "application.saveEnvironment", "mounts.remove",
                                       "postgres.changePassword"])
def test_repeatable_writes_are_retried(server, first, procedure):
    server.script = [first, (200, True)]
    assert client_for(server).mutate(procedure, {"x": 1}) is True
    assert [r["path"] for r in server.requests] == ["/api/" + procedure] * 2


def test_write_retries_are_bounded_and_report_the_total(server):
    server.script = [(503, "busy")] * 10
    with pytest.raises(DokployError) as caught:
        client_for(server, retries=2).mutate("project.update", {"projectId": "p"})
    assert len(server.requests) == 3
    assert "3 attempts in" in str(caught.value)


def test_a_429_is_retried_even_for_a_create(server):
    server.script = [(429, {"message": "slow down"}), (200, {"project": {"projectId": "p"}})]
    assert client_for(server).mutate("project.create", {"name": "x"}) == {"project": {"projectId": "p"}}
    assert len(server.requests) == 2


def test_a_create_is_resent_when_nothing_listened():
    """Connection refused: the request never left, so even a create is safe to send again."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    client = DokployClient("http://127.0.0.1:%d" % port, KEY, backoff_factor=0, retries=2)
    with pytest.raises(DokployError, match="cannot reach") as caught:
        client.mutate("project.create", {"name": "x"})
    assert not isinstance(caught.value, WriteOutcomeUnknown)
    assert KEY not in str(caught.value)
    assert client.calls == [("POST", "project.create")] * 3


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


def test_tls_is_verified_by_default_and_ca_path_is_used(tmp_path):
    ca = tmp_path / "ca.pem"
    ca.write_text("pem")
    assert DokployClient("https://x.example", KEY).verify is True
    assert DokployClient("https://x.example", KEY, ca_path=str(ca)).verify == str(ca)
    assert DokployClient("https://x.example", KEY, validate_certs=False, ca_path=str(ca)).verify is False


@pytest.mark.parametrize("validate_certs, ca_path, expected", [
    (False, None, False), (True, "CA", "CA"), (False, "CA", False)])
def test_ca_variables_of_the_environment_never_override_the_options(
        monkeypatch, server, tmp_path, validate_certs, ca_path, expected):
    """requests lets REQUESTS_CA_BUNDLE/CURL_CA_BUNDLE override a session's verify; the client passes its own."""
    bundle = tmp_path / "env-bundle.pem"
    bundle.write_text("not used")
    ca = tmp_path / "ca.pem"
    ca.write_text("ours")
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(bundle))
    monkeypatch.setenv("CURL_CA_BUNDLE", str(bundle))
    seen = []
    real_send = HTTPAdapter.send

    def send(self, request, **kwargs):
        seen.append(kwargs.get("verify"))
        return real_send(self, request, **kwargs)

    monkeypatch.setattr(HTTPAdapter, "send", send)
    client = DokployClient(server.url, KEY, validate_certs=validate_certs,
                           ca_path=str(ca) if ca_path else None)
    client.query("project.all")
    client.mutate("project.update", {"projectId": "p"})
    assert seen == [str(ca) if expected == "CA" else expected] * 2


def test_a_missing_ca_file_is_one_line_naming_the_option(tmp_path):
    with pytest.raises(DokployError, match=r"^option ca_path: .*missing\.pem does not exist"):
        DokployClient("https://x.example", KEY, ca_path=str(tmp_path / "missing.pem"))


@pytest.mark.parametrize("status, body, expected", [
    (200, "<!DOCTYPE html><html><body>Dokploy</body></html>", "answered an HTML page, not Dokploy's API"),
    (404, "<html>404</html>", "no Dokploy API at"),
    (200, "plain words", "a body that is not JSON"),
])
def test_a_wrong_api_url_says_so_in_one_line(server, status, body, expected):
    server.script = [(status, body)]
    with pytest.raises(DokployError) as caught:
        client_for(server).query("project.all")
    assert expected in str(caught.value) and "api_url" in str(caught.value)
    assert "\n" not in str(caught.value)


def test_a_redirect_names_where_it_points(server):
    server.script = [(302, {"location": "https://sso.example/login"})]
    with pytest.raises(DokployError) as caught:
        client_for(server).query("project.all")
    assert "redirect to https://sso.example/login" in str(caught.value), caught.value


def test_an_answer_of_another_shape_names_the_procedure(server):
    server.script = [(200, {"items": []})]
    with pytest.raises(DokployError, match=r"^project.all: Dokploy answered an object where a list was expected"):
        client_for(server).query_list("project.all")


def test_secrets_of_answers_are_redacted_from_later_errors(server):
    """A database password read from one answer, quoted by a later error text, never leaves."""
    server.script = [
        (200, {"mongoId": "m1", "databasePassword": "Curr3nt-Pass", "env": "TOKEN=env-value-123\nDEBUG=1"}),
        (500, {"message": "Command failed: mongosh -u root -p 'Curr3nt-Pass' --eval ... TOKEN=env-value-123"}),
    ]
    client = client_for(server)
    client.query_object("mongo.one", mongoId="m1")
    with pytest.raises(DokployError) as caught:
        client.mutate("mongo.changePassword", {"mongoId": "m1", "password": "N3w-Pass"})
    text = str(caught.value)
    assert "Curr3nt-Pass" not in text and "env-value-123" not in text and "********" in text


def test_secrets_are_redacted_longest_first():
    secrets = Secrets()
    for value in ("abcd", "abcdef-long-secret"):
        secrets.add(value)
    assert secrets.redact("x abcdef-long-secret y abcd") == "x ******** y ********"


@pytest.mark.parametrize("secret, on_the_command_line", [
    ("Dest=Secret@Key:42/x+y", "Dest\\=Secret\\@Key\\:42/x+y"),
    ("with space", "'with space'"),
    ("it's $HOME", '"it\'s \\$HOME"'),
])
def test_secrets_are_redacted_as_a_quoted_command_line_holds_them(secret, on_the_command_line):
    """Dokploy quotes the commands it ran (rclone, backup scripts) in its errors, secrets shell-escaped."""
    assert shell_quoted(secret) == on_the_command_line
    secrets = Secrets()
    secrets.add(secret)
    text = "Command failed: rclone lsf --s3-secret-access-key=%s :s3:bucket" % on_the_command_line
    assert secrets.redact(text) == "Command failed: rclone lsf --s3-secret-access-key=******** :s3:bucket"


def test_credentials_in_urls_are_masked_and_learned():
    secrets = Secrets()
    secrets.learn({"customGitUrl": "https://bot:ghp_tokenvalue123@git.example/acme/api.git"})
    assert secrets.redact("cloning ghp_tokenvalue123 failed") == "cloning ******** failed"
    assert mask({"customGitUrl": "https://bot:tok@git.example/a.git"}) == {
        "customGitUrl": "https://bot:********@git.example/a.git"}
    assert mask_url("ssh://git@github.com/a.git") == "ssh://git@github.com/a.git"


def test_writes_are_classified():
    assert not any(repeatable(p) for p in ("project.create", "notification.createSlack", "application.deploy",
                                           "compose.redeploy", "redis.saveExternalPort", "backup.manualBackupPostgres"))
    assert all(repeatable(p) for p in ("project.update", "application.saveEnvironment", "application.delete",
                                       "mounts.remove", "postgres.changePassword", "domain.update"))


def test_missing_key_names_the_option():
    with pytest.raises(DokployError, match="^option api_key: "):
        DokployClient("https://x.example", "")


def test_cached_reads_until_the_next_write(server):
    server.script = [(200, {"applicationId": "a1", "env": "A=1"}), (200, None), (200, {"applicationId": "a1", "env": "A=2"})]
    client = client_for(server)
    client.cache_reads()
    first = client.query("application.one", applicationId="a1")
    first["env"] = "changed by the caller"
    again = client.query("application.one", applicationId="a1")
    assert again == {"applicationId": "a1", "env": "A=1"}, "a caller's change must not reach the next caller"
    assert len(server.requests) == 1
    client.mutate("application.saveEnvironment", {"applicationId": "a1", "env": "A=2"})
    assert client.query("application.one", applicationId="a1")["env"] == "A=2"
    assert len(server.requests) == 3


def test_a_known_answer_saves_its_read_and_caching_stops(server):
    client = client_for(server)
    client.known_answer("domain.byApplicationId", [{"domainId": "d1"}], applicationId="a1")
    assert client.query("domain.byApplicationId", applicationId="a1") is None  # not caching: nothing is kept
    client.cache_reads()
    client.known_answer("domain.byApplicationId", [{"domainId": "d1"}], applicationId="a1")
    assert client.query("domain.byApplicationId", applicationId="a1") == [{"domainId": "d1"}]
    assert len(server.requests) == 1
    client.cache_reads(False)
    client.query("domain.byApplicationId", applicationId="a1")
    assert len(server.requests) == 2


# -- the option headers: extra headers of an access proxy (Cloudflare Access), whose values are credentials --------

PROXY_ID = "proxy-client-id.access"
PROXY_SECRET = "proxy-client-secret-Qw3rTy"
PROXY_HEADERS = {"CF-Access-Client-Id": PROXY_ID, "CF-Access-Client-Secret": PROXY_SECRET}


def test_extra_headers_go_with_every_request_next_to_the_key(server):
    client = client_for(server, headers=PROXY_HEADERS)
    client.query("project.all")
    client.mutate("project.create", {"name": "x"})
    assert len(server.requests) == 2
    for request in server.requests:
        assert request["headers"]["CF-Access-Client-Id"] == PROXY_ID
        assert request["headers"]["CF-Access-Client-Secret"] == PROXY_SECRET
        assert request["headers"]["x-api-key"] == KEY
        assert request["headers"]["Accept"] == "application/json"
    assert server.requests[1]["headers"]["Content-Type"] == "application/json"


@pytest.mark.parametrize("name", ["x-api-key", "X-API-KEY", "Content-Type", "content-type", "Accept"])
def test_extra_headers_may_not_replace_the_clients_own(server, name):
    with pytest.raises(DokployError) as caught:
        client_for(server, headers={name: PROXY_SECRET})
    assert str(caught.value).startswith("option headers: may not set %s" % name)
    assert PROXY_SECRET not in str(caught.value)
    assert server.requests == []


@pytest.mark.parametrize("headers, message", [
    ({"X-Proxy": 12345678}, "option headers: the value of header X-Proxy must be a string"),
    ({"X-Proxy": PROXY_SECRET + "\r\nX-Evil: 1"}, "option headers: the value of header X-Proxy starts or ends"),
    ({"X-Proxy": " " + PROXY_SECRET}, "option headers: the value of header X-Proxy starts or ends"),
    ({"X-Proxy: " + PROXY_SECRET: "v"}, "option headers: a header name is not valid"),
    ({"X-Proxy": PROXY_SECRET, "x-proxy": PROXY_SECRET}, "option headers: names the header x-proxy twice"),
    ("X-Proxy=" + PROXY_SECRET, "option headers: must be a mapping of header names to values"),
])
def test_bad_extra_headers_are_refused_without_their_value(headers, message):
    with pytest.raises(DokployError) as caught:
        DokployClient("https://x.example", KEY, headers=headers)
    assert str(caught.value).startswith(message), str(caught.value)
    assert PROXY_SECRET not in str(caught.value) and "12345678" not in str(caught.value)


def test_a_header_value_quoted_back_is_redacted(server):
    server.script = [(403, {"message": "access denied for client secret %s (id %s)" % (PROXY_SECRET, PROXY_ID)})]
    with pytest.raises(DokployError) as caught:
        client_for(server, headers=PROXY_HEADERS).query("project.all")
    assert "access denied for client secret ********" in str(caught.value)
    assert PROXY_SECRET not in str(caught.value) and PROXY_ID not in str(caught.value)


def test_no_extra_headers_by_default(server):
    client_for(server).query("project.all")
    assert not any(name.lower().startswith("cf-") for name in server.requests[0]["headers"])
