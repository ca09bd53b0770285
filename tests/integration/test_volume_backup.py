"""dokploy_volume_backup against the simulator.

The simulator's volumeBackups.runManually answers 200 whatever happens, as Dokploy does; the outcome is the
``Volume Backup`` deployment (``deployment.allByType`` type ``volumeBackup``), which fails when the destination's name
or the prefix holds the ``simulator-fail`` word.
"""

import uuid

import pytest

from ansible_collections.community.dokploy.plugins.module_utils._client import DokployClient
from ansible_collections.community.dokploy.plugins.module_utils._secrets import shell_quoted
from tests.conftest import API_KEY
from tests.integration.lifecycle import MAX_READS_PER_TASK, assert_no_secret, check_lifecycle

SECRET = "volume-Secret=key@42:x"
FAIL_WORD = "simulator-fail"
ALL_SECRETS = [SECRET, shell_quoted(SECRET)]


def unique(prefix):
    return "%s-%s" % (prefix, uuid.uuid4().hex[:8])


def client(sim):
    return DokployClient(sim.base_url, API_KEY)


def make_destination(api, name):
    api.mutate("destination.create", {"name": name, "provider": "Minio", "accessKey": "backup-bot",
                                      "secretAccessKey": SECRET, "bucket": "backups", "region": "us-east-1",
                                      "endpoint": "http://minio.internal:9000", "additionalFlags": []})
    return name


@pytest.fixture
def setup(sim):
    """A project with an application and a compose stack, and a destination."""
    api = client(sim)
    project = unique("vb")
    environment_id = api.mutate("project.create", {"name": project})["environment"]["environmentId"]
    app = api.mutate("application.create", {"name": "web", "environmentId": environment_id})
    compose = api.mutate("compose.create", {"name": "stack", "environmentId": environment_id,
                                            "composeType": "docker-compose",
                                            "composeFile": "services:\n  db:\n    image: postgres:16\n"})
    return dict(project=project, destination=make_destination(api, unique("dest")),
                app_id=app["applicationId"], compose_id=compose["composeId"])


def app_args(setup, **extra):
    return dict({"project": setup["project"], "app": "web", "name": "uploads", "volume_name": "web-uploads",
                 "prefix": "uploads", "schedule": "0 2 * * *", "destination": setup["destination"],
                 "poll_interval": 0.2}, **extra)


def compose_args(setup, **extra):
    return dict({"project": setup["project"], "compose": "stack", "service_name": "db", "name": "db-files",
                 "volume_name": "stack_db-data", "prefix": "db", "schedule": "30 4 * * 0",
                 "destination": setup["destination"], "turn_off": True, "poll_interval": 0.2}, **extra)


def listed(sim, service_id, kind):
    return client(sim).query_list("volumeBackups.list", id=service_id, volumeBackupType=kind)


def test_volume_backup_lifecycle(run_module, setup):
    check_lifecycle(run_module, "dokploy_volume_backup", app_args(setup, keep_latest=3), {"prefix": "uploads2"},
                    "volume_backup", secrets=ALL_SECRETS,
                    absent_args={"project": setup["project"], "app": "web", "name": "uploads"})


def test_compose_volume_backup_lifecycle(run_module, setup):
    check_lifecycle(run_module, "dokploy_volume_backup", compose_args(setup), {"turn_off": False}, "volume_backup",
                    secrets=ALL_SECRETS)


def test_create_defaults_and_update_sends_required_fields(sim, run_module, setup):
    created = run_module("dokploy_volume_backup", app_args(setup))
    assert not created.failed and created.writes == ["volumeBackups.create"], created
    record = created.result["volume_backup"]
    assert (record["enabled"], record["turnOff"], record["serviceType"]) == (True, False, "application"), record
    assert record["applicationId"] == setup["app_id"] and record["cronExpression"] == "0 2 * * *"
    assert created.result["diff"]["after"]["destination"] == setup["destination"]
    # volumeBackups.update needs name, volumeName, prefix, cronExpression and destinationId: sent back as read.
    changed = run_module("dokploy_volume_backup", {"project": setup["project"], "app": "web", "name": "uploads",
                                                   "enabled": False, "keep_latest": 4})
    assert not changed.failed and changed.writes == ["volumeBackups.update"], changed
    assert changed.result["diff"] == {"before": {"enabled": True, "keep_latest": None},
                                      "after": {"enabled": False, "keep_latest": 4}}, changed
    stored = [b for b in listed(sim, setup["app_id"], "application") if b["volumeBackupId"] == created.result["id"]]
    assert len(stored) == 1 and stored[0]["volumeName"] == "web-uploads" and stored[0]["prefix"] == "uploads"
    assert stored[0]["enabled"] is False and stored[0]["keepLatestCount"] == 4
    # Another name is another volume backup of the same service.
    other = run_module("dokploy_volume_backup", app_args(setup, name="uploads-hourly", schedule="0 * * * *"))
    assert other.writes == ["volumeBackups.create"] and other.result["id"] != created.result["id"], other
    assert len(listed(sim, setup["app_id"], "application")) == 2


def test_run_succeeds_each_time(run_module, setup):
    args = app_args(setup, run=True)
    dry = run_module("dokploy_volume_backup", args, check=True)
    assert dry.changed is True and dry.writes == [], dry
    first = run_module("dokploy_volume_backup", args)
    assert not first.failed and first.writes == ["volumeBackups.create", "volumeBackups.runManually"], first
    assert first.result["deployment"]["status"] == "done" and first.result["deployment"]["title"] == "Volume Backup"
    second = run_module("dokploy_volume_backup", args)
    assert second.changed is True and second.writes == ["volumeBackups.runManually"], second
    assert second.result["deployment"]["id"] != first.result["deployment"]["id"]
    assert second.result["deployment"]["status"] == "done"
    dry_run = run_module("dokploy_volume_backup", args, check=True)
    assert dry_run.changed is True and dry_run.writes == [], dry_run
    for run in (dry, first, second, dry_run):
        assert_no_secret(run, ALL_SECRETS)


@pytest.mark.simulator_only("a destination whose upload fails (the simulator-fail word)")
def test_run_failure_shows_the_log(sim, run_module, setup):
    failing = make_destination(client(sim), unique("dest-%s" % FAIL_WORD))
    failed = run_module("dokploy_volume_backup", compose_args(setup, destination=failing, run=True, log_lines=10))
    assert failed.failed and failed.changed is True, failed
    assert failed.writes == ["volumeBackups.create", "volumeBackups.runManually"], failed
    deployment = failed.result["deployment"]
    assert deployment["status"] == "error" and deployment["log_tail"], failed
    assert any("Failed to copy" in line for line in deployment["log_tail"]), failed  # the volume backup's own log
    assert "ended in error" in failed.result["msg"] and "last log lines: " in failed.result["msg"], failed
    assert_no_secret(failed, ALL_SECRETS)
    # The volume backup stays as configured.
    assert len(listed(sim, setup["compose_id"], "compose")) == 1


def test_check_mode_with_missing_parents(run_module, setup):
    dry = run_module("dokploy_volume_backup", app_args(setup, destination=unique("later")), check=True)
    assert not dry.failed and dry.changed is True and dry.writes == [], dry
    assert "destination" in dry.result["missing_parent"], dry
    dry = run_module("dokploy_volume_backup", app_args(setup, app="later-app"), check=True)
    assert not dry.failed and dry.changed is True and "later-app" in dry.result["missing_parent"], dry


def test_shared_destination_name_fails_closed(sim, run_module, setup):
    make_destination(client(sim), setup["destination"])
    bad = run_module("dokploy_volume_backup", app_args(setup))
    assert bad.failed and bad.writes == [] and bad.result["msg"].startswith("option destination: "), bad


@pytest.mark.parametrize("extra, option", [
    ({"schedule": "every night"}, "schedule"),
    ({"schedule": "0 25 * * *"}, "schedule"),
    ({"keep_latest": 0}, "keep_latest"),
    ({"volume_name": "bad name/x"}, "volume_name"),
    ({"volume_name": "-data"}, "volume_name"),
    ({"prefix": "a\nb"}, "prefix"),
    ({"destination": "no-such-destination"}, "destination"),
    ({"app": "no-such-app"}, "app"),
    ({"service_name": "db"}, "service_name"),
    ({"name": ""}, "name"),
    ({"state": "absent", "run": True}, "run"),
    ({"poll_interval": 0}, "poll_interval"),
    ({"schedule": None}, "schedule"),
    ({"destination": None}, "destination"),
])
def test_bad_input_is_refused_before_any_write(run_module, setup, extra, option):
    args = dict(app_args(setup), **extra)
    args = dict((k, v) for k, v in args.items() if v is not None)
    bad = run_module("dokploy_volume_backup", args)
    assert bad.failed and bad.writes == [], bad
    assert bad.result["msg"].startswith("option %s: " % option), bad
    assert_no_secret(bad, ALL_SECRETS)


def test_compose_without_service_name_is_refused(run_module, setup):
    args = compose_args(setup)
    del args["service_name"]
    bad = run_module("dokploy_volume_backup", args)
    assert bad.failed and bad.writes == [] and bad.result["msg"].startswith("option service_name: "), bad


def test_reads_per_rerun(run_module, setup):
    assert not run_module("dokploy_volume_backup", compose_args(setup)).failed
    again = run_module("dokploy_volume_backup", compose_args(setup))
    assert again.writes == [] and len(again.reads) <= MAX_READS_PER_TASK, again
