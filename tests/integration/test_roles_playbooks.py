"""The shipped playbooks and roles, run by ansible-playbook against the simulator."""

import json
import uuid

import pytest
import yaml

from ansible_collections.community.dokploy.plugins.module_utils._client import DokployClient
from tests.conftest import API_KEY, SECOND_ORG_KEY

CLIENT_SECRET = "client-Secret-73"
DB_PASSWORD = "client-Db-Pass-4417"


def writes(sim):
    return [r["procedure"] for r in sim.requests() if r["method"] == "POST"]


@pytest.mark.second_org
def test_same_app_for_every_client_through_the_app_stack_role(sim, run_playbook, tmp_path):
    acme, globex = "acme-%s" % uuid.uuid4().hex[:6], "globex-%s" % uuid.uuid4().hex[:6]
    variables = tmp_path / "clients.json"
    variables.write_text(json.dumps({
        "dokploy_profiles": {acme: {"api_url": sim.base_url, "api_key": API_KEY},
                             globex: {"api_url": sim.base_url, "api_key": SECOND_ORG_KEY}},
        "client_env": {acme: {"TOKEN": CLIENT_SECRET}, globex: {"MODE": "prod"}},
        "release": "1.27",
    }))
    first = run_playbook("playbooks/clients_same_app.yml", "-e", "@%s" % variables, "-vvv")
    assert first.rc == 0, first
    assert first.recap["localhost"]["changed"] == 2, first
    assert writes(sim).count("application.deploy") == 2
    assert CLIENT_SECRET not in first.output

    for key, project, other in ((API_KEY, acme, globex), (SECOND_ORG_KEY, globex, acme)):
        names = [p["name"] for p in DokployClient(sim.base_url, key).query("project.all")]
        assert project in names and other not in names

    sim.reset_log()
    second = run_playbook("playbooks/clients_same_app.yml", "-e", "@%s" % variables)
    assert second.rc == 0 and second.recap["localhost"]["changed"] == 0, second
    assert writes(sim) == []

    # A new release changes the image only: one update and one deploy per client.
    sim.reset_log()
    third = run_playbook("playbooks/clients_same_app.yml", "-e", "@%s" % variables, "-e", "release=1.28")
    assert third.rc == 0 and third.recap["localhost"]["changed"] == 2, third
    assert sorted(writes(sim)) == sorted(["application.saveDockerProvider", "application.deploy"] * 2)


def client_inventory(tmp_path, sim, clients):
    """An inventory of one host per client, its declaration in host_vars, its profile in a vars file."""
    (tmp_path / "host_vars").mkdir()
    for name, declaration in clients.items():
        (tmp_path / "host_vars" / ("%s.yml" % name)).write_text(yaml.safe_dump(declaration))
    inventory = tmp_path / "inventory.yml"
    inventory.write_text(yaml.safe_dump({"dokploy_clients": {"hosts": dict((name, {}) for name in clients)}}))
    profiles = tmp_path / "profiles.json"
    profiles.write_text(json.dumps({"dokploy_profiles": dict(
        (name, {"api_url": sim.base_url, "api_key": API_KEY if index == 0 else SECOND_ORG_KEY})
        for index, name in enumerate(clients))}))
    return ["-i", str(inventory), "-e", "@%s" % profiles]


@pytest.mark.second_org
def test_clients_playbook_converges_each_declaration_plans_in_check_mode_and_prunes(sim, run_playbook, tmp_path):
    acme, globex = "acme-%s" % uuid.uuid4().hex[:6], "globex-%s" % uuid.uuid4().hex[:6]
    acme_apps = [{"name": "web", "docker_image": "nginx:1.27", "env": {"TOKEN": CLIENT_SECRET},
                  "domains": [{"host": "%s.agency.example" % acme, "port": 80}]},
                 {"name": "worker", "docker_image": "busybox:1.36"}]
    clients = {
        acme: {"client_environments": {"production": {
            "apps": acme_apps,
            "databases": [{"name": "db", "type": "postgres", "database_name": "shop", "database_user": "shop",
                           "database_password": DB_PASSWORD}]}}},
        globex: {"client_environments": {"production": {"apps": [{"name": "site", "docker_image": "nginx:1.27"}]}},
                 "client_deploy": "never"},
    }
    args = client_inventory(tmp_path, sim, clients)

    planned = run_playbook("playbooks/clients.yml", "--check", "--diff", "-vvv", *args)
    assert planned.rc == 0, planned
    assert writes(sim) == []
    assert "create app web (production)" in planned.stdout and "create app site (production)" in planned.stdout
    assert CLIENT_SECRET not in planned.output and DB_PASSWORD not in planned.output

    sim.reset_log()
    first = run_playbook("playbooks/clients.yml", "-vvv", *args)
    assert first.rc == 0, first
    assert first.recap[acme]["changed"] == 1 and first.recap[globex]["changed"] == 1, first
    assert writes(sim).count("application.deploy") == 2 and writes(sim).count("postgres.deploy") == 1
    assert CLIENT_SECRET not in first.output and DB_PASSWORD not in first.output
    for key, project, other in ((API_KEY, acme, globex), (SECOND_ORG_KEY, globex, acme)):
        names = [p["name"] for p in DokployClient(sim.base_url, key).query("project.all")]
        assert project in names and other not in names

    sim.reset_log()
    second = run_playbook("playbooks/clients.yml", *args)
    assert second.rc == 0 and second.recap[acme]["changed"] == 0 and second.recap[globex]["changed"] == 0, second
    assert writes(sim) == []

    # The worker leaves acme's declaration: with prune it is removed, and nothing else is written.
    clients[acme]["client_environments"]["production"]["apps"] = acme_apps[:1]
    clients[acme]["client_prune"] = True
    args = client_inventory(tmp_path / "pruned" if (tmp_path / "pruned").mkdir() is None else tmp_path, sim, clients)
    sim.reset_log()
    pruned = run_playbook("playbooks/clients.yml", *args)
    assert pruned.rc == 0 and pruned.recap[acme]["changed"] == 1 and pruned.recap[globex]["changed"] == 0, pruned
    assert writes(sim) == ["application.delete"]
