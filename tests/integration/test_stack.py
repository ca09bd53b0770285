"""dokploy_stack against the simulator: a whole project from one declaration, by the single modules' resources."""

import copy
import uuid

import pytest

from tests.integration.lifecycle import assert_no_secret

DB_PASSWORD = "Stack-Db-Pass-7731"
ENV_SECRET = "stack-env-Secret-4410"
AUTH_PASSWORD = "Stack-Auth-Pw-9902"


def unique(prefix):
    return "%s-%s" % (prefix, uuid.uuid4().hex[:8])


def declaration(project, apps=7):
    """A project of ``apps`` applications (each with env, a domain and a mount), a compose stack and two databases."""
    production = {
        "description": "live",
        "apps": [{"name": "web-%d" % index, "docker_image": "nginx:1.27", "memory_limit": "256M",
                  "env": {"INDEX": str(index), "TOKEN": ENV_SECRET},
                  "domains": [{"host": "web-%d.%s.example" % (index, project), "port": 80}],
                  "mounts": [{"mount_path": "/data", "type": "volume", "volume_name": "%s-web-%d" % (project, index)}]}
                 for index in range(apps)],
        "compose": [{"name": "queue", "compose_file": "services:\n  worker:\n    image: busybox\n",
                     "env": {"QUEUE": "jobs"}}],
        "databases": [{"name": "db", "type": "postgres", "database_name": "shop", "database_user": "shop",
                       "database_password": DB_PASSWORD},
                      {"name": "cache", "type": "redis", "database_password": DB_PASSWORD}],
    }
    production["apps"][0]["ports"] = [{"published_port": 0, "target_port": 80}]
    production["apps"][0]["basic_auth"] = [{"username": "admin", "password": AUTH_PASSWORD}]
    production["apps"][0]["redirects"] = [{"regex": "^/old/(.*)", "replacement": "/new/$1", "permanent": True}]
    del production["apps"][0]["ports"]
    return {"project": project, "description": "a client", "environments": {"production": production},
            "deploy": "never"}


SECRETS = [DB_PASSWORD, ENV_SECRET, AUTH_PASSWORD]


def test_a_project_of_ten_services_from_empty_in_one_task(run_module):
    project = unique("stack")
    args = declaration(project)

    dry = run_module("dokploy_stack", args, check=True)
    assert not dry.failed and dry.changed is True, dry
    assert dry.writes == [], dry
    plan = dry.result["plan"]
    creates = [(e["kind"], e["name"]) for e in plan if e["action"] == "create"]
    assert ("project", project) in creates and ("app", "web-6") in creates and ("db", "db") in creates, plan
    assert ("domain", "web-3.%s.example, /" % project) in creates and ("compose", "queue") in creates, plan
    web = next(e for e in plan if e["kind"] == "app" and e["name"] == "web-0")
    assert web["changes"]["memory_limit"] == {"before": None, "after": "256M"}, web
    db = next(e for e in plan if e["kind"] == "db")
    assert db["changes"]["database_password"]["after"] == "********", db
    assert_no_secret(dry, SECRETS)

    created = run_module("dokploy_stack", args)
    assert not created.failed and created.changed is True, created
    assert created.writes.count("application.create") == 7 and created.writes.count("project.create") == 1, created
    assert created.writes.count("postgres.create") == 1 and created.writes.count("compose.create") == 1, created
    assert [(e["action"], e["kind"], e["name"]) for e in created.result["plan"]] == \
        [(e["action"], e["kind"], e["name"]) for e in plan], created
    assert_no_secret(created, SECRETS)

    again = run_module("dokploy_stack", args)
    assert not again.failed and again.changed is False, again
    assert again.writes == [] and again.result["plan"] == [], again
    # The tree once (project.all, environment.one), then each service once.
    assert len(again.reads) <= 10 + 2, again.reads
    assert_no_secret(again, SECRETS)


def test_one_nested_change_sends_only_its_write(run_module):
    project = unique("stack")
    args = declaration(project, apps=2)
    assert not run_module("dokploy_stack", args).failed
    changed = copy.deepcopy(args)
    changed["environments"]["production"]["apps"][1]["domains"][0]["port"] = 8080
    run = run_module("dokploy_stack", changed)
    assert not run.failed and run.changed is True, run
    assert run.writes == ["domain.update"], run
    assert run.result["plan"] == [{"action": "update", "kind": "domain", "environment": "production",
                                   "name": "web-1.%s.example, /" % project,
                                   "changes": {"port": {"before": 80, "after": 8080}}}], run
    assert run_module("dokploy_stack", changed).writes == []


def test_env_changes_are_planned_by_key_and_masked(run_module):
    project = unique("stack")
    args = declaration(project, apps=1)
    assert not run_module("dokploy_stack", args).failed
    changed = copy.deepcopy(args)
    changed["environments"]["production"]["apps"][0]["env"]["TOKEN"] = ENV_SECRET + "-new"
    run = run_module("dokploy_stack", changed)
    assert run.writes == ["application.saveEnvironment"], run
    [entry] = run.result["plan"]
    assert entry["kind"] == "env" and entry["changes"] == {"TOKEN": {"before": "********", "after": "********"}}
    assert_no_secret(run, SECRETS + [ENV_SECRET + "-new"])


def test_prune_lists_in_check_mode_then_removes(run_module):
    project = unique("stack")
    args = declaration(project, apps=3)
    assert not run_module("dokploy_stack", args).failed
    smaller = copy.deepcopy(args)
    production = smaller["environments"]["production"]
    del production["apps"][2]
    production["apps"][1]["domains"] = []
    del production["apps"][0]["env"]["INDEX"]
    smaller["prune"] = True
    without_prune = run_module("dokploy_stack", dict(smaller, prune=False))
    assert without_prune.writes == [] and without_prune.changed is False, without_prune

    dry = run_module("dokploy_stack", smaller, check=True)
    assert dry.writes == [] and dry.changed is True, dry
    listed = sorted((e["action"], e["kind"], e["name"]) for e in dry.result["plan"])
    assert listed == sorted([("delete", "app", "web-2"), ("delete", "domain", "web-1.%s.example, /" % project),
                             ("update", "env", "web-0")]), dry.result["plan"]

    pruned = run_module("dokploy_stack", smaller)
    assert not pruned.failed, pruned
    assert sorted(pruned.writes) == sorted(["application.delete", "domain.delete", "application.saveEnvironment"])
    assert run_module("dokploy_stack", smaller).writes == []


@pytest.mark.parametrize("where, value, named", [
    (("apps", 1, "memory_limit"), "lots", "environments.production.apps[1].memory_limit"),
    (("apps", 1, "replicas"), "many", "environments.production.apps[1].replicas"),
    (("apps", 1, "colour"), "blue", "environments.production.apps[1].colour"),
    (("databases", 0, "database_password"), "has space", "environments.production.databases[0].database_password"),
])
def test_bad_input_deep_in_the_declaration_fails_before_any_write(run_module, where, value, named):
    project = unique("stack")
    args = declaration(project, apps=2)
    list_key, index, option = where
    args["environments"]["production"][list_key][index][option] = value
    run = run_module("dokploy_stack", args)
    assert run.failed and run.requests == [], run
    assert run.result["msg"].startswith(named + ":"), run.result["msg"]


def test_bad_nested_child_is_named_by_its_path(run_module):
    project = unique("stack")
    args = declaration(project, apps=2)
    args["environments"]["production"]["apps"][1]["domains"][0]["port"] = 70000
    run = run_module("dokploy_stack", args)
    assert run.failed and run.requests == [], run
    assert run.result["msg"].startswith("environments.production.apps[1].domains[0].port:"), run.result["msg"]


def test_deploy_waits_for_every_new_deployment_and_names_each_failure(run_module):
    project = unique("stack")
    args = dict(declaration(project, apps=3), deploy="changed", poll_interval=0.3, max_parallel=2, log_lines=10)
    created = run_module("dokploy_stack", args)
    assert not created.failed, created
    deploys = [(e["kind"], e["name"]) for e in created.result["plan"] if e["action"] == "deploy"]
    assert sorted(deploys) == sorted([("app", "web-0"), ("app", "web-1"), ("app", "web-2"), ("compose", "queue"),
                                      ("db", "db"), ("db", "cache")]), created.result["plan"]
    assert created.writes.count("application.deploy") == 3 and created.writes.count("compose.deploy") == 1
    assert created.writes.count("postgres.deploy") == 1 and created.writes.count("redis.deploy") == 1
    followed = [d for d in created.result["deployments"] if "deployment" in d]
    assert len(followed) == 4 and all(d["deployment"]["status"] == "done" for d in followed), created
    assert run_module("dokploy_stack", args).writes == []

    # Two apps change, one of which now fails its deployments: one error names it, with its log tail.
    failing = copy.deepcopy(args)
    apps = failing["environments"]["production"]["apps"]
    apps[1]["env"]["SIMULATOR_DEPLOY_FAIL"] = "1"
    apps[2]["memory_limit"] = "512M"
    run = run_module("dokploy_stack", failing)
    assert run.failed and run.changed is True, run
    assert sorted(w for w in run.writes if w.endswith(".deploy")) == ["application.deploy", "application.deploy"]
    assert run.result["msg"].startswith("1 of 2 deployments failed: app web-1 (production): deployment "), run
    assert "ended in error" in run.result["msg"] and "last log lines: " in run.result["msg"], run
    statuses = sorted(d["deployment"]["status"] for d in run.result["deployments"])
    assert statuses == ["done", "error"], run.result["deployments"]
    assert_no_secret(run, SECRETS)


def test_check_mode_plans_the_deploys_a_change_triggers(run_module):
    project = unique("stack")
    args = dict(declaration(project, apps=2), deploy="never")
    assert not run_module("dokploy_stack", args).failed
    changed = copy.deepcopy(args)
    changed["deploy"] = "changed"
    changed["environments"]["production"]["apps"][0]["mounts"][0]["volume_name"] = "%s-other" % project
    dry = run_module("dokploy_stack", changed, check=True)
    assert dry.writes == [] and dry.changed is True, dry
    assert [(e["action"], e["kind"], e["name"]) for e in dry.result["plan"]] == [
        ("update", "mount", "/data"), ("deploy", "app", "web-0")], dry.result["plan"]
    always = run_module("dokploy_stack", dict(args, deploy="always"), check=True)
    assert sorted(e["name"] for e in always.result["plan"] if e["action"] == "deploy") == \
        ["cache", "db", "queue", "web-0", "web-1"], always.result["plan"]


def test_backups_and_volume_backups_converge_prune_and_need_no_deploy(run_module, sim):
    from ansible_collections.community.dokploy.plugins.module_utils._client import DokployClient
    from tests.conftest import API_KEY
    from tests.integration.test_backup import SECRET, make_destination
    destination = make_destination(DokployClient(sim.base_url, API_KEY), unique("dest"))
    project = unique("stack")
    args = declaration(project, apps=1)
    production = args["environments"]["production"]
    production["databases"][0]["backups"] = [
        {"destination": destination, "prefix": "%s/db" % project, "schedule": "0 3 * * *", "keep_latest": 7},
        {"destination": destination, "prefix": "%s/db-weekly" % project, "schedule": "0 4 * * 0"}]
    production["apps"][0]["volume_backups"] = [
        {"name": "data", "volume_name": "%s-web-0" % project, "prefix": "%s/web" % project,
         "schedule": "0 5 * * *", "destination": destination}]
    production["compose"][0]["volume_backups"] = [
        {"name": "jobs", "service_name": "worker", "volume_name": "%s-jobs" % project, "prefix": "%s/jobs" % project,
         "schedule": "0 6 * * *", "destination": destination}]
    args["deploy"] = "changed"
    args["poll_interval"] = 0.2
    created = run_module("dokploy_stack", args)
    assert not created.failed, created
    assert created.writes.count("backup.create") == 2 and created.writes.count("volumeBackups.create") == 2
    assert run_module("dokploy_stack", args).writes == []

    changed = copy.deepcopy(args)
    production = changed["environments"]["production"]
    production["databases"][0]["backups"][0]["keep_latest"] = 14
    del production["databases"][0]["backups"][1]
    production["apps"][0]["volume_backups"] = []
    del production["compose"][0]["volume_backups"]
    changed["prune"] = True
    run = run_module("dokploy_stack", changed)
    assert not run.failed, run
    # A backup is the scheduler's: no deploy follows.
    assert sorted(run.writes) == ["backup.remove", "backup.update", "volumeBackups.delete", "volumeBackups.delete"], run
    assert_no_secret(run, SECRETS + [SECRET])
    assert run_module("dokploy_stack", changed).writes == []


def test_one_off_options_are_refused(run_module):
    args = declaration(unique("stack"), apps=1)
    args["environments"]["production"]["databases"][0]["backups"] = [
        {"destination": "nowhere", "prefix": "db", "schedule": "0 3 * * *", "run": True}]
    run = run_module("dokploy_stack", args)
    assert run.failed and run.requests == [], run
    assert run.result["msg"].startswith("environments.production.databases[0].backups[0].run: not used in "
                                        "dokploy_stack"), run.result["msg"]


def test_two_entries_serving_one_address_are_refused_before_any_request(run_module):
    args = declaration(unique("stack"), apps=2)
    apps = args["environments"]["production"]["apps"]
    apps[1]["domains"][0]["host"] = apps[0]["domains"][0]["host"]
    run = run_module("dokploy_stack", args)
    assert run.failed and run.requests == [], run
    assert run.result["msg"].startswith("environments.production.apps[1].domains[0]: host: web-0."), run.result["msg"]
    assert "is also environments.production.apps[0].domains[0]" in run.result["msg"]


def test_prune_keeps_a_service_declared_by_its_id(run_module):
    project = unique("stack")
    args = declaration(project, apps=2)
    created = run_module("dokploy_stack", args)
    assert not created.failed, created
    by_id = copy.deepcopy(args)
    listed = run_module("dokploy_info", {"project": project})
    services = [s for p in listed.result["projects"] for e in p["environments"] for s in e["services"]]
    web_id = next(s["id"] for s in services if s["name"] == "web-1")
    by_id["environments"]["production"]["apps"][1]["name"] = web_id
    by_id["prune"] = True
    run = run_module("dokploy_stack", by_id)
    assert not run.failed and run.writes == [], run


def test_a_missing_registry_fails_before_any_write(run_module):
    project = unique("stack")
    args = declaration(project, apps=3)
    args["environments"]["production"]["apps"][2]["registry"] = "no-such-registry"
    del args["environments"]["production"]["apps"][2]["docker_image"]
    run = run_module("dokploy_stack", args)
    assert run.failed and run.writes == [], run
    assert run.result["msg"].startswith("environments.production.apps[2].registry: no registry is named "
                                        "'no-such-registry'"), run.result["msg"]
    assert run.result["msg"].endswith("; nothing was changed"), run.result["msg"]
    dry = run_module("dokploy_stack", args, check=True)
    assert not dry.failed and dry.writes == [], dry  # in check mode an earlier task may create it


def test_a_malformed_declaration_shows_none_of_its_values(run_module):
    args = declaration(unique("stack"), apps=1)
    args["environments"]["production"]["apps"][0]["env"] = ["TOKEN=%s" % ENV_SECRET]
    run = run_module("dokploy_stack", args)
    assert run.failed and run.requests == [], run
    assert run.result["msg"] == "environments.production.apps[0].env: a mapping of KEY: value, as dokploy_env's vars"
    assert_no_secret(run, SECRETS)
