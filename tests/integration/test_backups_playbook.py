"""playbooks/backups.yml end to end: every database of a project backed up to S3, a volume backup, notifications.

The simulator fails what names ``simulator-fail`` (a destination's connection test, a backup's upload) the way Dokploy
does: with rclone's command line, the S3 secret key in it as the shell quotes it, in the error and in the log.
"""

import uuid

from ansible_collections.community.dokploy.plugins.module_utils._client import DokployClient
from ansible_collections.community.dokploy.plugins.module_utils._secrets import shell_quoted
from tests.conftest import API_KEY

S3_SECRET = "Backups=S3@Secret:91/x+y"
SLACK_TOKEN = "T0ACME/B0BACKUPS/slackToken8842"
SMTP_PASSWORD = "smtp-Password-4471"
SECRETS = (S3_SECRET, shell_quoted(S3_SECRET), SLACK_TOKEN, SMTP_PASSWORD)


def backup_vars(project, **extra):
    return dict({
        "backups_project": project,
        "backups_s3": {"provider": "Minio", "access_key": "backup-bot", "secret_key": S3_SECRET, "bucket": "acme",
                       "region": "us-east-1", "endpoint": "http://minio.internal:9000"},
        "backups_volumes": [{"app": "web", "name": "uploads", "volume_name": "web-uploads"}],
        "backups_notifications": [
            {"name": "%s-slack" % project, "type": "slack",
             "slack": {"webhook_url": "https://hooks.slack.com/services/%s" % SLACK_TOKEN, "channel": "#backups"}},
            {"name": "%s-mail" % project, "type": "email",
             "email": {"smtp_server": "smtp.acme.example", "smtp_port": 587, "username": "backups",
                       "password": SMTP_PASSWORD, "from_address": "backups@acme.example",
                       "to_addresses": ["ops@acme.example"]}},
        ],
        "backups_poll_interval": 0.3,
    }, **extra)


def make_project(run_module, project):
    """A project whose production environment has two databases Dokploy backs up, a redis it cannot, and an app."""
    assert not run_module("dokploy_project", {"name": project}).failed
    for args in ({"type": "postgres", "name": "db", "database_name": "shop", "database_user": "shop"},
                 {"type": "mysql", "name": "orders", "database_name": "orders", "database_user": "orders"},
                 {"type": "redis", "name": "cache"}):
        created = run_module("dokploy_db", dict(args, project=project, database_password="db-Password-1"))
        assert not created.failed, created
    assert not run_module("dokploy_app", {"project": project, "name": "web", "docker_image": "nginx:1.27"}).failed
    assert not run_module("dokploy_mount", {"project": project, "app": "web", "type": "volume",
                                            "volume_name": "web-uploads", "mount_path": "/uploads"}).failed


def assert_no_secret(run):
    for secret in SECRETS:
        assert secret not in run.output, "a secret leaked into the output: %r" % secret


def test_backups_playbook_twice(sim, run_module, run_playbook):
    project = "acme-%s" % uuid.uuid4().hex[:8]
    make_project(run_module, project)
    env = {"DOKPLOY_URL": sim.base_url, "DOKPLOY_API_KEY": API_KEY}
    extra = backup_vars(project)

    sim.reset_log()
    dry = run_playbook("playbooks/backups.yml", "--check", env=env, extra_vars=extra)
    assert dry.rc == 0, dry
    assert sim.writes() == [], dry

    sim.reset_log()
    first = run_playbook("playbooks/backups.yml", "-vvv", env=env, extra_vars=dict(extra, backups_prove=True))
    assert first.rc == 0 and first.recap["localhost"]["failed"] == 0, first
    assert_no_secret(first)
    writes = [w["procedure"] for w in sim.writes()]
    for procedure in ("destination.testConnection", "destination.create", "backup.manualBackupPostgres",
                      "backup.manualBackupMySql", "volumeBackups.create", "volumeBackups.runManually",
                      "notification.createSlack", "notification.createEmail"):
        assert procedure in writes, (procedure, writes)
    assert writes.count("backup.create") == 2, writes  # postgres and mysql; Dokploy backs up no redis

    api = DokployClient(sim.base_url, API_KEY)
    destination = [d for d in api.query_list("destination.all") if d["name"] == "%s-backups" % project]
    assert len(destination) == 1, destination
    environment = [e for p in api.query_list("project.all") if p["name"] == project for e in p["environments"]
                   if e["name"] == "production"][0]
    details = api.query_object("environment.one", environmentId=environment["environmentId"])
    for kind, name in (("postgres", "db"), ("mysql", "orders")):
        service = [s for s in details[kind] if s["name"] == name][0]
        backups = api.query_object("%s.one" % kind, **{"%sId" % kind: service["%sId" % kind]})["backups"]
        assert [(b["destinationId"], b["prefix"], b["schedule"], b["keepLatestCount"], b["enabled"]) for b in backups] \
            == [(destination[0]["destinationId"], "%s/production/%s" % (project, name), "0 3 * * *", 14, True)]
    assert "files, newest none" not in first.output
    assert first.output.count(" files, newest ") == 2, first  # each backup ran and its file is listed

    sim.reset_log()
    second = run_playbook("playbooks/backups.yml", env=env, extra_vars=extra)
    assert second.rc == 0, second
    assert second.recap["localhost"]["changed"] == 0 and second.recap["localhost"]["failed"] == 0, second
    assert sim.writes() == [], second


def test_failures_quote_no_secret(sim, run_module, run_playbook):
    env = {"DOKPLOY_URL": sim.base_url, "DOKPLOY_API_KEY": API_KEY}
    # Dokploy's failed connection test quotes rclone's command, the secret key in it: the run stops there.
    project = "acme-%s" % uuid.uuid4().hex[:8]
    make_project(run_module, project)
    sim.reset_log()
    refused = run_playbook("playbooks/backups.yml", "-vvv", env=env,
                           extra_vars=backup_vars(project, backups_destination="%s-simulator-fail" % project))
    assert refused.rc != 0 and "Dokploy's connection test" in refused.output, refused
    assert [w["procedure"] for w in sim.writes()] == ["destination.testConnection"]
    assert_no_secret(refused)

    # A backup whose upload fails: the task fails with the deployment's log tail and Dokploy's error, no secret.
    failing = "simulator-fail-%s" % uuid.uuid4().hex[:8]
    make_project(run_module, failing)
    failed = run_playbook("playbooks/backups.yml", "-vvv", env=env,
                          extra_vars=backup_vars(failing, backups_test_destination=False, backups_prove=True,
                                                 backups_destination="%s-ok" % uuid.uuid4().hex[:8]))
    assert failed.rc != 0 and "ended in error" in failed.output, failed
    assert_no_secret(failed)


def test_missing_settings_are_named_before_any_request(sim, run_playbook):
    sim.reset_log()
    bare = run_playbook("playbooks/backups.yml", env={"DOKPLOY_URL": sim.base_url, "DOKPLOY_API_KEY": API_KEY},
                        extra_vars={"backups_project": "acme"})
    assert bare.rc != 0 and "set backups_project, and backups_s3 with provider" in bare.output, bare
    assert sim.requests() == [], bare
