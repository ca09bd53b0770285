"""--check on an empty organization: every shipped playbook runs, says what it would do, and writes nothing.

A task whose parent an earlier task would create (a project, an environment, the service of a
domain or of env vars) reports "would be created" instead of failing.
"""

import json

import pytest

from tests.conftest import API_KEY, SECOND_ORG_KEY, rst_code_blocks
from tests.integration.test_roles_playbooks import client_inventory
from tests.simulator.harness import Simulator

pytestmark = pytest.mark.simulator_only("an empty server: a simulator of its own whose two organizations hold nothing")


@pytest.fixture
def empty():
    """A simulator of its own: both organizations hold nothing."""
    with Simulator() as sim:
        sim.start(API_KEY, second_org_key=SECOND_ORG_KEY)
        yield sim


def assert_nothing_written(sim, run):
    assert run.rc == 0, run
    assert "fatal:" not in run.stdout, run
    assert [r for r in sim.requests() if r["method"] == "POST"] == [], run
    assert sim.requests(), "the run read nothing: it did not reach the simulator"


def test_demo_in_check_mode_on_an_empty_server(empty, run_playbook):
    run = run_playbook("playbooks/demo.yml", "--check", "--diff",
                       env={"DOKPLOY_URL": empty.base_url, "DOKPLOY_API_KEY": API_KEY})
    assert_nothing_written(empty, run)
    # Project, app, database and domain would be created; the handler would deploy.
    assert run.recap["localhost"]["changed"] >= 5, run
    assert "RUNNING HANDLER [Deploy web]" in run.stdout, run


def test_clients_playbook_and_role_in_check_mode_on_empty_organizations(empty, run_playbook, tmp_path):
    variables = tmp_path / "clients.json"
    variables.write_text(json.dumps({
        "dokploy_profiles": {"acme": {"api_url": empty.base_url, "api_key": API_KEY},
                             "globex": {"api_url": empty.base_url, "api_key": SECOND_ORG_KEY}},
        "client_env": {"acme": {"TOKEN": "client-Secret-73"}},
        "release": "1.27",
    }))
    run = run_playbook("playbooks/clients_same_app.yml", "--check", "--diff", "-e", "@%s" % variables)
    assert_nothing_written(empty, run)
    # One dokploy_stack task per client, each planning its project, app, env, domain and deploy.
    assert run.recap["localhost"]["changed"] == 2, run
    assert run.stdout.count("+++ after: create app web (production)") == 2, run
    assert "client-Secret-73" not in run.output

    clients = {"acme": {"client_environments": {"production": {"apps": [
        {"name": "web", "docker_image": "nginx:1.27", "env": {"TOKEN": "client-Secret-73"}}]}}}}
    declared = run_playbook("playbooks/clients.yml", "--check", "--diff", *client_inventory(tmp_path, empty, clients))
    assert_nothing_written(empty, declared)
    assert declared.recap["acme"]["changed"] == 1 and "+++ after: create app web (production)" in declared.stdout, declared
    assert "client-Secret-73" not in declared.output


def getting_started_playbook():
    blocks = rst_code_blocks("getting_started.rst")
    plays = [block for block in blocks if block.lstrip().startswith("- name:") and "hosts:" in block]
    assert plays, "getting_started.rst has no playbook"
    return plays[0]


def test_getting_started_in_check_mode_on_an_empty_server(empty, run_playbook, tmp_path):
    playbook = tmp_path / "getting-started.yml"
    playbook.write_text(getting_started_playbook())
    run = run_playbook(str(playbook), "--check", "--diff",
                       "-e", json.dumps({"release": "1.0", "vault_shop_db_password": "shop-Pass-42"}),
                       env={"DOKPLOY_URL": empty.base_url, "DOKPLOY_API_KEY": API_KEY})
    assert_nothing_written(empty, run)
    assert run.recap["localhost"]["changed"] == run.recap["localhost"]["ok"], run


@pytest.mark.parametrize("module, args", [
    ("dokploy_environment", {"project": "nowhere", "name": "staging"}),
    ("dokploy_app", {"project": "nowhere", "name": "web", "docker_image": "nginx"}),
    ("dokploy_db", {"type": "redis", "project": "nowhere", "name": "cache", "database_password": "pw-1234"}),
    ("dokploy_compose", {"project": "nowhere", "name": "stack", "compose_file": "services: {}\n"}),
    ("dokploy_domain", {"project": "nowhere", "app": "web", "host": "a.example.com"}),
    ("dokploy_env", {"project": "nowhere", "app": "web", "vars": {"A": "1"}}),
    ("dokploy_mount", {"project": "nowhere", "app": "web", "mount_path": "/data", "type": "volume",
                       "volume_name": "data"}),
    ("dokploy_port", {"project": "nowhere", "app": "web", "published_port": 8080, "target_port": 80}),
    ("dokploy_redirect", {"project": "nowhere", "app": "web", "regex": "^/old", "replacement": "/new"}),
    ("dokploy_basic_auth", {"project": "nowhere", "app": "web", "username": "u", "password": "pw-1234"}),
    ("dokploy_deploy", {"project": "nowhere", "app": "web"}),
])
def test_each_module_in_check_mode_reports_what_a_missing_parent_would_mean(empty, run_module, module, args):
    run = run_module(module, args, check=True, simulator=empty)
    assert not run.failed and run.changed is True, run
    assert run.writes == [], run
    if module != "dokploy_deploy":
        assert "does not exist yet" in run.result.get("missing_parent", ""), run
    # Without --check the same task names the missing parent and fails before writing.
    real = run_module(module, args, simulator=empty)
    assert real.failed and real.writes == [] and "option project" in real.result["msg"], real


def test_env_info_in_check_mode_reads_an_empty_blob_for_a_missing_target(empty, run_module):
    run = run_module("dokploy_env_info", {"project": "nowhere", "app": "web"}, check=True, simulator=empty)
    assert not run.failed and run.result["vars"] == {}, run
