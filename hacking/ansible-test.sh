#!/usr/bin/env bash
# Run ansible-test on a copy of this checkout placed where ansible-test needs it.
# ansible-test resolves real paths, so the collection must physically sit at
# .../ansible_collections/community/dokploy (a symlink is not enough).
# Usage: hacking/ansible-test.sh PYTHON_BIN_DIR ansible-test-args...
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bindir=$1; shift
# Outside the git checkout: inside it, ansible-test would list files with git and skip the ignored copy.
# One copy per checkout and venv, so that two checkouts can be tested at once.
copy_name=$(printf '%s' "$root $bindir" | cksum | cut -d' ' -f1)
dest="${TMPDIR:-/tmp}/community-dokploy-ansible-test/$copy_name/ansible_collections/community/dokploy"
rm -rf "$dest" && mkdir -p "$dest"
tar -C "$root" -cf - \
  --exclude ./.git --exclude ./.ansible --exclude './.venv*' --exclude ./.build --exclude ./tests/output \
  --exclude .pytest_cache --exclude ./.hypothesis --exclude ./collections --exclude __pycache__ . | tar -C "$dest" -xf -
cd "$dest"
PATH="$bindir:$PATH" "$bindir/python" "$bindir/ansible-test" "$@"
