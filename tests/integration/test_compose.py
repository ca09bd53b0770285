"""dokploy_compose against the simulator."""

import uuid

import pytest

from tests.integration.lifecycle import check_lifecycle

STACK = "services:\n  web:\n    image: nginx:1.27-alpine\n  worker:\n    image: busybox\n"


def unique(prefix):
    return "%s-%s" % (prefix, uuid.uuid4().hex[:8])


@pytest.fixture
def project(run_module):
    name = unique("compose")
    assert not run_module("dokploy_project", {"name": name}).failed
    return name


def test_compose_lifecycle(run_module, project):
    args = {"project": project, "name": "stack", "compose_file": STACK}
    check_lifecycle(run_module, "dokploy_compose", args, {"compose_type": "stack"}, "compose")


def test_compose_returns_services_and_is_idempotent_on_content(run_module, project, tmp_path):
    source = tmp_path / "stack.yml"
    source.write_text(STACK)
    created = run_module("dokploy_compose", {"project": project, "name": "stack", "src": str(source)})
    assert not created.failed, created
    assert created.result["services"] == ["web", "worker"]
    assert created.result["compose"]["sourceType"] == "raw"
    assert created.result["compose"]["composeFile"] == STACK
    same = run_module("dokploy_compose", {"project": project, "name": "stack", "compose_file": STACK})
    assert same.changed is False and same.writes == [] and len(same.reads) <= 3, same
    edited = STACK.replace("busybox", "busybox:1.36")
    changed = run_module("dokploy_compose", {"project": project, "name": "stack", "compose_file": edited})
    assert changed.writes == ["compose.update"] and changed.result["diff"]["after"] == {"compose_file": edited}


def test_compose_from_git(run_module, project):
    args = {"project": project, "name": "gitstack", "git_url": "https://git.example/acme/stack.git",
            "git_branch": "main", "compose_path": "./deploy/docker-compose.yml"}
    created = run_module("dokploy_compose", args)
    assert not created.failed, created
    compose = created.result["compose"]
    assert (compose["sourceType"], compose["customGitUrl"], compose["composePath"]) == (
        "git", args["git_url"], "./deploy/docker-compose.yml")
    assert run_module("dokploy_compose", args).writes == []


@pytest.mark.parametrize("args, message", [
    ({"compose_file": "a", "git_url": "b", "git_branch": "c"}, "mutually exclusive: compose_file|src|git_url"),
    ({"compose_path": "./x.yml"}, "missing parameter(s) required by 'compose_path': git_url"),
    ({"src": "/nonexistent/stack.yml"}, "option src: cannot read /nonexistent/stack.yml"),
])
def test_bad_input_is_refused_before_any_request(run_module, args, message):
    refused = run_module("dokploy_compose", dict({"project": "p", "name": "s"}, **args))
    assert refused.failed and refused.requests == [], refused
    assert message in refused.result["msg"]
