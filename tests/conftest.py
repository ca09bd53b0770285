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


class ModuleRun:
    """One ad-hoc module run at -vvv: its result, its output, and the requests it sent."""

    def __init__(self, completed, requests):
        self.rc = completed.returncode
        self.output = completed.stdout + completed.stderr
        self.requests = requests
        self.reads = [r["procedure"] for r in requests if r["method"] == "GET"]
        self.writes = [r["procedure"] for r in requests if r["method"] == "POST"]
        match = re.search(r"^localhost \| (SUCCESS|CHANGED|FAILED!) => ", completed.stdout, re.M)
        self.result = json.JSONDecoder().raw_decode(completed.stdout[match.end():])[0] if match else {}
        self.changed = self.result.get("changed")
        self.failed = bool(self.result.get("failed")) or self.rc != 0

    def __repr__(self):
        return "ModuleRun(rc=%s, reads=%s, writes=%s)\n%s" % (self.rc, self.reads, self.writes, self.output[-6000:])


def ansible_env(tmp_path, extra=None):
    """The environment of an ansible command: this venv, no stray DOKPLOY_* settings."""
    env = dict((k, v) for k, v in os.environ.items() if not k.startswith("DOKPLOY_"))
    env.update({
        "ANSIBLE_PYTHON_INTERPRETER": sys.executable,
        "ANSIBLE_NOCOLOR": "1",
        "ANSIBLE_FORCE_COLOR": "0",
        "ANSIBLE_RETRY_FILES_ENABLED": "0",
        "ANSIBLE_LOCAL_TEMP": str(tmp_path / "ansible-tmp"),
        "HOME": str(tmp_path),
        "PATH": "%s:%s" % (BIN, os.environ.get("PATH", "")),
    })
    env.update(extra or {})
    return env


@pytest.fixture
def run_module(sim, tmp_path):
    """Run one module of the collection against the simulator, as ``ansible localhost -m``, at -vvv."""

    def run(module, args, check=False, key=API_KEY, simulator=None, env=None):
        simulator = simulator or sim
        command = [str(BIN / "ansible"), "localhost", "-i", "localhost,", "-c", "local", "-vvv", "--diff",
                   "-m", "community.dokploy.%s" % module, "-a", json.dumps(args)]
        if check:
            command.append("--check")
        env = ansible_env(tmp_path, dict({"DOKPLOY_URL": simulator.base_url, "DOKPLOY_API_KEY": key}, **(env or {})))
        simulator.reset_log()
        completed = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300, check=False)
        return ModuleRun(completed, simulator.requests())

    return run


@pytest.fixture
def run_playbook(tmp_path):
    """Run a playbook (of tests/integration/playbooks, or a path from the repo root); returns a PlaybookRun."""

    def run(name, *args, env=None, extra_vars=None):
        playbook = ROOT / name if "/" in name else ROOT / "tests" / "integration" / "playbooks" / name
        command = [str(BIN / "ansible-playbook"), "-i", "localhost,", "-c", "local", str(playbook)]
        if extra_vars:
            command += ["-e", json.dumps(extra_vars)]
        command += list(args)
        completed = subprocess.run(command, env=ansible_env(tmp_path, env), capture_output=True, text=True, timeout=600, check=False)
        return PlaybookRun(completed)

    return run
