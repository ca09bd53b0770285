"""Tests of the Dokploy simulator's own options and behaviours.

The contract test (tests/contract) proves that the simulator answers the
recorded transcript steps like a real Dokploy v0.30.2. These tests cover what
goes beyond the transcripts: start-up and shutdown, authentication, two
organizations, `--state`, TLS, deployments over time, fault injection, the
request log and name handling.

Every test starts its own simulator (harness.Simulator) and stops it on the
way out.
"""

import http.client
import json
import os
import random
import re
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.simulator import dokploy_sim, simcore
from tests.simulator.harness import SIMULATOR, Simulator

from tests.simulator.apitest import (  # noqa: F401
    KEY, SECOND_KEY, Response, call, default_env, new_application, new_project, ok, project_names,
    recorded_response, wait_for)
UNAUTHORIZED = {"message": "Unauthorized"}


# --------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------

def stop_with_sigterm(sim):
    """SIGTERM the simulator process and return its exit code."""
    sim.process.send_signal(signal.SIGTERM)
    return sim.process.wait(10)


# --------------------------------------------------------------------------
# 1. Start and stop
# --------------------------------------------------------------------------

def test_start_prints_base_url_and_port_zero_picks_free_port():
    with Simulator() as first, Simulator() as second:
        first.start(KEY, request_log=False)
        second.start(KEY, request_log=False)
        ports = []
        for sim in (first, second):
            match = re.fullmatch(r"http://127\.0\.0\.1:(\d+)", sim.base_url)
            assert match, sim.base_url
            port = int(match.group(1))
            assert 0 < port < 65536
            ports.append(port)
            assert ok(sim.base_url, "settings.getDokployVersion") == "v0.30.8"  # the newest by default
        assert ports[0] != ports[1]


def test_first_stdout_line_is_base_url_exactly():
    # Without the harness: the very first line, as printed.
    command = [sys.executable, str(SIMULATOR), "--port", "0", "--api-key", KEY]
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True) as process:
        try:
            line = process.stdout.readline()
            assert re.fullmatch(r"http://127\.0\.0\.1:[1-9]\d*\n", line), repr(line)
            assert ok(line.strip(), "project.all") == []
            process.send_signal(signal.SIGTERM)
            assert process.wait(10) == 0
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()


def test_sigterm_exits_zero():
    with Simulator() as sim:
        sim.start(KEY, request_log=False)
        ok(sim.base_url, "project.all")
        assert stop_with_sigterm(sim) == 0
        assert "Traceback" not in sim.stderr()


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_signal_right_after_start_exits_zero(signum, tmp_path):
    # Regression: the URL used to be printed before the signal handlers were
    # installed, so a signal sent as soon as it was read killed the process.
    state = tmp_path / "state.json"
    for _attempt in range(3):
        with Simulator() as sim:
            sim.start(KEY, extra_args=("--state", str(state)), request_log=False)
            sim.process.send_signal(signum)
            assert sim.process.wait(10) == 0
        assert state.exists()  # saved at exit
        state.unlink()


# --------------------------------------------------------------------------
# 2. Authentication
# --------------------------------------------------------------------------

def test_auth_missing_or_wrong_key_is_401_before_routing():
    with Simulator() as sim:
        sim.start(KEY, request_log=False)
        base = sim.base_url
        cases = [
            ("project.all", None, "GET"),
            ("project.all", "wrong-key", "GET"),
            ("project.all", "", "GET"),
            ("project.create", None, "POST"),
            ("nosuch.proc", None, "GET"),
            ("nosuch.proc", "wrong-key", "GET"),
            ("nosuch.proc", "wrong-key", "POST"),
        ]
        for procedure, key, method in cases:
            body = {"name": "x"} if method == "POST" else None
            response = call(base, procedure, key=key, body=body, method=method)
            assert response.status == 401, (procedure, key, response)
            assert response.json() == UNAUTHORIZED
            assert response.content_type == "application/json; charset=utf-8"
        # With the right key the unknown procedure is routed: the recorded 404.
        assert call(base, "nosuch.proc").status == 404
        assert call(base, "nosuch.proc").json()["code"] == "NOT_FOUND"
        # Nothing was created by the unauthorized POST.
        assert ok(base, "project.all") == []


def test_auth_bearer_header_is_not_accepted():
    with Simulator() as sim:
        sim.start(KEY, request_log=False)
        response = call(sim.base_url, "project.all", key=None, headers={"Authorization": f"Bearer {KEY}"})
        assert response.status == 401
        assert response.json() == UNAUTHORIZED
        response = call(sim.base_url, "project.all", key=None, headers={"Authorization": KEY})
        assert response.status == 401
        # The same key in x-api-key works.
        assert call(sim.base_url, "project.all").status == 200


# --------------------------------------------------------------------------
# 3. Two organizations
# --------------------------------------------------------------------------

def test_second_org_sees_only_its_own_projects():
    recorded = recorded_response("multi_org", "org 2 reads org 1 project")
    assert recorded["status"] == 401
    with Simulator() as sim:
        sim.start(KEY, second_org_key=SECOND_KEY, request_log=False)
        base = sim.base_url
        project1, env1 = new_project(base, "org1-project")
        project2, _env2 = new_project(base, "org2-project", key=SECOND_KEY)
        assert project1["organizationId"] != project2["organizationId"]

        all1 = ok(base, "project.all")
        all2 = ok(base, "project.all", key=SECOND_KEY)
        assert [p["projectId"] for p in all1] == [project1["projectId"]]
        assert [p["projectId"] for p in all2] == [project2["projectId"]]

        for key, other in ((SECOND_KEY, project1), (KEY, project2)):
            response = call(base, "project.one", key=key, query={"projectId": other["projectId"]})
            assert response.status == 401
            assert response.json() == recorded["response"]
        # Writes across organizations are refused too, and change nothing.
        response = call(base, "project.update", key=SECOND_KEY,
                        body={"projectId": project1["projectId"], "description": "hijack"})
        assert response.status == 401
        assert response.json()["message"] == "You are not authorized to update this project"
        response = call(base, "application.create", key=SECOND_KEY,
                        body={"name": "intruder", "environmentId": env1["environmentId"]})
        assert response.status == 401
        one = ok(base, "project.one", query={"projectId": project1["projectId"]})
        assert one["description"] is None
        assert all(env["applications"] == [] for env in one["environments"])
        # Each key still reads its own project.
        assert ok(base, "project.one", key=SECOND_KEY,
                  query={"projectId": project2["projectId"]})["name"] == "org2-project"


def test_without_second_org_key_the_other_key_is_unauthorized():
    with Simulator() as sim:
        sim.start(KEY, request_log=False)
        response = call(sim.base_url, "project.all", key=SECOND_KEY)
        assert response.status == 401
        assert response.json() == UNAUTHORIZED


# --------------------------------------------------------------------------
# 4. --state
# --------------------------------------------------------------------------

def test_state_file_survives_restart(tmp_path):
    state = tmp_path / "state.json"
    args = ("--state", str(state), "--deploy-seconds", "0")
    with Simulator() as sim:
        sim.start(KEY, second_org_key=SECOND_KEY, extra_args=args, request_log=False)
        base = sim.base_url
        project, env = new_project(base, "kept", description="survives")
        app = new_application(base, env["environmentId"], name="kept-app")
        other, _other_env = new_project(base, "kept-org2", key=SECOND_KEY)
        ok(base, "application.deploy", body={"applicationId": app["applicationId"]})
        deployments = ok(base, "deployment.all", query={"applicationId": app["applicationId"]})
        assert [d["status"] for d in deployments] == ["done"]
        # Saved after every applied write, not only at exit.
        assert app["applicationId"] in state.read_text()
        assert stop_with_sigterm(sim) == 0

    with Simulator() as sim:
        sim.start(KEY, second_org_key=SECOND_KEY, extra_args=args, request_log=False)
        base = sim.base_url
        one = ok(base, "project.one", query={"projectId": project["projectId"]})
        assert one["name"] == "kept"
        assert one["description"] == "survives"
        assert [e["environmentId"] for e in one["environments"]] == [env["environmentId"]]
        assert [a["applicationId"] for a in default_env(one)["applications"]] == [app["applicationId"]]
        loaded = ok(base, "application.one", query={"applicationId": app["applicationId"]})
        assert loaded["appName"] == app["appName"]
        assert loaded["applicationStatus"] == "done"
        assert [d["deploymentId"] for d in loaded["deployments"]] == [d["deploymentId"] for d in deployments]
        # The organizations kept their identity: each key still sees only its own project.
        assert [p["projectId"] for p in ok(base, "project.all")] == [project["projectId"]]
        assert [p["projectId"] for p in ok(base, "project.all", key=SECOND_KEY)] == [other["projectId"]]
        # And the state keeps growing from there.
        new_project(base, "after-restart")
        assert sorted(project_names(base)) == ["after-restart", "kept"]


def test_state_file_missing_starts_empty(tmp_path):
    state = tmp_path / "does-not-exist-yet.json"
    with Simulator() as sim:
        sim.start(KEY, extra_args=("--state", str(state)), request_log=False)
        assert ok(sim.base_url, "project.all") == []
        assert stop_with_sigterm(sim) == 0
    assert state.exists()  # saved at exit
    assert json.loads(state.read_text())["tables"]["project"] == {}


# --------------------------------------------------------------------------
# 5. TLS
# --------------------------------------------------------------------------

def test_tls(tmp_path):
    openssl = shutil.which("openssl")
    if openssl is None:
        # Only a developer's machine without openssl skips; CI must prove TLS works.
        if os.environ.get("CI"):
            pytest.fail("the TLS test needs the openssl command to make its certificate")
        pytest.skip("the TLS test needs the openssl command to make its certificate (apt-get install openssl)")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run([openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key),
                    "-out", str(cert), "-days", "2", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"],
                   check=True, capture_output=True, timeout=60)
    with Simulator() as sim:
        sim.start(KEY, extra_args=("--tls-cert", cert, "--tls-key", key), request_log=False)
        assert re.fullmatch(r"https://127\.0\.0\.1:\d+", sim.base_url), sim.base_url

        # Default verification (system CAs) rejects the self-signed certificate.
        with pytest.raises(urllib.error.URLError) as failure:
            call(sim.base_url, "project.all", context=ssl.create_default_context())
        assert isinstance(failure.value.reason, ssl.SSLCertVerificationError), failure.value

        trusted = ssl.create_default_context(cafile=str(cert))
        response = call(sim.base_url, "project.all", context=trusted)
        assert response.status == 200
        assert response.json() == []
        response = call(sim.base_url, "project.all", key="wrong", context=trusted)
        assert response.status == 401

        # Plain HTTP on the HTTPS port gets no API answer.
        plain = "http://" + sim.base_url[len("https://"):]
        with pytest.raises((OSError, http.client.HTTPException)):
            call(plain, "project.all", timeout=3)
        # The server survives the failed handshakes.
        assert call(sim.base_url, "project.all", context=trusted).status == 200


# --------------------------------------------------------------------------
# 6. Deployments over time
# --------------------------------------------------------------------------

def deployments(base_url, application_id):
    return ok(base_url, "deployment.all", query={"applicationId": application_id})


def read_log(base_url, deployment_id):
    return ok(base_url, "deployment.readLogs", query={"deploymentId": deployment_id})


def settled(base_url, application_id, count):
    """The deployments once `count` exist and none is running, else None."""
    rows = deployments(base_url, application_id)
    if len(rows) == count and all(d["status"] != "running" for d in rows):
        return rows
    return None


def test_deployments_run_then_finish():
    with Simulator() as sim:
        sim.start(KEY, extra_args=("--deploy-seconds", "1"), request_log=False)
        base = sim.base_url
        _project, env = new_project(base, "deploys")
        good = new_application(base, env["environmentId"], name="good")
        bad = new_application(base, env["environmentId"], name="bad")
        ok(base, "application.saveEnvironment",
           body={"applicationId": bad["applicationId"], "env": "FOO=bar\nSIMULATOR_DEPLOY_FAIL=1\n",
                 "buildArgs": "", "buildSecrets": "", "createEnvFile": True})
        assert deployments(base, good["applicationId"]) == []

        ok(base, "application.deploy", body={"applicationId": good["applicationId"]})
        ok(base, "application.deploy", body={"applicationId": bad["applicationId"], "title": "marked"})

        first = deployments(base, good["applicationId"])
        assert len(first) == 1
        assert first[0]["status"] == "running"
        assert first[0]["title"] == "Manual deployment"
        assert first[0]["applicationId"] == good["applicationId"]
        assert ok(base, "application.one",
                  query={"applicationId": good["applicationId"]})["applicationStatus"] == "running"
        assert read_log(base, first[0]["deploymentId"]) == "Initializing deployment\n"

        first = wait_for(lambda: settled(base, good["applicationId"], 1), what="first deployment")
        assert first[0]["status"] == "done"
        assert first[0]["finishedAt"]
        assert ok(base, "application.one",
                  query={"applicationId": good["applicationId"]})["applicationStatus"] == "done"
        assert "Docker Deployed" in read_log(base, first[0]["deploymentId"])

        # The marked service failed while the other one deployed normally.
        failed = wait_for(lambda: settled(base, bad["applicationId"], 1), what="marked deployment")
        assert failed[0]["status"] == "error"
        assert failed[0]["title"] == "marked"
        assert ok(base, "application.one",
                  query={"applicationId": bad["applicationId"]})["applicationStatus"] == "error"
        log = read_log(base, failed[0]["deploymentId"])
        assert isinstance(log, str)
        assert "Error occurred" in log

        # A second deploy adds a second deployment; the first stays done.
        ok(base, "application.deploy", body={"applicationId": good["applicationId"]})
        rows = deployments(base, good["applicationId"])
        assert len(rows) == 2
        assert rows[1]["deploymentId"] == first[0]["deploymentId"]
        assert rows[0]["deploymentId"] != first[0]["deploymentId"]
        assert [d["status"] for d in rows] == ["running", "done"]
        rows = wait_for(lambda: settled(base, good["applicationId"], 2), what="second deployment")
        assert [d["status"] for d in rows] == ["done", "done"]
        assert rows[1]["deploymentId"] == first[0]["deploymentId"]


def test_fail_deploys_makes_every_deploy_fail():
    with Simulator() as sim:
        sim.start(KEY, extra_args=("--fail-deploys", "--deploy-seconds", "0.3"), request_log=False)
        base = sim.base_url
        _project, env = new_project(base, "no-docker")
        apps = [new_application(base, env["environmentId"], name=f"app{i}") for i in range(2)]
        for app in apps:
            ok(base, "application.deploy", body={"applicationId": app["applicationId"]})
        for app in apps:
            rows = wait_for(lambda app=app: settled(base, app["applicationId"], 1), what="failed deployment")
            assert rows[0]["status"] == "error"
            assert read_log(base, rows[0]["deploymentId"]) == simcore.FAILED_DEPLOY_LOG
        compose = ok(base, "compose.create", body={"name": "stack", "environmentId": env["environmentId"]})
        ok(base, "compose.deploy", body={"composeId": compose["composeId"]})

        def finished_compose_deployments():
            rows = ok(base, "deployment.allByCompose", query={"composeId": compose["composeId"]})
            return [d for d in rows if d["status"] != "running"]
        rows = wait_for(finished_compose_deployments, what="compose deployment")
        assert [d["status"] for d in rows] == ["error"]
        # Databases answer the recorded 500 right away.
        database = ok(base, "postgres.create",
                      body={"name": "db", "environmentId": env["environmentId"], "databaseName": "db",
                            "databaseUser": "user", "databasePassword": "pw123456"})
        response = call(base, "postgres.deploy", body={"postgresId": database["postgresId"]})
        assert response.status == 500
        assert "Cannot connect to the Docker daemon" in response.json()["message"]


# --------------------------------------------------------------------------
# 7. Faults
# --------------------------------------------------------------------------

CLIENT_TIMEOUT = 0.75
STALL_SECONDS = 2.0


def predicted_faults(seed, rate, count):
    """The fault (kind, when) or None for each of `count` API requests, as the simulator rolls them."""
    rng = random.Random(seed)
    out = []
    for _position in range(count):
        out.append(rng.choice(dokploy_sim.FAULT_KINDS) if rng.random() < rate else None)
    return out


def outcome(base_url, procedure, **kwargs):
    """What the client saw: the status code, "reset" or "stall" (client timeout)."""
    try:
        return call(base_url, procedure, timeout=CLIENT_TIMEOUT, **kwargs)
    except (TimeoutError, socket.timeout):
        return "stall"
    except ConnectionError:
        return "reset"
    except urllib.error.URLError as error:
        if isinstance(error.reason, (TimeoutError, socket.timeout)):
            return "stall"
        if isinstance(error.reason, ConnectionError):
            return "reset"
        raise


def seen(result):
    return result if isinstance(result, str) else str(result.status)


def logged_status(fault):
    """The status the request log shows for a planned fault (None: answered with 200)."""
    if fault is None:
        return 200
    return int(fault[0]) if fault[0] in ("502", "503") else 0


def fault_args(rate, seed):
    return ("--fault-rate", rate, "--fault-seed", seed, "--stall-seconds", STALL_SECONDS)


def test_fault_rate_one_faults_every_request():
    seed, count = 21, 12
    plan = predicted_faults(seed, 1.0, count)
    assert all(plan)
    assert {kind for kind, _when in plan} == {"502", "503", "reset", "stall"}  # the seed shows every kind
    with Simulator() as sim:
        sim.start(KEY, extra_args=fault_args(1.0, seed))
        # The last request carries a wrong key: faults strike before authentication.
        keys = [KEY] * (count - 1) + ["wrong-key"]
        results = [outcome(sim.base_url, "project.all", key=key) for key in keys]
        assert [seen(result) for result in results] == [kind for kind, _when in plan]
        for result in results:
            if isinstance(result, Response):
                expected = b"Bad Gateway" if result.status == 502 else b"Service Unavailable"
                assert result.raw == expected
        logged = sim.requests()
        assert [entry["status"] for entry in logged] == [logged_status(fault) for fault in plan]
        assert all(set(entry) == {"method", "procedure", "status"} for entry in logged)
        assert {(entry["method"], entry["procedure"]) for entry in logged} == {("GET", "project.all")}


def test_faulted_writes_are_applied_after_and_not_before():
    seed, count, rate = 11, 30, 0.5
    plan = predicted_faults(seed, rate, count)
    # The seed exercises every fault kind, before and after the write, and some clean requests.
    assert set(fault for fault in plan if fault) == set(dokploy_sim.FAULT_KINDS)
    assert None in plan
    with Simulator() as sim:
        sim.start(KEY, extra_args=fault_args(rate, seed))
        base = sim.base_url
        results = [outcome(base, "project.create", body={"name": f"fault-{i}"}) for i in range(count)]
        # What the client saw is what the seed predicts.
        assert [seen(result) for result in results] == [fault[0] if fault else "200" for fault in plan]
        # The log says the same: the fault status, 0 for reset/stall, 200 for the rest.
        statuses = [entry["status"] for entry in sim.requests()]
        assert statuses == [logged_status(fault) for fault in plan]

        # Read back (reads may fault too: retry, bounded).
        def read_all():
            result = outcome(base, "project.all")
            return result.json() if isinstance(result, Response) and result.status == 200 else None
        names = {project["name"] for project in wait_for(read_all, timeout=10, interval=0, what="project.all")}

    applied = {i for i in range(count) if f"fault-{i}" in names}
    assert len(names) == len(applied)  # nothing else was created
    clean = {i for i, fault in enumerate(plan) if fault is None}
    after = {i for i, fault in enumerate(plan) if fault and fault[1] == "after"}
    before = {i for i, fault in enumerate(plan) if fault and fault[1] == "before"}
    # Answered writes were applied; "after" faults applied the write; "before" faults did not.
    assert applied == clean | after
    assert not applied & before
    # A faulted write can go either way, for each kind that strikes both before and after.
    for kind in ("502", "reset", "stall"):
        faulted = [i for i, fault in enumerate(plan) if fault and fault[0] == kind]
        assert {i in applied for i in faulted} == {True, False}, kind
    # A 503 never applies anything.
    assert not {i for i, fault in enumerate(plan) if fault and fault[0] == "503"} & applied
    assert len(applied) == len(clean) + len(after)


def test_faulted_write_persists_in_state(tmp_path):
    """An "after" fault's write is saved with --state, a "before" fault's is not."""
    seed, rate = 11, 0.5
    plan = predicted_faults(seed, rate, 30)
    after_index = next(i for i, fault in enumerate(plan) if fault and fault[1] == "after")
    before_index = next(i for i, fault in enumerate(plan) if fault and fault[1] == "before")
    state = tmp_path / "state.json"
    with Simulator() as sim:
        sim.start(KEY, extra_args=fault_args(rate, seed) + ("--state", str(state)), request_log=False)
        for i in range(max(after_index, before_index) + 1):
            outcome(sim.base_url, "project.create", body={"name": f"fault-{i}"})
        assert stop_with_sigterm(sim) == 0
    with Simulator() as sim:
        sim.start(KEY, extra_args=("--state", str(state)), request_log=False)
        names = set(project_names(sim.base_url))
    assert f"fault-{after_index}" in names
    assert f"fault-{before_index}" not in names


# --------------------------------------------------------------------------
# 8. Request log
# --------------------------------------------------------------------------

def test_request_log_has_only_method_procedure_status():
    secret = "s3cret-BODY-value-9d8f7"
    with Simulator() as sim:
        sim.start(KEY, request_log=True)
        base = sim.base_url
        _project, env = new_project(base, "logged", description=secret)
        app = new_application(base, env["environmentId"], name="logged-app")
        ok(base, "application.saveEnvironment",
           body={"applicationId": app["applicationId"], "env": f"PASSWORD={secret}",
                 "buildArgs": secret, "buildSecrets": secret, "createEnvFile": False})
        ok(base, "project.search", query={"name": secret})
        assert call(base, "project.all", key="wrong-" + secret).status == 401
        assert call(base, "nosuch.proc").status == 404
        assert call(base, "project.create", body={"name": 42, "description": secret}).status == 400

        text = Path(sim.request_log).read_text(encoding="utf-8")
        lines = text.splitlines()
        assert text.endswith("\n")
        entries = [json.loads(line) for line in lines]
        assert all(set(entry) == {"method", "procedure", "status"} for entry in entries)
        assert [(e["method"], e["procedure"], e["status"]) for e in entries] == [
            ("POST", "project.create", 200),
            ("POST", "application.create", 200),
            ("POST", "application.saveEnvironment", 200),
            ("GET", "project.search", 200),
            ("GET", "project.all", 401),
            ("GET", "nosuch.proc", 404),
            ("POST", "project.create", 400),
        ]
        assert KEY not in text
        assert secret not in text
        assert "PASSWORD" not in text
        assert sim.writes() == [e for e in entries if e["method"] == "POST"]

        sim.reset_log()
        ok(base, "project.all")
        assert sim.requests() == [{"method": "GET", "procedure": "project.all", "status": 200}]


# --------------------------------------------------------------------------
# 9. Names are not unique
# --------------------------------------------------------------------------

def test_names_are_not_unique_and_app_names_get_a_suffix():
    with Simulator() as sim:
        sim.start(KEY, request_log=False)
        base = sim.base_url
        first, env = new_project(base, "twin")
        second, _env2 = new_project(base, "twin")
        assert first["projectId"] != second["projectId"]
        listed = ok(base, "project.all")
        assert sorted(p["projectId"] for p in listed if p["name"] == "twin") == \
            sorted([first["projectId"], second["projectId"]])

        apps = [new_application(base, env["environmentId"], name="web", appName="web") for _i in range(2)]
        for app in apps:
            assert re.fullmatch(r"web-[a-z1-9]{6}", app["appName"]), app["appName"]
        assert apps[0]["appName"] != apps[1]["appName"]
        assert apps[0]["applicationId"] != apps[1]["applicationId"]
        generated = new_application(base, env["environmentId"], name="web")
        assert re.fullmatch(r"app-[a-z0-9-]+-[a-z1-9]{6}", generated["appName"]), generated["appName"]
        one = ok(base, "project.one", query={"projectId": first["projectId"]})
        assert sorted(a["name"] for a in default_env(one)["applications"]) == ["web", "web", "web"]
        compose = ok(base, "compose.create",
                     body={"name": "stack", "environmentId": env["environmentId"], "appName": "stack"})
        assert re.fullmatch(r"stack-[a-z1-9]{6}", compose["appName"]), compose["appName"]
