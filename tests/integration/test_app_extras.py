"""dokploy_mount, dokploy_port, dokploy_redirect and dokploy_basic_auth against the simulator."""

import uuid

import pytest

from ansible_collections.community.dokploy.plugins.module_utils._client import DokployClient
from tests.conftest import API_KEY
from tests.integration.lifecycle import assert_no_secret, check_lifecycle

AUTH_PASSWORD = "basic-Secret-31"


@pytest.fixture
def project(sim, run_module):
    name = "extras-%s" % uuid.uuid4().hex[:8]
    created = run_module("dokploy_app", {"project": name, "create_project": True, "name": "web",
                                         "docker_image": "nginx:1.27"})
    assert not created.failed, created
    client = DokployClient(sim.base_url, API_KEY)
    environment = created.result["app"]["environmentId"]
    client.mutate("postgres.create", {"name": "db", "environmentId": environment, "databaseName": "a",
                                      "databaseUser": "a", "databasePassword": "pw-1"})
    client.mutate("compose.create", {"name": "stack", "environmentId": environment})
    return name


@pytest.mark.parametrize("parent", [{"app": "web"}, {"compose": "stack"},
                                    {"database": "db", "database_type": "postgres"}])
def test_mount_lifecycle(run_module, project, parent):
    args = dict(parent, project=project, mount_path="/data", type="volume", volume_name="data")
    check_lifecycle(run_module, "dokploy_mount", args, {"volume_name": "data2"}, "mount")


def test_file_mount_and_bad_mounts(run_module, project):
    created = run_module("dokploy_mount", {"project": project, "app": "web", "type": "file", "content": "x=1\n",
                                           "file_path": "app.conf", "mount_path": "/etc/app.conf"})
    assert created.result["mount"]["content"] == "x=1\n" and created.writes == ["mounts.create"], created
    refused = run_module("dokploy_mount", {"project": project, "app": "web", "type": "bind", "mount_path": "/x"})
    assert refused.failed and refused.requests == [], refused
    assert refused.result["msg"] == "option host_path: required with type: bind"
    untyped = run_module("dokploy_mount", {"project": project, "app": "web", "mount_path": "/new"})
    assert untyped.failed and untyped.writes == [] and untyped.result["msg"] == "option type: required to create a mount"


def test_port_lifecycle(run_module, project):
    args = {"project": project, "app": "web", "published_port": 8080, "target_port": 80}
    check_lifecycle(run_module, "dokploy_port", args, {"publish_mode": "host"}, "port")


def test_same_port_number_with_two_protocols_is_two_ports(run_module, project):
    for protocol in ("tcp", "udp"):
        created = run_module("dokploy_port", {"project": project, "app": "web", "published_port": 5353,
                                              "target_port": 53, "protocol": protocol})
        assert created.writes == ["port.create"], created
        assert created.result["port"]["protocol"] == protocol


def test_redirect_lifecycle_finds_what_create_does_not_return(run_module, project):
    args = {"project": project, "app": "web", "regex": "^http://old/(.*)", "replacement": "http://new/$1"}
    check_lifecycle(run_module, "dokploy_redirect", args, {"permanent": True}, "redirect")


def test_basic_auth_lifecycle_never_shows_the_password(run_module, project):
    args = {"project": project, "app": "web", "username": "reviewer", "password": AUTH_PASSWORD,
            "update_password": "always"}
    check_lifecycle(run_module, "dokploy_basic_auth", args, {"password": "other-Secret-4"}, "basic_auth",
                    secrets=[AUTH_PASSWORD, "other-Secret-4"])


def test_basic_auth_password_on_create(run_module, project):
    args = {"project": project, "app": "web", "username": "admin", "password": AUTH_PASSWORD}
    created = run_module("dokploy_basic_auth", args)
    assert created.result["basic_auth"]["password"] == "********", created
    kept = run_module("dokploy_basic_auth", dict(args, password="ignored-Pass-9"))
    assert kept.changed is False and kept.writes == [], kept
    assert_no_secret(created, [AUTH_PASSWORD])


@pytest.mark.parametrize("module, args, message", [
    ("dokploy_port", {"published_port": 9000}, "option target_port: required to create a port"),
    ("dokploy_redirect", {"regex": "^/old"}, "option replacement: required to create a redirect"),
    ("dokploy_basic_auth", {"username": "u"}, "option password: required to create a basic auth user"),
])
def test_options_a_create_needs_are_checked_before_any_write(run_module, project, module, args, message):
    for check in (True, False):
        refused = run_module(module, dict({"project": project, "app": "web"}, **args), check=check)
        assert refused.failed and refused.writes == [], refused
        assert refused.result["msg"] == message


@pytest.mark.parametrize("module, args, message", [
    ("dokploy_port", {"published_port": 70000, "target_port": 80}, "option published_port: 70000 is not a port"),
    ("dokploy_mount", {"mount_path": "/x", "app": "a", "compose": "b"}, "mutually exclusive: app|compose|database"),
    ("dokploy_mount", {"mount_path": "/x", "database": "db"}, "required by 'database': database_type"),
])
def test_bad_input_is_refused_before_any_request(run_module, module, args, message):
    refused = run_module(module, dict({"project": "p", "app": "web"} if module == "dokploy_port"
                                      else {"project": "p"}, **args))
    assert refused.failed and refused.requests == [], refused
    assert message in refused.result["msg"]
