"""dokploy_project and dokploy_environment against the simulator."""

import uuid

from ansible_collections.community.dokploy.plugins.module_utils._client import DokployClient
from tests.conftest import API_KEY
from tests.integration.lifecycle import check_lifecycle, default_environment


def unique(prefix):
    return "%s-%s" % (prefix, uuid.uuid4().hex[:8])


def test_project_lifecycle(run_module):
    check_lifecycle(run_module, "dokploy_project", {"name": unique("proj"), "description": "first"},
                    {"description": "second"}, "project")


def test_project_with_services_needs_force(sim, run_module):
    name = unique("proj")
    created = run_module("dokploy_project", {"name": name})
    environment = default_environment(created.result["project"])["environmentId"]
    DokployClient(sim.base_url, API_KEY).mutate("application.create", {"name": "web", "environmentId": environment})
    refused = run_module("dokploy_project", {"name": name, "state": "absent"})
    assert refused.failed and refused.writes == [], refused
    assert "option force: project %r still holds 1 services" % name in refused.result["msg"]
    forced = run_module("dokploy_project", {"name": name, "state": "absent", "force": True})
    assert forced.changed is True and forced.writes == ["application.delete", "project.remove"], forced
    assert forced.result["removed_services"] == ["application web"]


def test_duplicate_project_names_fail_closed_and_ids_work(sim, run_module):
    name = unique("dup")
    client = DokployClient(sim.base_url, API_KEY)
    ids = [client.mutate("project.create", {"name": name})["project"]["projectId"] for _copy in range(2)]
    ambiguous = run_module("dokploy_project", {"name": name, "description": "x"})
    assert ambiguous.failed and ambiguous.writes == [], ambiguous
    assert "option name: 2 projects are named %r" % name in ambiguous.result["msg"]
    for project_id in ids:
        assert project_id in ambiguous.result["msg"]
    by_id = run_module("dokploy_project", {"name": ids[0], "description": "picked by id"})
    assert by_id.changed is True and by_id.writes == ["project.update"], by_id
    assert by_id.result["project"]["name"] == name  # named by its id: not renamed
    assert by_id.result["diff"] == {"before": {"description": None}, "after": {"description": "picked by id"}}


def test_environment_lifecycle(run_module):
    project = unique("envproj")
    assert not run_module("dokploy_project", {"name": project}).failed
    check_lifecycle(run_module, "dokploy_environment",
                    {"project": project, "name": "staging", "description": "stage"},
                    {"description": "stage 2"}, "environment")


def test_default_environment_cannot_be_removed(run_module):
    project = unique("envproj")
    run_module("dokploy_project", {"name": project})
    refused = run_module("dokploy_environment", {"project": project, "name": "production", "state": "absent"})
    assert refused.failed and refused.writes == [], refused
    assert "is the default environment of project" in refused.result["msg"]


def test_environment_with_services_needs_force(sim, run_module):
    project = unique("envproj")
    run_module("dokploy_project", {"name": project})
    created = run_module("dokploy_environment", {"project": project, "name": "staging"})
    client = DokployClient(sim.base_url, API_KEY)
    client.mutate("redis.create", {"name": "cache", "environmentId": created.result["id"], "databasePassword": "pw-1"})
    args = {"project": project, "name": "staging", "state": "absent"}
    refused = run_module("dokploy_environment", args)
    assert refused.failed and refused.writes == [], refused
    assert "option force: environment 'staging' still holds 1 services (redis cache)" in refused.result["msg"]
    dry = run_module("dokploy_environment", dict(args, force=True), check=True)
    assert dry.changed is True and dry.writes == [] and dry.result["removed_services"] == ["redis cache"], dry
    forced = run_module("dokploy_environment", dict(args, force=True))
    assert forced.writes == ["redis.remove", "environment.remove"], forced


def test_environment_of_a_missing_project(run_module):
    missing = run_module("dokploy_environment", {"project": unique("nope"), "name": "staging"})
    assert missing.failed and missing.writes == [], missing
    assert missing.result["msg"].startswith("option project: no project is named")
    assert "Traceback" not in missing.output
