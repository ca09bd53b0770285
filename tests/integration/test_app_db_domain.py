"""dokploy_app, dokploy_db and dokploy_domain against the simulator."""

import uuid

import pytest

from ansible_collections.community.dokploy.plugins.module_utils._client import DokployClient
from tests.conftest import API_KEY
from tests.integration.lifecycle import assert_no_secret, check_lifecycle, default_environment

REGISTRY_PASSWORD = "registry-Secret-9q"
DB_PASSWORD = "db-Secret-4x"
ROOT_PASSWORD = "root-Secret-7k"


def unique(prefix):
    return "%s-%s" % (prefix, uuid.uuid4().hex[:8])


@pytest.fixture
def project(run_module):
    name = unique("proj")
    assert not run_module("dokploy_project", {"name": name}).failed
    return name


def test_app_lifecycle(run_module, project):
    args = {"project": project, "name": "web", "docker_image": "nginx:1.27", "registry_username": "bot",
            "registry_password": REGISTRY_PASSWORD, "replicas": 2, "memory_limit": "512M", "cpu_limit": 0.5}
    check_lifecycle(run_module, "dokploy_app", args, {"replicas": 3}, "app", secrets=[REGISTRY_PASSWORD])


def test_app_values_are_converted_and_secrets_masked(run_module, project):
    created = run_module("dokploy_app", {
        "project": project, "name": "web", "docker_image": "nginx:1.27", "registry_password": REGISTRY_PASSWORD,
        "memory_limit": "1G", "memory_reservation": "268435456", "cpu_limit": 1.5, "cpu_reservation": 0.25,
        "command": "nginx -g 'daemon off;'", "auto_deploy": False})
    assert not created.failed, created
    app = created.result["app"]
    assert (app["memoryLimit"], app["memoryReservation"]) == ("1073741824", "268435456")
    assert (app["cpuLimit"], app["cpuReservation"]) == ("1500000000", "250000000")
    assert app["sourceType"] == "docker" and app["dockerImage"] == "nginx:1.27"
    assert app["password"] == "********" and created.result["diff"]["after"]["registry_password"] == "********"
    assert app["autoDeploy"] is False
    assert_no_secret(created, [REGISTRY_PASSWORD])
    # The same values written differently are the same values.
    again = run_module("dokploy_app", {"project": project, "name": "web", "memory_limit": "1024M",
                                       "cpu_limit": "1.5", "memory_reservation": "256Mi"})
    assert again.changed is False and again.writes == [], again


def test_app_diff_shows_only_the_changed_option(run_module, project):
    run_module("dokploy_app", {"project": project, "name": "web", "docker_image": "nginx:1.27"})
    changed = run_module("dokploy_app", {"project": project, "name": "web", "docker_image": "nginx:1.28"})
    assert changed.result["diff"] == {"before": {"docker_image": "nginx:1.27"},
                                      "after": {"docker_image": "nginx:1.28"}}
    assert changed.writes == ["application.saveDockerProvider"], changed


def test_app_from_git_with_dockerfile(run_module, project):
    args = {"project": project, "name": "api", "git_url": "https://git.example/acme/api.git", "git_branch": "main",
            "build_type": "dockerfile", "dockerfile": "Dockerfile", "docker_context_path": "."}
    created = run_module("dokploy_app", args)
    assert not created.failed, created
    assert sorted(created.writes) == ["application.create", "application.saveBuildType",
                                      "application.saveGitProvider"]
    app = created.result["app"]
    assert (app["sourceType"], app["customGitUrl"], app["buildType"]) == ("git", args["git_url"], "dockerfile")
    assert run_module("dokploy_app", args).writes == []
    switched = run_module("dokploy_app", {"project": project, "name": "api", "docker_image": "acme/api:1"})
    assert switched.writes == ["application.saveDockerProvider"], switched
    assert switched.result["app"]["sourceType"] == "docker"


def test_app_creates_its_project_and_environment(run_module):
    project = unique("newproj")
    args = {"project": project, "environment": "staging", "create_project": True, "name": "web",
            "docker_image": "nginx:1.27"}
    dry = run_module("dokploy_app", args, check=True)
    assert dry.changed is True and dry.writes == [], dry
    created = run_module("dokploy_app", args)
    assert created.writes[:2] == ["project.create", "environment.create"], created
    assert (created.result["created_project"], created.result["created_environment"]) == (project, "staging")
    again = run_module("dokploy_app", args)
    assert again.changed is False and again.writes == [], again


def test_app_without_project_names_the_option(run_module):
    missing = run_module("dokploy_app", {"project": unique("nope"), "name": "web", "docker_image": "nginx"})
    assert missing.failed and missing.requests and missing.writes == [], missing
    assert missing.result["msg"].startswith("option project: no project is named")


@pytest.mark.parametrize("args, message", [
    ({"memory_limit": "lots"}, "option memory_limit: 'lots' is not a size"),
    ({"cpu_limit": -1}, "option cpu_limit: must be more than 0"),
    ({"replicas": -2}, "option replicas: must be 0 or more"),
    ({"git_url": "https://x/y.git"}, "missing parameter(s) required by 'git_url': git_branch"),
    ({"docker_image": "a", "git_url": "b", "git_branch": "main"}, "mutually exclusive: docker_image|git_url"),
    ({"git_url": "https://x/y.git", "git_branch": "bad branch"}, "option git_branch: 'bad branch' is not a branch"),
])
def test_app_bad_input_is_refused_before_any_request(run_module, args, message):
    refused = run_module("dokploy_app", dict({"project": "p", "name": "web"}, **args))
    assert refused.failed and refused.requests == [], refused
    assert message in refused.result["msg"]
    assert "Traceback" not in refused.output


def test_duplicate_app_names_fail_closed(sim, run_module, project):
    client = DokployClient(sim.base_url, API_KEY)
    environment = default_environment([p for p in client.query("project.all") if p["name"] == project][0])
    ids = [client.mutate("application.create", {"name": "twin", "environmentId": environment["environmentId"]})
           ["applicationId"] for _copy in range(2)]
    ambiguous = run_module("dokploy_app", {"project": project, "name": "twin", "replicas": 2})
    assert ambiguous.failed and ambiguous.writes == [], ambiguous
    assert "option name: 2 applications are named 'twin'" in ambiguous.result["msg"]
    assert all(app_id in ambiguous.result["msg"] for app_id in ids)
    by_id = run_module("dokploy_app", {"project": project, "name": ids[1], "replicas": 2})
    assert by_id.changed is True and by_id.result["id"] == ids[1], by_id


ENGINE_ARGS = {
    "postgres": {"docker_image": "postgres:16", "database_name": "app", "database_user": "app"},
    "mysql": {"docker_image": "mysql:8", "database_name": "app", "database_user": "app",
              "database_root_password": ROOT_PASSWORD},
    "mariadb": {"docker_image": "mariadb:11", "database_name": "app", "database_user": "app",
                "database_root_password": ROOT_PASSWORD},
    "mongo": {"docker_image": "mongo:7", "database_user": "app"},
    "redis": {"docker_image": "redis:7"},
}


@pytest.mark.parametrize("engine", sorted(ENGINE_ARGS))
def test_db_lifecycle(run_module, project, engine):
    args = dict(ENGINE_ARGS[engine], type=engine, project=project, name="db", database_password=DB_PASSWORD)
    check_lifecycle(run_module, "dokploy_db", args, {"memory_limit": "256M"}, "database",
                    secrets=[DB_PASSWORD, ROOT_PASSWORD])


@pytest.mark.parametrize("engine, missing", [("mariadb", "docker_image"), ("mongo", "docker_image"),
                                             ("postgres", "database_name"), ("redis", "database_password")])
def test_db_engine_requirements_are_checked_before_any_write(run_module, project, engine, missing):
    args = dict(ENGINE_ARGS[engine], type=engine, project=project, name="db", database_password=DB_PASSWORD)
    del args[missing]
    for check in (True, False):
        refused = run_module("dokploy_db", args, check=check)
        assert refused.failed and refused.writes == [], refused
        assert refused.result["msg"] == "option %s: required to create a %s database" % (missing, engine)


@pytest.mark.parametrize("args, message", [
    ({"type": "redis", "database_name": "x"}, "option database_name: a redis database has no such setting"),
    ({"type": "postgres", "database_password": "has space"}, "option database_password: Dokploy accepts only"),
    ({"type": "postgres", "database_password": "dollar$"}, "option database_password: Dokploy accepts only"),
    ({"type": "postgres", "external_port": 70000}, "option external_port: 70000 is not a port number"),
    ({"type": "oracle"}, "value of type must be one of"),
])
def test_db_bad_input_is_refused_before_any_request(run_module, args, message):
    refused = run_module("dokploy_db", dict({"project": "p", "name": "db"}, **args))
    assert refused.failed and refused.requests == [], refused
    assert message in refused.result["msg"]
    assert "has space" not in refused.output and "dollar$" not in refused.output


def test_db_password_on_create_is_not_compared_and_always_is(run_module, project):
    args = dict(ENGINE_ARGS["postgres"], type="postgres", project=project, name="db", database_password=DB_PASSWORD)
    run_module("dokploy_db", args)
    ignored = run_module("dokploy_db", dict(args, database_password="other-Pass-1"))
    assert ignored.changed is False and ignored.writes == [], ignored
    stored = run_module("dokploy_db", dict(args, database_password="other-Pass-1", update_password="always"))
    assert stored.changed is True and stored.writes == ["postgres.update"], stored
    assert stored.result["diff"] == {"before": {"database_password": "********"},
                                     "after": {"database_password": "********"}}
    assert stored.result["password_changed_in_database"] is False
    assert_no_secret(stored, ["other-Pass-1", DB_PASSWORD])


def test_db_password_of_a_running_database_changes_in_the_database(sim, run_module, project):
    args = dict(ENGINE_ARGS["mysql"], type="mysql", project=project, name="db", database_password=DB_PASSWORD)
    created = run_module("dokploy_db", args)
    DokployClient(sim.base_url, API_KEY).mutate("mysql.deploy", {"mysqlId": created.result["id"]})
    changed = run_module("dokploy_db", dict(args, database_root_password="new-Root-2", update_password="always"))
    assert changed.changed is True and changed.writes == ["mysql.changePassword"], changed
    assert changed.result["password_changed_in_database"] is True
    assert_no_secret(changed, ["new-Root-2", ROOT_PASSWORD])
    settled = run_module("dokploy_db", dict(args, database_root_password="new-Root-2", update_password="always"))
    assert settled.changed is False and settled.writes == [], settled


def test_db_external_port_says_it_redeploys(run_module, project):
    args = dict(ENGINE_ARGS["redis"], type="redis", project=project, name="cache", database_password=DB_PASSWORD)
    run_module("dokploy_db", args)
    exposed = run_module("dokploy_db", dict(args, external_port=16379))
    assert exposed.writes == ["redis.saveExternalPort"] and exposed.result["redeployed"] is True, exposed
    assert exposed.result["database"]["externalPort"] == 16379


def test_domain_lifecycle(run_module, project):
    run_module("dokploy_app", {"project": project, "name": "web", "docker_image": "nginx:1.27"})
    args = {"project": project, "app": "web", "host": "shop.example.test", "port": 8080, "https": True,
            "certificate": "letsencrypt"}
    check_lifecycle(run_module, "dokploy_domain", args, {"port": 9090}, "domain")


def test_domain_for_a_compose_service(sim, run_module, project):
    client = DokployClient(sim.base_url, API_KEY)
    environment = default_environment([p for p in client.query("project.all") if p["name"] == project][0])
    client.mutate("compose.create", {"name": "stack", "environmentId": environment["environmentId"]})
    args = {"project": project, "compose": "stack", "service_name": "api", "host": "api.example.test",
            "path": "/v1", "strip_path": True, "port": 3000}
    check_lifecycle(run_module, "dokploy_domain", args, {"strip_path": False}, "domain")


def test_same_host_on_two_paths_are_two_domains(run_module, project):
    run_module("dokploy_app", {"project": project, "name": "web", "docker_image": "nginx:1.27"})
    for path in ("/", "/api"):
        created = run_module("dokploy_domain", {"project": project, "app": "web", "host": "x.example.test",
                                                "path": path})
        assert created.changed is True and created.writes == ["domain.create"], created
        assert created.result["domain"]["path"] == path


def test_duplicate_domains_fail_closed(sim, run_module, project):
    created = run_module("dokploy_app", {"project": project, "name": "web", "docker_image": "nginx:1.27"})
    client = DokployClient(sim.base_url, API_KEY)
    ids = [client.mutate("domain.create", {"host": "twin.example.test", "applicationId": created.result["id"]})
           ["domainId"] for _copy in range(2)]
    ambiguous = run_module("dokploy_domain", {"project": project, "app": "web", "host": "twin.example.test",
                                              "port": 8080})
    assert ambiguous.failed and ambiguous.writes == [], ambiguous
    assert "option host: 2 domains route twin.example.test/ to this application" in ambiguous.result["msg"]
    assert all(domain_id in ambiguous.result["msg"] for domain_id in ids)


@pytest.mark.parametrize("args, message", [
    ({"certificate": "custom"}, "option custom_cert_resolver: required with certificate: custom"),
    ({"port": 0}, "option port: 0 is not a port number"),
    ({"compose": "stack"}, "parameters are mutually exclusive: app|compose"),
])
def test_domain_bad_input_is_refused_before_any_request(run_module, args, message):
    refused = run_module("dokploy_domain", dict({"project": "p", "app": "web", "host": "h.example"}, **args))
    assert refused.failed and refused.requests == [], refused
    assert message in refused.result["msg"]


@pytest.mark.parametrize("host", [" padded.example", "under_score.example", "*.wild.example", "dot.example."])
def test_domain_hosts_dokploy_refuses_are_refused_before_any_request(run_module, host):
    refused = run_module("dokploy_domain", {"project": "p", "app": "web", "host": host})
    assert refused.failed and refused.requests == [], refused
    assert refused.result["msg"].startswith("option host: ")


def test_compose_domains_say_they_need_a_redeploy(sim, run_module, project):
    client = DokployClient(sim.base_url, API_KEY)
    environment = default_environment([p for p in client.query("project.all") if p["name"] == project][0])
    client.mutate("compose.create", {"name": "stack", "environmentId": environment["environmentId"]})
    args = {"project": project, "compose": "stack", "service_name": "web", "host": "stack.example.test"}
    assert run_module("dokploy_domain", args).result["requires_redeploy"] is True
    assert run_module("dokploy_domain", args).result["requires_redeploy"] is False


def test_git_options_need_git_url(run_module, project):
    refused = run_module("dokploy_app", {"project": project, "name": "web", "git_branch": "main"})
    assert refused.failed and refused.requests == [], refused
    assert "missing parameter(s) required by 'git_branch': git_url" in refused.result["msg"]


def test_redis_password_change_in_a_running_database_redeploys(sim, run_module, project):
    args = dict(ENGINE_ARGS["redis"], type="redis", project=project, name="cache", database_password=DB_PASSWORD)
    created = run_module("dokploy_db", args)
    DokployClient(sim.base_url, API_KEY).mutate("redis.deploy", {"redisId": created.result["id"]})
    changed = run_module("dokploy_db", dict(args, database_password="new-Redis-3", update_password="always"))
    assert changed.writes == ["redis.changePassword", "redis.deploy"], changed
    assert changed.result["redeployed"] is True and changed.result["password_changed_in_database"] is True
    assert_no_secret(changed, ["new-Redis-3", DB_PASSWORD])


def test_idle_database_password_change_warns(run_module, project):
    args = dict(ENGINE_ARGS["postgres"], type="postgres", project=project, name="db", database_password=DB_PASSWORD)
    run_module("dokploy_db", args)
    changed = run_module("dokploy_db", dict(args, database_password="other-Pass-2", update_password="always"))
    assert changed.writes == ["postgres.update"], changed
    assert "[WARNING]: postgres database db is idle, so only the stored password changes" in changed.output
