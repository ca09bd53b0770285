"""Secrets in Dokploy's own error texts, data-loss guards, diffs in the options' units, one-line failures."""

import os
import shutil
import subprocess
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from ansible_collections.community.dokploy.plugins.module_utils._client import DokployClient
from tests.conftest import API_KEY
from tests.simulator.harness import Simulator

ROOT_PASSWORD = "Root-Current-8812"
USER_PASSWORD = "User-Current-4471"
NEW_PASSWORD = "User-New-9925"


def unique(prefix):
    return "%s-%s" % (prefix, uuid.uuid4().hex[:8])


@pytest.fixture
def project(run_module):
    name = unique("guard")
    assert not run_module("dokploy_project", {"name": name}).failed
    return name


def one_line_failure(run):
    assert run.failed, run
    assert "\n" not in run.result["msg"], run
    assert "Traceback" not in run.output, run
    assert run.writes == [], run


@pytest.mark.simulator_only("simulators of two releases, and a database whose container is gone (SIMULATOR_DEPLOY_FAIL=1)")
@pytest.mark.parametrize("version", ["0.30.2", "0.30.8"])
def test_a_password_change_without_a_running_container_is_refused_whole(run_module, version):
    """v0.30.2 answers 500 quoting its mysql command with the passwords; v0.30.3+ a 400: one message for both."""
    with Simulator() as sim:
        sim.start(API_KEY, extra_args=("--deploy-seconds", "0", "--dokploy-version", version))
        project = unique("guard")
        assert not run_module("dokploy_project", {"name": project}, simulator=sim).failed
        args = {"type": "mysql", "project": project, "name": "legacy", "database_name": "legacy",
                "database_user": "legacy", "database_password": USER_PASSWORD,
                "database_root_password": ROOT_PASSWORD}
        created = run_module("dokploy_db", args, simulator=sim)
        assert not created.failed, created
        # Make it a database that has run and whose container is gone (its deploy failed).
        assert not run_module("dokploy_env", {"project": project, "database": "legacy", "database_type": "mysql",
                                              "vars": {"SIMULATOR_DEPLOY_FAIL": "1"}}, simulator=sim).failed
        client = DokployClient(sim.base_url, API_KEY)
        try:
            client.mutate("mysql.deploy", {"mysqlId": created.result["id"]})
        except Exception:  # v0.30.2 answers the failed deploy with a 500, later releases with status error
            pass
        changed = run_module("dokploy_db", {"type": "mysql", "project": project, "name": "legacy",
                                            "database_password": NEW_PASSWORD, "update_password": "always",
                                            "description": "changed with the password"}, simulator=sim)
        assert changed.failed and changed.writes == ["mysql.changePassword"], changed
        assert changed.result["msg"].startswith(
            "option database_password: mysql database legacy has no running container (status error)"), changed
        assert "nothing was changed" in changed.result["msg"], changed
        for secret in (ROOT_PASSWORD, USER_PASSWORD, NEW_PASSWORD):
            assert secret not in changed.output, "%s leaked: %r" % (secret, changed)
        one = client.query("mysql.one", mysqlId=created.result["id"])
        assert one["description"] is None and one["databasePassword"] == USER_PASSWORD


def test_exclusive_with_nothing_to_keep_is_refused(run_module, project):
    run_module("dokploy_env", {"project": project, "vars": {"KEEP": "me-1234"}})
    for args in ({"vars": {}, "exclusive": True}, ):
        refused = run_module("dokploy_env", dict(args, project=project))
        one_line_failure(refused)
        assert refused.result["msg"].startswith("option vars: holds no key"), refused
        dry = run_module("dokploy_env", dict(args, project=project), check=True)
        assert dry.failed and dry.writes == [], dry
    allowed = run_module("dokploy_env", {"project": project, "vars": {}, "exclusive": True, "allow_empty": True})
    assert allowed.changed is True and allowed.result["keys_removed"] == ["KEEP"], allowed


def test_empty_src_with_exclusive_is_refused(run_module, project, tmp_path):
    empty = tmp_path / "empty.env"
    empty.write_text("# nothing here\n")
    refused = run_module("dokploy_env", {"project": project, "src": str(empty), "exclusive": True})
    one_line_failure(refused)
    assert refused.result["msg"].startswith("option src: holds no key"), refused


def test_a_databases_data_volume_is_guarded(run_module, project, sim):
    created = run_module("dokploy_db", {"type": "redis", "project": project, "name": "cache",
                                        "database_password": "cache-Pass-1"})
    mounts = DokployClient(sim.base_url, API_KEY).query("mounts.listByServiceId", serviceType="redis",
                                                        serviceId=created.result["id"])
    data = [m for m in mounts if (m.get("volumeName") or "").endswith("-data")]
    assert len(data) == 1, mounts
    target = {"project": project, "database": "cache", "database_type": "redis", "mount_path": data[0]["mountPath"]}
    for args, check in ((dict(target, state="absent"), False), (dict(target, state="absent"), True),
                        (dict(target, type="bind", host_path="/srv/cache"), False),
                        (dict(target, type="bind", host_path="/srv/cache"), True)):
        refused = run_module("dokploy_mount", args, check=check)
        assert refused.failed and refused.writes == [], refused
        assert refused.result["msg"].startswith("option force: the volume"), refused
    forced = run_module("dokploy_mount", dict(target, state="absent", force=True))
    assert forced.changed is True and forced.writes == ["mounts.remove"], forced


def test_a_host_routed_to_another_service_is_refused(run_module, project):
    for app in ("web", "other"):
        assert not run_module("dokploy_app", {"project": project, "name": app, "docker_image": "nginx"}).failed
    host = "%s.example.com" % unique("taken")
    assert not run_module("dokploy_domain", {"project": project, "app": "web", "host": host}).failed
    for check in (False, True):
        refused = run_module("dokploy_domain", {"project": project, "app": "other", "host": host}, check=check)
        assert refused.failed and refused.writes == [], refused
        assert "is already routed to application web" in refused.result["msg"], refused
    # Another path of the same host is another route.
    other_path = run_module("dokploy_domain", {"project": project, "app": "other", "host": host, "path": "/api"})
    assert not other_path.failed and other_path.writes == ["domain.create"], other_path
    forced = run_module("dokploy_domain", {"project": project, "app": "other", "host": host, "force": True})
    assert not forced.failed and forced.writes == ["domain.create"], forced


def test_a_port_published_by_another_service_is_refused(run_module, project):
    for app in ("web", "other"):
        assert not run_module("dokploy_app", {"project": project, "name": app, "docker_image": "nginx"}).failed
    port = 20000 + uuid.uuid4().int % 20000
    assert not run_module("dokploy_port", {"project": project, "app": "web", "published_port": port,
                                           "target_port": 80}).failed
    for check in (False, True):
        refused = run_module("dokploy_port", {"project": project, "app": "other", "published_port": port,
                                              "target_port": 80}, check=check)
        assert refused.failed and refused.writes == [], refused
        assert "is already published by application web" in refused.result["msg"], refused
    db = run_module("dokploy_db", {"type": "redis", "project": project, "name": "cache",
                                   "database_password": "cache-Pass-1", "external_port": port})
    assert db.failed and db.writes == [] and db.result["msg"].startswith("option external_port: "), db
    udp = run_module("dokploy_port", {"project": project, "app": "other", "published_port": port, "protocol": "udp",
                                      "target_port": 80})
    assert not udp.failed, udp


def test_diffs_show_sizes_and_cpus_as_the_options_take_them(run_module, project):
    args = {"project": project, "name": "web", "docker_image": "nginx", "memory_limit": "256M", "cpu_limit": 0.5}
    assert not run_module("dokploy_app", args).failed
    changed = run_module("dokploy_app", dict(args, memory_limit="1Gi", cpu_limit=1.5))
    assert changed.result["diff"] == {"before": {"memory_limit": "256M", "cpu_limit": 0.5},
                                      "after": {"memory_limit": "1Gi", "cpu_limit": 1.5}}, changed


def test_a_token_in_git_url_is_masked_everywhere(run_module, project):
    token = "ghp_%s" % uuid.uuid4().hex
    url = "https://bot:%s@git.example/acme/api.git" % token
    created = run_module("dokploy_app", {"project": project, "name": "api", "git_url": url, "git_branch": "main"})
    assert not created.failed, created
    assert token not in created.output, created
    assert created.result["app"]["customGitUrl"] == "https://bot:********@git.example/acme/api.git"


@pytest.fixture
def impostor():
    """Something at api_url that is not Dokploy: an HTML page, a login redirect, a 404 page."""
    answers = {}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            status, headers, body = answers["now"]
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield answers, "http://127.0.0.1:%d" % server.server_address[1]
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("answer, expected", [
    ((200, {"Content-Type": "text/html"}, b"<!doctype html><html>Welcome</html>"), "answered an HTML page"),
    ((302, {"Location": "https://sso.example/login"}, b""), "a redirect to https://sso.example/login"),
    ((404, {"Content-Type": "text/html"}, b"<html>Not Found</html>"), "no Dokploy API at"),
    ((200, {"Content-Type": "application/json"}, b'{"unexpected": "shape"}'), "where a list was expected"),
])
def test_a_server_that_is_not_dokploy_fails_in_one_line(run_module, impostor, answer, expected):
    answers, url = impostor
    answers["now"] = answer

    class Target:  # run_module only needs base_url and a request log to reset
        base_url = url

        @staticmethod
        def reset_log():
            pass

        @staticmethod
        def requests():
            return []

    run = run_module("dokploy_info", {"project": "any"}, simulator=Target)
    assert run.failed and expected in run.result["msg"], run
    assert "\n" not in run.result["msg"] and "Traceback" not in run.output, run
    assert API_KEY not in run.output


def test_a_missing_ca_file_is_one_line(run_module, tmp_path):
    run = run_module("dokploy_info", {"ca_path": str(tmp_path / "nowhere.pem")})
    assert run.failed and run.result["msg"].startswith("option ca_path: "), run
    assert "Traceback" not in run.output and run.requests == [], run


def self_signed(tmp_path, name):
    openssl = shutil.which("openssl")
    if openssl is None:
        if os.environ.get("CI"):
            pytest.fail("the TLS test needs the openssl command to make its certificate")
        pytest.skip("the TLS test needs the openssl command to make its certificate (apt-get install openssl)")
    cert, key = tmp_path / ("%s.pem" % name), tmp_path / ("%s.key" % name)
    subprocess.run([openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert),
                    "-days", "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"],
                   check=True, capture_output=True, timeout=60)
    return cert, key


@pytest.mark.simulator_only("a simulator of its own serving HTTPS with a self-signed certificate")
def test_ca_variables_of_the_environment_never_override_validate_certs_or_ca_path(run_module, tmp_path):
    cert, key = self_signed(tmp_path, "server")
    stranger, _key = self_signed(tmp_path, "stranger")  # a CA that did not sign the server's certificate
    with Simulator() as tls:
        tls.start(API_KEY, extra_args=("--tls-cert", cert, "--tls-key", key))
        hostile = {"REQUESTS_CA_BUNDLE": str(stranger), "CURL_CA_BUNDLE": str(stranger)}
        for args in ({"validate_certs": False}, {"ca_path": str(cert)}):
            run = run_module("dokploy_info", dict(args, project="any"), simulator=tls, env=hostile)
            assert not run.failed, run
        # And verification stays on by default: the self-signed certificate is refused in one line.
        refused = run_module("dokploy_info", {"project": "any"}, simulator=tls)
        assert refused.failed and "TLS verification of" in refused.result["msg"], refused
        assert "Traceback" not in refused.output
