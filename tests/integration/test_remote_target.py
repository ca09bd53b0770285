"""The integration suite targets any Dokploy given only through DOKPLOY_TEST_URL and DOKPLOY_TEST_API_KEY.

A second simulator stands for "a real server": a pytest subprocess runs a few integration tests against
it knowing nothing but the DOKPLOY_TEST_* variables. They pass, their request counts come from the
recording proxy, the simulator-only tests are reported skipped with their reason, the tests of a second
organization run only with DOKPLOY_TEST_SECOND_ORG_KEY, and the projects the tests made are removed.
"""

import os
import subprocess
import sys
import uuid
from xml.etree import ElementTree

import pytest

from ansible_collections.community.dokploy.plugins.module_utils._client import DokployClient
from tests.conftest import ROOT
from tests.simulator.harness import Simulator

pytestmark = pytest.mark.simulator_only("starts a simulator of its own to stand for a real server")

# Quick tests that must pass against any Dokploy; between them they count requests (run_module and a
# playbook), make objects directly with DokployClient, and use both organizations.
RUNNABLE = [
    "tests/integration/test_project_environment.py::test_project_with_services_needs_force",
    "tests/integration/test_project_environment.py::test_environment_of_a_missing_project",
    "tests/integration/test_dokploy_info.py::test_info_returns_the_tree_with_named_databases",
    "tests/integration/test_dokploy_info.py::test_named_profiles_from_a_vault_target_two_organizations[per-value]",
]
SECOND_ORG = RUNNABLE[-1:]
# Tests that start simulators of their own or inject faults: skipped, and quickly (before their fixtures).
SIMULATOR_ONLY = [
    "tests/integration/test_client_faults.py::test_reads_ride_out_transient_faults",
    "tests/integration/test_deploy.py::test_wait_timeout_fails_with_the_running_deployment",
    "tests/integration/test_reliability.py::test_forks_on_one_project_make_no_duplicate_and_lose_no_env_key",
    "tests/integration/test_remote_target.py::test_the_suite_runs_against_a_server_given_by_environment_variables",
]


def clean_env(variables):
    """This environment without any DOKPLOY_* setting or trace of the outer pytest, plus ``variables``."""
    env = dict((k, v) for k, v in os.environ.items()
               if not k.startswith(("DOKPLOY_", "PYTEST_XDIST", "PYTEST_CURRENT_TEST")))
    env.update(variables)
    return env


def run_pytest(tmp_path, name, selection, variables):
    """pytest on ``selection`` in a subprocess whose only knowledge of the server is ``variables``.

    Returns the completed process and {test id: (passed|failure|error|skipped, message)} from its JUnit report.
    """
    report = tmp_path / ("%s.xml" % name)
    env = clean_env(variables)
    completed = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-rs", "--junitxml", str(report)] + selection,
        cwd=str(ROOT), env=env, capture_output=True, text=True, timeout=300, check=False)
    outcomes = {}
    for case in ElementTree.parse(str(report)).iter("testcase"):
        test_id = "%s.py::%s" % (case.get("classname").replace(".", "/"), case.get("name"))
        kinds = [child for child in case if child.tag in ("failure", "error", "skipped")]
        outcomes[test_id] = (kinds[0].tag, kinds[0].get("message") or "") if kinds else ("passed", "")
    return completed, outcomes


def outcome_of(outcomes, test_id):
    assert test_id in outcomes, (test_id, sorted(outcomes))
    return outcomes[test_id]


@pytest.fixture
def stand_in():
    """The "real server": a second simulator with keys the suite's own constants do not know."""
    keys = ("remote-org1-%s" % uuid.uuid4().hex[:10], "remote-org2-%s" % uuid.uuid4().hex[:10])
    with Simulator() as server:
        server.start(keys[0], second_org_key=keys[1])
        yield server


def test_the_suite_runs_against_a_server_given_by_environment_variables(stand_in, tmp_path):
    variables = {"DOKPLOY_TEST_URL": stand_in.base_url + "/", "DOKPLOY_TEST_API_KEY": stand_in.api_key,
                 "DOKPLOY_TEST_SECOND_ORG_KEY": stand_in.second_org_key}
    completed, outcomes = run_pytest(tmp_path, "remote", RUNNABLE + SIMULATOR_ONLY, variables)
    log = completed.stdout[-6000:] + completed.stderr[-3000:]
    assert completed.returncode == 0, log
    assert "dokploy target: %s (through a recording proxy" % stand_in.base_url in completed.stdout, log
    for test_id in RUNNABLE:
        assert outcome_of(outcomes, test_id) == ("passed", ""), (test_id, log)
    for test_id in SIMULATOR_ONLY:
        kind, reason = outcome_of(outcomes, test_id)
        assert kind == "skipped" and reason.startswith("simulator only: "), (test_id, kind, reason, log)
    # They ran against the stand-in, through its keys only...
    procedures = [r["procedure"] for r in stand_in.requests()]
    assert "project.create" in procedures and "environment.one" in procedures
    # ...and what they made there is gone: the proxy removed the projects created through it.
    for key in (stand_in.api_key, stand_in.second_org_key):
        assert DokployClient(stand_in.base_url, key).query("project.all") == [], log


def test_second_organization_tests_are_skipped_without_its_key(stand_in, tmp_path):
    variables = {"DOKPLOY_TEST_URL": stand_in.base_url, "DOKPLOY_TEST_API_KEY": stand_in.api_key}
    selection = SECOND_ORG + ["tests/integration/test_roles_playbooks.py"]
    completed, outcomes = run_pytest(tmp_path, "one-org", selection, variables)
    assert completed.returncode == 0, completed.stdout[-4000:]
    assert len(outcomes) == len(SECOND_ORG) + 2, outcomes  # test_roles_playbooks.py holds two
    for kind, reason in outcomes.values():
        assert (kind, reason) == ("skipped", "needs a second organization: set DOKPLOY_TEST_SECOND_ORG_KEY")
    assert stand_in.requests() == []  # skipped before any fixture reached the server


def test_half_a_target_is_refused(tmp_path):
    completed = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "--co", "tests/integration/test_compose.py"],
        cwd=str(ROOT), env=clean_env({"DOKPLOY_TEST_URL": "http://127.0.0.1:9"}), capture_output=True, text=True,
        timeout=120, check=False)
    assert completed.returncode != 0
    assert "set both DOKPLOY_TEST_URL and DOKPLOY_TEST_API_KEY" in completed.stdout + completed.stderr
