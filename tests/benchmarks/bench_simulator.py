"""Benchmark: does the Dokploy simulator answer `project.all` fast for an organization of 1,000 services?

Starts the simulator, creates 20 projects with 50 services each (applications,
compose stacks and the five database kinds in turn), then times 50
`project.all` calls over one keep-alive connection. Prints the median and
p95 latency and exits non-zero when the median or p95 is 50 ms or more.

    python tests/benchmarks/bench_simulator.py [--projects 20] [--per-project 50]
"""

import argparse
import http.client
import json
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "simulator"))
from harness import Simulator  # noqa: E402

API_KEY = "bench-key"
LIMIT_MS = 50.0
KINDS = ("application", "compose", "postgres", "mysql", "mariadb", "mongo", "redis")
DB_FIELDS = {
    "postgres": {"databaseName": "app", "databaseUser": "app", "databasePassword": "pw"},
    "mysql": {"databaseName": "app", "databaseUser": "app", "databasePassword": "pw",
              "databaseRootPassword": "root"},
    "mariadb": {"databaseName": "app", "databaseUser": "app", "databasePassword": "pw",
                "databaseRootPassword": "root"},
    "mongo": {"databaseUser": "app", "databasePassword": "pw"},
    "redis": {"databasePassword": "pw"},
}


class Client:
    def __init__(self, base_url):
        url = urlsplit(base_url)
        self.conn = http.client.HTTPConnection(url.hostname, url.port, timeout=30)

    def call(self, method, procedure, body=None):
        payload = json.dumps(body).encode() if body is not None else None
        headers = {"x-api-key": API_KEY, "content-type": "application/json"}
        self.conn.request(method, f"/api/{procedure}", body=payload, headers=headers)
        answer = self.conn.getresponse()
        raw = answer.read()
        if answer.status != 200:
            raise RuntimeError(f"{procedure}: {answer.status} {raw[:200]!r}")
        return json.loads(raw) if raw else None


def populate(client, projects, per_project):
    for p in range(projects):
        env_id = client.call("POST", "project.create", {"name": f"bench-{p}"})["environment"]["environmentId"]
        for s in range(per_project):
            kind = KINDS[s % len(KINDS)]
            body = {"name": f"{kind}-{s}", "environmentId": env_id, **DB_FIELDS.get(kind, {})}
            client.call("POST", f"{kind}.create", body)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", maxsplit=1)[0])
    parser.add_argument("--projects", type=int, default=20)
    parser.add_argument("--per-project", type=int, default=50)
    parser.add_argument("--calls", type=int, default=50)
    args = parser.parse_args()

    with Simulator() as sim:
        sim.start(API_KEY, request_log=False)
        client = Client(sim.base_url)
        started = time.perf_counter()
        populate(client, args.projects, args.per_project)
        print(f"created {args.projects * args.per_project} services in "
              f"{time.perf_counter() - started:.1f} s")
        tree = client.call("GET", "project.all")
        services = sum(len(env[key]) for project in tree for env in project["environments"]
                       for key in ("applications", "compose", "postgres", "mysql", "mariadb", "mongo", "redis"))
        assert services == args.projects * args.per_project, services
        timings = []
        for _call in range(args.calls):
            begin = time.perf_counter()
            client.call("GET", "project.all")
            timings.append((time.perf_counter() - begin) * 1000)
    timings.sort()
    median = statistics.median(timings)
    p95 = timings[min(len(timings) - 1, int(round(0.95 * len(timings))) - 1)]
    ok = median < LIMIT_MS and p95 < LIMIT_MS
    print(f"project.all with {services} services over {args.calls} calls: "
          f"median {median:.1f} ms, p95 {p95:.1f} ms -> "
          f"{'under' if ok else 'NOT under'} {LIMIT_MS:.0f} ms")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
