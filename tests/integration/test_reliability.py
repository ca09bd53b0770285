"""What holds when the network fails and when forks race: no lost write, no doubled object, no lost key."""

import json
import sys
import uuid

import pytest

from ansible_collections.community.dokploy.plugins.module_utils._client import DokployClient
from ansible_collections.community.dokploy.plugins.module_utils._dotenv import parse
from tests.conftest import API_KEY
from tests.simulator.harness import Simulator

SECRETS = ("converge-Db-Pass-9", "converge-Token-1", "converge-Auth-5")


def services(client, environment_id):
    """{kind list key: [names]} of one environment, as environment.one lists them."""
    details = client.query("environment.one", environmentId=environment_id)
    return dict((key, sorted(s["name"] for s in details.get(key) or []))
                for key in ("applications", "compose", "postgres", "mysql", "redis"))


def assert_converged_once(client, project):
    """Every object of converge.yml exists exactly once."""
    projects = [p for p in client.query("project.all") if p["name"] == project]
    assert len(projects) == 1, projects
    environments = dict((e["name"], e) for e in projects[0]["environments"])
    assert sorted(e["name"] for e in projects[0]["environments"]) == ["production", "staging"]
    assert services(client, environments["production"]["environmentId"]) == {
        "applications": ["api", "web", "worker"], "compose": ["stack"], "postgres": ["pg"], "mysql": ["legacy"],
        "redis": ["cache"]}
    assert services(client, environments["staging"]["environmentId"])["applications"] == ["api", "web"]
    apps = dict((a["name"], a) for a in environments["production"]["applications"])
    web = client.query("application.one", applicationId=apps["web"]["applicationId"])
    api = client.query("application.one", applicationId=apps["api"]["applicationId"])
    assert [d["host"] for d in web["domains"]] == ["www.converge.example"]
    assert [d["host"] for d in api["domains"]] == ["api.converge.example"]
    assert [m["mountPath"] for m in web["mounts"]] == ["/usr/share/nginx/html"]
    assert [r["regex"] for r in web["redirects"]] == ["^/old/(.*)"]
    assert [s["username"] for s in web["security"]] == ["admin"]
    assert [p["publishedPort"] for p in api["ports"]] == [18080]
    assert parse(web["env"]) == {"API_TOKEN": "converge-Token-1", "WORKERS": "4"}
    compose = client.query("compose.one", composeId=environments["production"]["compose"][0]["composeId"])
    assert [d["host"] for d in compose["domains"]] == ["queue.converge.example"]


@pytest.mark.simulator_only("fault injection (--fault-rate) on a simulator of its own")
@pytest.mark.parametrize("seed", [11, 23, 37])
def test_a_converge_under_ten_percent_faults_completes_without_retries_and_doubles_nothing(run_playbook, seed):
    project = "converge-%s" % uuid.uuid4().hex[:6]
    with Simulator() as flaky:
        flaky.start(API_KEY, extra_args=["--fault-rate", "0.1", "--fault-seed", seed, "--stall-seconds", "1",
                                         "--deploy-seconds", "0.5"])
        env = {"DOKPLOY_URL": flaky.base_url, "DOKPLOY_API_KEY": API_KEY, "DOKPLOY_TIMEOUT": "5"}
        first = run_playbook("converge.yml", "-e", json.dumps({"project": project}), env=env)
        assert first.rc == 0, first
        faulted = [r for r in flaky.requests() if r["status"] != 200]
        assert any(r["method"] == "POST" for r in faulted), "no write faulted: the test proves nothing"
        client = DokployClient(flaky.base_url, API_KEY, backoff_factor=0.05)
        assert_converged_once(client, project)
        flaky.reset_log()
        second = run_playbook("converge.yml", "-e", json.dumps({"project": project}), env=env)
        assert second.rc == 0, second
        # Only the deploy (a trigger, always sent) writes; everything else is in place.
        assert set(r["procedure"] for r in flaky.requests() if r["method"] == "POST") <= {"application.deploy"}, second
        assert_converged_once(client, project)
        for secret in SECRETS:
            assert secret not in first.output + second.output


@pytest.fixture
def racers(tmp_path):
    hosts = ["racer%d" % number for number in range(1, 9)]
    inventory = tmp_path / "racers.ini"
    inventory.write_text("[racers]\n%s\n\n[racers:vars]\nansible_connection=local\nansible_python_interpreter=%s\n"
                         % ("\n".join(hosts), sys.executable))
    return inventory, hosts


@pytest.mark.simulator_only("added latency (--latency) on a simulator of its own")
def test_forks_on_one_project_make_no_duplicate_and_lose_no_env_key(run_playbook, racers):
    inventory, hosts = racers
    with Simulator() as slow:
        # Latency widens every read-merge-write window, as a remote server does.
        slow.start(API_KEY, extra_args=["--latency", "0.05"])
        client = DokployClient(slow.base_url, API_KEY)
        for _round in range(3):
            project = "race-%s" % uuid.uuid4().hex[:6]
            run = run_playbook("race.yml", "-i", str(inventory), "-f", str(len(hosts)),
                               "-e", json.dumps({"project": project}),
                               env={"DOKPLOY_URL": slow.base_url, "DOKPLOY_API_KEY": API_KEY})
            assert run.rc == 0, run
            projects = [p for p in client.query("project.all") if p["name"] == project]
            assert len(projects) == 1, projects
            production = [e for e in projects[0]["environments"] if e["isDefault"]][0]
            apps = production["applications"]
            assert [a["name"] for a in apps] == ["web"], apps
            env = parse(client.query("application.one", applicationId=apps[0]["applicationId"])["env"])
            assert env == dict(("KEY_%s" % host.upper(), "value-%s" % host) for host in hosts), env
