"""Give the demo's simulator something to show: a project as a user may already have in Dokploy.

Usage: python hacking/demo_seed.py BASE_URL API_KEY   (does nothing if the project exists)
"""

import json
import sys
import urllib.request


def call(base_url, key, procedure, body=None):
    request = urllib.request.Request(
        "%s/api/%s" % (base_url, procedure),
        data=None if body is None else json.dumps(body).encode(),
        headers={"x-api-key": key, "Content-Type": "application/json"},
        method="GET" if body is None else "POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        text = response.read().decode()
    return json.loads(text) if text.strip() else None


def main(base_url, key):
    if any(p["name"] == "demo-shop" for p in call(base_url, key, "project.all")):
        return
    created = call(base_url, key, "project.create", {"name": "demo-shop", "description": "Seeded by make demo"})
    environment = created["environment"]["environmentId"]
    call(base_url, key, "application.create", {"name": "web", "environmentId": environment})
    call(base_url, key, "postgres.create", {
        "name": "db", "environmentId": environment, "databaseName": "shop", "databaseUser": "shop",
        "databasePassword": "demo-password-1", "dockerImage": "postgres:16"})


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
