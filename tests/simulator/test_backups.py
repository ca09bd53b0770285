"""Tests of the simulator's destination, backup and volumeBackups routers beyond the transcripts:
default success with its deployments and bucket files, failures on request (--fail-deploys, the
FAIL_WORD in a destination's name or a prefix), the traps (dialect-A updates, empty-body creates
found through the service, secrets in clear in answers and errors) and unknown ids."""

import pytest

from tests.simulator.apitest import KEY, SECOND_KEY, call, new_application, new_project, ok
from tests.simulator.harness import Simulator

SECRET = "s3cret-Key/42"
FAIL_WORD = "simulator-fail"


@pytest.fixture(scope="module")
def sim():
    """A simulator on a host with Docker and rclone (the default), deployments taking 1 s."""
    with Simulator() as started:
        started.start(KEY, second_org_key=SECOND_KEY, request_log=False)
        yield started.base_url


@pytest.fixture(scope="module")
def no_docker():
    """A simulator like the transcripts' host: no Docker daemon, no rclone."""
    with Simulator() as started:
        started.start(KEY, extra_args=("--fail-deploys",), request_log=False)
        yield started.base_url


def destination_body(name="dest", **extra):
    return {"name": name, "provider": "Minio", "accessKey": "access", "secretAccessKey": SECRET,
            "bucket": "bucket", "region": "us-east-1", "endpoint": "http://127.0.0.1:9", **extra}


def new_destination(base, name="dest", **extra):
    return ok(base, "destination.create", body=destination_body(name, **extra))


def new_postgres(base, environment_id):
    return ok(base, "postgres.create", body={"name": "pg", "databaseName": "app", "databaseUser": "app",
                                             "databasePassword": "pw", "environmentId": environment_id})


def new_backup(base, owner_kind, owner_id, destination_id, **extra):
    """backup.create answers an empty body: the new backup is the one the service did not list yet."""
    before = {b["backupId"] for b in ok(base, f"{owner_kind}.one", query={f"{owner_kind}Id": owner_id})["backups"]}
    body = {"schedule": "0 3 * * *", "enabled": False, "prefix": "daily", "destinationId": destination_id,
            "database": "app", "databaseType": "postgres", f"{owner_kind}Id": owner_id, **extra}
    response = call(base, "backup.create", body=body)
    assert (response.status, response.raw) == (200, b""), response
    backups = ok(base, f"{owner_kind}.one", query={f"{owner_kind}Id": owner_id})["backups"]
    (created,) = [b for b in backups if b["backupId"] not in before]
    return created


def backup_deployments(base, backup_id):
    return ok(base, "deployment.allByType", query={"id": backup_id, "type": "backup"})


def listed(base, destination_id, search):
    return ok(base, "backup.listBackupFiles", query={"destinationId": destination_id, "search": search})


# ---- destination ------------------------------------------------------------------

def test_destination_lifecycle_keeps_secrets_in_clear(sim):
    destination = new_destination(sim, "dest-a", additionalFlags=["--s3-chunk-size=16M"])
    assert destination["secretAccessKey"] == SECRET
    assert ok(sim, "destination.one", query={"destinationId": destination["destinationId"]}) == destination
    assert destination in ok(sim, "destination.all")
    # dialect A: every field is required
    partial = call(sim, "destination.update", body={"destinationId": destination["destinationId"], "name": "x"})
    assert partial.status == 400 and "secretAccessKey" in partial.json()["data"]["zodError"]["fieldErrors"]
    changed = ok(sim, "destination.update", body={**destination_body("dest-b"), "additionalFlags": [],
                                                  "destinationId": destination["destinationId"]})
    assert (changed["name"], changed["additionalFlags"], changed["secretAccessKey"]) == ("dest-b", [], SECRET)
    assert ok(sim, "destination.remove", body={"destinationId": destination["destinationId"]}) == changed
    assert call(sim, "destination.one", query={"destinationId": destination["destinationId"]}).status == 404
    assert call(sim, "destination.remove", body={"destinationId": destination["destinationId"]}).status == 404


def test_destination_unknown_and_other_organization(sim):
    unknown = {**destination_body(), "additionalFlags": [], "destinationId": "doesnotexist000000000"}
    assert call(sim, "destination.update", body=unknown).json()["message"] == "Destination not found"
    mine = new_destination(sim, "private")
    ident = {"destinationId": mine["destinationId"]}
    assert call(sim, "destination.one", key=SECOND_KEY, query=ident).status == 401
    assert call(sim, "destination.remove", key=SECOND_KEY, body=ident).status == 401
    assert call(sim, "destination.update", key=SECOND_KEY, body={**unknown, **ident}).status == 400
    assert mine not in ok(sim, "destination.all", key=SECOND_KEY)


def test_test_connection_succeeds_by_default_and_fails_on_request(sim, no_docker):
    response = call(sim, "destination.testConnection", body=destination_body())
    assert (response.status, response.raw) == (200, b"")
    refused = call(sim, "destination.testConnection", body=destination_body(f"x-{FAIL_WORD}"))
    assert refused.status == 400
    assert f"--s3-secret-access-key={SECRET}" in refused.json()["message"]
    missing = call(no_docker, "destination.testConnection", body=destination_body())
    assert missing.status == 400
    assert missing.json()["message"] == (
        "Command execution failed: Command failed: rclone ls --s3-provider=Minio --s3-access-key-id=access "
        f"--s3-secret-access-key={SECRET} --s3-region=us-east-1 --s3-endpoint=http\\://127.0.0.1\\:9 "
        "--s3-no-check-bucket --s3-force-path-style --retries 1 --low-level-retries 1 --timeout 10s "
        "--contimeout 5s \\:s3\\:bucket\n/bin/sh: 1: rclone: not found\n")


# ---- backup -------------------------------------------------------------------------

def test_backup_create_is_found_through_the_service_and_updates_are_dialect_a(sim):
    _project, env = new_project(sim, "backups-crud")
    postgres = new_postgres(sim, env["environmentId"])
    destination = new_destination(sim)
    backup = new_backup(sim, "postgres", postgres["postgresId"], destination["destinationId"], keepLatestCount="3")
    assert backup["keepLatestCount"] == 3  # a number text is read as a number at create
    assert "secretAccessKey" not in backup["destination"] and backup["deployments"] == []
    one = ok(sim, "backup.one", query={"backupId": backup["backupId"]})
    assert one["postgres"]["databasePassword"] == "pw" and one["compose"] is None
    # dialect A: the schedule alone is a 400, and a text count is not read as a number there
    assert call(sim, "backup.update", body={"backupId": backup["backupId"], "schedule": "1 1 * * *"}).status == 400
    update = {"backupId": backup["backupId"], "schedule": "1 1 * * *", "enabled": True, "prefix": "weekly",
              "destinationId": destination["destinationId"], "database": "app", "keepLatestCount": None,
              "serviceName": None, "metadata": None, "databaseType": "postgres"}
    assert call(sim, "backup.update", body={**update, "keepLatestCount": "5"}).status == 400
    response = call(sim, "backup.update", body=update)
    assert (response.status, response.raw) == (200, b"")
    one = ok(sim, "backup.one", query={"backupId": backup["backupId"]})
    assert (one["schedule"], one["prefix"], one["keepLatestCount"]) == ("1 1 * * *", "weekly", None)
    removed = ok(sim, "backup.remove", body={"backupId": backup["backupId"]})
    assert removed["backupId"] == backup["backupId"] and "postgres" not in removed
    assert ok(sim, "postgres.one", query={"postgresId": postgres["postgresId"]})["backups"] == []


def test_backup_unknown_ids(sim):
    _project, env = new_project(sim, "backups-unknown")
    postgres = new_postgres(sim, env["environmentId"])
    body = {"schedule": "0 3 * * *", "prefix": "p", "destinationId": "doesnotexist000000000", "database": "app",
            "databaseType": "postgres", "postgresId": postgres["postgresId"]}
    response = call(sim, "backup.create", body=body)
    assert response.status == 400 and response.json()["message"].startswith('Failed query: insert into "backup"')
    ident = {"backupId": "doesnotexist000000000"}
    assert call(sim, "backup.one", query=ident).status == 404
    for procedure in ("backup.remove", "backup.manualBackupPostgres"):
        assert call(sim, procedure, body=ident).json()["message"] == "Backup not found"
    assert call(sim, "backup.manualBackupMySql", body=ident).json()["message"] == "Error running manual MySQL backup "
    assert ok(sim, "deployment.allByType", query={"id": "doesnotexist000000000", "type": "backup"}) == []


def test_manual_backup_succeeds_with_a_done_deployment_a_file_and_retention(sim):
    _project, env = new_project(sim, "backups-run")
    postgres = new_postgres(sim, env["environmentId"])
    destination = new_destination(sim, bucket="run-bucket")
    backup = new_backup(sim, "postgres", postgres["postgresId"], destination["destinationId"],
                        prefix="/nightly/", keepLatestCount=2)
    for _run in range(3):
        assert ok(sim, "backup.manualBackupPostgres", body={"backupId": backup["backupId"]}) is True
    deployments = backup_deployments(sim, backup["backupId"])
    # synchronous: finished when the call answers, although deployments take 1 s here
    assert [d["status"] for d in deployments] == ["done"] * 3
    assert {d["title"] for d in deployments} == {"Initializing Backup"} and deployments[0]["rollback"] is None
    folder = f"{postgres['appName']}/nightly/"
    files = listed(sim, destination["destinationId"], folder)
    assert len(files) == 2 and all(f["Path"].startswith(folder) and f["Path"].endswith(".sql.gz") for f in files)
    assert all(set(f) >= {"Path", "Name", "Size", "IsDir"} and not f["IsDir"] for f in files)
    top = listed(sim, destination["destinationId"], "post")  # no slash: the bucket's top, filtered
    assert [(f["Path"], f["IsDir"]) for f in top] == [(postgres["appName"], True)]
    assert listed(sim, destination["destinationId"], folder + "no-such-name") == []
    embedded = ok(sim, "postgres.one", query={"postgresId": postgres["postgresId"]})["backups"][0]
    assert len(embedded["deployments"]) == 3 and "rollback" not in embedded["deployments"][0]


def test_manual_backup_fails_when_the_destination_says_so(sim):
    _project, env = new_project(sim, "backups-fail")
    postgres = new_postgres(sim, env["environmentId"])
    destination = new_destination(sim, f"dest-{FAIL_WORD}")
    backup = new_backup(sim, "postgres", postgres["postgresId"], destination["destinationId"])
    response = call(sim, "backup.manualBackupPostgres", body={"backupId": backup["backupId"]})
    assert response.status == 400
    message = response.json()["message"]
    assert message.startswith("Command execution failed: Command failed: \n\tset -eo pipefail;")
    assert f"--s3-secret-access-key={SECRET}" in message and "Cannot connect" not in message
    (deployment,) = backup_deployments(sim, backup["backupId"])
    assert deployment["status"] == "error" and deployment["logPath"] in message
    assert call(sim, "backup.listBackupFiles",
                query={"destinationId": destination["destinationId"], "search": "x/"}).status == 400


def test_a_fail_word_in_the_prefix_fails_only_that_backup(sim):
    _project, env = new_project(sim, "backups-prefix")
    postgres = new_postgres(sim, env["environmentId"])
    destination = new_destination(sim)
    failing = new_backup(sim, "postgres", postgres["postgresId"], destination["destinationId"], prefix=FAIL_WORD)
    working = new_backup(sim, "postgres", postgres["postgresId"], destination["destinationId"], prefix="fine")
    assert call(sim, "backup.manualBackupPostgres", body={"backupId": failing["backupId"]}).status == 400
    assert ok(sim, "backup.manualBackupPostgres", body={"backupId": working["backupId"]}) is True
    assert [d["status"] for d in backup_deployments(sim, failing["backupId"])] == ["error"]


def test_manual_backups_without_docker(no_docker):
    _project, env = new_project(no_docker, "backups-no-docker")
    destination = new_destination(no_docker)
    postgres = new_postgres(no_docker, env["environmentId"])
    backup = new_backup(no_docker, "postgres", postgres["postgresId"], destination["destinationId"])
    message = call(no_docker, "backup.manualBackupPostgres", body={"backupId": backup["backupId"]}).json()["message"]
    assert message.endswith("\n\t\nCannot connect to the Docker daemon at unix:///var/run/docker.sock. "
                            "Is the docker daemon running?\n")
    assert f"--s3-secret-access-key={SECRET}" in message
    assert [d["status"] for d in backup_deployments(no_docker, backup["backupId"])] == ["error"]
    mysql = ok(no_docker, "mysql.create", body={"name": "my", "databaseName": "app", "databaseUser": "app",
                                                "databasePassword": "pw", "databaseRootPassword": "root",
                                                "environmentId": env["environmentId"]})
    backup = new_backup(no_docker, "mysql", mysql["mysqlId"], destination["destinationId"], databaseType="mysql")
    response = call(no_docker, "backup.manualBackupMySql", body={"backupId": backup["backupId"]})
    assert (response.status, response.json()["message"]) == (400, "Error running manual MySQL backup ")
    assert [d["title"] for d in backup_deployments(no_docker, backup["backupId"])] == ["MySQL Backup"]
    failed = call(no_docker, "backup.listBackupFiles", query={"destinationId": destination["destinationId"],
                                                              "search": "a/b"})
    assert failed.json()["message"].endswith(" \\:s3\\:bucket/a/ --no-mimetype --no-modtime 2>/dev/null\n")


def test_compose_backup(sim):
    _project, env = new_project(sim, "backups-compose")
    compose = ok(sim, "compose.create", body={"name": "stack", "environmentId": env["environmentId"]})
    destination = new_destination(sim, bucket="compose-bucket")
    backup = new_backup(sim, "compose", compose["composeId"], destination["destinationId"], backupType="compose",
                        serviceName="db", metadata={"postgres": {"databaseUser": "app"}})
    assert backup["metadata"] == {"postgres": {"databaseUser": "app"}} and backup["backupType"] == "compose"
    assert ok(sim, "backup.manualBackupCompose", body={"backupId": backup["backupId"]}) is True
    assert [d["title"] for d in backup_deployments(sim, backup["backupId"])] == ["Compose Backup"]
    (file,) = listed(sim, destination["destinationId"], f"{compose['appName']}_db/daily/")
    assert file["Name"].endswith(".sql.gz")


def test_removing_a_destination_removes_its_backups(sim):
    _project, env = new_project(sim, "backups-cascade")
    postgres = new_postgres(sim, env["environmentId"])
    destination = new_destination(sim)
    backup = new_backup(sim, "postgres", postgres["postgresId"], destination["destinationId"])
    ok(sim, "backup.manualBackupPostgres", body={"backupId": backup["backupId"]})
    ok(sim, "destination.remove", body={"destinationId": destination["destinationId"]})
    assert ok(sim, "postgres.one", query={"postgresId": postgres["postgresId"]})["backups"] == []
    assert call(sim, "backup.one", query={"backupId": backup["backupId"]}).status == 404
    assert backup_deployments(sim, backup["backupId"]) == []


# ---- volumeBackups -------------------------------------------------------------------

def volume_backup_body(application_id, destination_id, **extra):
    return {"name": "vol", "volumeName": "data", "prefix": "vol", "cronExpression": "0 3 * * *",
            "destinationId": destination_id, "applicationId": application_id, "serviceType": "application",
            "keepLatestCount": 1, **extra}


def test_volume_backup_lifecycle_and_runs(sim):
    _project, env = new_project(sim, "volume-backups")
    application = new_application(sim, env["environmentId"])
    destination = new_destination(sim, bucket="volume-bucket")
    created = ok(sim, "volumeBackups.create",
                 body=volume_backup_body(application["applicationId"], destination["destinationId"]))
    assert created["appName"].startswith("volumeBackup-") and created["turnOff"] is False
    ident = {"volumeBackupId": created["volumeBackupId"]}
    (listed_one,) = ok(sim, "volumeBackups.list", query={"id": application["applicationId"],
                                                         "volumeBackupType": "application"})
    assert listed_one["application"] == {"applicationId": application["applicationId"],
                                         "appName": application["appName"], "serverId": None}
    one = ok(sim, "volumeBackups.one", query=ident)
    assert one["application"]["environment"]["project"]["name"] == "volume-backups"
    assert "secretAccessKey" not in one["destination"]
    # dialect A for five fields; other keys are kept when missing
    assert call(sim, "volumeBackups.update", body={**ident, "enabled": False}).status == 400
    updated = ok(sim, "volumeBackups.update", body={**ident, "name": "vol2", "volumeName": "data",
                                                    "prefix": "vol2", "cronExpression": "1 1 * * *",
                                                    "destinationId": destination["destinationId"]})
    assert (updated["name"], updated["prefix"], updated["keepLatestCount"]) == ("vol2", "vol2", 1)
    for _run in range(2):
        response = call(sim, "volumeBackups.runManually", body=ident)
        assert (response.status, response.raw) == (200, b"")
    deployments = ok(sim, "deployment.allByType", query={"id": created["volumeBackupId"], "type": "volumeBackup"})
    assert [d["status"] for d in deployments] == ["done", "done"]
    assert deployments[0]["title"] == "Volume Backup"
    assert deployments[0]["logPath"].startswith(f"/etc/dokploy/volume-backups/{created['appName']}/")
    (file,) = listed(sim, destination["destinationId"], f"{application['appName']}/vol2/")  # keepLatestCount 1
    assert file["Name"].startswith("data-") and file["Name"].endswith(".tar")
    response = call(sim, "volumeBackups.delete", body=ident)
    assert (response.status, response.raw) == (200, b"")
    for procedure, method in (("volumeBackups.one", "GET"), ("volumeBackups.delete", "POST"),
                              ("volumeBackups.runManually", "POST")):
        response = call(sim, procedure, method=method, **({"query": ident} if method == "GET" else {"body": ident}))
        assert (response.status, response.json()["message"]) == (404, "Volume backup not found")


def test_volume_backup_runs_fail_on_request_and_still_answer_empty(sim, no_docker):
    for base, prefix in ((sim, f"vol-{FAIL_WORD}"), (no_docker, "vol")):
        _project, env = new_project(base, "volume-backups-fail")
        application = new_application(base, env["environmentId"])
        destination = new_destination(base)
        created = ok(base, "volumeBackups.create", body=volume_backup_body(
            application["applicationId"], destination["destinationId"], prefix=prefix))
        response = call(base, "volumeBackups.runManually", body={"volumeBackupId": created["volumeBackupId"]})
        assert (response.status, response.raw) == (200, b"")
        deployments = ok(base, "deployment.allByType", query={"id": created["volumeBackupId"],
                                                              "type": "volumeBackup"})
        assert [d["status"] for d in deployments] == ["error"]


def test_volume_backup_create_with_unknown_destination_is_a_raw_sql_500(sim):
    _project, env = new_project(sim, "volume-backups-unknown")
    application = new_application(sim, env["environmentId"])
    response = call(sim, "volumeBackups.create",
                    body=volume_backup_body(application["applicationId"], "doesnotexist000000000"))
    assert response.status == 500
    assert response.json()["message"].startswith('Failed query: insert into "volume_backup"')
    assert ok(sim, "volumeBackups.list", query={"id": application["applicationId"],
                                                "volumeBackupType": "application"}) == []


# ---- input reading (zodlike) --------------------------------------------------------------

def test_number_texts_and_empty_query_values(sim):
    _project, env = new_project(sim, "backups-input")
    postgres = new_postgres(sim, env["environmentId"])
    destination = new_destination(sim)
    body = {"schedule": "0 3 * * *", "prefix": "p", "destinationId": destination["destinationId"],
            "database": "app", "databaseType": "postgres", "postgresId": postgres["postgresId"],
            "keepLatestCount": "3 copies"}
    (issue,) = call(sim, "backup.create", body=body).json()["issues"]
    assert issue == {"expected": "number", "code": "invalid_type", "received": "NaN", "path": ["keepLatestCount"],
                     "message": "Invalid input: expected number, received NaN"}
    response = call(sim, "backup.listBackupFiles", query={"destinationId": destination["destinationId"],
                                                          "search": ""})
    assert response.json()["data"]["zodError"]["fieldErrors"] == {
        "search": ["Invalid input: expected string, received undefined"]}
