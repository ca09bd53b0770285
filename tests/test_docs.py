"""The documentation holds together: the guides and the docs site's index, cross-references, the README's links.

Plain reading of files: no network, no Sphinx (`make docs` builds and lints the site itself).
"""

import re

import pytest
import yaml

from tests.conftest import ROOT

DOCSITE = ROOT / "docs" / "docsite"
GUIDES = sorted(p.relative_to(DOCSITE / "rst").with_suffix("").as_posix() for p in (DOCSITE / "rst").rglob("*.rst"))
LABEL_PREFIX = "ansible_collections.community.dokploy.docsite."
GALAXY = "https://galaxy.ansible.com/ui/repo/published/community/dokploy/content/%s/%s/"

MODULES = sorted(p.stem for p in (ROOT / "plugins" / "modules").glob("*.py") if p.stem != "__init__")
LOOKUPS = sorted(p.stem for p in (ROOT / "plugins" / "lookup").glob("*.py") if p.stem != "__init__")
INVENTORIES = sorted(p.stem for p in (ROOT / "plugins" / "inventory").glob("*.py") if p.stem != "__init__")
ROLES = sorted(p.name for p in (ROOT / "roles").iterdir() if (p / "meta" / "argument_specs.yml").exists())

# A row of the README's table: | [`community.dokploy.NAME`](URL) | KIND: what it does |
README_ROW = re.compile(r"^\| \[`community\.dokploy\.(\w+)`\]\(([^)\s]+)\) \| (\w+):", re.M)
REF = re.compile(r":ref:`(?:[^`<]*<([^`>]+)>|([^`<]+))`")
LABEL = re.compile(r"^\.\. _([^:]+):\s*$", re.M)
MARKDOWN_GUIDE = re.compile(r"docs/[\w./-]*\.md\b")


def extra_docs_entries():
    index = yaml.safe_load((DOCSITE / "extra-docs.yml").read_text())
    return [entry if isinstance(entry, str) else entry["ref"]
            for section in index["sections"] for entry in section["toctree"]]


def guide_text(name):
    return (DOCSITE / "rst" / ("%s.rst" % name)).read_text()


def test_every_guide_is_in_the_site_index_once():
    entries = extra_docs_entries()
    assert sorted(entries) == sorted(set(entries)), "a guide listed twice in extra-docs.yml"
    assert sorted(entries) == GUIDES, "docs/docsite/extra-docs.yml and the files under docs/docsite/rst differ"


@pytest.mark.parametrize("name", GUIDES)
def test_guide_starts_with_its_label(name):
    # The label other guides and the plugin docs use to link to it (antsibull-docs' naming).
    assert guide_text(name).startswith(".. _%s%s:\n" % (LABEL_PREFIX, name.replace("/", "."))), name


def test_every_label_has_the_collections_prefix():
    """antsibull-docs leaves out a guide holding any other label (a leftover of a conversion, say)."""
    stray = [(name, label) for name in GUIDES for label in LABEL.findall(guide_text(name))
             if not label.startswith(LABEL_PREFIX)]
    assert stray == [], stray


def test_every_ref_in_the_guides_has_its_label():
    labels = set()
    refs = []
    for name in GUIDES:
        text = guide_text(name)
        labels.update(LABEL.findall(text))
        refs.extend((name, explicit or plain) for explicit, plain in REF.findall(text))
    assert refs, "no :ref: found: has the syntax of the guides changed?"
    missing = [(name, target) for name, target in refs if target.strip() not in labels]
    assert missing == [], missing


def readme_table():
    return {name: (url, kind) for name, url, kind in README_ROW.findall((ROOT / "README.md").read_text())}


@pytest.mark.parametrize("kind, name", [("module", m) for m in MODULES] + [("lookup", lookup) for lookup in LOOKUPS]
                         + [("inventory", i) for i in INVENTORIES])
def test_readme_table_links_each_plugin_to_its_galaxy_page(kind, name):
    table = readme_table()
    assert name in table, "README.md's table has no row for community.dokploy.%s" % name
    assert table[name] == (GALAXY % (kind, name), kind)


@pytest.mark.parametrize("name", ROLES)
def test_readme_table_links_each_role_to_its_readme(name):
    url, kind = readme_table()[name]
    assert (url, kind) == ("roles/%s/README.md" % name, "role")
    assert (ROOT / url).is_file()


def test_readme_table_names_nothing_that_does_not_exist():
    assert sorted(readme_table()) == sorted(MODULES + LOOKUPS + INVENTORIES + ROLES)


def test_readme_relative_links_exist():
    readme = (ROOT / "README.md").read_text()
    targets = [t for t in re.findall(r"\]\(([^)\s]+)\)", readme) if "://" not in t and not t.startswith("#")]
    assert targets, "no relative link found in README.md"
    assert [t for t in targets if not (ROOT / t).exists()] == []


def files_that_may_link_guides():
    yield ROOT / "README.md"
    yield from sorted((ROOT / "roles").glob("*/README.md"))
    for top in ("playbooks", "plugins"):
        yield from sorted(p for p in (ROOT / top).rglob("*") if p.is_file() and p.suffix in (".py", ".yml", ".yaml", ".md"))


def test_no_link_to_the_old_markdown_guides():
    # The guides moved to docs/docsite/rst/*.rst: a docs/*.md path is a dead link.
    stale = ["%s: %s" % (path.relative_to(ROOT), match)
             for path in files_that_may_link_guides() for match in MARKDOWN_GUIDE.findall(path.read_text())]
    assert stale == []
