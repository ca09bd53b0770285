#!/usr/bin/env bash
# Builds the docs site of the checkout (plugin reference and the guides of docs/docsite) into .build/docs, as
# docs.ansible.com would build it with antsibull-docs, and lints the collection's docs. Run by `make docs`.
# It needs no network once .venv-docs is installed: intersphinx lookups are switched off, so links into the
# Ansible and Python docs stay plain text here.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
python=${PYTHON:-python3}
venv=${DOCS_VENV:-$root/.venv-docs}
build=$root/.build
site=$build/docs
sources=$build/docs-src
warnings=$build/docs-warnings.log
pip_log=$build/docs-pip.log

mkdir -p "$build"

# Runs a command with its output in a log under .build, shown only when the command fails.
quietly() {
  local log=$1
  shift
  if ! "$@" >"$log" 2>&1; then
    cat "$log" >&2
    echo "build-docs: failed: $* (output above, kept in $log)" >&2
    return 1
  fi
}

# The docs toolchain gets its own venv: it pins Sphinx and docutils versions that .venv's tools need not share.
if [ ! -f "$venv/.installed" ] || [ "$root/requirements-docs.txt" -nt "$venv/.installed" ]; then
  echo "build-docs: installing requirements-docs.txt into $venv"
  quietly "$pip_log" "$python" -m venv "$venv"
  quietly "$pip_log" "$venv/bin/python" -m pip install --upgrade pip
  quietly "$pip_log" "$venv/bin/python" -m pip install -r "$root/requirements-docs.txt"
  touch "$venv/.installed"
fi
export PATH="$venv/bin:$PATH"

# ansible-doc finds collections only under .../ansible_collections/<namespace>/<name>: link the checkout there,
# and let it see no other copy (a `make demo` install, ~/.ansible/collections).
collections=$(mktemp -d)
trap 'rm -rf "$collections"' EXIT
mkdir -p "$collections/ansible_collections/community"
ln -s "$root" "$collections/ansible_collections/community/dokploy"
export ANSIBLE_COLLECTIONS_PATH="$collections" ANSIBLE_COLLECTIONS_SCAN_SYS_PATH=false

failed=0

echo "build-docs: antsibull-docs lint-collection-docs"
if ! (cd "$root" && antsibull-docs lint-collection-docs --plugin-docs --check-extra-docs-refs .); then
  echo "build-docs: the lint above found problems" >&2
  failed=1
fi

echo "build-docs: generating the site's sources in $sources"
rm -rf "$sources"
# antsibull-docs writes only into a directory that no one else may write to.
mkdir -m 755 "$sources"
quietly "$build/docs-antsibull.log" antsibull-docs sphinx-init --use-current --squash-hierarchy --fail-on-error \
  --dest-dir "$sources" --project community.dokploy --copyright "community.dokploy contributors" \
  --title community.dokploy community.dokploy
# Offline, every intersphinx inventory fetch would fail (and wait for its time-out): look none up.
echo "intersphinx_mapping = {}" >>"$sources/conf.py"
chmod og-w "$sources/rst"
quietly "$build/docs-antsibull.log" antsibull-docs --config-file "$sources/antsibull-docs.cfg" collection \
  --use-current --squash-hierarchy --fail-on-error --cleanup everything --dest-dir "$sources/rst" community.dokploy

echo "build-docs: sphinx-build into $site"
rm -rf "$site"
# Sphinx writes every warning to $warnings too, where they are sorted below; it fails only on errors.
quietly "$build/docs-sphinx.log" sphinx-build -b html -q -c "$sources" -d "$build/docs-doctrees" -w "$warnings" \
  "$sources/rst" "$site"
# Labels outside this collection and ANSIBLE_* settings live in the Ansible docs, reachable only through
# intersphinx: those references stay unresolved offline. Any other warning concerns the collection.
intersphinx_only="WARNING: (undefined label: '(?!ansible_collections\.community\.dokploy\.)|'envvar' reference target not found: ANSIBLE_)"
ours=$(grep -vP "$intersphinx_only" "$warnings" || true)
offline=$(grep -cP "$intersphinx_only" "$warnings" || true)
echo "build-docs: $offline references into the Ansible docs left unresolved (no intersphinx offline)"
if [ -n "$ours" ]; then
  echo "$ours" >&2
  echo "build-docs: Sphinx warned about the collection's docs (above; all warnings in $warnings)" >&2
  failed=1
fi

if [ "$failed" -ne 0 ]; then
  exit 1
fi
echo "build-docs: open $site/index.html"
