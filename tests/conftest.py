"""Fixtures shared by the whole suite.

pytest-ansible makes ``ansible_collections.community.dokploy`` importable and
points ANSIBLE_COLLECTIONS_PATH at this checkout, so ansible-playbook started
from a test uses the code under test.

The integration tests run against the bundled simulator, or against a real Dokploy when
``DOKPLOY_TEST_URL`` and ``DOKPLOY_TEST_API_KEY`` are set (``DOKPLOY_TEST_SECOND_ORG_KEY`` for the
tests of a second organization): see tests/README.md. Tests that need what only the simulator gives
are marked ``simulator_only("why")``, tests that need a second organization ``second_org``; both
are skipped against a real server that cannot run them.
"""

import json
import os
import re
import subprocess
import sys
import tempfile
import textwrap
import warnings
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.ansible_forkserver import ForkServer, forkable  # noqa: E402
from tests.module_zygote import write_launcher  # noqa: E402
from tests.integration.remote import RemoteDokploy  # noqa: E402
from tests.simulator.harness import Simulator  # noqa: E402

# A real Dokploy as the target: both variables, or neither (pytest_configure says so).
REMOTE_URL = os.environ.get("DOKPLOY_TEST_URL") or None
REMOTE = bool(REMOTE_URL and os.environ.get("DOKPLOY_TEST_API_KEY"))
if REMOTE:
    API_KEY = os.environ["DOKPLOY_TEST_API_KEY"]
    SECOND_ORG_KEY = os.environ.get("DOKPLOY_TEST_SECOND_ORG_KEY") or None
else:
    API_KEY = "test-key-org1-Zq8w3Rk2"
    SECOND_ORG_KEY = "test-key-org2-Hm4p7Tn9"
BIN = Path(sys.executable).parent


def pytest_configure(config):
    config.addinivalue_line("markers", "simulator_only(reason): needs what only the bundled simulator gives (fault "
                                       "injection, failing deploys, a simulator of its own...); skipped against a real "
                                       "Dokploy (DOKPLOY_TEST_URL)")
    config.addinivalue_line("markers", "second_org: needs a second organization's key; against a real Dokploy, "
                                       "skipped unless DOKPLOY_TEST_SECOND_ORG_KEY is set")
    if bool(os.environ.get("DOKPLOY_TEST_URL")) != bool(os.environ.get("DOKPLOY_TEST_API_KEY")):
        raise pytest.UsageError("set both DOKPLOY_TEST_URL and DOKPLOY_TEST_API_KEY to test against a real Dokploy, "
                                "or neither to test against the bundled simulator (see tests/README.md)")


def pytest_report_header(config):
    if REMOTE:
        return "dokploy target: %s (through a recording proxy; second organization: %s)" % (
            RemoteDokploy.from_environment().upstream, "yes" if SECOND_ORG_KEY else "no, its tests are skipped")
    return "dokploy target: the bundled simulator"


def pytest_collection_modifyitems(config, items):
    """Against a real Dokploy, skip what it cannot run, each test with its reason."""
    if not REMOTE:
        return
    for item in items:
        marker = item.get_closest_marker("simulator_only")
        if marker is not None:
            reason = marker.args[0] if marker.args else marker.kwargs.get("reason", "needs the simulator")
            item.add_marker(pytest.mark.skip(reason="simulator only: %s" % reason))
        elif item.get_closest_marker("second_org") is not None and not SECOND_ORG_KEY:
            item.add_marker(pytest.mark.skip(reason="needs a second organization: set DOKPLOY_TEST_SECOND_ORG_KEY"))


@pytest.fixture(scope="session")
def simulator():
    """The session's Dokploy: the bundled simulator with a second organization's key, or the real server of
    DOKPLOY_TEST_URL behind a recording proxy (same interface: base_url, api_key, second_org_key, requests(),
    writes(), reset_log())."""
    if REMOTE:
        with RemoteDokploy.from_environment() as remote:
            yield remote.start()
        for error in remote.cleanup_errors:
            warnings.warn("a project the tests made could not be removed: %s" % error)
        return
    with Simulator() as sim:
        sim.start(API_KEY, second_org_key=SECOND_ORG_KEY)
        yield sim


@pytest.fixture
def sim(simulator):
    """The session simulator with an empty request log."""
    simulator.reset_log()
    return simulator


def unwrapped(output):
    """Output with every run of whitespace made one space: ansible-core before 2.19 wraps warnings and errors at 79
    columns, so a message is only found whole in this form."""
    return " ".join(output.split())


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

    @property
    def text(self):
        return unwrapped(self.output)

    def __repr__(self):
        return "PlaybookRun(rc=%s)\n%s\n%s" % (self.rc, self.stdout[-4000:], self.stderr[-2000:])


class ModuleRun:
    """One ad-hoc module run at -vvv: its result, its output, and the requests it sent."""

    def __init__(self, completed, requests):
        self.rc = completed.returncode
        self.output = completed.stdout + completed.stderr
        self.text = unwrapped(self.output)
        self.requests = requests
        self.reads = [r["procedure"] for r in requests if r["method"] == "GET"]
        self.writes = [r["procedure"] for r in requests if r["method"] == "POST"]
        match = re.search(r"^localhost \| (SUCCESS|CHANGED|FAILED!) => ", completed.stdout, re.M)
        self.result = json.JSONDecoder().raw_decode(completed.stdout[match.end():])[0] if match else {}
        self.changed = self.result.get("changed")
        self.failed = bool(self.result.get("failed")) or self.rc != 0

    def __repr__(self):
        return "ModuleRun(rc=%s, reads=%s, writes=%s)\n%s" % (self.rc, self.reads, self.writes, self.output[-6000:])


# One local temporary folder per test process: ansible-core keeps the modules it packed there (AnsiballZ), so the
# next run of the same module reuses them. The tests' HOME is still a folder of each test's own.
LOCAL_TEMP = os.path.join(tempfile.gettempdir(), "community-dokploy-tests", "ansible-local-%d" % os.getpid())
# The interpreter Ansible runs modules with: this venv's Python, or the launcher of tests/module_zygote.py.
MODULE_PYTHON = [sys.executable]
FORKING = os.environ.get("DOKPLOY_TESTS_NO_FORKSERVER") != "1"


@pytest.fixture(scope="session", autouse=True)
def module_python(tmp_path_factory):
    """Modules run in processes forked from one with their imports done (tests/module_zygote.py); with
    DOKPLOY_TESTS_NO_FORKSERVER=1, in a fresh interpreter each."""
    if not FORKING:
        yield sys.executable
        return
    folder = tmp_path_factory.mktemp("module-python")
    socket_path = str(folder / "zygote.sock")
    zygote = subprocess.Popen([sys.executable, str(ROOT / "tests" / "module_zygote.py"), socket_path],
                              stdout=subprocess.PIPE, text=True)
    if zygote.stdout.readline().strip() != "ready":
        raise RuntimeError("the module zygote did not start")
    write_launcher(str(folder / "python"), socket_path)
    MODULE_PYTHON[0] = str(folder / "python")
    yield MODULE_PYTHON[0]
    MODULE_PYTHON[0] = sys.executable
    zygote.terminate()
    zygote.wait(timeout=10)


def ansible_env(tmp_path, extra=None):
    """The environment of an ansible command: this venv, no stray DOKPLOY_* settings, no Dokploy CLI of the machine's.

    tmp_path is the home directory; DOKPLOY_CLI_ROOT names an empty folder, so that the profile lookup never asks
    npm where the machine's Dokploy CLI keeps its config file.
    """
    env = dict((k, v) for k, v in os.environ.items() if not k.startswith("DOKPLOY_"))
    env.update({
        "DOKPLOY_CLI_ROOT": str(tmp_path / "no-dokploy-cli"),
        "ANSIBLE_PYTHON_INTERPRETER": MODULE_PYTHON[0],
        "ANSIBLE_NOCOLOR": "1",
        "ANSIBLE_FORCE_COLOR": "0",
        "ANSIBLE_RETRY_FILES_ENABLED": "0",
        "ANSIBLE_LOCAL_TEMP": LOCAL_TEMP,
        "HOME": str(tmp_path),
        "PATH": "%s:%s" % (BIN, os.environ.get("PATH", "")),
    })
    env.update(extra or {})
    return env


class Completed:
    """What a finished ansible command printed: the fields of subprocess.CompletedProcess the tests read."""

    def __init__(self, returncode, stdout, stderr):
        self.returncode = returncode
        self.stdout = stdout
        self.stderr = stderr


@pytest.fixture(scope="session")
def ansible_commands(tmp_path_factory, module_python):
    """Runs ``ansible``/``ansible-playbook`` commands, forked from a process that has ansible-core loaded
    (tests/ansible_forkserver.py) when their environment allows it, else as plain subprocesses."""
    folder = tmp_path_factory.mktemp("ansible-commands")
    server = None
    if FORKING:
        server = ForkServer(sys.executable, str(folder / "fork.sock"), ansible_env(folder))
    counter = iter(range(10 ** 9))

    def run(command, env, timeout):
        # ansible-playbook also loads the collections beside a playbook, which the server has not configured.
        beside_playbook = any(os.path.isdir(os.path.join(os.path.dirname(str(arg)), "collections"))
                              for arg in command[1:] if str(arg).endswith((".yml", ".yaml")))
        if server is not None and os.path.basename(command[0]) in ("ansible", "ansible-playbook") \
                and forkable(server.env, env) and not beside_playbook:
            number = next(counter)
            stdout, stderr = folder / ("%d.out" % number), folder / ("%d.err" % number)
            rc = server.run([str(c) for c in command], env, os.getcwd(), str(stdout), str(stderr), timeout)
            if rc == -9:
                raise subprocess.TimeoutExpired(command, timeout)
            completed = Completed(rc, stdout.read_text(), stderr.read_text())
            stdout.unlink()
            stderr.unlink()
            return completed
        finished = subprocess.run(command, env=env, capture_output=True, text=True, timeout=timeout, check=False)
        return Completed(finished.returncode, finished.stdout, finished.stderr)

    yield run
    if server is not None:
        server.close()


@pytest.fixture
def run_module(sim, tmp_path, ansible_commands):
    """Run one module of the collection against the simulator, as ``ansible localhost -m``, at -vvv."""

    def run(module, args, check=False, key=API_KEY, simulator=None, env=None):
        simulator = simulator or sim
        command = [str(BIN / "ansible"), "localhost", "-i", "localhost,", "-c", "local", "-vvv", "--diff",
                   "-m", "community.dokploy.%s" % module, "-a", json.dumps(args)]
        if check:
            command.append("--check")
        env = ansible_env(tmp_path, dict({"DOKPLOY_URL": simulator.base_url, "DOKPLOY_API_KEY": key}, **(env or {})))
        simulator.reset_log()
        completed = ansible_commands(command, env, timeout=300)
        return ModuleRun(completed, simulator.requests())

    return run


@pytest.fixture
def run_playbook(tmp_path, ansible_commands):
    """Run a playbook (of tests/integration/playbooks, or a path from the repo root); returns a PlaybookRun."""

    def run(name, *args, env=None, extra_vars=None):
        playbook = ROOT / name if "/" in name else ROOT / "tests" / "integration" / "playbooks" / name
        command = [str(BIN / "ansible-playbook"), "-i", "localhost,", "-c", "local", str(playbook)]
        if extra_vars:
            command += ["-e", json.dumps(extra_vars)]
        command += list(args)
        return PlaybookRun(ansible_commands(command, ansible_env(tmp_path, env), timeout=600))

    return run


def rst_code_blocks(path, language="yaml"):
    """The ``.. code:: LANGUAGE`` blocks of a guide under docs/docsite/rst, dedented."""
    blocks = []
    lines = (ROOT / "docs" / "docsite" / "rst" / path).read_text().splitlines()
    for number, line in enumerate(lines):
        if line.strip() in (".. code:: %s" % language, ".. code-block:: %s" % language):
            body = []
            for following in lines[number + 1:]:
                if following.strip() and not following.startswith((" ", "\t")):
                    break
                body.append(following)
            blocks.append(textwrap.dedent("\n".join(body)).strip("\n") + "\n")
    return blocks
