"""Benchmark: a no-op dokploy_stack converge, against ping tasks, single-module tasks, and project size.

Against the bundled simulator, each in one run of this script:

1. per-service cost of a no-op converge, in process (the fastest of several runs, minus the same converge of its
   first service only, divided by the other services), for projects of 10, 50, 100 and 200 services (each an application with env, a domain and
   a mount): the module's own CPU time per service must stay flat, within 15% of the cheapest (the wall time is
   shown too; it also holds the simulator's work, whose store scans every row for each read); and each no-op
   converge sends at most one read per service plus 2, and no write;
2. for the 50-service project, as a user runs it (ansible-playbook, wall time beyond an empty play's):
   one no-op dokploy_stack task costs no more than 3 ansible.builtin.ping tasks, and is at least 15 times
   faster than the same converge written as single-module tasks (dokploy_app, dokploy_env, dokploy_domain,
   dokploy_mount for each service).

Prints a table (the one in docs/docsite/rst/stack.rst) and exits non-zero when a target is missed.

    .venv/bin/python tests/benchmarks/bench_stack.py [--sizes 10 50 100 200] [--runs 5]
"""

import argparse
import gc
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "benchmarks"))
from bench_modules import collections_path  # noqa: E402

from tests.simulator.harness import Simulator  # noqa: E402

API_KEY = "bench-key"
PROJECT = "bench-stack"
FLAT = 1.15            # per-service cost at any size, at most this times the cheapest
PING_TASKS = 3         # a no-op stack task costs at most this many ping tasks
SINGLE_SPEEDUP = 15.0  # and is at least this many times faster than single-module tasks


def declaration(services):
    apps = [{"name": "svc-%d" % index, "docker_image": "nginx:1.27",
             "env": {"INDEX": str(index), "TOKEN": "bench-token-%d" % index},
             "domains": [{"host": "svc-%d.bench.example" % index, "port": 80}],
             "mounts": [{"mount_path": "/data", "type": "volume", "volume_name": "bench-svc-%d" % index}]}
            for index in range(services)]
    return {"production": {"apps": apps}}


class InProcess:
    """What dokploy_stack's Stack needs of a module, without Ansible around it."""

    def __init__(self, client, params):
        from types import SimpleNamespace
        self.client = client
        self.params = params
        self.module = SimpleNamespace(check_mode=False, no_log_values=set(), warn=self.warn, shown_params=None)

    def warn(self, message):
        print("warning: %s" % message, file=sys.stderr)


def converge(base_url, environments, deploy="never"):
    """One dokploy_stack run in this process: (seconds, reads, writes)."""
    from ansible_collections.community.dokploy.plugins.module_utils._client import DokployClient
    from ansible_collections.community.dokploy.plugins.module_utils._stack import Stack, stack_argument_spec
    params = dict((name, spec.get("default")) for name, spec in stack_argument_spec().items())
    params.update(project=PROJECT, environments=environments, deploy=deploy)
    client = DokployClient(base_url, API_KEY)
    gc.collect()
    gc.disable()  # a collection landing in one run and not another is noise, not cost
    try:
        started, cpu = time.perf_counter(), time.process_time()
        Stack(InProcess(client, params)).run()
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    finally:
        gc.enable()
    reads = sum(1 for method, _procedure in client.calls if method == "GET")
    return elapsed, reads, len(client.writes), cpu


def per_service_costs(sizes, runs):
    """The no-op converge's cost per service: wall time, and the CPU time of this process (the module's own work;
    the wall time also holds the simulator's, whose in-memory store scans every row for each read)."""
    rows, ok = [], True
    for size in sizes:
        with Simulator() as sim:
            sim.start(API_KEY)
            first, _reads, writes, _cpu = converge(sim.base_url, declaration(size))
            noop = [converge(sim.base_url, declaration(size)) for _run in range(runs)]
            # The baseline is one service, not none: what any converge with a service pays once (the first lookup
            # of each kind...) is not a per-service cost.
            one = declaration(1)
            one["production"]["apps"][0]["name"] = "svc-0"
            empty = [converge(sim.base_url, one) for _run in range(runs)]
        reads, noop_writes = noop[0][1], noop[0][2]
        # The fastest of the runs: the least disturbed by the rest of the machine.
        wall = (min(run[0] for run in noop) - min(run[0] for run in empty)) / (size - 1)
        cpu = (min(run[3] for run in noop) - min(run[3] for run in empty)) / (size - 1)
        requests_ok = reads <= size + 2 and noop_writes == 0
        ok = ok and requests_ok
        rows.append(dict(size=size, first=first, first_writes=writes, noop=min(run[0] for run in noop), wall=wall,
                         cpu=cpu, reads=reads, writes=noop_writes))
    cheapest = min(row["cpu"] for row in rows)
    print("| services | first run (writes) | no-op converge | per service, wall | per service, module CPU "
          "| reads (limit) | writes |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for row in rows:
        print("| %d | %.2f s (%d) | %.3f s | %.2f ms | %.2f ms (%.2fx) | %d (%d) | %d |" % (
            row["size"], row["first"], row["first_writes"], row["noop"], row["wall"] * 1000, row["cpu"] * 1000,
            row["cpu"] / cheapest, row["reads"], row["size"] + 2, row["writes"]))
    flat = max(row["cpu"] for row in rows) <= FLAT * cheapest
    print("module CPU per service flat within %d%%: %s; no-op requests within limits: %s"
          % (round((FLAT - 1) * 100), "ok" if flat else "MISSED", "ok" if ok else "MISSED"))
    return flat and ok


def playbook(path, tasks):
    path.write_text(json.dumps([{"name": "bench", "hosts": "localhost", "connection": "local",
                                 "gather_facts": False, "tasks": tasks}]))
    return path


def run_playbook(sim, path):
    env = dict(os.environ, DOKPLOY_URL=sim.base_url, DOKPLOY_API_KEY=API_KEY,
               ANSIBLE_COLLECTIONS_PATH=collections_path(), ANSIBLE_PYTHON_INTERPRETER=sys.executable)
    command = [str(Path(sys.executable).parent / "ansible-playbook"), "-i", "localhost,", str(path)]
    started = time.perf_counter()
    completed = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    if completed.returncode != 0 or re.search(r"changed=[1-9]", completed.stdout):
        output = completed.stdout[-3000:] + completed.stderr[-2000:]
        raise RuntimeError("%s did not converge without a change:\n%s" % (path.name, output))
    return elapsed


def single_module_tasks(environments):
    apps = environments["production"]["apps"]
    common = {"project": PROJECT, "environment": "production"}
    return [
        {"community.dokploy.dokploy_app": dict(common, name="{{ item.name }}", docker_image="{{ item.docker_image }}"),
         "loop": apps},
        {"community.dokploy.dokploy_env": dict(common, app="{{ item.name }}", vars="{{ item.env }}"),
         "loop": apps, "no_log": True},
        {"community.dokploy.dokploy_domain": dict(common, app="{{ item.name }}", host="{{ item.domains[0].host }}",
                                                  port="{{ item.domains[0].port }}"), "loop": apps},
        {"community.dokploy.dokploy_mount": dict(common, app="{{ item.name }}", mount_path="/data", type="volume",
                                                 volume_name="{{ item.mounts[0].volume_name }}"), "loop": apps},
    ]


def against_tasks(size, runs):
    environments = declaration(size)
    with Simulator() as sim, tempfile.TemporaryDirectory() as folder:
        sim.start(API_KEY)
        converge(sim.base_url, environments)
        folder = Path(folder)
        empty = playbook(folder / "empty.json", [])
        pings = playbook(folder / "pings.json", [{"ansible.builtin.ping": {}}] * PING_TASKS)
        stack = playbook(folder / "stack.json", [{"community.dokploy.dokploy_stack": {
            "project": PROJECT, "environments": environments, "deploy": "never"}}])
        single = playbook(folder / "single.json", single_module_tasks(environments))
        base = statistics.median(run_playbook(sim, empty) for _run in range(runs))
        ping = statistics.median(run_playbook(sim, pings) for _run in range(runs)) - base
        stack_cost = statistics.median(run_playbook(sim, stack) for _run in range(runs)) - base
        single_cost = run_playbook(sim, single) - base
    cheap = stack_cost <= ping
    fast = single_cost / stack_cost >= SINGLE_SPEEDUP
    print("")
    print("| %d services, no change, beyond an empty play | wall time | target |" % size)
    print("|---|---:|---|")
    print("| one `dokploy_stack` task | %.2f s | |" % stack_cost)
    print("| %d `ansible.builtin.ping` tasks | %.2f s | stack <= %d pings: %s |" % (
        PING_TASKS, ping, PING_TASKS, "ok" if cheap else "MISSED"))
    print("| the same as %d single-module task runs | %.2f s | %.1fx slower than the stack (>= %.0fx): %s |" % (
        size * 4, single_cost, single_cost / stack_cost, SINGLE_SPEEDUP, "ok" if fast else "MISSED"))
    return cheap and fast


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 50, 100, 200])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--tasks-size", type=int, default=50)
    options = parser.parse_args()
    sys.path.insert(0, collections_path())
    flat = per_service_costs(options.sizes, options.runs)
    tasks = against_tasks(options.tasks_size, max(3, options.runs // 2))
    return 0 if flat and tasks else 1


if __name__ == "__main__":
    sys.exit(main())
