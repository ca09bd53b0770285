"""dokploy_backup against the simulator.

The simulator runs manual backups inside the request, as Dokploy does: a ``simulator-fail`` word in the destination's
name (or the backup's prefix) makes the upload fail, with rclone's command line (the secret key in clear) in
Dokploy's message and the deployment's log.
"""

import uuid

import pytest

from ansible_collections.community.dokploy.plugins.module_utils._client import DokployClient
from ansible_collections.community.dokploy.plugins.module_utils._secrets import shell_quoted
from tests.conftest import API_KEY
from tests.integration.lifecycle import MAX_READS_PER_TASK, assert_no_secret, check_lifecycle, default_environment

SECRET = "backup-Secret=key@42:x"
DB_PASSWORD = "backup-Db-pass-77"
COMPOSE_PASSWORD = "compose-Root-pass-31"
FAIL_WORD = "simulator-fail"
ALL_SECRETS = [SECRET, shell_quoted(SECRET), DB_PASSWORD, COMPOSE_PASSWORD]


def unique(prefix):
    return "%s-%s" % (prefix, uuid.uuid4().hex[:8])


def client(sim):
    return DokployClient(sim.base_url, API_KEY)


@pytest.fixture
def setup(sim):
    """A project with a postgres database and a compose stack, and a destination: their names."""
    api = client(sim)
    project = unique("bk")
    created = api.mutate("project.create", {"name": project})
    environment_id = created["environment"]["environmentId"]
    api.mutate("postgres.create", {"name": "db", "databaseName": "app", "databaseUser": "app",
                                   "databasePassword": DB_PASSWORD, "dockerImage": "postgres:16",
                                   "environmentId": environment_id})
    api.mutate("compose.create", {"name": "stack", "environmentId": environment_id, "composeType": "docker-compose",
                                  "composeFile": "services:\n  mysql:\n    image: mysql:8\n"})
    destination = make_destination(api, unique("dest"))
    return dict(project=project, destination=destination, environment_id=environment_id)


def make_destination(api, name):
    api.mutate("destination.create", {"name": name, "provider": "Minio", "accessKey": "backup-bot",
                                      "secretAccessKey": SECRET, "bucket": "backups", "region": "us-east-1",
                                      "endpoint": "http://minio.internal:9000", "additionalFlags": []})
    return name


def pg_args(setup, **extra):
    return dict({"project": setup["project"], "database": "db", "database_type": "postgres",
                 "destination": setup["destination"], "prefix": "acme/db", "schedule": "0 3 * * *",
                 "poll_interval": 0.2}, **extra)


def compose_args(setup, **extra):
    return dict({"project": setup["project"], "compose": "stack", "service_name": "mysql", "database_type": "mysql",
                 "database_name": "shop", "database_password": COMPOSE_PASSWORD, "destination": setup["destination"],
                 "prefix": "shop/mysql", "schedule": "30 2 * * *", "poll_interval": 0.2}, **extra)


def backups_of(sim, kind, service_name, project):
    api = client(sim)
    projects = api.query_list("project.all")
    environment = default_environment(next(p for p in projects if p["name"] == project))
    details = api.query_object("environment.one", environmentId=environment["environmentId"])
    id_field = "%sId" % kind
    service = next(s for s in details[kind] if s["name"] == service_name)
    return api.query_object("%s.one" % kind, **{id_field: service[id_field]}).get("backups") or []


def test_backup_lifecycle(run_module, setup):
    check_lifecycle(run_module, "dokploy_backup", pg_args(setup, keep_latest=3), {"schedule": "0 4 * * *"}, "backup",
                    secrets=ALL_SECRETS)


def test_compose_backup_lifecycle(run_module, setup):
    check_lifecycle(run_module, "dokploy_backup", compose_args(setup), {"keep_latest": 5}, "backup",
                    secrets=ALL_SECRETS)


def test_create_defaults_update_sends_every_field(sim, run_module, setup):
    created = run_module("dokploy_backup", pg_args(setup))
    assert not created.failed and created.writes == ["backup.create"], created
    backup = created.result["backup"]
    # The database defaults to the service's own, and a new backup is enabled.
    assert (backup["database"], backup["enabled"], backup["keepLatestCount"]) == ("app", True, None), backup
    assert backup["prefix"] == "acme/db" and backup["databaseType"] == "postgres" and backup["postgresId"]
    assert created.result["diff"]["after"]["destination"] == setup["destination"]
    # backup.update needs every field: the untouched ones go back as read.
    changed = run_module("dokploy_backup", pg_args(setup, keep_latest=7, enabled=False))
    assert changed.writes == ["backup.update"], changed
    assert changed.result["diff"] == {"before": {"keep_latest": None, "enabled": True},
                                      "after": {"keep_latest": 7, "enabled": False}}, changed
    stored = [b for b in backups_of(sim, "postgres", "db", setup["project"]) if b["backupId"] == created.result["id"]]
    assert len(stored) == 1 and stored[0]["schedule"] == "0 3 * * *" and stored[0]["database"] == "app"
    assert stored[0]["keepLatestCount"] == 7 and stored[0]["enabled"] is False
    # Another prefix is another backup.
    other = run_module("dokploy_backup", pg_args(setup, prefix="acme/db-hourly", schedule="0 * * * *"))
    assert other.writes == ["backup.create"] and other.result["id"] != created.result["id"], other
    assert len(backups_of(sim, "postgres", "db", setup["project"])) == 2
    for run in (created, changed, other):
        assert_no_secret(run, ALL_SECRETS)


def test_destination_by_id_and_shared_names(sim, run_module, setup):
    api = client(sim)
    destination_id = next(d["destinationId"] for d in api.query_list("destination.all")
                          if d["name"] == setup["destination"])
    created = run_module("dokploy_backup", pg_args(setup, destination=destination_id))
    assert created.writes == ["backup.create"], created
    # The same backup, by the destination's name.
    assert run_module("dokploy_backup", pg_args(setup)).writes == []
    # A second destination with the same name: a change fails closed before any write.
    make_destination(api, setup["destination"])
    shared = run_module("dokploy_backup", pg_args(setup, keep_latest=2))
    assert shared.failed and shared.writes == [], shared
    assert "destination" in shared.result["msg"] and destination_id in shared.result["msg"], shared
    by_id = run_module("dokploy_backup", pg_args(setup, destination=destination_id, keep_latest=2))
    assert not by_id.failed and by_id.writes == ["backup.update"], by_id


def test_compose_login_is_masked_and_compared(sim, run_module, setup):
    created = run_module("dokploy_backup", compose_args(setup))
    assert not created.failed and created.writes == ["backup.create"], created
    backup = created.result["backup"]
    assert backup["backupType"] == "compose" and backup["serviceName"] == "mysql" and backup["database"] == "shop"
    assert backup["metadata"] == {"mysql": {"databaseRootPassword": "********"}}, backup
    assert created.result["diff"]["after"]["database_login"] == {"mysql": {"databaseRootPassword": "********"}}
    stored = backups_of(sim, "compose", "stack", setup["project"])
    assert stored[0]["metadata"] == {"mysql": {"databaseRootPassword": COMPOSE_PASSWORD}}
    assert run_module("dokploy_backup", compose_args(setup)).writes == []
    rotated = run_module("dokploy_backup", compose_args(setup, database_password="compose-Root-pass-32"))
    assert rotated.writes == ["backup.update"], rotated
    assert backups_of(sim, "compose", "stack", setup["project"])[0]["metadata"]["mysql"]["databaseRootPassword"] \
        == "compose-Root-pass-32"
    for run in (created, rotated):
        assert_no_secret(run, ALL_SECRETS + ["compose-Root-pass-32"])


def test_run_succeeds_and_lists_files(sim, run_module, setup):
    args = pg_args(setup, keep_latest=2, run=True, list_files=True)
    dry = run_module("dokploy_backup", args, check=True)
    assert dry.changed is True and dry.writes == [] and dry.result["files"] == [], dry
    first = run_module("dokploy_backup", args)
    assert not first.failed and first.changed is True, first
    assert first.writes == ["backup.create", "backup.manualBackupPostgres"], first
    assert first.result["deployment"]["status"] == "done", first
    files = first.result["files"]
    assert len(files) == 1 and files[0]["name"].endswith(".sql.gz") and "/acme/db/" in files[0]["path"], files
    # A run is an action: it runs (and reports changed) each time, following its own deployment.
    second = run_module("dokploy_backup", args)
    assert second.writes == ["backup.manualBackupPostgres"] and second.changed is True, second
    assert second.result["deployment"]["id"] != first.result["deployment"]["id"]
    assert len(second.result["files"]) == 2
    # keep_latest 2: Dokploy deletes the oldest after the third run.
    third = run_module("dokploy_backup", args)
    assert len(third.result["files"]) == 2 and first.result["files"][0]["path"] not in \
        [f["path"] for f in third.result["files"]], third
    listed = run_module("dokploy_backup", pg_args(setup, keep_latest=2, list_files=True))
    assert listed.changed is False and listed.writes == [] and len(listed.result["files"]) == 2, listed
    for run in (dry, first, second, third, listed):
        assert_no_secret(run, ALL_SECRETS)


@pytest.mark.simulator_only("a destination whose upload fails (the simulator-fail word)")
def test_run_failure_shows_the_log_without_the_secret(sim, run_module, setup):
    failing = make_destination(client(sim), unique("dest-%s" % FAIL_WORD))
    args = pg_args(setup, destination=failing, run=True, log_lines=20)
    failed = run_module("dokploy_backup", args)
    assert failed.failed and failed.changed is True, failed
    assert failed.writes == ["backup.create", "backup.manualBackupPostgres"], failed
    deployment = failed.result["deployment"]
    assert deployment["status"] == "error" and deployment["log_tail"], failed
    assert any("Error: Backup failed" in line for line in deployment["log_tail"]), failed  # the backup's own log
    assert "ended in error" in failed.result["msg"] and "last log lines: " in failed.result["msg"], failed
    # The end of Dokploy's own error (the backup script's stderr) too, in case the log cannot be read.
    assert "backup.manualBackupPostgres answered: " in failed.result["msg"], failed
    assert_no_secret(failed, ALL_SECRETS)
    # The backup stays as configured; the listing fails with rclone's message, the secret removed.
    assert len(backups_of(sim, "postgres", "db", setup["project"])) == 1
    listing = run_module("dokploy_backup", pg_args(setup, destination=failing, list_files=True))
    assert listing.failed and listing.writes == [], listing
    assert listing.result["msg"].startswith("option list_files: Dokploy could not list "), listing
    assert "rclone lsjson" in listing.result["msg"] and "********" in listing.result["msg"], listing
    assert_no_secret(listing, ALL_SECRETS)
    compose = run_module("dokploy_backup", compose_args(setup, destination=failing, run=True))
    assert compose.failed and compose.writes == ["backup.create", "backup.manualBackupCompose"], compose
    assert compose.result["deployment"]["status"] == "error", compose
    assert_no_secret(compose, ALL_SECRETS)


def test_check_mode_with_missing_parents(run_module, setup):
    args = pg_args(setup, destination=unique("later"))
    dry = run_module("dokploy_backup", args, check=True)
    assert not dry.failed and dry.changed is True and dry.writes == [], dry
    assert "destination" in dry.result["missing_parent"], dry
    dry = run_module("dokploy_backup", pg_args(setup, database="later-db"), check=True)
    assert not dry.failed and dry.changed is True and "later-db" in dry.result["missing_parent"], dry
    real = run_module("dokploy_backup", args)
    assert real.failed and real.writes == [] and real.result["msg"].startswith("option destination: "), real


@pytest.mark.parametrize("extra, option", [
    ({"schedule": "every day at noon"}, "schedule"),
    ({"schedule": "61 * * * *"}, "schedule"),
    ({"keep_latest": 0}, "keep_latest"),
    ({"prefix": "/"}, "prefix"),
    ({"prefix": ""}, "prefix"),
    ({"destination": "no-such-destination"}, "destination"),
    ({"database": "no-such-db"}, "database"),
    ({"database_name": " "}, "database_name"),
    ({"service_name": "db"}, "service_name"),
    ({"database_password": "x-secret-pass"}, "database_password"),
    ({"state": "absent", "run": True}, "run"),
    ({"state": "absent", "list_files": True}, "list_files"),
    ({"log_lines": 0}, "log_lines"),
    ({"schedule": None}, "schedule"),
])
def test_bad_input_is_refused_before_any_write(run_module, setup, extra, option):
    args = dict(pg_args(setup), **extra)
    args = dict((k, v) for k, v in args.items() if v is not None)
    bad = run_module("dokploy_backup", args)
    assert bad.failed and bad.writes == [], bad
    assert bad.result["msg"].startswith("option %s: " % option), bad
    assert_no_secret(bad, ALL_SECRETS + ["x-secret-pass"])


@pytest.mark.parametrize("extra, option", [
    ({"service_name": None}, "service_name"),
    ({"database_password": None}, "database_password"),
    ({"database_name": None}, "database_name"),
    ({"database_type": "libsql"}, "database_type"),
    ({"database_user": "root"}, "database_user"),
    ({"database_type": "mariadb", "database_user": None}, "database_user"),
])
def test_bad_compose_input_is_refused_before_any_write(run_module, setup, extra, option):
    args = dict(compose_args(setup), **extra)
    args = dict((k, v) for k, v in args.items() if v is not None)
    bad = run_module("dokploy_backup", args)
    assert bad.failed and bad.writes == [], bad
    assert bad.result["msg"].startswith("option %s: " % option), bad
    assert_no_secret(bad, ALL_SECRETS)


def test_database_without_database_type_is_refused(run_module, setup):
    args = pg_args(setup)
    del args["database_type"]
    bad = run_module("dokploy_backup", args)
    assert bad.failed and bad.writes == [] and "database_type" in bad.result["msg"], bad


def test_reads_per_rerun(run_module, setup):
    assert not run_module("dokploy_backup", compose_args(setup)).failed
    again = run_module("dokploy_backup", compose_args(setup))
    assert again.writes == [] and len(again.reads) <= MAX_READS_PER_TASK, again
