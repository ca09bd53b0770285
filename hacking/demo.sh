#!/usr/bin/env bash
# make demo: install the built collection, start the bundled simulator, run
# playbooks/demo.yml twice and show that the second run changed nothing.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
venv=${VENV:-.venv}
build=.build/demo
mkdir -p "$build"

# Installed where this run's Ansible looks for collections (so ansible-galaxy has no path to warn about).
export ANSIBLE_COLLECTIONS_PATH="$root/$build/collections"
"$venv/bin/ansible-galaxy" collection build --force --output-path "$build" . >/dev/null
"$venv/bin/ansible-galaxy" collection install --force --offline "$build"/community-dokploy-*.tar.gz >/dev/null

rm -f "$build/simulator-state.json"  # every demo starts from an empty server
key=dokploy-demo-key  # a local simulator: the key only has to match itself
"$venv/bin/python" tests/simulator/dokploy_sim.py --host 127.0.0.1 --port 0 --api-key "$key" \
  --state "$build/simulator-state.json" > "$build/simulator.out" 2> "$build/simulator.err" &
sim_pid=$!
trap 'kill $sim_pid 2>/dev/null; wait $sim_pid 2>/dev/null || true' EXIT
for _ in $(seq 100); do
  [ -s "$build/simulator.out" ] && break
  sleep 0.1
done
DOKPLOY_URL=$(head -n 1 "$build/simulator.out")
export DOKPLOY_URL
export DOKPLOY_API_KEY=$key
echo "Dokploy simulator at $DOKPLOY_URL (state in $build/simulator-state.json)"

export ANSIBLE_PYTHON_INTERPRETER="$root/$venv/bin/python" ANSIBLE_NOCOLOR=1
echo "== first run: creates what is missing"
"$venv/bin/ansible-playbook" -i localhost, --diff playbooks/demo.yml
echo "== second run: everything is in place"
"$venv/bin/ansible-playbook" -i localhost, playbooks/demo.yml | tee "$build/second-run.txt"
if grep -Eq 'changed=[1-9]' "$build/second-run.txt"; then
  echo "FAIL: the second run changed something" >&2
  exit 1
fi
echo "OK: the second run changed nothing."
