"""Tests of the simulator's SSH keys, remote servers and schedules beyond the transcripts.

The transcripts (ssh_key, server, schedule) were recorded where no host answered SSH and no
container ran, so every step that reaches a host failed there. These tests cover the default,
successful behaviour, failing on request (a name holding `simulator-fail`, --fail-deploys,
a server without a key), services placed on a server, and what goes with what on removal.
"""

import pytest

from tests.simulator.apitest import (
    KEY, SECOND_KEY, call, default_env, new_application, new_project, ok, recorded_response)
from tests.simulator.harness import Simulator

FAIL = ("--fail-deploys",)


@pytest.fixture(name="sim")
def fixture_sim():
    with Simulator() as sim:
        sim.start(KEY, second_org_key=SECOND_KEY, extra_args=("--deploy-seconds", "0"), request_log=False)
        yield sim


def start(extra_args):
    return Simulator().start(KEY, extra_args=("--deploy-seconds", "0") + extra_args, request_log=False)


def new_key(base, name="key", key=KEY):
    pair = ok(base, "sshKey.generate", key=key, body={"type": "ed25519"})
    assert ok(base, "sshKey.create", key=key, body={"name": name, "organizationId": "ignored", **pair}) is None
    return next(k for k in ok(base, "sshKey.all", key=key) if k["name"] == name)


def new_server(base, name="host", key_id=None, server_type="deploy", key=KEY, **extra):
    body = {"name": name, "description": "", "ipAddress": "10.0.0.5", "port": 22, "username": "root",
            "sshKeyId": key_id, "serverType": server_type, "enableDockerCleanup": False, **extra}
    return ok(base, "server.create", key=key, body=body)


def server_with_key(base, name="host", **extra):
    return new_server(base, name, new_key(base, f"{name}-key")["sshKeyId"], **extra)


def server_deployments(base, server):
    return ok(base, "deployment.allByServer", query={"serverId": server["serverId"]})


def read_log(base, deployment):
    return ok(base, "deployment.readLogs", query={"deploymentId": deployment["deploymentId"], "tail": 50})


def new_schedule(base, key=KEY, **body):
    return ok(base, "schedule.create", key=key,
              body={"name": "job", "cronExpression": "0 3 * * *", "command": "", **body})


# --------------------------------------------------------------------------
# SSH keys
# --------------------------------------------------------------------------

def test_generated_pairs_pass_the_format_checks_and_are_not_stored(sim):
    base = sim.base_url
    for key_type in ("rsa", "ed25519"):
        pair = ok(base, "sshKey.generate", body={"type": key_type})
        assert pair["publicKey"].startswith(f"ssh-{key_type} ") and pair["publicKey"].endswith(" dokploy")
        assert pair["privateKey"].startswith("-----BEGIN OPENSSH PRIVATE KEY-----\n")
    assert ok(base, "sshKey.generate", body={})["publicKey"].startswith("ssh-rsa ")
    assert ok(base, "sshKey.all") == []
    key = new_key(base)
    assert ok(base, "sshKey.allForApps") == [{"sshKeyId": key["sshKeyId"], "name": "key"}]


def test_key_formats_are_checked_by_pattern(sim):
    base = sim.base_url
    pair = ok(base, "sshKey.generate", body={"type": "ed25519"})
    rsa_pem = "-----BEGIN RSA PRIVATE KEY-----\nMIIEow==\n-----END RSA PRIVATE KEY-----\n"
    body = {"name": "pem", "organizationId": "x", "publicKey": pair["publicKey"], "privateKey": rsa_pem}
    assert call(base, "sshKey.create", body=body).status == 200
    mixed = "-----BEGIN RSA PRIVATE KEY-----\nMIIEow==\n-----END OPENSSH PRIVATE KEY-----\n"
    both_bad = call(base, "sshKey.create", body={"name": "bad", "organizationId": "x",
                                                 "publicKey": "ssh-dss AAAA", "privateKey": mixed})
    assert both_bad.status == 400
    assert [i["path"] for i in both_bad.json()["issues"]] == [["privateKey"], ["publicKey"]]


def test_keys_belong_to_their_organization(sim):
    base = sim.base_url
    key = new_key(base)
    assert ok(base, "sshKey.all", key=SECOND_KEY) == []
    for procedure, verb in (("sshKey.one", "access"), ("sshKey.remove", "delete")):
        response = call(base, procedure, key=SECOND_KEY, **(
            {"query": {"sshKeyId": key["sshKeyId"]}} if procedure == "sshKey.one" else
            {"body": {"sshKeyId": key["sshKeyId"]}}))
        assert (response.status, response.json()["message"]) == (401, f"You are not allowed to {verb} this SSH key")
    # update wraps every failure into one 400
    response = call(base, "sshKey.update", key=SECOND_KEY, body={"sshKeyId": key["sshKeyId"], "name": "x"})
    assert (response.status, response.json()["message"]) == (400, "Error updating this SSH key")
    assert ok(base, "sshKey.one", query={"sshKeyId": key["sshKeyId"]})["name"] == "key"


def test_removing_a_key_unsets_it_on_servers_and_git_sources(sim):
    base = sim.base_url
    key = new_key(base)
    server = new_server(base, key_id=key["sshKeyId"])
    _project, env = new_project(base, "p")
    app = new_application(base, env["environmentId"])
    ok(base, "application.saveGitProvider", body={
        "applicationId": app["applicationId"], "customGitUrl": "git@example.com:a/b.git",
        "customGitBranch": "main", "customGitBuildPath": "/", "customGitSSHKeyId": key["sshKeyId"],
        "watchPaths": None, "enableSubmodules": False})
    ok(base, "sshKey.remove", body={"sshKeyId": key["sshKeyId"]})
    one = ok(base, "server.one", query={"serverId": server["serverId"]})
    assert (one["sshKeyId"], one["sshKey"]) == (None, None)
    assert ok(base, "application.one", query={"applicationId": app["applicationId"]})["customGitSSHKeyId"] is None


# --------------------------------------------------------------------------
# Servers
# --------------------------------------------------------------------------

def test_setup_succeeds_by_default_and_validate_reports_the_installed_tools(sim):
    base = sim.base_url
    server = server_with_key(base)
    before = ok(base, "server.validate", query={"serverId": server["serverId"]})
    assert before["docker"] == {"version": "0.0.0", "enabled": False}
    assert (before["isSwarmInstalled"], before["privilegeMode"]) == (False, "root")

    assert call(base, "server.setup", body={"serverId": server["serverId"]}).raw == b""
    [setup] = server_deployments(base, server)
    assert (setup["title"], setup["status"], setup["startedAt"]) == ("Setup Server", "done", None)
    assert setup["finishedAt"] and setup["serverId"] == server["serverId"]
    assert setup["logPath"].startswith(f"/etc/dokploy/logs/{server['appName']}/")
    assert read_log(base, setup) == "Initializing Setup Server"

    after = ok(base, "server.validate", query={"serverId": server["serverId"]})
    assert set(after) == {"docker", "rclone", "nixpacks", "buildpacks", "railpack", "isDokployNetworkInstalled",
                          "isSwarmInstalled", "isMainDirectoryInstalled", "privilegeMode", "dockerGroupMember"}
    assert after["docker"] == {"version": "28.5.0", "enabled": True}
    assert all(after[k] for k in ("isDokployNetworkInstalled", "isSwarmInstalled", "isMainDirectoryInstalled"))
    audit = ok(base, "server.security", query={"serverId": server["serverId"]})
    assert set(audit) == {"ufw", "ssh", "fail2ban"}
    assert ok(base, "deployment.allByType", query={"id": server["serverId"], "type": "server"})[0]["rollback"] is None


def test_a_build_server_gets_no_swarm_and_its_own_setup_script(sim):
    base = sim.base_url
    build = server_with_key(base, "builder", server_type="build", username="deploy")
    ok(base, "server.setup", body={"serverId": build["serverId"]})
    report = ok(base, "server.validate", query={"serverId": build["serverId"]})
    assert report["docker"]["enabled"] and not report["isSwarmInstalled"] and not report["rclone"]["enabled"]
    assert (report["privilegeMode"], report["dockerGroupMember"]) == ("sudo", True)

    deploy = new_server(base, "deployer")
    deploy_script = ok(base, "server.getDefaultCommand", query={"serverId": deploy["serverId"]})
    assert deploy_script == recorded_response("server", "getDefaultCommand")["response"]
    script = ok(base, "server.getDefaultCommand", query={"serverId": build["serverId"]})
    assert "| Server Type       | Build Server" in script
    assert "Validating ports" not in script and "Setting up Traefik" not in script
    steps = [line for line in script.splitlines() if line.startswith('echo -e "') and line[9].isdigit()]
    # (installDocker() prints a "3. Check Docker Installation." of its own, in both scripts)
    assert [s.split('"')[1].split(".")[0] for s in steps] == ["1", "2", "3", "3", "4", "5", "6", "7"]
    assert script.endswith("\n\n\n\t\t\t\t") and len(script) < len(deploy_script)


@pytest.mark.parametrize("how", ["name", "fail-deploys"])
def test_ssh_steps_fail_on_request(how):
    with start(FAIL if how == "fail-deploys" else ()) as sim:
        base = sim.base_url
        server = server_with_key(base, "simulator-fail-host" if how == "name" else "host")
        refused = "SSH connection error: connect ECONNREFUSED 10.0.0.5:22"
        for procedure in ("server.validate", "server.security"):
            response = call(base, procedure, query={"serverId": server["serverId"]})
            assert (response.status, response.json()["message"]) == (400, refused)
        assert call(base, "server.setup", body={"serverId": server["serverId"]}).status == 200
        assert [d["status"] for d in server_deployments(base, server)] == ["error"]
        metrics = recorded_response("server", "setupMonitoring (SSH refused)")["request"]["body"]["metricsConfig"]
        response = call(base, "server.setupMonitoring", body={"serverId": server["serverId"], "metricsConfig": metrics})
        assert (response.status, response.json()["message"]) == (500, refused)
        stored = ok(base, "server.one", query={"serverId": server["serverId"]})["metricsConfig"]
        assert stored["server"]["token"] == metrics["server"]["token"]  # stored before the host was contacted


def test_a_server_without_key_cannot_be_reached(sim):
    base = sim.base_url
    server = new_server(base)
    response = call(base, "server.validate", query={"serverId": server["serverId"]})
    assert (response.status, response.json()["message"]) == (400, "No SSH Key found")
    ok(base, "server.setup", body={"serverId": server["serverId"]})
    assert [d["status"] for d in server_deployments(base, server)] == ["error"]
    assert ok(base, "server.withSSHKey") == [] and ok(base, "server.buildServers") == []


def test_setup_keeps_the_five_newest_deployments(sim):
    base = sim.base_url
    server = server_with_key(base)
    for _run in range(7):
        ok(base, "server.setup", body={"serverId": server["serverId"]})
    assert len(server_deployments(base, server)) == 5
    assert len(ok(base, "server.one", query={"serverId": server["serverId"]})["deployments"]) == 5


def test_servers_belong_to_their_organization(sim):
    base = sim.base_url
    server = server_with_key(base)
    assert ok(base, "server.all", key=SECOND_KEY) == [] and ok(base, "server.count", key=SECOND_KEY) == 0
    for procedure, verb in (("server.setup", "setup"), ("server.remove", "delete")):
        response = call(base, procedure, key=SECOND_KEY, body={"serverId": server["serverId"]})
        assert (response.status, response.json()["message"]) == (401, f"You are not authorized to {verb} this server")
    response = call(base, "deployment.allByServer", key=SECOND_KEY, query={"serverId": server["serverId"]})
    assert (response.status, response.json()["message"]) == (401, "You don't have access to this server.")
    _project, env = new_project(base, "p2", key=SECOND_KEY)
    response = call(base, "application.create", key=SECOND_KEY,
                    body={"name": "web", "environmentId": env["environmentId"], "serverId": server["serverId"]})
    assert (response.status, response.json()["message"]) == (401, "You are not authorized to access this server")


def test_update_writes_every_field_and_refuses_an_unknown_key(sim):
    base = sim.base_url
    server = server_with_key(base)
    body = {"serverId": server["serverId"], "name": "renamed", "description": None, "ipAddress": "10.0.0.6",
            "port": 2222, "username": "admin", "sshKeyId": None, "serverType": "deploy", "command": "echo hi"}
    updated = ok(base, "server.update", body=body)
    assert (updated["enableDockerCleanup"], updated["command"], updated["sshKeyId"]) == (True, "echo hi", None)
    response = call(base, "server.update", body={**body, "sshKeyId": "no-such-key"})
    assert response.status == 500
    assert response.json()["message"].startswith('Failed query: update "server" set "serverId" = $1, "name" = $2')
    assert response.json()["message"].endswith("\nparams: " + ",".join([
        server["serverId"], "renamed", "", "10.0.0.6", "2222", "admin", "true", "deploy", "echo hi",
        "no-such-key", server["serverId"]]))


# --------------------------------------------------------------------------
# Services placed on a server
# --------------------------------------------------------------------------

def test_services_on_a_server_show_it_and_stay_there(sim):
    base = sim.base_url
    server = server_with_key(base)
    project, env = new_project(base, "p")
    app = new_application(base, env["environmentId"], serverId=server["serverId"])
    plain = new_application(base, env["environmentId"], name="local")
    one = ok(base, "application.one", query={"applicationId": app["applicationId"]})
    assert one["server"] == server  # the server's own columns: no key, no deployments
    assert ok(base, "application.one", query={"applicationId": plain["applicationId"]})["server"] is None

    listed = {a["name"]: a["server"] for a in ok(base, "environment.one",
                                                 query={"environmentId": env["environmentId"]})["applications"]}
    assert listed == {"app": {"name": "host", "serverId": server["serverId"]}, "local": None}
    tree = default_env(ok(base, "project.one", query={"projectId": project["projectId"]}))["applications"]
    assert {a["name"]: a["server"] for a in tree} == {"app": {"name": "host"}, "local": None}
    assert "server" not in default_env(ok(base, "project.all")[0])["applications"][0]

    # serverId is no update input: alone it leaves nothing to set, with others it is dropped.
    response = call(base, "application.update", body={"applicationId": app["applicationId"], "serverId": None})
    assert (response.status, response.json()["message"]) == (500, "No values to set")
    ok(base, "application.update", body={"applicationId": app["applicationId"], "serverId": None, "title": "t"})
    assert ok(base, "application.one", query={"applicationId": app["applicationId"]})["serverId"] == server["serverId"]

    response = call(base, "server.remove", body={"serverId": server["serverId"]})
    assert (response.status, response.json()["message"]) == (400, "Server has active services, please delete them first")


def test_total_sum_counts_like_the_real_query(sim):
    base = sim.base_url
    server = new_server(base)
    _project, env = new_project(base, "p")
    for name in ("a", "b"):
        new_application(base, env["environmentId"], name=name, serverId=server["serverId"])
    ok(base, "compose.create", body={"name": "c", "environmentId": env["environmentId"],
                                     "serverId": server["serverId"]})
    # count() per kind over the LEFT JOIN of every kind: 2 applications x 1 compose = 2 rows, counted twice.
    assert ok(base, "server.all")[0]["totalSum"] == 4


# --------------------------------------------------------------------------
# Schedules
# --------------------------------------------------------------------------

def run(base, schedule):
    return ok(base, "schedule.runManually", body={"scheduleId": schedule["scheduleId"]})


def test_application_schedule_runs_in_a_running_container(sim):
    base = sim.base_url
    _project, env = new_project(base, "p")
    app = new_application(base, env["environmentId"])
    schedule = new_schedule(base, scheduleType="application", applicationId=app["applicationId"],
                            command="echo hi", shellType="sh")
    assert run(base, schedule)["status"] == "error"  # never deployed: no container
    ok(base, "application.saveDockerProvider", body={"applicationId": app["applicationId"], "dockerImage": "nginx",
                                                     "username": None, "password": None, "registryUrl": None})
    ok(base, "application.deploy", body={"applicationId": app["applicationId"]})
    result = run(base, schedule)
    assert result["status"] == "done"
    assert result["logPath"].startswith(f"/etc/dokploy/schedules/{schedule['appName']}/{schedule['appName']}-")
    rows = ok(base, "deployment.allByType", query={"id": schedule["scheduleId"], "type": "schedule"})
    assert [d["status"] for d in rows] == ["done", "error"] and rows[0]["deploymentId"] == result["deploymentId"]
    assert "Command executed successfully" in read_log(base, rows[0])
    assert "Container not found for application" in read_log(base, rows[1])
    listed = ok(base, "schedule.list", query={"id": app["applicationId"], "scheduleType": "application"})
    assert [d["deploymentId"] for d in listed[0]["deployments"]] == [d["deploymentId"] for d in rows]


def test_schedule_runs_fail_on_request():
    with start(FAIL) as sim:
        base = sim.base_url
        _project, env = new_project(base, "p")
        app = new_application(base, env["environmentId"])
        app_job = new_schedule(base, scheduleType="application", applicationId=app["applicationId"], command="true")
        host_job = new_schedule(base, scheduleType="dokploy-server", script="echo hi")
        assert run(base, app_job)["status"] == "error"
        assert run(base, host_job)["status"] == "done"  # the Dokploy host itself needs no Docker
    with start(()) as sim:
        base = sim.base_url
        failing = new_schedule(base, name="simulator-fail-job", scheduleType="dokploy-server", script="exit 1")
        assert run(base, failing)["status"] == "error"


def test_dokploy_server_schedules_belong_to_the_organization(sim):
    base = sim.base_url
    job = new_schedule(base, scheduleType="dokploy-server", script="echo hi")
    assert job["organizationId"] and job["serverId"] is None
    result = run(base, job)
    [row] = ok(base, "deployment.allByType", query={"id": job["scheduleId"], "type": "schedule"})
    assert row["pid"].isdigit() and result["status"] == "done"
    assert ok(base, "schedule.list", key=SECOND_KEY, query={"id": "-", "scheduleType": "dokploy-server"}) == []
    response = call(base, "schedule.one", key=SECOND_KEY, query={"scheduleId": job["scheduleId"]})
    assert (response.status, response.json()["message"]) == (401, "You don't have access to this schedule.")
    # readLogs checks access only for a service's deployment and a server schedule's run: a host schedule's log
    # (like a backup's) is tailed for anyone who knows the deployment id.
    response = call(base, "deployment.readLogs", key=SECOND_KEY, query={"deploymentId": row["deploymentId"]})
    assert response.status == 200 and "Initializing schedule" in response.json()


def test_server_schedule_on_a_reachable_and_an_unreachable_host(sim):
    base = sim.base_url
    server = server_with_key(base)
    job = new_schedule(base, scheduleType="server", serverId=server["serverId"], script="echo hi")
    assert run(base, job)["status"] == "done"
    one = ok(base, "schedule.one", query={"scheduleId": job["scheduleId"]})
    assert one["server"]["serverId"] == server["serverId"] and one["server"]["organization"]["id"]
    assert (one["application"], one["compose"]) == (None, None)

    down = server_with_key(base, "simulator-fail-host")
    response = call(base, "schedule.create", body={"name": "j", "cronExpression": "* * * * *", "command": "",
                                                   "scheduleType": "server", "serverId": down["serverId"]})
    assert (response.status, response.json()["message"]) == (500, "SSH connection error: connect ECONNREFUSED 10.0.0.5:22")
    [kept] = ok(base, "schedule.list", query={"id": down["serverId"], "scheduleType": "server"})
    response = call(base, "schedule.runManually", body={"scheduleId": kept["scheduleId"]})
    assert (response.status, response.json()["message"]) == (500, "Error creating the deployment")
    [row] = ok(base, "deployment.allByType", query={"id": kept["scheduleId"], "type": "schedule"})
    assert (row["status"], row["logPath"]) == ("error", "")
    assert row["errorMessage"] == "An error have occurred: SSH connection error: connect ECONNREFUSED 10.0.0.5:22"
    assert call(base, "schedule.delete", body={"scheduleId": kept["scheduleId"]}).status == 500  # stays

    # Removing a server removes its schedules and their deployments.
    ok(base, "server.remove", body={"serverId": down["serverId"]})
    response = call(base, "schedule.one", query={"scheduleId": kept["scheduleId"]})
    assert (response.status, response.json()["message"]) == (404, "Schedule not found")
    response = call(base, "deployment.allByType", query={"id": kept["scheduleId"], "type": "schedule"})
    assert response.status == 404


def test_schedules_go_with_their_service(sim):
    base = sim.base_url
    _project, env = new_project(base, "p")
    app = new_application(base, env["environmentId"])
    job = new_schedule(base, scheduleType="application", applicationId=app["applicationId"], command="true")
    run(base, job)
    ok(base, "application.delete", body={"applicationId": app["applicationId"]})
    assert call(base, "schedule.one", query={"scheduleId": job["scheduleId"]}).status == 404
    assert ok(base, "schedule.list", query={"id": app["applicationId"], "scheduleType": "application"}) == []


def test_schedule_update_and_bad_references(sim):
    base = sim.base_url
    job = new_schedule(base, scheduleType="dokploy-server", script="echo 1")
    updated = ok(base, "schedule.update", body={"scheduleId": job["scheduleId"], "name": "n",
                                                "cronExpression": "5 * * * *", "command": "", "enabled": False})
    assert (updated["name"], updated["enabled"], updated["script"]) == ("n", False, "echo 1")
    response = call(base, "schedule.update", body={"scheduleId": job["scheduleId"], "name": "n",
                                                   "cronExpression": "5 * * * *", "command": "",
                                                   "composeId": "nope"})
    assert response.status == 500
    assert response.json()["message"].startswith('Failed query: update "schedule" set "name" = $1, '
                                                 '"cronExpression" = $2, "command" = $3, "composeId" = $4 where')
    assert ok(base, "schedule.one", query={"scheduleId": job["scheduleId"]})["composeId"] is None
    response = call(base, "schedule.create", body={"name": "j", "cronExpression": "* * * * *", "command": "",
                                                   "scheduleType": "server", "serverId": "nope"})
    assert (response.status, response.json()["message"]) == (404, "Server not found")
    assert call(base, "schedule.one", query={"scheduleId": ""}).status == 400
