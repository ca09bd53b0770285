"""dokploy_deploy against the simulator: it follows the deployment it started, never an older one."""

import uuid

import pytest

from ansible_collections.community.dokploy.plugins.module_utils._client import DokployClient
from tests.conftest import API_KEY
from tests.integration.lifecycle import assert_no_secret, default_environment
from tests.simulator.harness import Simulator

ENV_SECRET = "deploy-Secret-55"


def unique(prefix):
    return "%s-%s" % (prefix, uuid.uuid4().hex[:8])


def make_app(run_module, simulator=None, env=None):
    project = unique("deploy")
    created = run_module("dokploy_app", {"project": project, "create_project": True, "name": "web",
                                         "docker_image": "nginx:1.27"}, simulator=simulator)
    assert not created.failed, created
    if env is not None:
        assert not run_module("dokploy_env", {"project": project, "app": "web", "vars": env},
                              simulator=simulator).failed
    return project


def test_deploy_waits_for_the_new_deployment(run_module):
    project = make_app(run_module)
    args = {"project": project, "app": "web", "title": "first", "poll_interval": 0.3}
    dry = run_module("dokploy_deploy", args, check=True)
    assert dry.changed is True and dry.writes == [] and dry.result["msg"] == "would deploy application web", dry
    first = run_module("dokploy_deploy", args)
    assert not first.failed and first.changed is True, first
    assert first.writes == ["application.deploy"]
    assert first.result["deployment"]["status"] == "done" and first.result["deployment"]["title"] == "first"
    assert first.result["status"] == "done"
    assert first.result["progress"][-1].endswith("done")


@pytest.mark.simulator_only("a deployment made to fail (the SIMULATOR_DEPLOY_FAIL=1 env marker)")
def test_a_failing_deploy_after_a_good_one_fails_with_its_own_log(run_module):
    project = make_app(run_module)
    good = run_module("dokploy_deploy", {"project": project, "app": "web", "poll_interval": 0.3})
    assert good.result["deployment"]["status"] == "done", good
    # The service now fails its deployments; a module reading the previous one would say "done".
    run_module("dokploy_env", {"project": project, "app": "web",
                               "vars": {"SIMULATOR_DEPLOY_FAIL": "1", "TOKEN": ENV_SECRET}})
    bad = run_module("dokploy_deploy", {"project": project, "app": "web", "poll_interval": 0.3, "log_lines": 10})
    assert bad.failed and bad.changed is True, bad
    deployment = bad.result["deployment"]
    assert deployment["status"] == "error" and deployment["id"] != good.result["deployment"]["id"]
    assert bad.result["msg"].startswith("deployment %s of application web ended in error after " % deployment["id"])
    assert deployment["log_tail"] and "last log lines: " in bad.result["msg"]
    assert "Traceback" not in bad.output
    assert_no_secret(bad, [ENV_SECRET])


@pytest.fixture
def slow_simulator():
    with Simulator() as slow:
        slow.start(API_KEY, extra_args=["--deploy-seconds", "30"])
        yield slow


@pytest.mark.simulator_only("deployments that run 30 s (--deploy-seconds) on a simulator of its own")
def test_wait_timeout_fails_with_the_running_deployment(run_module, slow_simulator):
    project = make_app(run_module, simulator=slow_simulator)
    late = run_module("dokploy_deploy", {"project": project, "app": "web", "wait_timeout": 2, "poll_interval": 0.5},
                      simulator=slow_simulator)
    assert late.failed, late
    assert "is still running after 2s (wait_timeout)" in late.result["msg"], late
    unwaited = run_module("dokploy_deploy", {"project": project, "app": "web", "action": "redeploy", "wait": False},
                          simulator=slow_simulator)
    assert not unwaited.failed and unwaited.result["deployment"] == {}, unwaited
    assert unwaited.writes == ["application.redeploy"]


def test_compose_and_database_actions(sim, run_module):
    project = make_app(run_module)
    client = DokployClient(sim.base_url, API_KEY)
    environment = default_environment([p for p in client.query("project.all") if p["name"] == project][0])
    # raw: a compose created without a sourceType is a github one, whose deploy fails without a provider.
    client.mutate("compose.create", {"name": "stack", "environmentId": environment["environmentId"],
                                     "sourceType": "raw", "composeFile": "services:\n  web:\n    image: nginx\n"})
    client.mutate("redis.create", {"name": "cache", "environmentId": environment["environmentId"],
                                   "databasePassword": "pw-1"})
    stack = run_module("dokploy_deploy", {"project": project, "compose": "stack", "poll_interval": 0.3})
    assert stack.result["deployment"]["status"] == "done" and stack.writes == ["compose.deploy"], stack
    cache = run_module("dokploy_deploy", {"project": project, "database": "cache", "database_type": "redis"})
    assert cache.writes == ["redis.deploy"] and cache.result["status"] == "done", cache
    stopped = run_module("dokploy_deploy", {"project": project, "compose": "stack", "action": "stop"})
    assert stopped.writes == ["compose.stop"], stopped
    # <kind>.reload requires the service's appName besides its id (the schema Dokploy serves).
    for args, procedure in (({"app": "web"}, "application.reload"),
                            ({"database": "cache", "database_type": "redis"}, "redis.reload")):
        reloaded = run_module("dokploy_deploy", dict(args, project=project, action="reload"))
        assert not reloaded.failed and reloaded.writes == [procedure] and reloaded.result["status"] == "done", reloaded


@pytest.mark.parametrize("args, message", [
    ({"compose": "stack", "action": "reload"}, "option action: a compose cannot reload"),
    ({"database": "db", "database_type": "postgres", "action": "redeploy"}, "option action: a postgres cannot"),
    ({"app": "web", "wait_timeout": 0}, "option wait_timeout: must be more than 0"),
])
def test_bad_input_is_refused_before_any_request(run_module, args, message):
    refused = run_module("dokploy_deploy", dict({"project": "p"}, **args))
    assert refused.failed and refused.requests == [], refused
    assert message in refused.result["msg"]


def test_handler_pattern_deploys_only_after_a_change(sim, run_playbook):
    project = unique("handler")
    env = {"DOKPLOY_URL": sim.base_url, "DOKPLOY_API_KEY": API_KEY}
    first = run_playbook("deploy_handler.yml", env=env, extra_vars={"project": project, "image": "nginx:1.27"})
    assert first.rc == 0, first
    assert "RUNNING HANDLER [Deploy web]" in first.stdout
    sim.reset_log()
    second = run_playbook("deploy_handler.yml", env=env, extra_vars={"project": project, "image": "nginx:1.27"})
    assert second.rc == 0 and second.recap["localhost"]["changed"] == 0, second
    assert "RUNNING HANDLER" not in second.stdout
    assert [r for r in sim.requests() if r["method"] == "POST"] == []
    third = run_playbook("deploy_handler.yml", env=env, extra_vars={"project": project, "image": "nginx:1.28"})
    assert "RUNNING HANDLER [Deploy web]" in third.stdout and third.rc == 0, third


@pytest.mark.simulator_only("simulators of two releases, and a database that fails (SIMULATOR_DEPLOY_FAIL=1)")
@pytest.mark.parametrize("version, reason", [
    ("0.30.2", "Cannot connect to the Docker daemon"),
    ("0.30.8", "did not converge after 45000ms"),
])
def test_a_failed_database_deploy_names_the_database_and_its_status(run_module, version, reason):
    """v0.30.2 fails a database deploy on Docker's error; v0.30.5+ also when the service does not converge."""
    with Simulator() as sim:
        sim.start(API_KEY, extra_args=("--deploy-seconds", "0.2", "--dokploy-version", version))
        assert not run_module("dokploy_project", {"name": "versions"}, simulator=sim).failed
        assert not run_module("dokploy_db", {"type": "postgres", "project": "versions", "name": "pg",
                                             "database_name": "app", "database_user": "app",
                                             "database_password": "Pg-Secret-7731"}, simulator=sim).failed
        assert not run_module("dokploy_env", {"project": "versions", "database": "pg", "database_type": "postgres",
                                              "vars": {"SIMULATOR_DEPLOY_FAIL": "1"}}, simulator=sim).failed
        failed = run_module("dokploy_deploy", {"project": "versions", "database": "pg", "database_type": "postgres"},
                            simulator=sim)
        assert failed.failed and failed.writes == ["postgres.deploy"], failed
        assert failed.result["msg"].startswith("postgres pg failed to deploy (status error): "), failed
        assert reason in failed.result["msg"] and "Pg-Secret-7731" not in failed.output, failed
