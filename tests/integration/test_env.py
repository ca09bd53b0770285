"""dokploy_env and dokploy_env_info against the simulator, for every level that holds an env blob."""

import os
import stat
import uuid

import pytest

from ansible_collections.community.dokploy.plugins.module_utils._client import DokployClient
from tests.conftest import API_KEY
from tests.integration.lifecycle import MAX_READS_PER_TASK, assert_no_secret, default_environment

SECRET = "s3cret-Value-81"
OTHER_SECRET = "an0ther-Value-22"
# A blob full of what must survive byte for byte when another key changes.
CRAFTED = (
    "# Managed partly by hand\r\n"
    "export DATABASE_URL=postgres://db:5432/app\r\n"
    "\r\n"
    "GREETING='hello world'   # quoted on purpose\r\n"
    "MULTI=\"line one\nline two\"\r\n"
    "SPACED = x y z\r\n"
    "EMPTY=\r\n"
)


def unique(prefix):
    return "%s-%s" % (prefix, uuid.uuid4().hex[:8])


@pytest.fixture
def world(sim, run_module):
    """A project with a staging environment and one service of each kind in production."""
    project = unique("envs")
    created = run_module("dokploy_project", {"name": project})
    production = default_environment(created.result["project"])["environmentId"]
    client = DokployClient(sim.base_url, API_KEY)
    client.mutate("environment.create", {"name": "staging", "projectId": created.result["id"]})
    client.mutate("application.create", {"name": "web", "environmentId": production})
    client.mutate("compose.create", {"name": "stack", "environmentId": production})
    client.mutate("postgres.create", {"name": "db", "environmentId": production, "databaseName": "a",
                                      "databaseUser": "a", "databasePassword": "pw-1"})
    return {"project": project, "client": client}


TARGETS = {
    "project": {},
    "environment": {"environment": "staging"},
    "app": {"app": "web"},
    "app build_args": {"app": "web", "kind": "build_args"},
    "compose": {"compose": "stack"},
    "database": {"database": "db", "database_type": "postgres"},
}


@pytest.mark.parametrize("target", sorted(TARGETS))
def test_set_change_remove_and_exclusive(run_module, world, target):
    base = dict(TARGETS[target], project=world["project"])
    args = dict(base, vars={"API_KEY": SECRET, "WORKERS": 4})

    dry = run_module("dokploy_env", args, check=True)
    assert dry.changed is True and dry.writes == [], dry
    assert dry.result["keys_added"] == ["API_KEY", "WORKERS"]

    added = run_module("dokploy_env", args)
    assert added.changed is True and len(added.writes) == 1, added
    again = run_module("dokploy_env", args)
    assert again.changed is False and again.writes == [] and len(again.reads) <= MAX_READS_PER_TASK, again

    changed = run_module("dokploy_env", dict(base, vars={"API_KEY": OTHER_SECRET}))
    assert changed.result["keys_changed"] == ["API_KEY"] and changed.result["keys_added"] == [], changed
    assert changed.result["diff"]["before"] == "API_KEY=********\nWORKERS=********\n"
    assert changed.result["diff"]["after"] == "API_KEY=********  # changed\nWORKERS=********\n"

    pulled = run_module("dokploy_env_info", base)
    assert pulled.result["vars"] == {"API_KEY": OTHER_SECRET, "WORKERS": "4"}, pulled

    removed = run_module("dokploy_env", dict(base, keys=["WORKERS"], state="absent"))
    assert removed.result["keys_removed"] == ["WORKERS"] and len(removed.writes) == 1, removed
    gone = run_module("dokploy_env", dict(base, keys=["WORKERS"], state="absent"))
    assert gone.changed is False and gone.writes == [], gone

    exclusive = run_module("dokploy_env", dict(base, vars={"ONLY": "1"}, exclusive=True))
    assert exclusive.result["keys_removed"] == ["API_KEY"] and exclusive.result["keys_added"] == ["ONLY"]
    assert run_module("dokploy_env_info", base).result["vars"] == {"ONLY": "1"}

    for run in (dry, added, again, changed, removed, gone, exclusive):
        assert_no_secret(run, [SECRET, OTHER_SECRET])


def read_blob(world, target):
    client, project = world["client"], world["project"]
    tree = [p for p in client.query("project.all") if p["name"] == project][0]
    if target == "project":
        return client.query("project.one", projectId=tree["projectId"])["env"]
    production = default_environment(tree)
    if target == "app":
        return client.query("application.one", applicationId=production["applications"][0]["applicationId"])["env"]
    raise AssertionError(target)


def write_blob(world, target, blob):
    client, project = world["client"], world["project"]
    tree = [p for p in client.query("project.all") if p["name"] == project][0]
    if target == "project":
        client.mutate("project.update", {"projectId": tree["projectId"], "env": blob})
    else:
        app_id = default_environment(tree)["applications"][0]["applicationId"]
        client.mutate("application.saveEnvironment", {"applicationId": app_id, "env": blob, "buildArgs": "B=1",
                                                      "buildSecrets": "S=2", "createEnvFile": True})


@pytest.mark.parametrize("target", ["project", "app"])
def test_untouched_lines_survive_byte_for_byte(run_module, world, target):
    write_blob(world, target, CRAFTED)
    base = dict(TARGETS[target], project=world["project"])
    changed = run_module("dokploy_env", dict(base, vars={"SPACED": "new value", "ADDED": "x#y"}))
    assert changed.result["keys_changed"] == ["SPACED"] and changed.result["keys_added"] == ["ADDED"], changed
    expected = CRAFTED.replace("SPACED = x y z", "SPACED = new value") + "ADDED='x#y'\r\n"
    assert read_blob(world, target) == expected
    removed = run_module("dokploy_env", dict(base, keys=["MULTI"], state="absent"))
    assert removed.result["keys_removed"] == ["MULTI"], removed
    assert read_blob(world, target) == expected.replace("MULTI=\"line one\nline two\"\r\n", "")


def test_app_save_keeps_the_other_three_fields(run_module, world):
    write_blob(world, "app", "A=1\n")
    run_module("dokploy_env", {"project": world["project"], "app": "web", "vars": {"A": "2"}})
    tree = [p for p in world["client"].query("project.all") if p["name"] == world["project"]][0]
    app = world["client"].query("application.one",
                                applicationId=default_environment(tree)["applications"][0]["applicationId"])
    assert (app["env"], app["buildArgs"], app["buildSecrets"], app["createEnvFile"]) == ("A=2\n", "B=1", "S=2", True)


def test_push_a_file_exclusively_and_pull_it_back(run_module, world, tmp_path):
    source = tmp_path / "push.env"
    source.write_text("# local settings\nTOKEN=%s\nMODE=dev\n" % SECRET)
    base = {"project": world["project"], "app": "web"}
    run_module("dokploy_env", dict(base, vars={"STALE": "1"}))
    pushed = run_module("dokploy_env", dict(base, src=str(source), exclusive=True))
    assert pushed.result["keys_added"] == ["TOKEN", "MODE"] and pushed.result["keys_removed"] == ["STALE"], pushed
    assert run_module("dokploy_env", dict(base, src=str(source), exclusive=True)).writes == []

    dest = tmp_path / "pulled.env"
    pulled = run_module("dokploy_env_info", dict(base, dest=str(dest)))
    assert pulled.changed is True, pulled
    assert dest.read_text() == "TOKEN=%s\nMODE=dev\n" % SECRET
    assert stat.S_IMODE(os.stat(dest).st_mode) == 0o600
    assert run_module("dokploy_env_info", dict(base, dest=str(dest))).changed is False
    dry = run_module("dokploy_env_info", dict(base, dest=str(tmp_path / "other.env")), check=True)
    assert dry.changed is True and not (tmp_path / "other.env").exists()
    assert_no_secret(pushed, [SECRET])


def test_duplicate_keys_warn_and_the_last_one_counts(run_module, world):
    write_blob(world, "project", "A=1\nB=2\nA=3\n")
    # A value that cannot occur in the project's random name: Ansible masks no_log values wherever they appear.
    changed = run_module("dokploy_env", {"project": world["project"], "vars": {"A": "replaced"}})
    assert "[WARNING]: project %s defines A more than once; the last definition counts" % world["project"] in changed.text
    assert read_blob(world, "project") == "A=1\nB=2\nA=replaced\n"


@pytest.mark.parametrize("args, message", [
    ({"vars": {"FLAG": True}}, "option vars: the value of FLAG is a boolean"),
    ({"vars": {"bad key": "x"}}, "option vars: 'bad key' is not a key Dokploy reads"),
    ({"keys": ["A"]}, "option keys: only used with state: absent"),
    ({"vars": {"A": "1"}, "kind": "build_args"}, "option kind: build_args and build_secrets exist for applications"),
    ({"vars": {"A": "1"}, "database": "db"}, "missing parameter(s) required by 'database': database_type"),
])
def test_bad_input_is_refused_before_any_request(run_module, args, message):
    refused = run_module("dokploy_env", dict({"project": "p"}, **args))
    assert refused.failed and refused.requests == [], refused
    assert message in refused.result["msg"]


def test_show_values_is_an_explicit_opt_in_for_the_diff(run_module, world):
    base = {"project": world["project"], "environment": "staging"}
    shown = run_module("dokploy_env", dict(base, vars={"VISIBLE": "plain-value"}, show_values=True))
    assert shown.result["diff"]["after"] == "VISIBLE=plain-value\n"
    assert shown.result["keys_added"] == ["VISIBLE"]


def test_vvv_playbook_run_prints_no_secret(sim, run_playbook, world, tmp_path):
    run = run_playbook("env.yml", "-vvv", "--diff",
                       env={"DOKPLOY_URL": sim.base_url, "DOKPLOY_API_KEY": API_KEY},
                       extra_vars={"project": world["project"], "secret": SECRET, "other_secret": OTHER_SECRET,
                                   "pulled": str(tmp_path / "pulled.env")})
    assert run.rc == 0, run
    assert run.recap["localhost"]["failed"] == 0
    assert SECRET not in run.output and OTHER_SECRET not in run.output
    assert (tmp_path / "pulled.env").read_text() == "TOKEN=%s\nLEVEL=%s\n" % (OTHER_SECRET, "3")
