"""Connection options through Ansible against the simulator: extra headers, empty variables, a Python without requests.

The option ``headers`` (or DOKPLOY_CUSTOM_HEADERS, or a profile's ``headers``) goes with every request, and no header
value shows anywhere in the -vvv output: checked against a simulator of this file's own that logs the request headers
(their names, and a digest of each value). Empty connection variables, as AWX renders optional credential inputs,
count as unset. A module run by an interpreter without requests says how to fix it.
"""

import json
import os
import subprocess
import sys
import uuid

import pytest

from tests.conftest import API_KEY
from tests.simulator.harness import Simulator

PROXY_ID = "integration-proxy-id.access"
PROXY_SECRET = "integration-proxy-secret-Pk4Lm8"
HEADERS = {"CF-Access-Client-Id": PROXY_ID, "CF-Access-Client-Secret": PROXY_SECRET}
# How AWX renders the optional inputs of a credential it was not given.
AWX_EMPTY = {"DOKPLOY_CA_PATH": "", "DOKPLOY_TIMEOUT": "", "DOKPLOY_VALIDATE_CERTS": ""}


def unique(prefix):
    return "%s-%s" % (prefix, uuid.uuid4().hex[:8])


@pytest.fixture(scope="module")
def logging_headers():
    """A simulator that logs each request's header names and value digests (whatever target the session tests)."""
    with Simulator() as sim:
        yield sim.start(API_KEY, log_headers=True)


@pytest.fixture
def headers_sim(logging_headers):
    logging_headers.reset_log()
    return logging_headers


def assert_every_request_carried_the_headers(sim, count):
    assert len(sim.requests()) == count and count > 0
    for name, value in HEADERS.items():
        assert sim.sent_header(name, value) == [True] * count, name
    # The client's own headers are still its own.
    assert all("x-api-key" in names and "cf-access-client-secret" in names for names in sim.header_names())


@pytest.mark.parametrize("given", ["DOKPLOY_CUSTOM_HEADERS", "option headers"])
def test_a_module_sends_the_headers_with_every_request_and_never_shows_them(headers_sim, run_module, given):
    args = {"name": unique("headers")}
    env = dict(AWX_EMPTY)
    if given == "option headers":
        args["headers"] = HEADERS
    else:
        env["DOKPLOY_CUSTOM_HEADERS"] = json.dumps(HEADERS)
    run = run_module("dokploy_project", args, env=env, simulator=headers_sim)
    assert not run.failed and run.changed, run
    assert "project.create" in run.writes, run
    assert_every_request_carried_the_headers(headers_sim, len(run.requests))
    assert PROXY_SECRET not in run.output and PROXY_ID not in run.output, run
    assert API_KEY not in run.output


def test_a_profiles_headers_go_with_its_requests(headers_sim, run_playbook, tmp_path):
    playbook = tmp_path / "play.yml"
    playbook.write_text("""
- hosts: localhost
  gather_facts: false
  vars:
    dokploy_profiles:
      proxied:
        api_url: %s
        api_key: %s
        headers: %s
  tasks:
    - name: The profile's headers on a task
      community.dokploy.dokploy_project:
        profile: proxied
        name: %s
""" % (headers_sim.base_url, API_KEY, json.dumps(HEADERS), unique("prof-headers")))
    run = run_playbook(str(playbook), "-vvv", env=AWX_EMPTY)
    assert run.rc == 0, run
    assert [r["procedure"] for r in headers_sim.writes()] == ["project.create"], run
    assert_every_request_carried_the_headers(headers_sim, len(headers_sim.requests()))
    assert PROXY_SECRET not in run.output and PROXY_ID not in run.output, run


def test_a_bad_dokploy_custom_headers_names_the_variable_before_any_request(sim, run_module):
    bad = "{CF-Access-Client-Secret: %s}" % PROXY_SECRET
    run = run_module("dokploy_info", {"validate_certs": True}, env={"DOKPLOY_CUSTOM_HEADERS": bad})
    assert run.failed and run.requests == [], run
    assert run.result["msg"].startswith("DOKPLOY_CUSTOM_HEADERS: is not a JSON object of header names to values"), run
    assert PROXY_SECRET not in run.output


def test_a_header_may_not_replace_the_api_key(sim, run_module):
    run = run_module("dokploy_info", {"headers": {"X-Api-Key": PROXY_SECRET}})
    assert run.failed and run.requests == [], run
    assert run.result["msg"].startswith("option headers: may not set X-Api-Key"), run
    assert PROXY_SECRET not in run.output


# Where requests could still come from in a virtual environment without site packages: PYTHONPATH. Emptied for the
# check below and for the module run, so that the interpreter really has no requests on any machine.
NO_PYTHONPATH = {"PYTHONPATH": ""}


@pytest.fixture(scope="module")
def python_without_requests(tmp_path_factory):
    """A virtual environment of the tests' own Python version, without site packages: no requests."""
    folder = tmp_path_factory.mktemp("no-requests")
    base = getattr(sys, "_base_executable", None) or sys.executable
    subprocess.run([base, "-m", "venv", "--without-pip", str(folder / "venv")], check=True, capture_output=True)
    python = folder / "venv" / "bin" / "python"
    found = subprocess.run([str(python), "-c", "import requests; print(requests.__file__)"], capture_output=True,
                           text=True, env=dict(os.environ, **NO_PYTHONPATH), check=False)
    assert found.returncode != 0, "a bare virtual environment of %s imports requests from %s" % (base, found.stdout)
    return str(python)


def test_without_requests_the_module_says_how_to_fix_the_interpreter(sim, run_module, python_without_requests):
    run = run_module("dokploy_info", {"validate_certs": True},
                     env=dict(NO_PYTHONPATH, ANSIBLE_PYTHON_INTERPRETER=python_without_requests))
    assert run.failed and run.requests == [], run
    msg = run.result["msg"]
    assert msg.startswith("Failed to import the required Python library (requests) on "), run
    assert python_without_requests in msg
    assert "for hosts: localhost, set ansible_python_interpreter to {{ ansible_playbook_python }}" in msg, run
    assert API_KEY not in run.output
