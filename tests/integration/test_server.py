"""dokploy_server against the simulator.

The simulator models what Dokploy does over SSH: a server without a key cannot be reached, a server whose name holds
``simulator-fail`` refuses the connection (the setup deployment ends in ``error``, validate answers 400), any other
host is set up at once and validates with the tools the setup installs.
"""

import uuid

import pytest

from ansible_collections.community.dokploy.plugins.module_utils._client import DokployClient
from tests.conftest import API_KEY
from tests.integration.lifecycle import MAX_READS_PER_TASK, assert_no_secret, check_lifecycle, default_environment

MODULE = "dokploy_server"
FAIL_WORD = "simulator-fail"


def unique(prefix):
    return "%s-%s" % (prefix, uuid.uuid4().hex[:8])


def client(sim):
    return DokployClient(sim.base_url, API_KEY)


@pytest.fixture
def key(sim):
    """A generated SSH key: (name, id, private key)."""
    api = client(sim)
    pair = api.mutate("sshKey.generate", {"type": "ed25519"})
    name = unique("key")
    api.mutate("sshKey.create", {"name": name, "description": None, "publicKey": pair["publicKey"],
                                 "privateKey": pair["privateKey"], "organizationId": ""})
    listed = [k for k in api.query_list("sshKey.all") if k["name"] == name]
    return name, listed[0]["sshKeyId"], pair["privateKey"]


def stored(sim, server_id):
    return client(sim).query_object("server.one", serverId=server_id)


def secret_lines(private_key):
    return [line for line in private_key.splitlines() if line and not line.startswith("-----")
            and not line.startswith("b3BlbnNzaC1rZXktdjEA")]


def test_lifecycle(run_module, key):
    args = {"name": unique("srv"), "ip_address": "203.0.113.10", "ssh_key": key[0], "docker_cleanup": False}
    check_lifecycle(run_module, MODULE, args, {"port": 2222}, "server", secrets=secret_lines(key[2]),
                    absent_args={"name": args["name"]})


def test_create_defaults_diff_and_result(sim, run_module, key):
    name = unique("srv")
    args = {"name": name, "ip_address": "edge-1.example.com", "ssh_key": key[0], "description": "edge"}
    created = run_module(MODULE, args)
    assert created.changed is True and created.writes == ["server.create"], created
    server = created.result["server"]
    placed = (server["port"], server["username"], server["serverType"], server["sshKeyId"])
    assert placed == (22, "root", "deploy", key[1]), server
    assert "deployments" not in server and "sshKey" not in server and "totalSum" not in server
    assert server["enableDockerCleanup"] is True  # Dokploy's default for a new server
    again = run_module(MODULE, args)
    assert again.changed is False and again.writes == [] and len(again.reads) <= MAX_READS_PER_TASK, again
    assert again.result["server"] == server

    by_id = run_module(MODULE, dict(args, name=created.result["id"], ssh_key=key[1]))
    assert by_id.changed is False and by_id.writes == [], by_id

    dry = run_module(MODULE, dict(args, username="deploy", server_type="build"), check=True)
    assert dry.changed is True and dry.writes == [], dry
    assert dry.result["diff"] == {"before": {"username": "root", "server_type": "deploy"},
                                  "after": {"username": "deploy", "server_type": "build"}}, dry
    assert stored(sim, created.result["id"])["username"] == "root"


def test_docker_cleanup_is_kept_across_updates(sim, run_module, key):
    """server.update writes enableDockerCleanup=true when it is not sent: the module always sends it as stored."""
    name = unique("srv")
    created = run_module(MODULE, {"name": name, "ip_address": "203.0.113.11", "ssh_key": key[0],
                                  "docker_cleanup": False})
    assert stored(sim, created.result["id"])["enableDockerCleanup"] is False
    renamed = run_module(MODULE, {"name": name, "description": "now described", "port": 2200})
    assert renamed.changed is True and renamed.writes == ["server.update"], renamed
    after = stored(sim, created.result["id"])
    assert after["enableDockerCleanup"] is False and after["description"] == "now described" and after["port"] == 2200
    assert after["sshKeyId"] == key[1]
    on = run_module(MODULE, {"name": name, "docker_cleanup": True})
    assert on.changed is True and on.result["diff"] == {"before": {"docker_cleanup": False},
                                                        "after": {"docker_cleanup": True}}, on
    assert stored(sim, created.result["id"])["enableDockerCleanup"] is True


def test_ssh_key_change_shows_key_names(sim, run_module, key):
    api = client(sim)
    pair = api.mutate("sshKey.generate", {"type": "ed25519"})
    other = unique("key")
    api.mutate("sshKey.create", {"name": other, "description": None, "publicKey": pair["publicKey"],
                                 "privateKey": pair["privateKey"], "organizationId": ""})
    name = unique("srv")
    run_module(MODULE, {"name": name, "ip_address": "203.0.113.12", "ssh_key": key[0]})
    moved = run_module(MODULE, {"name": name, "ssh_key": other})
    assert moved.changed is True and moved.writes == ["server.update"], moved
    assert moved.result["diff"] == {"before": {"ssh_key": key[0]}, "after": {"ssh_key": other}}, moved
    assert moved.result["server"]["sshKeyId"] != key[1]
    assert_no_secret(moved, secret_lines(pair["privateKey"]) + secret_lines(key[2]))


def test_setup_waits_and_runs_once(sim, run_module, key):
    name = unique("srv")
    args = {"name": name, "ip_address": "203.0.113.13", "ssh_key": key[0], "setup": True, "validate": True,
            "poll_interval": 0.2}
    dry = run_module(MODULE, args, check=True)
    assert dry.changed is True and dry.writes == [] and dry.result["setup"]["ran"] is True, dry
    assert dry.result["validation"] is None

    created = run_module(MODULE, args)
    assert not created.failed and created.changed is True, created
    assert created.writes == ["server.create", "server.setup"], created
    setup = created.result["setup"]
    assert setup["ran"] is True and setup["deployment"]["status"] == "done", setup
    assert setup["deployment"]["title"] == "Setup Server"
    validation = created.result["validation"]
    assert validation["docker"]["enabled"] is True and validation["isSwarmInstalled"] is True, validation

    again = run_module(MODULE, dict(args, validate=False))
    assert again.changed is False and again.writes == [], again
    assert len(again.reads) <= MAX_READS_PER_TASK, again
    assert again.result["setup"]["ran"] is False
    assert again.result["setup"]["deployment"]["id"] == setup["deployment"]["id"]


def test_existing_server_not_set_up_is_set_up(sim, run_module, key):
    name = unique("srv")
    created = run_module(MODULE, {"name": name, "ip_address": "203.0.113.14", "ssh_key": key[0]})
    dry = run_module(MODULE, {"name": name, "setup": True}, check=True)
    assert dry.changed is True and dry.writes == [] and dry.result["setup"]["ran"] is True, dry
    assert client(sim).query_list("deployment.allByServer", serverId=created.result["id"]) == []
    done = run_module(MODULE, {"name": name, "setup": True, "poll_interval": 0.2})
    assert done.changed is True and done.writes == ["server.setup"], done
    assert done.result["diff"] == {"before": {}, "after": {}}


def test_failed_setup_fails_with_log_and_keeps_the_server(sim, run_module, key):
    name = unique(FAIL_WORD)
    args = {"name": name, "ip_address": "203.0.113.15", "ssh_key": key[0], "setup": True, "poll_interval": 0.2}
    failed = run_module(MODULE, args)
    assert failed.failed and failed.result["changed"] is True, failed
    message = failed.result["msg"]
    assert "the setup of server %r ended in error" % name in message, message
    assert "stays registered" in message and "run the task again" in message
    assert failed.result["deployment"]["status"] == "error" and failed.result["deployment"]["log_tail"], failed
    assert failed.writes == ["server.create", "server.setup"], failed
    listed = [s for s in client(sim).query_list("server.all") if s["name"] == name]
    assert len(listed) == 1, "the server stays registered"
    retried = run_module(MODULE, args)
    assert retried.failed and retried.writes == ["server.setup"], retried
    assert retried.result["deployment"]["id"] != failed.result["deployment"]["id"]
    assert_no_secret(failed, secret_lines(key[2]))


def test_validate_reports_and_names_the_option_when_unreachable(sim, run_module, key):
    name = unique("srv")
    run_module(MODULE, {"name": name, "ip_address": "203.0.113.16", "ssh_key": key[0]})
    report = run_module(MODULE, {"name": name, "validate": True})
    assert report.changed is False and report.writes == [], report
    assert report.result["validation"]["docker"]["enabled"] is False  # never set up
    unreachable = unique(FAIL_WORD)
    run_module(MODULE, {"name": unreachable, "ip_address": "203.0.113.17", "ssh_key": key[0]})
    refused = run_module(MODULE, {"name": unreachable, "validate": True})
    assert refused.failed and refused.writes == [], refused
    assert refused.result["msg"].startswith("option validate: Dokploy could not check server %r" % unreachable)
    assert "ECONNREFUSED" in refused.result["msg"]


@pytest.mark.parametrize("args, option", [
    ({"ip_address": "ssh://203.0.113.1"}, "ip_address"),
    ({"ip_address": "203.0.113.1:22"}, "ip_address"),
    ({"ip_address": "bad host!"}, "ip_address"),
    ({"ip_address": "203.0.113.1", "port": 0}, "port"),
    ({"ip_address": "203.0.113.1", "port": 70000}, "port"),
    ({"ip_address": "203.0.113.1", "username": "root user"}, "username"),
    ({"ip_address": "203.0.113.1", "ssh_key": "no-such-key"}, "ssh_key"),
    ({"ip_address": "203.0.113.1", "setup": True}, "ssh_key"),
    ({"state": "absent", "setup": True}, "setup"),
    ({"ip_address": "203.0.113.1", "wait_timeout": 0}, "wait_timeout"),
    ({"description": "no address"}, "ip_address"),
])
def test_bad_input_is_refused_before_any_write(run_module, args, option):
    refused = run_module(MODULE, dict({"name": unique("srv")}, **args))
    assert refused.failed and refused.writes == [], refused
    assert refused.result["msg"].startswith("option %s:" % option), refused.result["msg"]


def test_check_mode_with_a_key_an_earlier_task_would_create(run_module):
    dry = run_module(MODULE, {"name": unique("srv"), "ip_address": "203.0.113.18", "ssh_key": unique("later")},
                     check=True)
    assert not dry.failed and dry.changed is True and dry.writes == [], dry
    assert "missing_parent" in dry.result


def test_shared_names_fail_closed(sim, run_module, key):
    name = unique("srv")
    api = client(sim)
    for address in ("203.0.113.19", "203.0.113.20"):
        api.mutate("server.create", {"name": name, "description": None, "ipAddress": address, "port": 22,
                                     "username": "root", "sshKeyId": key[1], "serverType": "deploy"})
    ids = sorted(s["serverId"] for s in api.query_list("server.all") if s["name"] == name)
    refused = run_module(MODULE, {"name": name, "description": "which one?"})
    assert refused.failed and refused.writes == [], refused
    assert "2 servers are named %r" % name in refused.result["msg"]
    assert all(server_id in refused.result["msg"] for server_id in ids)
    assert "community.dokploy.dokploy_server: {name: %s, state: absent}" % ids[-1] in refused.result["msg"] or \
        "community.dokploy.dokploy_server: {name: %s, state: absent}" % ids[0] in refused.result["msg"]
    by_id = run_module(MODULE, {"name": ids[0], "description": "this one"})
    assert by_id.changed is True and by_id.writes == ["server.update"], by_id
    assert stored(sim, ids[0])["name"] == name  # named by its id: not renamed


def test_removal_with_services_needs_force(sim, run_module, key):
    api = client(sim)
    name = unique("srv")
    server_id = run_module(MODULE, {"name": name, "ip_address": "203.0.113.21", "ssh_key": key[0]}).result["id"]
    project = unique("proj")
    created = api.mutate("project.create", {"name": project})
    environment = default_environment(dict(created["project"], environments=[created["environment"]]))
    api.mutate("application.create", {"name": "web", "environmentId": environment["environmentId"],
                                      "serverId": server_id})
    api.mutate("postgres.create", {"name": "pg", "appName": unique("pg"), "databaseName": "app",
                                   "databaseUser": "app", "databasePassword": "pg-Secret-55",
                                   "dockerImage": "postgres:16", "environmentId": environment["environmentId"],
                                   "serverId": server_id})

    refused = run_module(MODULE, {"name": name, "state": "absent"})
    assert refused.failed and refused.writes == [], refused
    message = refused.result["msg"]
    assert message.startswith("option force: server %r still holds 2 services" % name), message
    assert "application web (project %s" % project in message and "postgres pg" in message

    dry = run_module(MODULE, {"name": name, "state": "absent", "force": True}, check=True)
    assert dry.changed is True and dry.writes == [] and len(dry.result["removed_services"]) == 2, dry

    removed = run_module(MODULE, {"name": name, "state": "absent", "force": True})
    assert not removed.failed and removed.changed is True, removed
    assert sorted(removed.writes) == ["application.delete", "postgres.remove", "server.remove"], removed
    assert removed.writes[-1] == "server.remove"
    assert not [s for s in api.query_list("server.all") if s["serverId"] == server_id]
    project_row = [p for p in api.query_list("project.all") if p["name"] == project][0]
    assert default_environment(project_row).get("applications") == []
    api.mutate("project.remove", {"projectId": project_row["projectId"]})
