"""dokploy_info and the profile lookup, run by ansible-playbook against the simulator."""

import json
import subprocess
import uuid

import pytest

from ansible_collections.community.dokploy.plugins.module_utils._client import DokployClient
from tests.conftest import API_KEY, BIN, SECOND_ORG_KEY

VAULT_PASSWORD = "integration-vault-pw"


def unique(prefix):
    return "%s-%s" % (prefix, uuid.uuid4().hex[:8])


@pytest.fixture
def tree(simulator):
    """A project with one service of each kind in production, an app in staging, and an empty environment alpha.

    alpha is created last: dokploy_info must still list it before staging (default first, then by name).
    """
    client = DokployClient(simulator.base_url, API_KEY)
    name = unique("info")
    created = client.mutate("project.create", {"name": name})
    production = created["environment"]["environmentId"]
    staging = client.mutate("environment.create", {"name": "staging", "projectId": created["project"]["projectId"]})
    client.mutate("application.create", {"name": "web", "environmentId": production})
    client.mutate("compose.create", {"name": "stack", "environmentId": production})
    client.mutate("postgres.create", {"name": "pg", "environmentId": production, "databaseName": "app",
                                      "databaseUser": "app", "databasePassword": "pw-1", "dockerImage": "postgres:16"})
    client.mutate("redis.create", {"name": "cache", "environmentId": production, "databasePassword": "pw-2",
                                   "dockerImage": "redis:7"})
    client.mutate("application.create", {"name": "web", "environmentId": staging["environmentId"]})
    client.mutate("environment.create", {"name": "alpha", "projectId": created["project"]["projectId"]})
    simulator.reset_log()
    return {"name": name, "id": created["project"]["projectId"]}


def env_for(simulator, key=API_KEY):
    return {"DOKPLOY_URL": simulator.base_url, "DOKPLOY_API_KEY": key}


def services(project, environment):
    env = [e for e in project["environments"] if e["name"] == environment][0]
    return sorted((s["kind"], s["name"], s["status"]) for s in env["services"])


def test_info_returns_the_tree_with_named_databases(sim, tree, run_playbook, tmp_path):
    result_file = tmp_path / "tree.json"
    run = run_playbook("info.yml", env=env_for(sim), extra_vars={"result_file": str(result_file),
                                                                 "only_project": tree["name"]})
    assert run.rc == 0, run
    result = json.loads(result_file.read_text())
    assert result["changed"] is False
    [project] = result["projects"]
    assert (project["id"], project["name"]) == (tree["id"], tree["name"])
    assert services(project, "production") == [
        ("application", "web", "idle"), ("compose", "stack", "idle"),
        ("postgres", "pg", "idle"), ("redis", "cache", "idle")]
    assert services(project, "staging") == [("application", "web", "idle")]
    assert services(project, "alpha") == []
    # Whatever order Dokploy lists them in: the default environment first, then by name.
    assert [(e["name"], e["is_default"]) for e in project["environments"]] == [
        ("production", True), ("alpha", False), ("staging", False)]
    # Every service here runs on the Dokploy server itself.
    assert [s["server"] for e in project["environments"] for s in e["services"]] == [None] * 5
    assert isinstance(result["servers"], list)
    # One project.all, one server.all, and one environment.one for the only environment holding databases; when the
    # organization has servers (other tests of the session may have left some), for each environment holding
    # services, since only environment.one says where a service runs.
    reads = [(r["method"], r["procedure"]) for r in sim.requests()]
    assert reads == [("GET", "project.all"), ("GET", "server.all")] + [("GET", "environment.one")] * (
        2 if result["servers"] else 1), reads


def test_info_in_check_mode_reads_the_same_and_writes_nothing(sim, tree, run_playbook, tmp_path):
    result_file = tmp_path / "tree.json"
    run = run_playbook("info.yml", "--check", env=env_for(sim),
                       extra_vars={"result_file": str(result_file), "only_project": tree["id"]})
    assert run.rc == 0, run
    result = json.loads(result_file.read_text())
    assert result["changed"] is False
    assert [p["name"] for p in result["projects"]] == [tree["name"]]
    assert sim.writes() == []


def test_info_with_the_cli_token_variable(sim, tree, run_playbook, tmp_path):
    result_file = tmp_path / "tree.json"
    env = {"DOKPLOY_URL": sim.base_url + "/api/", "DOKPLOY_AUTH_TOKEN": API_KEY}
    run = run_playbook("info.yml", env=env, extra_vars={"result_file": str(result_file), "only_project": tree["name"]})
    assert run.rc == 0, run
    assert len(json.loads(result_file.read_text())["projects"]) == 1


def test_wrong_key_fails_in_one_line_without_key_or_traceback(sim, run_playbook, tmp_path):
    wrong_key = "wrong-key-" + uuid.uuid4().hex
    run = run_playbook("info.yml", "-vvv", env=env_for(sim, wrong_key),
                       extra_vars={"result_file": str(tmp_path / "x.json")})
    assert run.rc == 2, run
    assert wrong_key not in run.output
    assert "Traceback" not in run.output
    assert ("project.all: HTTP 401 Unauthorized: the API key is wrong, revoked, belongs to another organization, "
            "or its rate limit is used up") in run.output


def test_missing_url_names_the_option(run_playbook, tmp_path):
    run = run_playbook("info.yml", env={"DOKPLOY_API_KEY": API_KEY}, extra_vars={"result_file": str(tmp_path / "x")})
    assert run.rc == 2, run
    assert "missing required arguments: api_url" in run.output


def encrypt_string(text, password_file):
    completed = subprocess.run(
        [str(BIN / "ansible-vault"), "encrypt_string", "--vault-password-file", str(password_file), text],
        capture_output=True, text=True, check=True)
    return completed.stdout


@pytest.mark.second_org
@pytest.mark.parametrize("encryption", ["per-value", "whole-file"])
def test_named_profiles_from_a_vault_target_two_organizations(sim, tree, run_playbook, tmp_path, encryption):
    second_org = DokployClient(sim.base_url, SECOND_ORG_KEY)
    org2_project = unique("org2")
    second_org.mutate("project.create", {"name": org2_project})
    password_file = tmp_path / "vault-pw"
    password_file.write_text(VAULT_PASSWORD)
    if encryption == "per-value":
        org1_key = encrypt_string(API_KEY, password_file).strip()
        org2_key = encrypt_string(SECOND_ORG_KEY, password_file).strip()
    else:
        org1_key, org2_key = json.dumps(API_KEY), json.dumps(SECOND_ORG_KEY)
    vars_file = tmp_path / "profiles.yml"
    vars_file.write_text(
        "dokploy_profiles:\n"
        "  org1:\n    api_url: %s\n    api_key: %s\n"
        "  org2:\n    api_url: %s\n    api_key: %s\n"
        % (sim.base_url, org1_key.replace("\n", "\n      "), sim.base_url, org2_key.replace("\n", "\n      ")))
    if encryption == "whole-file":
        subprocess.run([str(BIN / "ansible-vault"), "encrypt", "--vault-password-file", str(password_file),
                        str(vars_file)], check=True, capture_output=True)
    assert API_KEY not in vars_file.read_text()
    result_file = tmp_path / "result.json"
    run = run_playbook("profiles.yml", "-vvv", "--vault-password-file", str(password_file),
                       "-e", "@%s" % vars_file, extra_vars={"result_file": str(result_file)})
    assert run.rc == 0, run
    result = json.loads(result_file.read_text())
    org1_names = [p["name"] for p in result["trees"][0]]
    org2_names = [p["name"] for p in result["trees"][1]]
    assert tree["name"] in org1_names and org2_project not in org1_names
    assert org2_project in org2_names and tree["name"] not in org2_names
    assert sorted((p["name"], p["api_url"]) for p in result["listing"]) == [
        ("org1", sim.base_url), ("org2", sim.base_url)]
    for key in (API_KEY, SECOND_ORG_KEY):
        assert key not in run.output
        assert key not in result_file.read_text()
