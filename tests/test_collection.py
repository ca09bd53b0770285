"""The collection as a whole: metadata, action group, documentation of every plugin."""

import os
import re
import subprocess
import pytest
import yaml

from tests.conftest import BIN, ROOT

MODULES = sorted(p.stem for p in (ROOT / "plugins" / "modules").glob("*.py") if p.stem != "__init__")
LOOKUPS = sorted(p.stem for p in (ROOT / "plugins" / "lookup").glob("*.py") if p.stem != "__init__")
INVENTORIES = sorted(p.stem for p in (ROOT / "plugins" / "inventory").glob("*.py") if p.stem != "__init__")
ROLES = sorted(p.name for p in (ROOT / "roles").iterdir() if (p / "meta" / "argument_specs.yml").exists())


def test_action_group_lists_every_module_exactly():
    runtime = yaml.safe_load((ROOT / "meta" / "runtime.yml").read_text())
    assert sorted(runtime["action_groups"]["dokploy"]) == MODULES


ACTIONS = sorted(p.stem for p in (ROOT / "plugins" / "action").glob("*.py") if p.stem != "__init__")


@pytest.mark.parametrize("name", MODULES)
def test_every_module_runs_behind_the_shared_action_plugin(name):
    """profile and src are resolved on the controller by plugin_utils/_action.py: a module without its action plugin
    would receive an unresolved profile (and fail saying so). Add plugins/action/<module>.py like the others."""
    path = ROOT / "plugins" / "action" / ("%s.py" % name)
    assert path.is_file(), "%s has no action plugin: copy plugins/action/dokploy_info.py" % name
    source = path.read_text()
    assert "import DokployAction\n" in source and "class ActionModule(DokployAction):" in source, name
    assert "def " not in source, "an action plugin of a module only subclasses DokployAction"


def test_every_action_plugin_has_its_module():
    # ansible-test's sanity test action-plugin-docs says the same; this says it before CI does.
    assert ACTIONS == MODULES


def test_requires_ansible_supports_2_16():
    runtime = yaml.safe_load((ROOT / "meta" / "runtime.yml").read_text())
    assert runtime["requires_ansible"] == ">=2.16.0"


def test_galaxy_metadata():
    galaxy = yaml.safe_load((ROOT / "galaxy.yml").read_text())
    assert (galaxy["namespace"], galaxy["name"]) == ("community", "dokploy")
    for ignored in ("tests", ".venv*", "collections", "hacking"):  # the built file list: tests/test_build.py
        assert ignored in galaxy["build_ignore"]


PLUGINS = {"module": MODULES, "lookup": LOOKUPS, "inventory": INVENTORIES, "role": ROLES}


@pytest.fixture(scope="module")
def ansible_doc():
    """ansible-doc's page of one plugin; one ansible-doc call per plugin type renders all of that type (each call
    costs seconds of start-up), split at the line that opens each page."""
    rendered = {}

    def page(plugin_type, name):
        if plugin_type not in rendered:
            completed = subprocess.run(
                [str(BIN / "ansible-doc"), "-t", plugin_type]
                + ["community.dokploy.%s" % each for each in PLUGINS[plugin_type]],
                capture_output=True, text=True, env=dict(os.environ, ANSIBLE_NOCOLOR="1"), check=False)
            pages = re.split(r"(?m)^(?=> )", completed.stdout)
            rendered[plugin_type] = completed, pages
        completed, pages = rendered[plugin_type]
        own = [text for text in pages
               if re.search(r"community\.dokploy\.%s\b" % re.escape(name), text.split("\n", 1)[0], re.I)]
        return completed, own[0] if len(own) == 1 else ""

    return page


@pytest.mark.parametrize("plugin_type, name", [(kind, name) for kind, names in PLUGINS.items() for name in names])
def test_ansible_doc_renders(ansible_doc, plugin_type, name):
    completed, page = ansible_doc(plugin_type, name)
    assert completed.returncode == 0, completed.stderr
    assert "ERROR" not in completed.stderr, completed.stderr
    # ansible-core 2.21 warns about its own internal collection; no warning may concern ours.
    ours = [line for line in completed.stderr.splitlines() if "WARNING" in line and "dokploy" in line]
    assert ours == [], completed.stderr
    assert page, "no page of its own in ansible-doc's output:\n%s" % completed.stdout[:2000]
    if plugin_type == "module":
        for attribute in ("check_mode", "diff_mode", "idempotent", "action_group"):
            assert attribute in page
    if plugin_type != "role":
        # From the connection fragment: the library every module and the inventory plugin talk to Dokploy with.
        assert "REQUIREMENTS:" in page and "requests >= 2.25" in " ".join(page.split())


@pytest.mark.parametrize("name", MODULES)
def test_modules_share_the_connection_fragment(name):
    source = (ROOT / "plugins" / "modules" / ("%s.py" % name)).read_text()
    assert "community.dokploy.connection" in source
    assert "DokployModule(" in source, "modules build on the shared base"
    assert "api_key=" not in source, "connection options come from the shared argument spec"


@pytest.mark.parametrize("plugin_type, name", [("lookup", l) for l in LOOKUPS] + [("inventory", i) for i in INVENTORIES])
def test_plugins_share_the_connection_fragment(plugin_type, name):
    source = (ROOT / "plugins" / plugin_type / ("%s.py" % name)).read_text()
    assert "community.dokploy.connection.PLUGINS" in source


def test_every_plugin_is_listed_in_the_readme():
    readme = (ROOT / "README.md").read_text()
    for name in MODULES + LOOKUPS + INVENTORIES + ROLES:
        # A row of the table, the name linked to its reference (tests/test_docs.py checks where the links go).
        assert "| [`community.dokploy.%s`](" % name in readme, name


def test_changelog_fragments_do_not_announce_new_plugins():
    """antsibull-changelog lists new modules and plugins by itself, from their version_added."""
    for path in (ROOT / "changelogs" / "fragments").glob("*.yml"):
        for entries in yaml.safe_load(path.read_text()).values():
            for entry in entries if isinstance(entries, list) else []:
                subject, dash, change = entry.partition(" - ")
                assert not change.startswith("new module"), (path.name, subject)
                assert not change.startswith("new inventory plugin"), (path.name, subject)


@pytest.mark.parametrize("name", MODULES + LOOKUPS + INVENTORIES)
def test_plugins_are_new_in_the_first_release(name):
    """Nothing is released yet: every plugin appears in the release named in galaxy.yml."""
    galaxy = yaml.safe_load((ROOT / "galaxy.yml").read_text())
    kind = "modules" if name in MODULES else "lookup" if name in LOOKUPS else "inventory"
    source = (ROOT / "plugins" / kind / ("%s.py" % name)).read_text()
    assert "\nversion_added: %s\n" % galaxy["version"] in source, name
