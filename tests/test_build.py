"""The built collection, as a user installs it from a tarball (the README's second install path).

The tarball must hold what runs (plugins, roles, playbooks, extensions, docs, metadata) and nothing that only
runs in a checkout: the tests need the simulator and the transcripts, which are left out with them. Installed
into a new virtualenv, it must document its modules and run its demo playbook by name.
"""

import os
import subprocess
import sys
import tarfile

import ansible
import pytest

from tests.conftest import API_KEY, BIN, ROOT
from tests.simulator.harness import Simulator

MUST_HOLD = ["MANIFEST.json", "FILES.json", "README.md", "LICENSE", "requirements.txt", "meta/runtime.yml",
             "meta/execution-environment.yml", "changelogs/changelog.yaml", "plugins/modules/dokploy_app.py",
             "plugins/module_utils/_base.py", "plugins/action/dokploy_app.py", "plugins/lookup/profile.py",
             "plugins/inventory/dokploy.py", "roles/client/tasks/main.yml", "playbooks/demo.yml",
             "extensions/awx/credential_type.yml", "docs/docsite/rst/getting_started.rst"]
MUST_NOT_HOLD = ["tests/", ".venv", ".build/", "collections/", "hacking/", "node_modules", "__pycache__", ".pyc",
                 ".gitignore", ".ansible-lint", ".ci/", ".pytest_cache", ".hypothesis", "Makefile",
                 "requirements-dev.txt", "changelogs/fragments/"]


@pytest.fixture(scope="module")
def tarball(tmp_path_factory):
    out = tmp_path_factory.mktemp("build")
    subprocess.run([str(BIN / "ansible-galaxy"), "collection", "build", "--output-path", str(out), str(ROOT)],
                   check=True, capture_output=True, text=True)
    [path] = out.glob("community-dokploy-*.tar.gz")
    return path


def test_tarball_holds_what_runs_and_nothing_for_developers(tarball):
    with tarfile.open(tarball) as archive:
        names = archive.getnames()
    for name in MUST_HOLD:
        assert name in names, name
    for name in names:
        assert not any(part in name or name.startswith(part) for part in MUST_NOT_HOLD), name
    assert all(name.startswith(("plugins/", "roles/", "playbooks/", "extensions/", "docs/", "meta/", "changelogs/"))
               or "/" not in name for name in names), names


def test_installed_tarball_documents_and_runs_in_a_new_virtualenv(tarball, tmp_path):
    """The README's tarball path: a new venv with ansible-core and the collection's requirements.txt, then
    ``ansible-galaxy collection install`` of the tarball, ``ansible-doc`` and ``ansible-playbook community.dokploy.demo``."""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    collections = tmp_path / "collections"
    new_bin = venv / "bin"
    env = dict((k, v) for k, v in os.environ.items() if not k.startswith(("ANSIBLE_", "DOKPLOY_", "PYTHON")))
    env.update(HOME=str(tmp_path), ANSIBLE_COLLECTIONS_PATH=str(collections), ANSIBLE_NOCOLOR="1",
               ANSIBLE_PYTHON_INTERPRETER=str(new_bin / "python"), PIP_DISABLE_PIP_VERSION_CHECK="1")

    def run(*command):
        completed = subprocess.run([str(c) for c in command], env=env, capture_output=True, text=True, check=False,
                                   timeout=600)
        assert completed.returncode == 0, (command, completed.stdout[-3000:], completed.stderr[-3000:])
        return completed

    run(new_bin / "python", "-m", "pip", "install", "--quiet", "ansible-core==%s" % ansible.__version__)
    run(new_bin / "ansible-galaxy", "collection", "install", "--offline", tarball)
    installed = collections / "ansible_collections" / "community" / "dokploy"
    run(new_bin / "python", "-m", "pip", "install", "--quiet", "-r", installed / "requirements.txt")

    doc = run(new_bin / "ansible-doc", "community.dokploy.dokploy_app")
    assert "community.dokploy.dokploy_app" in doc.stdout and "docker_image" in doc.stdout
    assert "dokploy" not in doc.stderr, doc.stderr

    with Simulator() as sim:
        sim.start(API_KEY)
        env.update(DOKPLOY_URL=sim.base_url, DOKPLOY_API_KEY=API_KEY)
        first = run(new_bin / "ansible-playbook", "-i", "localhost,", "community.dokploy.demo")
        assert "changed=0" not in first.stdout, first.stdout
        second = run(new_bin / "ansible-playbook", "-i", "localhost,", "community.dokploy.demo")
        assert "changed=0" in second.stdout and "failed=0" in second.stdout, second.stdout
        run(new_bin / "ansible-playbook", "-i", "localhost,", "community.dokploy.demo", "-e", "demo_state=absent")
