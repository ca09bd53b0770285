"""The demo playbook's teardown: ``-e demo_state=absent`` removes everything the demo made, and nothing else."""

import pytest

from tests.conftest import API_KEY
from tests.simulator.harness import Simulator


@pytest.fixture
def own():
    """A simulator of its own, so that other tests' projects are not in the way."""
    with Simulator() as sim:
        sim.start(API_KEY)
        yield sim


def project_names(run_module, sim):
    info = run_module("dokploy_info", {"api_url": sim.base_url}, simulator=sim)
    assert not info.failed, info
    return sorted(project["name"] for project in info.result["projects"])


@pytest.mark.simulator_only("asserts that the organization holds nothing else, which a shared real server may not")
def test_demo_teardown_removes_what_the_demo_made(own, run_playbook, run_module):
    env = {"DOKPLOY_URL": own.base_url, "DOKPLOY_API_KEY": API_KEY}
    keep = run_module("dokploy_project", {"name": "not-the-demo"}, simulator=own)
    assert keep.changed, keep
    made = run_playbook("playbooks/demo.yml", env=env)
    assert made.rc == 0, made
    assert project_names(run_module, own) == ["demo-shop", "not-the-demo"]

    own.reset_log()
    planned = run_playbook("playbooks/demo.yml", "--check", "-e", "demo_state=absent", env=env)
    assert planned.rc == 0 and planned.recap["localhost"]["changed"] == 1, planned
    assert own.writes() == [], planned

    removed = run_playbook("playbooks/demo.yml", "-e", "demo_state=absent", env=env)
    assert removed.rc == 0 and removed.recap["localhost"]["changed"] == 1, removed
    written = [entry["procedure"] for entry in own.writes()]
    # Each service through its own delete (which stops its containers and routes), then the project.
    assert sorted(written) == ["application.delete", "postgres.remove", "project.remove"], written
    assert project_names(run_module, own) == ["not-the-demo"]

    own.reset_log()
    again = run_playbook("playbooks/demo.yml", "-e", "demo_state=absent", env=env)
    assert again.rc == 0 and again.recap["localhost"]["changed"] == 0, again
    assert own.writes() == [], again


def test_demo_refuses_an_unknown_state(run_playbook, sim):
    run = run_playbook("playbooks/demo.yml", "-e", "demo_state=gone",
                       env={"DOKPLOY_URL": sim.base_url, "DOKPLOY_API_KEY": API_KEY})
    assert run.rc != 0 and "demo_state must be present or absent" in run.stdout, run
    assert sim.requests() == [], run
