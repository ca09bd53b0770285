"""Tests of the service routers beyond the transcripts: sourceType at create, the github compose
without a provider, searches, toggles, duplicates, the environments' row order and the answers
that depend on `--dokploy-version`.

Each test starts its own simulator (harness.Simulator) with `--deploy-seconds 0` unless it
needs time to pass.
"""

import threading

import pytest

from tests.simulator.apitest import KEY, SECOND_KEY, call, new_application, new_project, ok, wait_for
from tests.simulator.harness import Simulator

FAIL_MARKER_ENV = "SIMULATOR_DEPLOY_FAIL=1"
DB_CREATE = {
    "postgres": {"databaseName": "app", "databaseUser": "app", "databasePassword": "pw-1"},
    "mysql": {"databaseName": "app", "databaseUser": "app", "databasePassword": "pw-2",
              "databaseRootPassword": "root-2"},
    "mariadb": {"databaseName": "app", "databaseUser": "app", "databasePassword": "pw-3",
                "databaseRootPassword": "root-3"},
    "mongo": {"databaseUser": "app", "databasePassword": "pw-4"},
    "redis": {"databasePassword": "pw-5"},
}


def simulator_url():
    with Simulator() as sim:
        sim.start(KEY, second_org_key=SECOND_KEY, extra_args=("--deploy-seconds", "0"), request_log=False)
        yield sim.base_url


base = pytest.fixture(simulator_url)
# One simulator for the five database searches: each kind searches its own table.
search_base = pytest.fixture(scope="module")(simulator_url)


def started(*args, key=KEY):
    """A started simulator (use as a context manager) with these extra command-line arguments."""
    sim = Simulator()
    sim.start(key, extra_args=args, request_log=False)
    return sim


def new_database(base_url, kind, environment_id, name, **extra):
    return ok(base_url, f"{kind}.create",
              body={"name": name, "environmentId": environment_id, **DB_CREATE[kind], **extra})


def compose_deployments(base_url, compose_id):
    return ok(base_url, "deployment.allByCompose", query={"composeId": compose_id})


def read_log(base_url, deployment_id):
    return ok(base_url, "deployment.readLogs", query={"deploymentId": deployment_id})


# --------------------------------------------------------------------------
# sourceType at create; a github compose without a provider
# --------------------------------------------------------------------------

def test_create_stores_the_source_type_and_defaults_to_github(base):
    _project, env = new_project(base, "sources")
    env_id = env["environmentId"]
    assert new_application(base, env_id, sourceType="docker")["sourceType"] == "docker"
    assert new_application(base, env_id)["sourceType"] == "github"
    raw = ok(base, "compose.create", body={"name": "raw", "environmentId": env_id, "sourceType": "raw"})
    assert raw["sourceType"] == "raw"
    assert ok(base, "compose.one", query={"composeId": raw["composeId"]})["sourceType"] == "raw"
    plain = ok(base, "compose.create", body={"name": "plain", "environmentId": env_id})
    assert plain["sourceType"] == "github"


def test_github_compose_without_provider_fails_its_deployment_while_raw_deploys(base):
    _project, env = new_project(base, "github-compose")
    github = ok(base, "compose.create", body={"name": "gh", "environmentId": env["environmentId"],
                                              "composeFile": "services:\n  web:\n    image: nginx\n"})
    answer = ok(base, "compose.deploy", body={"composeId": github["composeId"]})
    assert answer == {"success": True, "message": "Deployment queued", "composeId": github["composeId"]}
    [deployment] = compose_deployments(base, github["composeId"])
    assert (deployment["status"], deployment["errorMessage"]) == ("error", None)
    assert read_log(base, deployment["deploymentId"]) == (
        "Initializing deployment\nError: \u274c Github Provider not found\n"
        "\nError occurred \u274c, check the logs for details.\n")
    assert ok(base, "compose.one", query={"composeId": github["composeId"]})["composeStatus"] == "error"

    raw = ok(base, "compose.create", body={"name": "raw", "environmentId": env["environmentId"],
                                           "sourceType": "raw", "composeFile": "services:\n  web:\n    image: x\n"})
    ok(base, "compose.redeploy", body={"composeId": raw["composeId"]})
    assert [d["status"] for d in compose_deployments(base, raw["composeId"])] == ["done"]
    assert ok(base, "compose.one", query={"composeId": raw["composeId"]})["composeStatus"] == "done"


# --------------------------------------------------------------------------
# Searches
# --------------------------------------------------------------------------

@pytest.mark.parametrize("kind", sorted(DB_CREATE))
def test_database_search_pages_and_narrows(search_base, kind):
    base = search_base
    project, env = new_project(base, "search-project")
    other_env = ok(base, "environment.create", body={"projectId": project["projectId"], "name": "staging"})
    first = new_database(base, kind, env["environmentId"], "alpha-db", description="the first")
    second = new_database(base, kind, other_env["environmentId"], "beta-db")
    _other_project, far_env = new_project(base, "elsewhere")
    new_database(base, kind, far_env["environmentId"], "alpha-far")
    key = f"{kind}Id"

    def search(**query):
        return ok(base, f"{kind}.search", query=query)

    in_project = search(projectId=project["projectId"])
    assert in_project["total"] == 2
    assert [item[key] for item in in_project["items"]] == [second[key], first[key]]  # newest first
    assert list(in_project["items"][0]) == [key, "name", "appName", "description", "environmentId",
                                            "applicationStatus", "createdAt"]
    assert search(environmentId=other_env["environmentId"])["items"][0][key] == second[key]
    assert [i["name"] for i in search(q="alpha")["items"]] == ["alpha-far", "alpha-db"]
    assert search(q=first["appName"][-6:])["total"] == 1  # q matches the appName
    assert search(q="THE FIRST")["items"][0][key] == first[key]  # and the description, case-insensitive
    assert search(name="beta", projectId=project["projectId"])["total"] == 1
    assert search(projectId=project["projectId"], limit=1, offset=1)["items"][0][key] == first[key]
    assert search(projectId=project["projectId"], limit=1, offset=5) == {"items": [], "total": 2}
    assert search(q="zz-nothing") == {"items": [], "total": 0}
    assert ok(base, f"{kind}.search", key=SECOND_KEY, query={"q": "alpha"}) == {"items": [], "total": 0}
    for bad_limit in (0, 101):
        assert call(base, f"{kind}.search", query={"limit": bad_limit}).status == 400


def test_environment_search(base):
    project, env = new_project(base, "env-search")
    staging = ok(base, "environment.create",
                 body={"projectId": project["projectId"], "name": "staging", "description": "pre-prod"})
    new_project(base, "another")
    found = ok(base, "environment.search", query={"projectId": project["projectId"]})
    assert found["total"] == 2
    assert [e["environmentId"] for e in found["items"]] == [staging["environmentId"], env["environmentId"]]
    assert list(found["items"][0]) == ["environmentId", "name", "description", "createdAt", "env", "projectId",
                                       "isDefault"]
    assert ok(base, "environment.search", query={"q": "PRE-PROD"})["items"][0]["name"] == "staging"
    assert ok(base, "environment.search", query={"q": "production"})["total"] == 2  # both projects
    assert ok(base, "environment.search", query={"projectId": project["projectId"], "offset": 9}) == {
        "items": [], "total": 2}
    assert ok(base, "environment.search", key=SECOND_KEY, query={}) == {"items": [], "total": 0}


# --------------------------------------------------------------------------
# domain.toggleEnable
# --------------------------------------------------------------------------

def test_domain_toggle_enable(base):
    _project, env = new_project(base, "toggles")
    app = new_application(base, env["environmentId"])
    compose = ok(base, "compose.create", body={"name": "stack", "environmentId": env["environmentId"]})
    app_domain = ok(base, "domain.create", body={"host": "a.example.test", "applicationId": app["applicationId"],
                                                 "domainType": "application"})
    compose_domain = ok(base, "domain.create", body={"host": "c.example.test", "composeId": compose["composeId"],
                                                     "serviceName": "web", "domainType": "compose"})
    off = ok(base, "domain.toggleEnable", body={"domainId": app_domain["domainId"]})
    assert (off["enabled"], off["requiresRedeploy"]) == (False, False)
    assert ok(base, "domain.one", query={"domainId": app_domain["domainId"]})["enabled"] is False
    assert ok(base, "domain.toggleEnable", body={"domainId": app_domain["domainId"]})["enabled"] is True
    toggled = ok(base, "domain.toggleEnable", body={"domainId": compose_domain["domainId"]})
    assert (toggled["enabled"], toggled["requiresRedeploy"]) == (False, True)
    missing = call(base, "domain.toggleEnable", body={"domainId": "doesnotexist000000000"})
    assert (missing.status, missing.json()["message"]) == (404, "Domain not found")


# --------------------------------------------------------------------------
# Duplicates
# --------------------------------------------------------------------------

def test_environment_duplicate_is_empty_and_keeps_env_and_description(base):
    project, env = new_project(base, "dup-env")
    ok(base, "environment.update", body={"environmentId": env["environmentId"], "env": "A=1"})
    new_application(base, env["environmentId"])
    copy = ok(base, "environment.duplicate", body={"environmentId": env["environmentId"], "name": "copy"})
    assert (copy["name"], copy["description"], copy["env"]) == ("copy", "Production environment", "A=1")
    assert (copy["projectId"], copy["isDefault"]) == (project["projectId"], False)
    assert ok(base, "environment.one", query={"environmentId": copy["environmentId"]})["applications"] == []
    described = ok(base, "environment.duplicate",
                   body={"environmentId": env["environmentId"], "name": "other", "description": "mine"})
    assert described["description"] == "mine"
    missing = call(base, "environment.duplicate", body={"environmentId": "doesnotexist000000000", "name": "x"})
    assert (missing.status, missing.json()["message"]) == (
        400, "Error duplicating the environment: Environment not found")
    foreign = call(base, "environment.duplicate", key=SECOND_KEY,
                   body={"environmentId": env["environmentId"], "name": "x"})
    assert (foreign.status, foreign.json()["message"]) == (
        400, "Error duplicating the environment: You are not allowed to access this environment")


def test_project_duplicate_into_a_new_project_copies_selected_services(base):
    _project, env = new_project(base, "dup-source")
    app = new_application(base, env["environmentId"], name="web", description="the app")
    ok(base, "domain.create", body={"host": "web.example.test", "applicationId": app["applicationId"],
                                    "domainType": "application"})
    database = new_database(base, "postgres", env["environmentId"], "db")
    new_database(base, "redis", env["environmentId"], "not-selected")
    answer = ok(base, "project.duplicate", body={
        "sourceEnvironmentId": env["environmentId"], "name": "dup-target", "description": "copy",
        "selectedServices": [{"id": app["applicationId"], "type": "application"},
                             {"id": database["postgresId"], "type": "postgres"}]})
    assert (answer["name"], answer["isDefault"]) == ("production", True)
    target = ok(base, "project.one", query={"projectId": answer["projectId"]})
    assert (target["name"], target["description"]) == ("dup-target", "copy")
    [copied_env] = target["environments"]
    [copied_app] = copied_env["applications"]
    assert (copied_app["name"], copied_app["description"]) == ("web", "the app")
    assert copied_app["applicationId"] != app["applicationId"]
    assert copied_app["appName"].rsplit("-", 1)[0] == app["appName"].rsplit("-", 1)[0]
    assert copied_app["appName"] != app["appName"]
    assert [d["host"] for d in ok(base, "domain.byApplicationId",
                                  query={"applicationId": copied_app["applicationId"]})] == ["web.example.test"]
    [copied_db] = copied_env["postgres"]
    assert copied_env["redis"] == []
    full_db = ok(base, "postgres.one", query={"postgresId": copied_db["postgresId"]})
    assert full_db["databasePassword"] == "pw-1"
    assert [m["mountPath"] for m in full_db["mounts"]] == [m["mountPath"] for m in database_mounts(base, database)]
    # Copies never joined the caller's accessed services: the searches do not list them.
    assert ok(base, "application.search", query={"q": "web"})["total"] == 1
    # An unknown service fails the call, after the new project was made.
    before = len(ok(base, "project.all"))
    failed = call(base, "project.duplicate", body={"sourceEnvironmentId": env["environmentId"], "name": "broken",
                                                   "selectedServices": [{"id": "nope", "type": "mysql"}]})
    assert (failed.status, failed.json()["message"]) == (400, "Error duplicating the project: MySql not found")
    assert len(ok(base, "project.all")) == before + 1


def database_mounts(base_url, database):
    return ok(base_url, "postgres.one", query={"postgresId": database["postgresId"]})["mounts"]


def test_project_duplicate_in_the_same_project_suffixes_names(base):
    project, env = new_project(base, "dup-same")
    compose = ok(base, "compose.create", body={"name": "stack", "environmentId": env["environmentId"],
                                               "sourceType": "raw"})
    answer = ok(base, "project.duplicate", body={
        "sourceEnvironmentId": env["environmentId"], "name": "ignored", "duplicateInSameProject": True,
        "selectedServices": [{"id": compose["composeId"], "type": "compose"}]})
    assert answer["environmentId"] == env["environmentId"]
    assert [c["name"] for c in answer["compose"]] == ["stack"]  # read before the copies
    names = sorted(c["name"] for c in ok(base, "environment.one",
                                         query={"environmentId": env["environmentId"]})["compose"])
    assert names == ["stack", "stack (copy)"]
    assert [p["name"] for p in ok(base, "project.all")] == [project["name"]]
    missing = call(base, "project.duplicate", body={"sourceEnvironmentId": "nope", "name": "x",
                                                    "duplicateInSameProject": True})
    assert (missing.status, missing.json()["message"]) == (400, "Error duplicating the project: Environment not found")


# --------------------------------------------------------------------------
# Environments in row order
# --------------------------------------------------------------------------

def listed_orders(base_url, project_id):
    one = [e["name"] for e in ok(base_url, "project.one", query={"projectId": project_id})["environments"]]
    [tree] = [p for p in ok(base_url, "project.all") if p["projectId"] == project_id]
    everywhere = [e["name"] for e in tree["environments"]]
    by_project = [e["name"] for e in ok(base_url, "environment.byProjectId", query={"projectId": project_id})]
    return one, everywhere, by_project


def make_environments(base_url, count=6):
    project, _env = new_project(base_url, "ordered")
    for index in range(count):
        ok(base_url, "environment.create", body={"projectId": project["projectId"], "name": f"env{index}"})
    return project, ["production"] + [f"env{index}" for index in range(count)]


def test_environments_are_listed_in_a_seeded_order_that_is_not_creation_order():
    orders = {}
    for seed in (7, 7, 8):
        with started("--deploy-seconds", "0", "--order-seed", str(seed)) as sim:
            project, created = make_environments(sim.base_url)
            one, everywhere, by_project = listed_orders(sim.base_url, project["projectId"])
            assert one == everywhere == by_project  # one order for every listing
            assert listed_orders(sim.base_url, project["projectId"])[0] == one  # stable within the run
            assert sorted(one) == sorted(created) and one != created
            orders.setdefault(seed, []).append(one)
    assert orders[7][0] == orders[7][1]  # the same seed gives the same order
    assert orders[7][0] != orders[8][0]


# --------------------------------------------------------------------------
# Answers that depend on --dokploy-version
# --------------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["postgres", "mysql"])
def test_change_password_without_a_running_container_by_version(kind):
    with started("--deploy-seconds", "0", "--dokploy-version", "0.30.2") as old, \
            started("--deploy-seconds", "0") as new, \
            started("--deploy-seconds", "0", "--fail-deploys", "--dokploy-version", "0.30.3") as no_docker:
        answers = {}
        for label, sim in (("old", old), ("new", new), ("no_docker", no_docker)):
            _project, env = new_project(sim.base_url, "passwords")
            database = new_database(sim.base_url, kind, env["environmentId"], "db")
            response = call(sim.base_url, f"{kind}.changePassword",
                            body={f"{kind}Id": database[f"{kind}Id"], "password": "newpass1"})
            stored = ok(sim.base_url, f"{kind}.one", query={f"{kind}Id": database[f"{kind}Id"]})
            assert stored["databasePassword"] == database["databasePassword"]  # nothing stored
            answers[label] = (response.status, response.json()["message"], database["appName"])
        status, message, app_name = answers["old"]
        assert status == 500 and message.startswith("Command execution failed: Command failed: \n")
        assert message.endswith(f"No running container found for {app_name}\n")
        status, message, app_name = answers["new"]
        assert (status, message) == (400, f"No running container found for {app_name}")
        assert answers["no_docker"][:2] == (500, "connect ENOENT /var/run/docker.sock")

        _project, env = new_project(new.base_url, "running")
        database = new_database(new.base_url, kind, env["environmentId"], "db")
        ok(new.base_url, f"{kind}.deploy", body={f"{kind}Id": database[f"{kind}Id"]})
        assert ok(new.base_url, f"{kind}.changePassword",
                  body={f"{kind}Id": database[f"{kind}Id"], "password": "newpass1"}) is True
        assert ok(new.base_url, f"{kind}.one",
                  query={f"{kind}Id": database[f"{kind}Id"]})["databasePassword"] == "newpass1"


def test_database_deploy_waits_for_convergence_from_0_30_5():
    with started("--deploy-seconds", "0.6") as sim:
        base_url = sim.base_url
        _project, env = new_project(base_url, "converge")
        healthy = new_database(base_url, "postgres", env["environmentId"], "healthy")
        failing = new_database(base_url, "postgres", env["environmentId"], "failing")
        ok(base_url, "postgres.saveEnvironment", body={"postgresId": failing["postgresId"], "env": FAIL_MARKER_ENV})

        before = ok(base_url, "postgres.deploy", body={"postgresId": healthy["postgresId"]})
        assert before["applicationStatus"] == "idle"  # the record as it was before the deploy
        assert ok(base_url, "postgres.one", query={"postgresId": healthy["postgresId"]})["applicationStatus"] == "done"

        outcome = {}
        deploying = threading.Thread(target=lambda: outcome.update(
            response=call(base_url, "postgres.deploy", body={"postgresId": failing["postgresId"]})))
        deploying.start()
        # Other clients see the database `running` while its deploy waits for convergence.
        wait_for(lambda: ok(base_url, "postgres.one", query={"postgresId": failing["postgresId"]})[
            "applicationStatus"] == "running", timeout=5, interval=0.05, what="running during the wait")
        deploying.join(10)
        response = outcome["response"]
        assert response.status == 500
        assert response.json()["message"].startswith(
            f"Error on deploy postgresError: Service {failing['appName']} did not converge")
        after = ok(base_url, "postgres.one", query={"postgresId": failing["postgresId"]})
        assert after["applicationStatus"] == "error"


def test_database_fail_marker_before_0_30_5_fails_at_once_like_a_missing_docker():
    with started("--deploy-seconds", "30", "--dokploy-version", "0.30.4") as sim:
        _project, env = new_project(sim.base_url, "no-wait")
        database = new_database(sim.base_url, "redis", env["environmentId"], "db")
        ok(sim.base_url, "redis.saveEnvironment", body={"redisId": database["redisId"], "env": FAIL_MARKER_ENV})
        response = call(sim.base_url, "redis.deploy", body={"redisId": database["redisId"]}, timeout=5)
        assert response.status == 500
        assert "Cannot connect to the Docker daemon" in response.json()["message"]


def test_fresh_volumes_by_version():
    compose_file = "services:\n  web:\n    image: nginx\n  worker:\n    image: busybox\n"
    logs = {}
    for version in ("0.30.2", "0.30.8"):
        with started("--deploy-seconds", "0", "--dokploy-version", version) as sim:
            _project, env = new_project(sim.base_url, "fresh")
            for compose_type in ("docker-compose", "stack"):
                compose = ok(sim.base_url, "compose.create", body={
                    "name": "stack", "environmentId": env["environmentId"], "sourceType": "raw",
                    "composeType": compose_type, "composeFile": compose_file})
                answer = ok(sim.base_url, "compose.redeploy",
                            body={"composeId": compose["composeId"], "freshVolumes": True})
                assert answer["message"] == "Redeployment queued"
                [deployment] = compose_deployments(sim.base_url, compose["composeId"])
                assert deployment["status"] == "done"
                logs[version, compose_type] = (read_log(sim.base_url, deployment["deploymentId"]), compose["appName"])
    log, app_name = logs["0.30.8", "docker-compose"]
    assert f" Container {app_name}-worker-1  Removed\n" in log and f" Network {app_name}_default  Removed\n" in log
    for plain in (logs["0.30.8", "stack"], logs["0.30.2", "docker-compose"]):
        assert "Removed" not in plain[0] and plain[0].endswith("Docker Deployed: \u2705\n")
