"""Helpers for the simulator's own tests: call a procedure, wait, make the usual parents."""

import json
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

KEY = "sim-test-key-org1-Xy7Qp2"
SECOND_KEY = "sim-test-key-org2-Lm4Rt8"
TRANSCRIPTS = Path(__file__).resolve().parents[1] / "contract" / "transcripts"


class Response:
    def __init__(self, status, content_type, raw):
        self.status = status
        self.content_type = content_type
        self.raw = raw

    def json(self):
        return json.loads(self.raw) if self.raw else None

    def __repr__(self):
        return f"Response({self.status}, {self.content_type!r}, {self.raw[:300]!r})"


def call(base_url, procedure, key=KEY, body=None, query=None, method=None, headers=None,
         timeout=10, context=None):
    """One API call; a non-2xx status is returned, not raised. Network errors are raised."""
    url = f"{base_url}/api/{procedure}"
    if query:
        url += "?" + urlencode(query)
    data = None if body is None else json.dumps(body).encode("utf-8")
    request = urllib.request.Request(url, data=data, method=method or ("GET" if data is None else "POST"))
    if key is not None:
        request.add_header("x-api-key", key)
    if data is not None:
        request.add_header("Content-Type", "application/json")
    for name, value in (headers or {}).items():
        request.add_header(name, value)
    # No proxies from the environment: the simulator is on loopback.
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}),
                                         urllib.request.HTTPSHandler(context=context))
    try:
        with opener.open(request, timeout=timeout) as response:
            return Response(response.status, response.headers.get("Content-Type"), response.read())
    except urllib.error.HTTPError as error:
        with error:
            return Response(error.code, error.headers.get("Content-Type"), error.read())


def ok(base_url, procedure, key=KEY, **kwargs):
    """An API call that must answer 200; returns the decoded body."""
    response = call(base_url, procedure, key=key, **kwargs)
    assert response.status == 200, response
    return response.json()


def wait_for(predicate, timeout=10.0, interval=0.1, what="condition"):
    """Poll `predicate` until it returns something truthy (bounded)."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(interval)


def new_project(base_url, name, key=KEY, **extra):
    created = ok(base_url, "project.create", key=key, body={"name": name, **extra})
    return created["project"], created["environment"]


def new_application(base_url, environment_id, name="app", key=KEY, **extra):
    return ok(base_url, "application.create", key=key,
              body={"name": name, "environmentId": environment_id, **extra})


def project_names(base_url, key=KEY):
    return [project["name"] for project in ok(base_url, "project.all", key=key)]


def recorded_response(scenario, label):
    steps = json.loads((TRANSCRIPTS / f"{scenario}.json").read_text())["steps"]
    return next(step for step in steps if step["label"] == label)


def default_env(project):
    """The default environment of a project as project.one/project.all answer it (never by position:
    Dokploy lists environments in row order)."""
    return next(env for env in project["environments"] if env["isDefault"])
