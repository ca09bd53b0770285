"""Fixtures shared by the whole suite.

pytest-ansible makes ``ansible_collections.community.dokploy`` importable and
points ANSIBLE_COLLECTIONS_PATH at this checkout, so ansible-playbook started
from a test uses the code under test.
"""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.simulator.harness import Simulator  # noqa: E402

API_KEY = "test-key-org1-Zq8w3Rk2"
SECOND_ORG_KEY = "test-key-org2-Hm4p7Tn9"
BIN = Path(sys.executable).parent


@pytest.fixture(scope="session")
def simulator():
    """One simulator for the session, with a second organization's key."""
    with Simulator() as sim:
        sim.start(API_KEY, second_org_key=SECOND_ORG_KEY)
        yield sim


@pytest.fixture
def sim(simulator):
    """The session simulator with an empty request log."""
    simulator.reset_log()
    return simulator


class PlaybookRun:
    """What one ansible-playbook run printed, and its per-host recap."""

    def __init__(self, completed):
        self.rc = completed.returncode
        self.stdout = completed.stdout
        self.stderr = completed.stderr
        self.recap = {}
        for host, counts in re.findall(r"^(\S+)\s+:\s+(ok=.*)$", self.stdout, re.M):
            self.recap[host] = dict((k, int(v)) for k, v in re.findall(r"(\w+)=(\d+)", counts))

    @property
    def output(self):
        return self.stdout + self.stderr

    def __repr__(self):
        return "PlaybookRun(rc=%s)\n%s\n%s" % (self.rc, self.stdout[-4000:], self.stderr[-2000:])


@pytest.fixture
def run_playbook(tmp_path):
    """Run a playbook of tests/integration/playbooks with ansible-playbook; returns a PlaybookRun."""

    def run(name, *args, env=None, extra_vars=None):
        command = [str(BIN / "ansible-playbook"), "-i", "localhost,", "-c", "local",
                   str(ROOT / "tests" / "integration" / "playbooks" / name)]
        if extra_vars:
            command += ["-e", json.dumps(extra_vars)]
        command += list(args)
        full_env = dict(os.environ)
        for name_ in list(full_env):
            if name_.startswith("DOKPLOY_"):
                del full_env[name_]
        full_env.update({
            "ANSIBLE_PYTHON_INTERPRETER": sys.executable,
            "ANSIBLE_NOCOLOR": "1",
            "ANSIBLE_FORCE_COLOR": "0",
            "ANSIBLE_RETRY_FILES_ENABLED": "0",
            "ANSIBLE_LOCAL_TEMP": str(tmp_path / "ansible-tmp"),
            "HOME": str(tmp_path),
            "PATH": "%s:%s" % (BIN, os.environ.get("PATH", "")),
        })
        full_env.update(env or {})
        completed = subprocess.run(command, env=full_env, capture_output=True, text=True, timeout=600, check=False)
        return PlaybookRun(completed)

    return run
