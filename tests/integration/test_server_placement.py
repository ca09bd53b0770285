"""The option ``server`` of dokploy_app, dokploy_compose and dokploy_db, and the servers dokploy_info shows.

Dokploy places a service on a remote server when it creates it (``<kind>.create`` takes ``serverId``) and no
update procedure moves it: the modules create on the server named, never move a service, and fail before any
write when asked to.
"""

import json
import uuid

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519

from ansible_collections.community.dokploy.plugins.module_utils._client import DokployClient
from tests.conftest import API_KEY
from tests.integration.lifecycle import MAX_READS_PER_TASK, assert_no_secret

DB_PASSWORD = "db-Secret-5p"
STACK = "services:\n  web:\n    image: nginx:1.27-alpine\n"

# module -> (the options of one service of it, the procedure that reads it, its id field)
SERVICES = {
    "dokploy_app": ({"docker_image": "nginx:1.27"}, "application.one", "applicationId"),
    "dokploy_compose": ({"compose_file": STACK}, "compose.one", "composeId"),
    "dokploy_db": ({"type": "postgres", "database_name": "app", "database_user": "app",
                    "database_password": DB_PASSWORD, "docker_image": "postgres:16"}, "postgres.one", "postgresId"),
}
CREATES = {"dokploy_app": "application.create", "dokploy_compose": "compose.create", "dokploy_db": "postgres.create"}


def unique(prefix):
    return "%s-%s" % (prefix, uuid.uuid4().hex[:8])


class Servers:
    """An SSH key and the servers made with it through the API; removed (with the test's projects) afterwards."""

    def __init__(self, sim):
        self.client = DokployClient(sim.base_url, API_KEY)
        key = ed25519.Ed25519PrivateKey.generate()
        self.private_key = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.OpenSSH,
                                             serialization.NoEncryption()).decode()
        public = key.public_key().public_bytes(serialization.Encoding.OpenSSH,
                                               serialization.PublicFormat.OpenSSH).decode()
        name = unique("placekey")
        self.client.mutate("sshKey.create", {"name": name, "publicKey": public, "privateKey": self.private_key,
                                             "organizationId": ""})
        self.key_id = [k for k in self.client.query_list("sshKey.all") if k["name"] == name][0]["sshKeyId"]
        self.made, self.projects = [], []

    def make(self, name=None, ip="192.0.2.10"):
        server = self.client.mutate("server.create", {
            "name": name or unique("srv"), "description": "a remote host", "ipAddress": ip, "port": 2222,
            "username": "deploy", "sshKeyId": self.key_id, "serverType": "deploy", "enableDockerCleanup": False})
        self.made.append(server["serverId"])
        return server

    def project(self):
        name = unique("place")
        self.projects.append(name)
        return name

    def cleanup(self):
        for project in self.client.query_list("project.all"):
            if project["name"] in self.projects:
                self.client.mutate("project.remove", {"projectId": project["projectId"]})
        for server_id in self.made:
            self.client.mutate("server.remove", {"serverId": server_id})
        self.client.mutate("sshKey.remove", {"sshKeyId": self.key_id})


@pytest.fixture
def servers(sim):
    made = Servers(sim)
    yield made
    made.cleanup()


def service_args(module, project, **extra):
    options = SERVICES[module][0]
    return dict(options, project=project, name=unique("svc"), **extra)


def stored_server(servers, module, service_id):
    """The serverId Dokploy holds for the service."""
    _options, procedure, id_field = SERVICES[module]
    return servers.client.query_object(procedure, **{id_field: service_id})["serverId"]


@pytest.mark.parametrize("module", sorted(SERVICES))
def test_created_on_the_server_named_and_never_moved(sim, servers, run_module, module):
    edge, other = servers.make(), servers.make()
    project = servers.project()
    assert not run_module("dokploy_project", {"name": project}).failed
    args = service_args(module, project, server=edge["name"])

    dry = run_module(module, args, check=True)
    assert not dry.failed and dry.changed is True and dry.writes == [], dry
    assert dry.result["diff"]["after"]["server"] == edge["name"], dry

    created = run_module(module, args)
    assert not created.failed and created.changed is True, created
    assert created.writes[0] == CREATES[module], created
    assert stored_server(servers, module, created.result["id"]) == edge["serverId"]
    assert created.result["diff"]["after"]["server"] == edge["name"], created

    # A rerun reads no server list: the service's own answer says where it runs.
    again = run_module(module, args)
    assert not again.failed and again.changed is False and again.writes == [], again
    assert len(again.reads) <= MAX_READS_PER_TASK and "server.all" not in again.reads, again
    by_id = run_module(module, dict(args, server=edge["serverId"]))
    assert not by_id.failed and by_id.changed is False and by_id.writes == [], by_id
    assert len(by_id.reads) <= MAX_READS_PER_TASK, by_id
    # Without the option, where the service runs does not matter, and no server is read.
    unset = run_module(module, dict(args, server=None))
    assert not unset.failed and unset.changed is False and unset.writes == [], unset
    assert "server.all" not in unset.reads, unset

    for ref in (other["name"], other["serverId"]):
        for check in (False, True):
            moved = run_module(module, dict(args, server=ref, description="changed too"), check=check)
            assert moved.failed and moved.writes == [], moved
            msg = moved.result["msg"]
            assert msg.startswith("option server: ") and "runs on server %r (id %s)" % (edge["name"], edge["serverId"]) in msg
            assert "Dokploy cannot move a service to another server" in msg and "create it again" in msg, msg
    assert stored_server(servers, module, created.result["id"]) == edge["serverId"]
    for run in (dry, created, again, by_id, unset, moved):
        assert_no_secret(run, [DB_PASSWORD])


@pytest.mark.parametrize("module", sorted(SERVICES))
def test_a_service_on_the_dokploy_host_is_not_moved_to_a_server(sim, servers, run_module, module):
    edge = servers.make()
    project = servers.project()
    assert not run_module("dokploy_project", {"name": project}).failed
    args = service_args(module, project)
    created = run_module(module, args)
    assert not created.failed and stored_server(servers, module, created.result["id"]) is None, created
    moved = run_module(module, dict(args, server=edge["name"]))
    assert moved.failed and moved.writes == [], moved
    msg = moved.result["msg"]
    assert msg.startswith("option server: ") and "runs on Dokploy's own host (no server)" in msg, msg
    assert "cannot move" in msg and "create it again to run it on %r" % edge["name"] in msg, msg


@pytest.mark.parametrize("module", sorted(SERVICES))
def test_a_missing_server_fails_before_any_write(sim, servers, run_module, module):
    project = servers.project()
    assert not run_module("dokploy_project", {"name": project}).failed
    missing = unique("nohost")
    args = service_args(module, project, server=missing)
    failed = run_module(module, args)
    assert failed.failed and failed.writes == [], failed
    assert failed.result["msg"] == "option server: no server is named %r or has that id" % missing, failed

    # In check mode, an earlier task of the play would create it.
    dry = run_module(module, args, check=True)
    assert not dry.failed and dry.changed is True and dry.writes == [], dry
    assert "server %r does not exist yet" % missing in dry.result["missing_parent"], dry


def test_a_missing_server_creates_no_project_either(sim, servers, run_module):
    project = servers.project()
    missing = unique("nohost")
    args = {"project": project, "create_project": True, "name": "web", "docker_image": "nginx:1.27", "server": missing}
    failed = run_module("dokploy_app", args)
    assert failed.failed and failed.writes == [], failed
    assert failed.result["msg"] == "option server: no server is named %r or has that id" % missing, failed
    # In check mode, with the project missing too: both are named.
    dry = run_module("dokploy_app", args, check=True)
    assert not dry.failed and dry.changed is True and dry.writes == [], dry
    assert dry.result["created_project"] == project, dry
    assert "server %r does not exist yet" % missing in dry.result["missing_parent"], dry


def test_with_create_project_the_server_is_looked_up_first(sim, servers, run_module):
    edge = servers.make()
    args = {"project": servers.project(), "create_project": True, "name": "web", "docker_image": "nginx:1.27",
            "server": edge["name"]}
    created = run_module("dokploy_app", args)
    assert not created.failed and created.changed is True, created
    assert created.writes[:2] == ["project.create", "application.create"], created
    assert created.result["app"]["serverId"] == edge["serverId"], created
    again = run_module("dokploy_app", args)
    assert again.changed is False and again.writes == [] and len(again.reads) <= MAX_READS_PER_TASK, again


def test_db_missing_project_and_server_in_check_mode_names_both(sim, servers, run_module):
    project, missing = unique("place"), unique("nohost")
    dry = run_module("dokploy_db", service_args("dokploy_db", project, server=missing), check=True)
    assert not dry.failed and dry.changed is True and dry.writes == [], dry
    assert dry.result["missing_parent"] == (
        "project %r does not exist yet; server %r does not exist yet (an earlier task of the play would create "
        "them)" % (project, missing)), dry


def test_app_with_a_registry_and_a_server_rerun_reads_at_most_three(sim, servers, run_module):
    edge = servers.make()
    registry = servers.client.mutate("registry.create", {
        "registryName": unique("reg"), "username": "bot", "password": "reg-Pw-7731", "registryUrl": "ghcr.io",
        "registryType": "cloud", "imagePrefix": None})
    args = {"project": servers.project(), "create_project": True, "name": "web",
            "git_url": "https://github.com/acme/web.git", "git_branch": "main",
            "registry": registry["registryName"], "server": edge["name"]}
    created = run_module("dokploy_app", args)
    assert not created.failed and created.result["app"]["serverId"] == edge["serverId"], created
    again = run_module("dokploy_app", args)
    assert again.changed is False and again.writes == [] and len(again.reads) <= MAX_READS_PER_TASK, again


@pytest.mark.parametrize("module", sorted(SERVICES))
def test_servers_sharing_a_name_fail_closed(sim, servers, run_module, module):
    name = unique("twin")
    first, second = servers.make(name), servers.make(name)
    project = servers.project()
    assert not run_module("dokploy_project", {"name": project}).failed
    args = service_args(module, project, server=name)
    for check in (False, True):
        run = run_module(module, args, check=check)
        assert run.failed and run.writes == [], run
        msg = run.result["msg"]
        assert msg.startswith("option server: 2 servers are named %r" % name), msg
        assert first["serverId"] in msg and second["serverId"] in msg, msg
    # By id, it is no guess.
    created = run_module(module, dict(args, server=second["serverId"]))
    assert not created.failed and stored_server(servers, module, created.result["id"]) == second["serverId"], created


def test_info_shows_the_servers_and_where_each_service_runs(sim, servers, run_module, run_playbook, tmp_path):
    edge = servers.make(ip="198.51.100.7")
    project = servers.project()
    assert not run_module("dokploy_project", {"name": project}).failed
    for module, server in (("dokploy_app", edge["name"]), ("dokploy_compose", edge["serverId"]),
                           ("dokploy_db", edge["name"])):
        args = dict(service_args(module, project, server=server), name=module.replace("dokploy_", ""))
        assert not run_module(module, args).failed
    assert not run_module("dokploy_app", dict(service_args("dokploy_app", project), name="local")).failed

    result_file = tmp_path / "tree.json"
    sim.reset_log()
    run = run_playbook("info.yml", env={"DOKPLOY_URL": sim.base_url, "DOKPLOY_API_KEY": API_KEY},
                       extra_vars={"result_file": str(result_file), "only_project": project})
    assert run.rc == 0, run
    result = json.loads(result_file.read_text())
    [listed] = [s for s in result["servers"] if s["id"] == edge["serverId"]]
    assert listed == {"id": edge["serverId"], "name": edge["name"], "ip_address": "198.51.100.7", "port": 2222,
                      "username": "deploy", "server_type": "deploy", "ssh_key_id": servers.key_id,
                      "status": "active"}
    [environment] = result["projects"][0]["environments"]
    placed = sorted((s["kind"], s["name"], s["server"] and s["server"]["id"], s["server"] and s["server"]["name"])
                    for s in environment["services"])
    assert placed == [("application", "app", edge["serverId"], edge["name"]),
                      ("application", "local", None, None),
                      ("compose", "compose", edge["serverId"], edge["name"]),
                      ("postgres", "db", edge["serverId"], edge["name"])]
    # One project.all, one server.all, one environment.one (it tells where each service runs).
    assert [(r["method"], r["procedure"]) for r in sim.requests()] == [
        ("GET", "project.all"), ("GET", "server.all"), ("GET", "environment.one")]
    text = result_file.read_text()
    for line in servers.private_key.splitlines()[1:-1]:
        assert line not in text and line not in run.output
