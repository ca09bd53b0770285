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
