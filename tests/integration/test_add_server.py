"""playbooks/add_server.yml end to end: a "fresh host" (this machine, through the local connection, with its
authorized_keys file in a temporary directory) becomes a Dokploy server with an application and a database on it."""

import uuid

from ansible_collections.community.dokploy.plugins.module_utils._client import DokployClient
from tests.conftest import API_KEY


def test_add_server_twice(sim, run_playbook, tmp_path):
    host = "edge-%s" % uuid.uuid4().hex[:8]
    authorized_keys = tmp_path / "host-home" / ".ssh" / "authorized_keys"
    inventory = tmp_path / "hosts.ini"
    inventory.write_text("[dokploy_new_servers]\n%s ansible_connection=local ansible_host=203.0.113.60 "
                         "ansible_user=deploy ansible_port=2222\n" % host)
    extra = {"add_server_authorized_keys": str(authorized_keys), "add_server_poll_interval": 0.3}
    env = {"DOKPLOY_URL": sim.base_url, "DOKPLOY_API_KEY": API_KEY}

    dry = run_playbook("playbooks/add_server.yml", "-i", str(inventory), "--check", env=env, extra_vars=extra)
    assert dry.rc == 0, dry
    assert sim.writes() == [], dry
    assert not authorized_keys.exists()

    sim.reset_log()
    first = run_playbook("playbooks/add_server.yml", "-i", str(inventory), env=env, extra_vars=extra)
    assert first.rc == 0, first
    assert first.recap[host]["failed"] == 0 and first.recap[host]["changed"] >= 7, first
    writes = [w["procedure"] for w in sim.writes()]
    for procedure in ("sshKey.generate", "sshKey.create", "server.create", "server.setup", "application.create",
                      "postgres.create", "application.deploy", "postgres.deploy"):
        assert procedure in writes, (procedure, writes)

    api = DokployClient(sim.base_url, API_KEY)
    server = [s for s in api.query_list("server.all") if s["name"] == host]
    assert len(server) == 1, server
    server = server[0]
    assert (server["ipAddress"], server["port"], server["username"]) == ("203.0.113.60", 2222, "deploy")
    key = [k for k in api.query_list("sshKey.all") if k["sshKeyId"] == server["sshKeyId"]][0]
    assert authorized_keys.read_text().splitlines() == [key["publicKey"]]
    assert oct(authorized_keys.stat().st_mode & 0o777) == "0o600"
    deployments = api.query_list("deployment.allByServer", serverId=server["serverId"])
    assert [d["status"] for d in deployments] == ["done"]
    project = [p for p in api.query_list("project.all") if p["name"] == host][0]
    environment = [e for e in project["environments"] if e["isDefault"]][0]
    placed = api.query_object("environment.one", environmentId=environment["environmentId"])
    assert [a["serverId"] for a in placed["applications"]] == [server["serverId"]]
    assert [d["serverId"] for d in placed["postgres"]] == [server["serverId"]]
    assert key["privateKey"] not in first.output

    sim.reset_log()
    second = run_playbook("playbooks/add_server.yml", "-i", str(inventory), env=env, extra_vars=extra)
    assert second.rc == 0, second
    assert second.recap[host]["changed"] == 0 and second.recap[host]["failed"] == 0, second
    assert sim.writes() == [], second
    assert authorized_keys.read_text().splitlines() == [key["publicKey"]]
