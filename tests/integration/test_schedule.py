"""dokploy_schedule against the simulator.

The simulator keeps schedules but runs none on their cron expression; ``schedule.runManually`` runs one at once and
leaves a ``Schedule`` deployment. An application's run fails when it has no running container (never deployed), a
schedule whose name holds ``simulator-fail`` fails its command, and a server whose name holds it refuses SSH.
"""

import uuid

import pytest

from ansible_collections.community.dokploy.plugins.module_utils._client import DokployClient
from tests.conftest import API_KEY
from tests.integration.lifecycle import MAX_READS_PER_TASK, assert_no_secret, check_lifecycle

MODULE = "dokploy_schedule"
FAIL_WORD = "simulator-fail"
ENV_SECRET = "sched-Secret-4711"
STACK = "services:\n  web:\n    image: nginx:1.27-alpine\n  worker:\n    image: busybox\n"


def unique(prefix):
    return "%s-%s" % (prefix, uuid.uuid4().hex[:8])


def client(sim):
    return DokployClient(sim.base_url, API_KEY)


def make_app(run_module, deployed=False, env=None):
    project = unique("sched")
    created = run_module("dokploy_app", {"project": project, "create_project": True, "name": "web",
                                         "docker_image": "nginx:1.27"})
    assert not created.failed, created
    if env is not None:
        assert not run_module("dokploy_env", {"project": project, "app": "web", "vars": env}).failed
    if deployed:
        deploy = run_module("dokploy_deploy", {"project": project, "app": "web", "poll_interval": 0.2})
        assert not deploy.failed, deploy
    return project


def make_server(sim, name):
    """A registered remote server with an SSH key (a name holding FAIL_WORD refuses SSH); its id."""
    api = client(sim)
    pair = api.mutate("sshKey.generate", {"type": "ed25519"})
    key_name = unique("key")
    api.mutate("sshKey.create", {"name": key_name, "description": None, "publicKey": pair["publicKey"],
                                 "privateKey": pair["privateKey"], "organizationId": ""})
    key_id = [k for k in api.query_list("sshKey.all") if k["name"] == key_name][0]["sshKeyId"]
    server = api.mutate("server.create", {"name": name, "description": "", "ipAddress": "203.0.113.40", "port": 22,
                                          "username": "root", "sshKeyId": key_id, "serverType": "deploy",
                                          "enableDockerCleanup": False})
    return server["serverId"]


def schedules_of(sim, kind, ident):
    return client(sim).query_list("schedule.list", id=ident, scheduleType=kind)


def app_id(sim, project):
    projects = [p for p in client(sim).query_list("project.all") if p["name"] == project]
    return [a for e in projects[0]["environments"] for a in e.get("applications") or []][0]["applicationId"]


def test_application_lifecycle(run_module):
    project = make_app(run_module)
    args = {"project": project, "app": "web", "name": "clear-cache", "schedule": "0 3 * * *",
            "command": "php artisan cache:clear", "shell_type": "sh", "timezone": "Europe/Berlin"}
    check_lifecycle(run_module, MODULE, args, {"schedule": "30 4 * * 1-5"}, "schedule")


def test_dokploy_server_lifecycle(run_module):
    args = {"type": "dokploy-server", "name": unique("host"), "schedule": "0 * * * *", "script": "df -h /",
            "enabled": False}
    check_lifecycle(run_module, MODULE, args, {"script": "df -h / /var"}, "schedule")


def test_server_lifecycle(sim, run_module):
    server = unique("edge")
    server_id = make_server(sim, server)
    args = {"server": server, "name": "prune", "schedule": "0 4 * * 0", "script": "docker system prune -af"}
    schedule_id = check_lifecycle(run_module, MODULE, args, {"enabled": False}, "schedule")
    assert schedules_of(sim, "server", server_id) == []
    # By the server's id, the same schedule.
    by_id = run_module(MODULE, dict(args, server=server_id))
    assert by_id.changed is True and by_id.writes == ["schedule.create"], by_id
    assert by_id.result["id"] != schedule_id and by_id.result["schedule"]["serverId"] == server_id
    again = run_module(MODULE, args)
    assert again.changed is False and again.result["id"] == by_id.result["id"], again


def test_create_result_update_keeps_what_is_not_set(sim, run_module):
    project = make_app(run_module)
    args = {"project": project, "app": "web", "name": "report", "schedule": "0 3 * * *", "command": "echo hi",
            "shell_type": "sh", "timezone": "UTC", "description": "daily"}
    created = run_module(MODULE, args)
    assert created.changed is True and created.writes == ["schedule.create"], created
    schedule = created.result["schedule"]
    assert (schedule["scheduleType"], schedule["applicationId"], schedule["command"], schedule["shellType"],
            schedule["timezone"], schedule["enabled"]) == ("application", app_id(sim, project), "echo hi", "sh",
                                                           "UTC", True), schedule
    assert "application" not in schedule and "deployments" not in schedule
    assert created.result["diff"]["before"] == {}
    assert created.result["diff"]["after"]["schedule"] == "0 3 * * *"

    # Only `enabled` given: schedule.update needs name, cronExpression and command, sent as stored.
    off = run_module(MODULE, {"project": project, "app": "web", "name": "report", "enabled": False})
    assert off.changed is True and off.writes == ["schedule.update"], off
    assert off.result["diff"] == {"before": {"enabled": True}, "after": {"enabled": False}}, off
    stored = client(sim).query_object("schedule.one", scheduleId=created.result["id"])
    assert (stored["name"], stored["cronExpression"], stored["command"], stored["shellType"], stored["timezone"],
            stored["description"], stored["enabled"]) == ("report", "0 3 * * *", "echo hi", "sh", "UTC", "daily",
                                                          False), stored

    by_id = run_module(MODULE, {"project": project, "app": "web", "name": created.result["id"], "enabled": False})
    assert by_id.changed is False and by_id.writes == [], by_id
    assert len(by_id.reads) <= MAX_READS_PER_TASK, by_id


def test_same_name_on_another_target_is_another_schedule(sim, run_module):
    project = make_app(run_module)
    app_args = {"project": project, "app": "web", "name": "nightly", "schedule": "0 3 * * *", "command": "true"}
    host_args = {"type": "dokploy-server", "name": "nightly-%s" % project, "schedule": "0 3 * * *", "script": "true"}
    first = run_module(MODULE, app_args)
    second = run_module(MODULE, host_args)
    assert first.changed and second.changed and first.result["id"] != second.result["id"]
    assert second.result["schedule"]["scheduleType"] == "dokploy-server"
    assert [s["name"] for s in schedules_of(sim, "application", app_id(sim, project))] == ["nightly"]
    assert not run_module(MODULE, dict(host_args, state="absent")).failed


def test_duplicate_names_fail_closed(sim, run_module):
    project = make_app(run_module)
    application_id = app_id(sim, project)
    api = client(sim)
    for _twin in range(2):
        api.mutate("schedule.create", {"name": "twin", "cronExpression": "0 3 * * *", "command": "true",
                                       "scheduleType": "application", "applicationId": application_id})
    args = {"project": project, "app": "web", "name": "twin", "schedule": "0 5 * * *"}
    clash = run_module(MODULE, args)
    assert clash.failed and clash.writes == [], clash
    assert clash.result["msg"].startswith("option name: 2 schedules are named 'twin' (ids: "), clash
    one = schedules_of(sim, "application", application_id)[0]["scheduleId"]
    by_id = run_module(MODULE, dict(args, name=one))
    assert by_id.changed is True and by_id.writes == ["schedule.update"], by_id
    assert client(sim).query_object("schedule.one", scheduleId=one)["cronExpression"] == "0 5 * * *"


def test_compose_schedule(sim, run_module):
    project = unique("sched")
    assert not run_module("dokploy_project", {"name": project}).failed
    assert not run_module("dokploy_compose", {"project": project, "name": "stack", "compose_file": STACK}).failed
    args = {"project": project, "compose": "stack", "name": "reindex", "schedule": "*/30 * * * *",
            "command": "./bin/reindex"}
    missing = run_module(MODULE, args)
    assert missing.failed and missing.writes == [], missing
    assert missing.result["msg"].startswith("option service_name: required to create a schedule"), missing
    created = run_module(MODULE, dict(args, service_name="worker"))
    assert created.changed is True and created.writes == ["schedule.create"], created
    schedule = created.result["schedule"]
    assert (schedule["scheduleType"], schedule["serviceName"]) == ("compose", "worker"), schedule
    assert schedule["composeId"]
    # service_name only selects the container: leaving it out of a later task changes nothing.
    again = run_module(MODULE, args)
    assert again.changed is False and again.writes == [] and len(again.reads) <= MAX_READS_PER_TASK, again


def test_check_mode_with_missing_parents(run_module):
    args = {"project": unique("never-made"), "app": "web", "name": "x", "schedule": "0 3 * * *", "command": "true",
            "run": True}
    dry = run_module(MODULE, args, check=True)
    assert not dry.failed and dry.changed is True and dry.writes == [], dry
    assert "does not exist yet" in dry.result["missing_parent"], dry
    assert dry.result["run"] == {"deployment": {}, "elapsed": 0, "progress": []}, dry
    assert dry.result["diff"]["after"]["command"] == "true"
    real = run_module(MODULE, args)
    assert real.failed and real.writes == [] and real.result["msg"].startswith("option project: "), real

    server = run_module(MODULE, {"server": unique("no-such-server"), "name": "x", "schedule": "0 3 * * *",
                                 "script": "true"}, check=True)
    assert not server.failed and server.changed is True and server.writes == [], server
    assert "server" in server.result["missing_parent"]
    gone = run_module(MODULE, {"server": unique("no-such-server"), "name": "x", "state": "absent"})
    assert not gone.failed and gone.changed is False and gone.writes == [], gone


def test_run_succeeds_and_follows_its_own_deployment(sim, run_module):
    project = make_app(run_module, deployed=True)
    args = {"project": project, "app": "web", "name": "ping", "schedule": "0 3 * * *", "command": "echo ok",
            "run": True, "poll_interval": 0.2}
    dry = run_module(MODULE, args, check=True)
    assert dry.changed is True and dry.writes == [] and dry.result["run"]["deployment"] == {}, dry
    first = run_module(MODULE, args)
    assert not first.failed and first.changed is True, first
    assert first.writes == ["schedule.create", "schedule.runManually"], first
    run = first.result["run"]
    assert run["deployment"]["status"] == "done" and run["deployment"]["title"] == "Schedule", run
    assert run["progress"][-1].endswith("done")
    second = run_module(MODULE, args)
    assert not second.failed and second.changed is True and second.writes == ["schedule.runManually"], second
    assert second.result["run"]["deployment"]["id"] != run["deployment"]["id"]
    listed = client(sim).query_list("deployment.allByType", id=first.result["id"], type="schedule")
    assert set(d["deploymentId"] for d in listed) == {run["deployment"]["id"], second.result["run"]["deployment"]["id"]}
    quiet = run_module(MODULE, dict(args, run=False))
    assert quiet.changed is False and quiet.writes == [] and "run" not in quiet.result, quiet


def test_run_failure_shows_the_log_tail_without_secrets(sim, run_module):
    project = make_app(run_module, deployed=True, env={"TOKEN": ENV_SECRET})
    name = unique(FAIL_WORD)
    args = {"project": project, "app": "web", "name": name, "schedule": "0 3 * * *", "command": "echo $TOKEN",
            "run": True, "poll_interval": 0.2, "log_lines": 10}
    failed = run_module(MODULE, args)
    assert failed.failed and failed.result["changed"] is True, failed
    assert failed.writes == ["schedule.create", "schedule.runManually"], failed
    deployment = failed.result["deployment"]
    assert deployment["status"] == "error" and deployment["log_tail"], failed
    assert failed.result["msg"].startswith("deployment %s of schedule %r ended in error after " % (deployment["id"], name))
    assert "Command failed" in failed.result["msg"], failed
    assert "Traceback" not in failed.output
    assert_no_secret(failed, [ENV_SECRET])
    # The schedule stays, as asked: the next run without run: true changes nothing.
    kept = run_module(MODULE, dict(args, run=False))
    assert kept.changed is False and kept.writes == [], kept


def test_run_of_an_application_without_container_fails(run_module):
    project = make_app(run_module)  # never deployed: no container
    args = {"project": project, "app": "web", "name": "ping", "schedule": "0 3 * * *", "command": "true",
            "run": True, "poll_interval": 0.2}
    failed = run_module(MODULE, args)
    assert failed.failed and failed.result["changed"] is True, failed
    assert "Container not found" in failed.result["msg"], failed


def test_host_schedule_run(run_module):
    args = {"type": "dokploy-server", "name": unique("host"), "schedule": "0 3 * * *", "script": "echo hi",
            "enabled": False, "run": True, "poll_interval": 0.2}
    ran = run_module(MODULE, args)
    assert not ran.failed and ran.result["run"]["deployment"]["status"] == "done", ran
    assert not run_module(MODULE, dict(args, run=False, state="absent")).failed


def test_server_schedule_whose_ssh_fails_leaves_nothing(sim, run_module):
    server = unique(FAIL_WORD)
    server_id = make_server(sim, server)
    args = {"server": server, "name": "prune", "schedule": "0 4 * * 0", "script": "docker system prune -af"}
    failed = run_module(MODULE, args)
    assert failed.failed, failed
    # The plain delete fails too (it removes the folder on the server first): detached, then removed.
    assert failed.writes == ["schedule.create", "schedule.delete", "schedule.update", "schedule.delete"], failed
    assert "SSH connection error" in failed.result["msg"], failed
    assert "this task removed it again" in failed.result["msg"], failed
    assert schedules_of(sim, "server", server_id) == []
    # Nothing half-made: the next try fails the same way, and leaves nothing either.
    again = run_module(MODULE, args)
    assert again.failed and schedules_of(sim, "server", server_id) == [], again


BAD = [
    ("schedule", {"schedule": "every day at noon"}),
    ("schedule", {"schedule": "61 * * * *"}),
    ("command", {"type": "dokploy-server", "app": None, "project": None, "script": None}),
    ("script", {"script": "echo hi", "command": None}),
    ("command", {"command": ""}),
    ("shell_type", {"shell_type": "zsh"}),
    ("timezone", {"timezone": "Mars/Olympus_Mons"}),
    ("timezone", {"timezone": "UTC+2 hours"}),
    ("name", {"name": ""}),
    ("name", {"name": "   "}),
    ("run", {"run": True, "state": "absent"}),
    ("type", {"type": "compose"}),
    ("type", {"app": None, "project": None}),
    ("server", {"type": "server", "app": None, "project": None, "command": None, "script": "true"}),
    ("compose", {"compose": "stack"}),
    ("service_name", {"service_name": "worker"}),
    ("project", {"type": "dokploy-server", "app": None, "command": None, "script": "true"}),
    ("app", {"app": "no-such-app"}),
    ("server", {"server": "no-such-server", "app": None, "project": None, "command": None, "script": "true"}),
    ("log_lines", {"run": True, "log_lines": 0}),
]


# Options whose refusal needs a read (the target does not exist): in check mode an earlier task would create it.
NEEDS_LOOKUP = ("app", "server")


@pytest.mark.parametrize("option,bad", BAD, ids=["%s-%d" % (o, i) for i, (o, _b) in enumerate(BAD)])
def test_bad_input_is_refused_before_any_write(run_module, option, bad):
    # Refused before any request: the project need not exist, except to tell that the application does not.
    project = make_app(run_module) if option == "app" else unique("never-made")
    args = {"project": project, "app": "web", "name": "job", "schedule": "0 3 * * *", "command": "true"}
    args.update(bad)
    args = dict((k, v) for k, v in args.items() if v is not None)
    lookup = option in NEEDS_LOOKUP and "type" not in args
    for check in (False,) if lookup else (True, False):
        refused = run_module(MODULE, args, check=check)
        assert refused.failed and refused.writes == [], refused
        if option == "shell_type":  # Ansible's own check of the choices
            assert "shell_type" in refused.result["msg"] and "zsh" in refused.result["msg"], refused
        else:
            assert refused.result["msg"].startswith("option %s: " % option), refused
        if not lookup:
            assert refused.reads == [], refused
        assert "Traceback" not in refused.output


@pytest.mark.simulator_only("a server made unreachable after its schedule was made (the simulator-fail word)")
def test_a_run_that_cannot_reach_its_server_says_why(sim, run_module):
    server = unique("srv")
    server_id = make_server(sim, server)
    args = {"server": server, "name": "prune", "schedule": "0 4 * * 0", "script": "docker system prune -af",
            "poll_interval": 0.2}
    assert not run_module(MODULE, args).failed
    api = client(sim)
    stored = [s for s in api.query_list("server.all") if s["serverId"] == server_id][0]
    api.mutate("server.update", {"serverId": server_id, "name": unique(FAIL_WORD), "description": "",
                                 "ipAddress": stored["ipAddress"], "port": stored["port"],
                                 "username": stored["username"], "sshKeyId": stored["sshKeyId"],
                                 "serverType": "deploy"})
    failed = run_module(MODULE, dict(args, server=server_id, run=True))
    assert failed.failed and failed.changed is True, failed
    assert failed.writes == ["schedule.runManually"], failed
    deployment = failed.result["deployment"]
    assert deployment["status"] == "error" and "SSH" in deployment["error_message"], failed
    assert "Dokploy says: An error have occurred" in failed.result["msg"], failed
    assert "schedule.runManually answered: " in failed.result["msg"], failed
