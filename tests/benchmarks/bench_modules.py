"""Benchmark: how long and how much memory modules need against an organization with 500 services.

Starts the simulator, creates 10 projects with 50 services each, then
* reads the whole tree with dokploy_info's code in this process (time, peak
  memory, requests sent), and
* runs `ansible localhost -m community.dokploy.dokploy_info` and a no-change
  `dokploy_app` as a user would (wall time, peak memory of the ansible process tree).
Prints each against its target and exits non-zero when one is missed.

    python tests/benchmarks/bench_modules.py   (from the repo root, in the .venv of `make test`)
"""

import json
import os
import resource
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "benchmarks"))
from bench_simulator import API_KEY, Client, populate  # noqa: E402

from tests.simulator.harness import Simulator  # noqa: E402

# Targets: (seconds, MiB).
TREE_IN_PROCESS = (1.0, 30)
MODULE_RUN = (10.0, 300)


def collections_path():
    """ansible must find this checkout as community.dokploy."""
    path = ROOT / ".build" / "bench-collections" / "ansible_collections" / "community"
    path.mkdir(parents=True, exist_ok=True)
    link = path / "dokploy"
    if not link.exists():
        link.symlink_to(ROOT)
    return str(ROOT / ".build" / "bench-collections")


def run_module(sim, module, args):
    env = dict(os.environ, DOKPLOY_URL=sim.base_url, DOKPLOY_API_KEY=API_KEY,
               ANSIBLE_COLLECTIONS_PATH=collections_path(), ANSIBLE_PYTHON_INTERPRETER=sys.executable)
    command = [str(Path(sys.executable).parent / "ansible"), "localhost", "-i", "localhost,", "-c", "local",
               "-m", "community.dokploy.%s" % module] + (["-a", json.dumps(args)] if args else [])
    sim.reset_log()
    started = time.perf_counter()
    completed = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    if completed.returncode != 0:
        raise RuntimeError(completed.stdout[-2000:] + completed.stderr[-2000:])
    peak_mib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return elapsed, peak_mib, len(sim.requests())


def report(name, elapsed, peak_mib, target, extra=""):
    ok = elapsed < target[0] and peak_mib < target[1]
    print("%-40s %6.2f s (< %.0f)  %6.1f MiB (< %d)  %s%s" % (
        name, elapsed, target[0], peak_mib, target[1], "ok" if ok else "MISSED", extra))
    return ok


def main():
    sys.path.insert(0, collections_path())
    from ansible_collections.community.dokploy.plugins.module_utils._client import DokployClient
    from ansible_collections.community.dokploy.plugins.modules.dokploy_info import read_tree

    results = []
    with Simulator() as sim:
        sim.start(API_KEY)
        populate(Client(sim.base_url), 10, 50)

        client = DokployClient(sim.base_url, API_KEY)
        tracemalloc.start()
        started = time.perf_counter()
        projects = read_tree(client)
        elapsed = time.perf_counter() - started
        peak_mib = tracemalloc.get_traced_memory()[1] / 2 ** 20
        tracemalloc.stop()
        services = sum(len(e["services"]) for p in projects for e in p["environments"])
        results.append(report("dokploy_info tree, in process", elapsed, peak_mib, TREE_IN_PROCESS,
                              "  (%d services, %d requests)" % (services, len(client.calls))))

        elapsed, peak_mib, requests = run_module(sim, "dokploy_info", {})
        results.append(report("ansible -m dokploy_info", elapsed, peak_mib, MODULE_RUN,
                              "  (%d requests)" % requests))
        elapsed, peak_mib, requests = run_module(sim, "dokploy_app", {"project": "bench-3",
                                                                      "name": "application-7"})
        results.append(report("ansible -m dokploy_app (no change)", elapsed, peak_mib, MODULE_RUN,
                              "  (%d requests)" % requests))
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
