"""A Dokploy v0.30.x API simulator for tests (standard library only).

It speaks Dokploy's plain API (`/api/<router>.<procedure>`, queries as GET
with query parameters, mutations as POST with a JSON body, `x-api-key`
auth) and answers with the shapes, status codes and error bodies recorded
from a real Dokploy v0.30.2 (tests/contract/transcripts). Request inputs are
validated against the real server's OpenAPI document (openapi.json, a copy
of the server's own) with zod's error bodies.

Usage:
    python tests/simulator/dokploy_sim.py --port 0 --api-key KEY
The first line on stdout is the base URL (no `/api`); it serves until
SIGTERM/SIGINT.

Making deployments fail (there is no admin procedure, so nothing can clash
with a real one):
  * `--fail-deploys`: behave like a Dokploy host without a Docker daemon,
    which is how the transcripts were recorded: application/compose
    deployments end in `error` with the recorded log, database deploys,
    `start`, `reload`, `saveExternalPort` and `changePassword` answer the
    recorded 500s.
  * marker: a service whose env blob holds the line `SIMULATOR_DEPLOY_FAIL=1`
    fails its deployments (same log / 500 as above); other services of the
    same server deploy normally.

Other behaviour worth knowing:
  * deployments are `running` for `--deploy-seconds` (default 1), then
    `done` (or `error`); with 0 they finish before the deploy call answers.
  * `--fault-rate R` makes that share of API requests answer 502 or 503,
    reset the connection or stall for `--stall-seconds` (default 30) and then
    close it. Half of the fault kinds strike after a write was applied
    (the write persists), the others before (nothing is applied).
  * `--latency S` delays every API request by S seconds (half before it is
    applied, half before it is answered), so that races between clients show.
  * `--request-log FILE` appends {"method", "procedure", "status"} per API
    request (status 0 when the connection was reset or stalled).
  * `--state FILE` loads the state at start if the file exists and saves it
    after every applied write and at exit.
"""

import argparse
import copy
import datetime
import json
import os
import random
import re
import secrets
import signal
import socket
import ssl
import string
import struct
import sys
import threading
import time
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))
import zodlike  # noqa: E402

HERE = Path(__file__).resolve().parent
DOKPLOY_VERSION = "v0.30.2"
TEMPLATES = json.loads((HERE / "templates.json").read_text())

SERVICE_KINDS = ("application", "compose", "postgres", "mysql", "mariadb", "mongo", "redis")
DB_KINDS = ("postgres", "mysql", "mariadb", "mongo", "redis")
CHILD_KINDS = ("domain", "mount", "port", "redirect", "security", "deployment")
TABLES = ("project", "environment") + SERVICE_KINDS + CHILD_KINDS

NO_DOCKER = "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?"
FAILED_DEPLOY_LOG = ("Initializing deployment\nconnect ENOENT /var/run/docker.sock\n"
                     "Error occurred \u274c, check the logs for details.\n")
DONE_DEPLOY_LOG = ("Initializing deployment\nPulling image and preparing the service\n"
                   "Starting service\nDocker Deployed: \u2705\n")
FAIL_MARKER = re.compile(r"^SIMULATOR_DEPLOY_FAIL=1\s*$", re.M)

# Per database engine: what differs between postgres, mysql, mariadb, mongo and redis.
# `label` is how the router names the engine in its 401 messages; `image` the default
# dockerImage; `mount` where the default data volume is mounted.
DB_ENGINES = {
    "postgres": {"label": "Postgres", "not_found": "Postgres not found",
                 "update_error": "Error updating Postgres", "image": "postgres:18",
                 "mount": "/var/lib/postgresql/data", "backups": True,
                 "change_password": 'docker exec "$CONTAINER_ID" psql -U {databaseUser} -c '
                                    '"ALTER USER \\"{databaseUser}\\" WITH PASSWORD \'{password}\';"'},
    "mysql": {"label": "MySQL", "not_found": "MySql not found",
              "update_error": "Update: Error updating MySQL", "image": "mysql:8",
              "mount": "/var/lib/mysql", "backups": True,
              "change_password": 'docker exec "$CONTAINER_ID" mysql -u root -p\'{databaseRootPassword}\' -e '
                                 '"ALTER USER \'{target}\'@\'%\' IDENTIFIED BY \'{password}\'; FLUSH PRIVILEGES;"'},
    "mariadb": {"label": "Mariadb", "not_found": "Mariadb not found",
                "update_error": "Update: Error updating Mariadb", "image": "mariadb:6",
                "mount": "/var/lib/mysql", "backups": True,
                "change_password": 'docker exec "$CONTAINER_ID" mariadb -u root -p\'{databaseRootPassword}\' -e '
                                   '"ALTER USER \'{target}\'@\'%\' IDENTIFIED BY \'{password}\'; FLUSH PRIVILEGES;"'},
    "mongo": {"label": "mongo", "not_found": "Mongo not found",
              "update_error": "Update: Error updating Mongo", "image": "mongo:15",
              "mount": "/data/db", "backups": True,
              "change_password": 'docker exec "$CONTAINER_ID" mongosh -u \'{databaseUser}\' -p \'{databasePassword}\' '
                                 '--authenticationDatabase admin --eval "db.getSiblingDB(\'admin\')'
                                 '.changeUserPassword(\'{databaseUser}\', \'{password}\')"'},
    "redis": {"label": "Redis", "not_found": "Redis not found",
              "update_error": "Error updating Redis", "image": "redis:8",
              "mount": "/data", "backups": False,
              "change_password": 'docker exec "$CONTAINER_ID" redis-cli -a \'{databasePassword}\' '
                                 'CONFIG SET requirepass \'{password}\''},
}

# Words for generated appNames (Dokploy uses faker's hacker verb-adjective-noun).
VERBS = ("connect", "bypass", "copy", "hack", "input", "override", "transmit", "index",
         "compress", "generate", "navigate", "calculate", "synthesize", "parse", "quantify")
ADJECTIVES = ("cross-platform", "redundant", "multi-byte", "solid-state", "mobile", "primary",
              "virtual", "neural", "optical", "online", "back-end", "open-source", "haptic", "1080p")
NOUNS = ("feed", "panel", "circuit", "monitor", "alarm", "protocol", "driver", "program",
         "interface", "card", "matrix", "bandwidth", "pixel", "port", "application", "microchip")

ID_ALPHABET = string.ascii_letters + string.digits + "_-"
SUFFIX_ALPHABET = "abcdefghijklmnopqrstuvwxyz123456789"


def new_id():
    return "".join(secrets.choice(ID_ALPHABET) for _position in range(21))


def now_iso(epoch=None):
    stamp = datetime.datetime.fromtimestamp(time.time() if epoch is None else epoch, datetime.timezone.utc)
    return stamp.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def app_name(prefix, requested=None):
    """Dokploy's buildAppName: a random 6-character suffix, always."""
    suffix = "".join(secrets.choice(SUFFIX_ALPHABET) for _position in range(6))
    if requested:
        return f"{requested.strip().replace(' ', '-').lower()}-{suffix}"
    words = (random.choice(VERBS), random.choice(ADJECTIVES), random.choice(NOUNS))
    return f"{prefix}-{'-'.join(words)}-{suffix}"


def generate_password():
    return "".join(secrets.choice(string.ascii_letters + string.digits) for _position in range(16))


def template(kind):
    """A fresh record of `kind` with the recorded key order and defaults."""
    return copy.deepcopy(TEMPLATES[kind])


def pick(record, fields):
    """A light projection; `server` is a relation that is always null here."""
    return {f: (None if f == "server" else record.get(f)) for f in fields}


class ApiError(Exception):
    STATUS = {"BAD_REQUEST": 400, "UNAUTHORIZED": 401, "FORBIDDEN": 403, "NOT_FOUND": 404,
              "CONFLICT": 409, "INTERNAL_SERVER_ERROR": 500}

    def __init__(self, code, message):
        super().__init__(message)
        self.code = code
        self.message = message


def bad_request(message):
    return ApiError("BAD_REQUEST", message)


def not_found(message):
    return ApiError("NOT_FOUND", message)


def unauthorized(message):
    return ApiError("UNAUTHORIZED", message)


def server_error(message):
    return ApiError("INTERNAL_SERVER_ERROR", message)


# --------------------------------------------------------------------------
# State
# --------------------------------------------------------------------------

class Store:
    """All objects of all organizations, as flat records keyed by id."""

    def __init__(self, state_file=None):
        self.lock = threading.RLock()
        self.state_file = state_file
        self.tables = {kind: {} for kind in TABLES}
        self.orgs = [new_id(), new_id()]
        self.serials = {"domain": 0, "redirect": 0}
        # deploymentId -> {"finish_at": epoch, "ok": bool, "log": str, "settled": bool}
        self.deploy_meta = {}
        if state_file and os.path.exists(state_file):
            self.load()

    def load(self):
        data = json.loads(Path(self.state_file).read_text())
        self.tables.update({k: dict(v) for k, v in data["tables"].items()})
        self.orgs = data["orgs"]
        self.serials = data["serials"]
        self.deploy_meta = data["deploy_meta"]

    def save(self):
        if not self.state_file:
            return
        # Under the lock, so that an older snapshot can never replace a newer one.
        with self.lock:
            text = json.dumps({"tables": self.tables, "orgs": self.orgs,
                               "serials": self.serials, "deploy_meta": self.deploy_meta})
            tmp = f"{self.state_file}.tmp"
            Path(tmp).write_text(text)
            os.replace(tmp, self.state_file)

    def next_serial(self, kind):
        self.serials[kind] += 1
        return self.serials[kind]

    def insert(self, kind, record):
        self.tables[kind][record[id_field(kind)]] = record
        return record

    def get(self, kind, ident):
        table = self.tables.get(kind, {})  # kinds the simulator does not model hold nothing
        return table.get(ident) if isinstance(ident, str) else None

    def where(self, kind, **match):
        return [r for r in self.tables[kind].values()
                if all(r.get(k) == v for k, v in match.items())]


def id_field(kind):
    return f"{kind}Id"


STATUS_FIELD = {kind: ("composeStatus" if kind == "compose" else "applicationStatus")
                for kind in SERVICE_KINDS}


# --------------------------------------------------------------------------
# The API: one instance per server, handlers take (ctx, input)
# --------------------------------------------------------------------------

class Context:
    """Who is calling: the organization of the API key."""

    def __init__(self, org):
        self.org = org


class Api:
    def __init__(self, store, deploy_seconds=1.0, fail_deploys=False):
        self.store = store
        self.deploy_seconds = deploy_seconds
        self.fail_deploys = fail_deploys

    # ---- lookups and access -------------------------------------------------

    def project(self, ctx, project_id, denied="access"):
        project = self.store.get("project", project_id)
        if project is None:
            raise not_found("Project not found")
        if project["organizationId"] != ctx.org:
            raise unauthorized(f"You are not authorized to {denied} this project")
        return project

    def environment(self, ctx, environment_id):
        env = self.store.get("environment", environment_id)
        if env is None:
            raise not_found("Environment not found")
        if self.org_of("environment", env) != ctx.org:
            raise ApiError("FORBIDDEN", "You are not allowed to access this environment")
        return env

    def org_of(self, kind, record):
        """The organization owning a record (walks up to its project)."""
        while kind != "project":
            if kind == "environment":
                kind, record = "project", self.store.get("project", record["projectId"])
            elif kind in SERVICE_KINDS:
                kind, record = "environment", self.store.get("environment", record["environmentId"])
            else:
                owner = self.owner_of(record)
                if owner is None:
                    return None
                kind, record = owner
            if record is None:
                return None
        return record["organizationId"]

    def owner_of(self, record):
        for kind in SERVICE_KINDS:
            ident = record.get(id_field(kind))
            if ident:
                service = self.store.get(kind, ident)
                return (kind, service) if service else None
        return None

    def service(self, ctx, kind, ident, missing=None, denied="access"):
        record = self.store.get(kind, ident)
        if record is None:
            raise missing or not_found(NOT_FOUND_MESSAGES.get(kind, f"{kind.capitalize()} not found"))
        if self.org_of(kind, record) != ctx.org:
            raise unauthorized(f"You are not authorized to {denied} this {ACCESS_LABELS[kind]}")
        return record

    def child(self, ctx, kind, ident, missing=None):
        record = self.store.get(kind, ident)
        if record is None or self.org_of(kind, record) != ctx.org:
            raise missing or not_found(NOT_FOUND_MESSAGES[kind])
        return record

    # ---- shapes -------------------------------------------------------------

    def env_with_project(self, env):
        return {**env, "project": self.store.get("project", env["projectId"])}

    def services_of_env(self, env_id):
        found = {kind: [] for kind in SERVICE_KINDS}
        for kind in SERVICE_KINDS:
            for record in self.store.tables[kind].values():
                if record["environmentId"] == env_id:
                    found[kind].append(record)
        return found

    def deployments_of(self, kind, ident):
        rows = [d for d in self.store.tables["deployment"].values() if d.get(id_field(kind)) == ident]
        return rows[::-1]  # newest first

    def full_application(self, app, with_access=True):
        ident = app["applicationId"]
        out = {**app, "environment": self.env_with_project(self.store.get("environment", app["environmentId"])),
               "domains": self.store.where("domain", applicationId=ident),
               "deployments": self.deployments_of("application", ident),
               "mounts": self.store.where("mount", applicationId=ident),
               "redirects": self.store.where("redirect", applicationId=ident),
               "security": self.store.where("security", applicationId=ident),
               "ports": self.store.where("port", applicationId=ident),
               "gitlab": None, "github": None, "bitbucket": None, "gitea": None, "server": None,
               "previewDeployments": [], "registry": None, "buildRegistry": None, "rollbackRegistry": None}
        if with_access:
            out.update(hasGitProviderAccess=True, unauthorizedProvider=None)
        return out

    def full_compose(self, compose, with_access=True):
        ident = compose["composeId"]
        out = {**compose, "environment": self.env_with_project(self.store.get("environment", compose["environmentId"])),
               "deployments": self.deployments_of("compose", ident),
               "mounts": self.store.where("mount", composeId=ident),
               "domains": self.store.where("domain", composeId=ident),
               "github": None, "gitlab": None, "bitbucket": None, "gitea": None, "server": None,
               "backups": []}
        if with_access:
            out.update(hasGitProviderAccess=True, unauthorizedProvider=None)
        return out

    def full_database(self, kind, record):
        out = {**record, "environment": self.env_with_project(self.store.get("environment", record["environmentId"])),
               "mounts": self.store.where("mount", **{id_field(kind): record[id_field(kind)]}),
               "server": None}
        if DB_ENGINES[kind]["backups"]:
            out["backups"] = []
        return out

    # ---- deployments --------------------------------------------------------

    def should_fail(self, record):
        return self.fail_deploys or bool(FAIL_MARKER.search(record.get("env") or ""))

    def start_deployment(self, kind, record, title, description):
        stamp = now_iso()
        name = record["appName"]
        log_stamp = stamp[:10] + ":" + stamp[11:19]
        deployment = template("deployment")
        deployment.update(deploymentId=new_id(), title=title, description=description or "",
                          status="running", logPath=f"/etc/dokploy/logs/{name}/{name}-{log_stamp}.log",
                          createdAt=stamp, startedAt=stamp)
        deployment[id_field(kind)] = record[id_field(kind)]
        # Dokploy runs one deployment of a service at a time: this one ends
        # deploy_seconds after the ones still running for the same service.
        busy_until = self.busy_until(kind, record[id_field(kind)])
        self.store.insert("deployment", deployment)
        ok = not self.should_fail(record)
        self.store.deploy_meta[deployment["deploymentId"]] = {
            "finish_at": max(busy_until, time.time()) + self.deploy_seconds, "ok": ok,
            "log": DONE_DEPLOY_LOG if ok else FAILED_DEPLOY_LOG}
        record[STATUS_FIELD[kind]] = "running"
        if self.deploy_seconds <= 0:
            self.settle()

    def busy_until(self, kind, ident):
        ends = [self.store.deploy_meta[d["deploymentId"]]["finish_at"]
                for d in self.deployments_of(kind, ident) if d["status"] == "running"]
        return max(ends, default=time.time())

    def settle(self):
        """Finish deployments whose time has come (lazily, on every request)."""
        now = time.time()
        for ident, meta in self.store.deploy_meta.items():
            if meta.get("settled"):
                continue
            deployment = self.store.tables["deployment"].get(ident)
            if deployment is None or meta["finish_at"] > now:
                continue
            meta["settled"] = True
            deployment["status"] = "done" if meta["ok"] else "error"
            deployment["finishedAt"] = now_iso(meta["finish_at"])
            owner = self.owner_of(deployment)
            if owner:
                kind, service = owner
                queued = [d for d in self.deployments_of(kind, service[id_field(kind)]) if d["status"] == "running"]
                if not queued:  # a queued deployment of the service keeps it `running`
                    service[STATUS_FIELD[kind]] = deployment["status"]

    def docker_failure(self, record):
        name = record["appName"]
        return server_error(f"Command execution failed: Command failed: docker service scale {name}=1 \n"
                            f"{name}: {NO_DOCKER}\n")


NOT_FOUND_MESSAGES = {
    "application": "Application not found", "compose": "Compose not found",
    **{kind: DB_ENGINES[kind]["not_found"] for kind in DB_KINDS},
    "domain": "Domain not found", "mount": "Mount not found", "port": "Port not found",
    "redirect": "Redirect not found", "security": "Security not found",
    "deployment": "Deployment not found",
}
ACCESS_LABELS = {"application": "application", "compose": "compose",
                 **{kind: DB_ENGINES[kind]["label"] for kind in DB_KINDS}}

# Light service shapes, as each listing procedure answers them.
PROJECT_ALL_FIELDS = {"application": ("applicationId", "name", "applicationStatus"),
                      "compose": ("composeId", "name", "composeStatus")}
PROJECT_ONE_FIELDS = {
    "application": ("name", "description", "appName", "createdAt", "serverId", "applicationStatus",
                    "applicationId", "icon", "server"),
    "compose": ("name", "description", "appName", "createdAt", "serverId", "composeId",
                "composeStatus", "server"),
    **{kind: ("name", "description", "appName", "createdAt", "serverId", "applicationStatus",
              id_field(kind), "server") for kind in DB_KINDS},
}
BY_PROJECT_FIELDS = {**PROJECT_ONE_FIELDS,
                     "compose": PROJECT_ONE_FIELDS["compose"][:-1] + ("icon", "server")}
ENVIRONMENT_ONE_FIELDS = {
    "application": ("name", "applicationId", "createdAt", "applicationStatus", "description",
                    "serverId", "icon", "server"),
    "compose": ("composeId", "name", "createdAt", "composeStatus", "description", "serverId",
                "icon", "server"),
    **{kind: (id_field(kind), "name", "description", "createdAt", "applicationStatus", "serverId",
              "server") for kind in DB_KINDS},
}
# Key order of the service lists inside environments, per procedure.
ONE_ORDER = ("applications", "compose", "libsql", "mariadb", "mongo", "mysql", "postgres", "redis")
LIST_ORDER = ("applications", "mariadb", "mongo", "mysql", "postgres", "redis", "compose", "libsql")


def service_lists(services, fields, order):
    out = {}
    for key in order:
        kind = "application" if key == "applications" else key
        out[key] = [] if kind == "libsql" else [pick(r, fields[kind]) for r in services[kind]]
    return out


# --------------------------------------------------------------------------
# project.* and environment.*
# --------------------------------------------------------------------------

def project_create(api, ctx, data):
    project = template("project")
    project.update(projectId=new_id(), name=data["name"], description=data.get("description"),
                   createdAt=now_iso(), organizationId=ctx.org, env=data.get("env", ""))
    api.store.insert("project", project)
    env = new_environment(api, project["projectId"], "production", "Production environment", True)
    return {"project": project, "environment": env}


def new_environment(api, project_id, name, description, is_default):
    env = template("environment")
    env.update(environmentId=new_id(), name=name, description=description, createdAt=now_iso(),
               env="", projectId=project_id, isDefault=is_default)
    return api.store.insert("environment", env)


def project_one(api, ctx, data):
    project = api.project(ctx, data["projectId"])
    environments = []
    for env in api.store.where("environment", projectId=project["projectId"]):
        services = api.services_of_env(env["environmentId"])
        environments.append({**env, **service_lists(services, PROJECT_ONE_FIELDS, ONE_ORDER)})
    return {**project, "environments": environments, "projectTags": []}


def project_all(api, ctx, data):
    envs_by_project, services_by_env = {}, {}
    for env in api.store.tables["environment"].values():
        envs_by_project.setdefault(env["projectId"], []).append(env)
    for kind in SERVICE_KINDS:
        fields = PROJECT_ALL_FIELDS.get(kind, (id_field(kind),))
        for record in api.store.tables[kind].values():
            bucket = services_by_env.setdefault(record["environmentId"], {k: [] for k in SERVICE_KINDS})
            bucket[kind].append({f: record[f] for f in fields})
    empty = {k: [] for k in SERVICE_KINDS}
    out = []
    for project in reversed(list(api.store.tables["project"].values())):
        if project["organizationId"] != ctx.org:
            continue
        environments = []
        for env in envs_by_project.get(project["projectId"], ()):
            services = services_by_env.get(env["environmentId"], empty)
            lists = {key: services["application" if key == "applications" else key]
                     if key != "libsql" else [] for key in LIST_ORDER}
            environments.append({"name": env["name"], "environmentId": env["environmentId"],
                                 "isDefault": env["isDefault"], **lists})
        out.append({**project, "environments": environments, "projectTags": []})
    return out


def project_update(api, ctx, data):
    project = api.project(ctx, data["projectId"], denied="update")
    project.update({k: v for k, v in data.items() if k not in ("projectId", "organizationId", "createdAt")})
    return project


def project_remove(api, ctx, data):
    project = api.project(ctx, data["projectId"], denied="delete")
    for env in api.store.where("environment", projectId=project["projectId"]):
        remove_environment_tree(api, env)
    del api.store.tables["project"][project["projectId"]]
    return project


def project_search(api, ctx, data):
    def matches(p):
        return (_contains(p["name"], data.get("name")) and _contains(p["description"], data.get("description"))
                and (not data.get("q") or _contains(p["name"], data["q"]) or _contains(p["description"], data["q"])))
    rows = [p for p in reversed(list(api.store.tables["project"].values()))
            if p["organizationId"] == ctx.org and matches(p)]
    return paged(rows, data)


def _contains(value, needle):
    return not needle or needle.lower() in (value or "").lower()


def paged(rows, data):
    offset, limit = int(data.get("offset", 0)), int(data.get("limit", 20))
    return {"items": rows[offset:offset + limit], "total": len(rows)}


def environment_create(api, ctx, data):
    api.project(ctx, data["projectId"])
    if data["name"] == "production":
        raise bad_request("You cannot create a environment with the name 'production'")
    return new_environment(api, data["projectId"], data["name"], data.get("description"), False)


def environment_one(api, ctx, data):
    env = api.environment(ctx, data["environmentId"])
    services = api.services_of_env(env["environmentId"])
    head = {k: env[k] for k in ("name", "description", "environmentId", "isDefault", "projectId", "env")}
    return {**head, **service_lists(services, ENVIRONMENT_ONE_FIELDS, LIST_ORDER),
            "project": api.store.get("project", env["projectId"])}


def environment_by_project(api, ctx, data):
    # An unknown project has no environments: the real server answers [].
    project = api.store.get("project", data["projectId"])
    if project is None:
        return []
    if project["organizationId"] != ctx.org:
        raise bad_request("Error fetching environments: You are not allowed to access this environment")
    out = []
    for env in api.store.where("environment", projectId=project["projectId"]):
        services = api.services_of_env(env["environmentId"])
        head = {k: env[k] for k in ("name", "description", "environmentId", "isDefault")}
        out.append({**head, **service_lists(services, BY_PROJECT_FIELDS, LIST_ORDER), "project": project})
    return out


def environment_update(api, ctx, data):
    # The router wraps every failure into one 400 "Error updating the environment: ...".
    try:
        env = api.environment(ctx, data["environmentId"])
        if env["isDefault"] and "name" in data:
            raise bad_request("You cannot rename the default environment")
    except ApiError as error:
        raise bad_request(f"Error updating the environment: {error.message}")
    env.update({k: v for k, v in data.items() if k not in ("environmentId", "projectId")})
    return env


def environment_remove(api, ctx, data):
    env = api.environment(ctx, data["environmentId"])
    if env["isDefault"]:
        raise bad_request("You cannot delete the default environment")
    # Dokploy v0.30 (services/environment.ts, deleteEnvironment) refuses to drop services with the environment.
    if any(api.store.where(kind, environmentId=env["environmentId"]) for kind in SERVICE_KINDS):
        raise bad_request("Cannot delete environment: it has active services. Delete all services first.")
    remove_environment_tree(api, env)
    return env


def remove_environment_tree(api, env):
    for kind in SERVICE_KINDS:
        for record in api.store.where(kind, environmentId=env["environmentId"]):
            remove_service_tree(api, kind, record)
    del api.store.tables["environment"][env["environmentId"]]


def remove_service_tree(api, kind, record):
    ident = record[id_field(kind)]
    for child in CHILD_KINDS:
        for row in api.store.where(child, **{id_field(kind): ident}):
            del api.store.tables[child][row[id_field(child)]]
            api.store.deploy_meta.pop(row.get("deploymentId"), None)
    del api.store.tables[kind][ident]


# --------------------------------------------------------------------------
# Services shared by application, compose and the databases
# --------------------------------------------------------------------------

def new_service(api, ctx, kind, data, **fields):
    env = api.store.get("environment", data["environmentId"])
    if env is None:
        raise not_found("Environment not found")
    if api.org_of("environment", env) != ctx.org:
        raise unauthorized("You are not authorized to access this project")
    record = template(kind)
    prefix = "app" if kind == "application" else kind
    record.update({id_field(kind): new_id(), "name": data["name"],
                   "appName": app_name(prefix, data.get("appName")),
                   "description": data.get("description"), "createdAt": now_iso(),
                   "environmentId": env["environmentId"], "serverId": data.get("serverId")})
    record.update(fields)
    return api.store.insert(kind, record)


def update_fields(record, data, skip=()):
    """Dialect B (`*.update`): keys present are written, missing keys keep their value."""
    for key, value in data.items():
        if key in record and key not in skip:
            record[key] = value


# Fields `<kind>.search` matches: `q` matches any of them, each also filters on its own.
SEARCH_FIELDS = {"application": ("name", "appName", "description", "repository", "owner", "dockerImage"),
                 "compose": ("name", "appName", "description")}


def service_search(kind):
    fields = (id_field(kind), "name", "appName", "description", "environmentId",
              STATUS_FIELD[kind], "sourceType", "createdAt")
    searched = SEARCH_FIELDS[kind]

    def matches(api, ctx, record, data):
        env = api.store.get("environment", record["environmentId"])
        query = (data.get("q") or "").strip()
        return (api.org_of(kind, record) == ctx.org
                and data.get("environmentId", record["environmentId"]) == record["environmentId"]
                and data.get("projectId", env["projectId"]) == env["projectId"]
                and all(_contains(record.get(f), (data.get(f) or "").strip()) for f in searched)
                and (not query or any(_contains(record.get(f), query) for f in searched)))

    def search(api, ctx, data):
        newest_first = reversed(list(api.store.tables[kind].values()))
        return paged([{f: r.get(f) for f in fields} for r in newest_first if matches(api, ctx, r, data)], data)
    return search


# --------------------------------------------------------------------------
# application.*
# --------------------------------------------------------------------------

def application_create(api, ctx, data):
    return new_service(api, ctx, "application", data, refreshToken=new_id())


def application_one(api, ctx, data):
    return api.full_application(api.service(ctx, "application", data["applicationId"]))


def application_update(api, ctx, data):
    app = api.store.get("application", data["applicationId"])
    if app is None or api.org_of("application", app) != ctx.org:
        raise bad_request("Error updating application")
    update_fields(app, data, skip=("applicationId", "appName", "environmentId", "createdAt"))
    return True


def application_delete(api, ctx, data):
    app = api.service(ctx, "application", data["applicationId"], denied="delete")
    shape = api.full_application(app, with_access=False)
    remove_service_tree(api, "application", app)
    return shape


def saver(kind, fields, **fixed):
    """Dialect A (`save*`): every field is required (validation) and written."""
    def save(api, ctx, data):
        record = api.service(ctx, kind, data[id_field(kind)])
        for field in fields:
            if field in data:
                record[field] = data[field]
        record.update(fixed)
        return True
    return save


def application_deploy(default_title):
    def deploy(api, ctx, data):
        app = api.service(ctx, "application", data["applicationId"])
        api.start_deployment("application", app, data.get("title") or default_title, data.get("description"))
        return None  # the real server answers an empty body
    return deploy


def application_start(api, ctx, data):
    app = api.service(ctx, "application", data["applicationId"])
    if api.fail_deploys:
        raise api.docker_failure(app)
    shape = api.full_application(app, with_access=False)
    app["applicationStatus"] = "done"
    return shape


def application_stop(api, ctx, data):
    app = api.service(ctx, "application", data["applicationId"])
    shape = api.full_application(app, with_access=False)
    app["applicationStatus"] = "idle"
    return shape


def application_reload(api, ctx, data):
    app = api.service(ctx, "application", data["applicationId"])
    if api.fail_deploys:
        raise server_error("Error reloading application")
    app["applicationStatus"] = "done"
    return True


def application_cancel(api, ctx, data):
    api.service(ctx, "application", data["applicationId"])
    raise bad_request("Deployment cancellation only available in cloud version")


# --------------------------------------------------------------------------
# compose.*
# --------------------------------------------------------------------------

def compose_create(api, ctx, data):
    return new_service(api, ctx, "compose", data, refreshToken=new_id(),
                       composeType=data.get("composeType", "docker-compose"),
                       composeFile=data.get("composeFile", ""))


def compose_one(api, ctx, data):
    return api.full_compose(api.service(ctx, "compose", data["composeId"]))


def compose_update(api, ctx, data):
    compose = api.store.get("compose", data["composeId"])
    if compose is None or api.org_of("compose", compose) != ctx.org:
        return None  # the real server answers 200 with an empty body
    update_fields(compose, data, skip=("composeId", "appName", "environmentId", "createdAt"))
    return compose


def compose_delete(api, ctx, data):
    compose = api.service(ctx, "compose", data["composeId"], denied="delete")
    shape = api.full_compose(compose, with_access=False)
    remove_service_tree(api, "compose", compose)
    return shape


def compose_deploy(default_title, message):
    def deploy(api, ctx, data):
        compose = api.service(ctx, "compose", data["composeId"])
        api.start_deployment("compose", compose, data.get("title") or default_title, data.get("description"))
        return {"success": True, "message": message, "composeId": compose["composeId"]}
    return deploy


def compose_set_status(status):
    def handler(api, ctx, data):
        compose = api.service(ctx, "compose", data["composeId"])
        if api.fail_deploys and status == "done":
            raise api.docker_failure(compose)
        compose["composeStatus"] = status
        return True
    return handler


def compose_load_services(api, ctx, data):
    compose = api.service(ctx, "compose", data["composeId"])
    return compose_service_names(compose.get("composeFile") or "")


def compose_service_names(text):
    """The keys under a top-level `services:` of a compose file (no YAML library needed)."""
    names, inside, indent = [], False, None
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        depth = len(line) - len(line.lstrip())
        if depth == 0:
            inside = line.rstrip() == "services:"
            indent = None
            continue
        if inside:
            indent = depth if indent is None else indent
            match = re.match(r"\s*['\"]?([^'\":]+)['\"]?\s*:", line)
            if depth == indent and match:
                names.append(match.group(1))
    return names


# --------------------------------------------------------------------------
# Databases: one implementation, parametrized by DB_ENGINES
# --------------------------------------------------------------------------

def db_handlers(kind):
    engine = DB_ENGINES[kind]
    key = id_field(kind)

    def create(api, ctx, data):
        extra = {f: data[f] for f in ("databaseName", "databaseUser", "databaseRootPassword") if f in data}
        record = new_service(api, ctx, kind, data, dockerImage=data.get("dockerImage") or engine["image"],
                             databasePassword=data.get("databasePassword") or generate_password(), **extra)
        mount = template("mount")
        mount.update(mountId=new_id(), type="volume", volumeName=f"{record['appName']}-data",
                     serviceType=kind, mountPath=db_mount_path(kind, record["dockerImage"]))
        mount[key] = record[key]
        api.store.insert("mount", mount)
        return record

    def one(api, ctx, data):
        return api.full_database(kind, api.service(ctx, kind, data[key]))

    def update(api, ctx, data):
        record = api.store.get(kind, data[key])
        if record is None or api.org_of(kind, record) != ctx.org:
            raise bad_request(engine["update_error"])
        update_fields(record, data, skip=(key, "appName", "environmentId", "createdAt"))
        return True

    def remove(api, ctx, data):
        record = api.service(ctx, kind, data[key], denied="delete")
        shape = api.full_database(kind, record)
        remove_service_tree(api, kind, record)
        return shape

    def deploy_now(api, record):
        """Databases deploy synchronously; a failure is a 500 and leaves `error`."""
        if api.should_fail(record):
            record["applicationStatus"] = "error"
            raise server_error(f"Error on deploy {kind}Error: {NO_DOCKER}\n")
        record["applicationStatus"] = "done"

    def deploy(api, ctx, data):
        record = api.service(ctx, kind, data[key])
        shape = api.full_database(kind, record)
        deploy_now(api, record)
        return shape

    def start(api, ctx, data):
        record = api.service(ctx, kind, data[key])
        if api.fail_deploys:
            raise api.docker_failure(record)
        shape = api.full_database(kind, record)
        record["applicationStatus"] = "done"
        return shape

    def stop(api, ctx, data):
        record = api.service(ctx, kind, data[key])
        shape = api.full_database(kind, record)
        record["applicationStatus"] = "idle"
        return shape

    def reload(api, ctx, data):
        record = api.service(ctx, kind, data[key])
        if api.fail_deploys:
            raise api.docker_failure(record)
        record["applicationStatus"] = "done"
        return True

    def change_password(api, ctx, data):
        record = api.service(ctx, kind, data[key])
        target = "root" if data.get("type") == "root" else record.get("databaseUser")
        command = engine["change_password"].format(password=data["password"], target=target,
                                                   **{k: v for k, v in record.items() if isinstance(v, str)})
        name = record["appName"]
        if api.fail_deploys or record["applicationStatus"] != "done":
            # The new value is written in a transaction that the failure rolls back.
            script = (f"\n\t\t\t\tCONTAINER_ID=$(docker ps -q --filter \"status=running\" --filter "
                      f"\"label=com.docker.swarm.service.name={name}\" | head -n 1)\n"
                      f"\t\t\t\tif [ -z \"$CONTAINER_ID\" ]; then\n"
                      f"\t\t\t\t\techo \"No running container found for {name}\" >&2\n"
                      f"\t\t\t\t\texit 1\n\t\t\t\tfi\n\t\t\t\t{command}\n\t\t\t")
            stderr = (f"{NO_DOCKER}\n" if api.fail_deploys else "") + f"No running container found for {name}\n"
            raise server_error(f"Command execution failed: Command failed: {script}\n{stderr}")
        record["databaseRootPassword" if data.get("type") == "root" else "databasePassword"] = data["password"]
        return True

    def save_external_port(api, ctx, data):
        record = api.service(ctx, kind, data[key])
        shape = api.full_database(kind, record)
        record["externalPort"] = data["externalPort"]
        deploy_now(api, record)
        return shape

    return {
        "create": ("POST", create), "one": ("GET", one), "update": ("POST", update),
        "remove": ("POST", remove), "saveEnvironment": ("POST", saver(kind, ("env",))),
        "deploy": ("POST", deploy), "start": ("POST", start), "stop": ("POST", stop),
        "reload": ("POST", reload), "changePassword": ("POST", change_password),
        "saveExternalPort": ("POST", save_external_port),
    }


def db_mount_path(kind, image):
    if kind == "postgres":
        match = re.search(r"postgres:(\d+)", image or "")
        if match and int(match.group(1)) >= 18:
            return f"/var/lib/postgresql/{int(match.group(1))}/docker"
    return DB_ENGINES[kind]["mount"]


# --------------------------------------------------------------------------
# domain.*, mounts.*, port.*, redirects.*, security.*
# --------------------------------------------------------------------------

def domain_create(api, ctx, data):
    owner_kind = "compose" if data.get("composeId") else "application"
    try:
        owner = api.service(ctx, owner_kind, data.get(id_field(owner_kind)))
    except ApiError as error:
        raise bad_request(error.message)  # the router turns every failure into a 400
    domain = template("domain")
    # Keys given are stored as given (an explicit null too); the rest keep the column defaults.
    domain.update({k: v for k, v in data.items() if k in domain})
    domain.update(domainId=new_id(), host=data["host"].strip(), createdAt=now_iso(),
                  uniqueConfigKey=api.store.next_serial("domain"))
    domain[id_field(owner_kind)] = owner[id_field(owner_kind)]
    return api.store.insert("domain", domain)


def domain_one(api, ctx, data):
    domain = api.child(ctx, "domain", data["domainId"])
    app = api.store.get("application", domain["applicationId"])
    summary = app and {"applicationId": app["applicationId"], "appName": app["appName"], "name": app["name"]}
    return {**domain, "application": summary}


def domains_of(kind):
    def listing(api, ctx, data):
        owner = api.service(ctx, kind, data[id_field(kind)])
        summary = {id_field(kind): owner[id_field(kind)], "appName": owner["appName"], "name": owner["name"]}
        return [{**d, kind: summary} for d in api.store.where("domain", **{id_field(kind): owner[id_field(kind)]})]
    return listing


def overview_domains(api, ctx, data):
    """Every domain of the caller's organization with its owning service (v0.30.2 services/overview.ts)."""
    found = []
    for domain in api.store.tables["domain"].values():
        owner = api.owner_of(domain)
        if owner is None or api.org_of(*owner) != ctx.org:
            continue
        kind, service = owner
        env = api.store.get("environment", service["environmentId"])
        project = api.store.get("project", env["projectId"])
        keys = ("domainId", "host", "path", "port", "customEntrypoint", "https", "certificateType", "createdAt",
                "enabled", "domainType")
        entry = {k: domain.get(k) for k in keys}
        entry.update(serviceOwnerId=service[id_field(kind)], serviceOwnerType=kind, serviceName=service["name"],
                     projectId=project["projectId"], projectName=project["name"],
                     environmentId=env["environmentId"], environmentName=env["name"])
        found.append(entry)
    return found


def domain_update(api, ctx, data):
    domain = api.child(ctx, "domain", data["domainId"])
    update_fields(domain, data, skip=("domainId",))
    return domain


def child_delete(kind, key=None):
    def delete(api, ctx, data):
        record = api.child(ctx, kind, data[key or id_field(kind)])
        del api.store.tables[kind][record[id_field(kind)]]
        return record
    return delete


def mount_create(api, ctx, data):
    service_type = data.get("serviceType", "application")
    service = api.service(ctx, service_type, data["serviceId"])
    mount = template("mount")
    mount.update({k: data.get(k) for k in ("type", "hostPath", "volumeName", "filePath", "content", "mountPath")})
    mount.update(mountId=new_id(), serviceType=service_type)
    mount[id_field(service_type)] = service[id_field(service_type)]
    return api.store.insert("mount", mount)


def mount_with_owner(api, mount):
    out = dict(mount)
    for kind in ("application", "compose", "libsql", "mariadb", "mongo", "mysql", "postgres", "redis"):
        service = api.store.get(kind, mount.get(id_field(kind))) if kind != "libsql" else None
        out[kind] = None if service is None else {
            "serverId": service["serverId"], "appName": service["appName"],
            "environment": {"project": {"organizationId": api.org_of(kind, service)}}}
    return out


def mount_one(api, ctx, data):
    return mount_with_owner(api, api.child(ctx, "mount", data["mountId"]))


def mount_update(api, ctx, data):
    mount = api.child(ctx, "mount", data["mountId"])
    before = mount_with_owner(api, mount)  # the real server answers the row as it was
    update_fields(mount, data, skip=("mountId",))
    return before


def mounts_by_service(api, ctx, data):
    kind = data["serviceType"]
    if kind not in SERVICE_KINDS:
        return []
    return api.store.where("mount", serviceType=kind, **{id_field(kind): data["serviceId"]})


def port_create(api, ctx, data):
    app = api.service(ctx, "application", data["applicationId"])
    port = template("port")
    port.update({k: data[k] for k in ("publishedPort", "publishMode", "targetPort", "protocol")})
    port.update(portId=new_id(), applicationId=app["applicationId"])
    return api.store.insert("port", port)


def port_one(api, ctx, data):
    port = api.child(ctx, "port", data["portId"], missing=bad_request("Port not found"))
    return {**port, "application": {"applicationId": port["applicationId"]}}


def port_update(api, ctx, data):
    port = api.child(ctx, "port", data["portId"])
    update_fields(port, data, skip=("portId", "applicationId"))
    return port


def redirect_create(api, ctx, data):
    app = api.service(ctx, "application", data["applicationId"])
    redirect = template("redirect")
    redirect.update(redirectId=new_id(), regex=data["regex"], replacement=data["replacement"],
                    permanent=data["permanent"], uniqueConfigKey=api.store.next_serial("redirect"),
                    createdAt=now_iso(), applicationId=app["applicationId"])
    api.store.insert("redirect", redirect)
    return True


def redirect_update(api, ctx, data):
    redirect = api.child(ctx, "redirect", data["redirectId"])
    update_fields(redirect, data, skip=("redirectId", "applicationId"))
    return redirect


def security_create(api, ctx, data):
    app = api.service(ctx, "application", data["applicationId"])
    ident, stamp = new_id(), now_iso()
    if api.store.where("security", applicationId=app["applicationId"], username=data["username"]):
        # The unique index (applicationId, username) fails and Dokploy passes the raw SQL error on.
        raise bad_request(
            'Failed query: insert into "security" ("securityId", "username", "password", "createdAt", '
            '"applicationId") values ($1, $2, $3, $4, $5) returning "securityId", "username", "password", '
            f'"createdAt", "applicationId"\nparams: {ident},{data["username"]},{data["password"]},{stamp},'
            f'{app["applicationId"]}')
    security = template("security")
    security.update(securityId=ident, username=data["username"], password=data["password"],
                    createdAt=stamp, applicationId=app["applicationId"])
    api.store.insert("security", security)
    return True


def security_update(api, ctx, data):
    security = api.child(ctx, "security", data["securityId"])
    update_fields(security, data, skip=("securityId", "applicationId"))
    return None  # the real server answers an empty body


def child_one(kind):
    def one(api, ctx, data):
        return api.child(ctx, kind, data[id_field(kind)])
    return one


# --------------------------------------------------------------------------
# deployment.*, settings.*
# --------------------------------------------------------------------------

def deployments_of(kind):
    def listing(api, ctx, data):
        owner = api.service(ctx, kind, data[id_field(kind)])
        return api.deployments_of(kind, owner[id_field(kind)])
    return listing


def deployments_by_type(api, ctx, data):
    kind = data["type"]
    if kind not in ("application", "compose"):
        return []
    owner = api.store.get(kind, data["id"])
    if owner is None or api.org_of(kind, owner) != ctx.org:
        return []
    return [{**d, "rollback": None} for d in api.deployments_of(kind, data["id"])]


def deployment_read_logs(api, ctx, data):
    deployment = api.child(ctx, "deployment", data["deploymentId"])
    meta = api.store.deploy_meta.get(deployment["deploymentId"], {})
    log = meta.get("log", "") if deployment["status"] != "running" else "Initializing deployment\n"
    lines = log.splitlines(keepends=True)
    return "".join(lines[-int(data.get("tail", 100)):])


def dokploy_version(api, ctx, data):
    return DOKPLOY_VERSION


# --------------------------------------------------------------------------
# The procedure table
# --------------------------------------------------------------------------

def build_procedures():
    table = {
        "project.create": ("POST", project_create),
        "project.one": ("GET", project_one),
        "project.all": ("GET", project_all),
        "project.update": ("POST", project_update),
        "project.remove": ("POST", project_remove),
        "project.search": ("GET", project_search),
        "environment.create": ("POST", environment_create),
        "environment.one": ("GET", environment_one),
        "environment.byProjectId": ("GET", environment_by_project),
        "environment.update": ("POST", environment_update),
        "environment.remove": ("POST", environment_remove),
        "application.create": ("POST", application_create),
        "application.one": ("GET", application_one),
        "application.update": ("POST", application_update),
        "application.delete": ("POST", application_delete),
        "application.search": ("GET", service_search("application")),
        "application.saveEnvironment": ("POST", saver(
            "application", ("env", "buildArgs", "buildSecrets", "createEnvFile"))),
        "application.saveDockerProvider": ("POST", saver(
            "application", ("dockerImage", "username", "password", "registryUrl"), sourceType="docker")),
        "application.saveGitProvider": ("POST", saver(
            "application", ("customGitUrl", "customGitBranch", "customGitBuildPath", "customGitSSHKeyId",
                            "watchPaths", "enableSubmodules"), sourceType="git")),
        "application.saveBuildType": ("POST", saver(
            "application", ("buildType", "dockerfile", "dockerContextPath", "dockerBuildStage",
                            "herokuVersion", "railpackVersion", "publishDirectory", "isStaticSpa"))),
        "application.deploy": ("POST", application_deploy("Manual deployment")),
        "application.redeploy": ("POST", application_deploy("Rebuild deployment")),
        "application.start": ("POST", application_start),
        "application.stop": ("POST", application_stop),
        "application.reload": ("POST", application_reload),
        "application.cancelDeployment": ("POST", application_cancel),
        "compose.create": ("POST", compose_create),
        "compose.one": ("GET", compose_one),
        "compose.update": ("POST", compose_update),
        "compose.delete": ("POST", compose_delete),
        "compose.search": ("GET", service_search("compose")),
        "compose.saveEnvironment": ("POST", saver("compose", ("env", "createEnvFile"))),
        "compose.deploy": ("POST", compose_deploy("Manual deployment", "Deployment queued")),
        "compose.redeploy": ("POST", compose_deploy("Rebuild deployment", "Redeployment queued")),
        "compose.start": ("POST", compose_set_status("done")),
        "compose.stop": ("POST", compose_set_status("idle")),
        "compose.loadServices": ("GET", compose_load_services),
        "domain.create": ("POST", domain_create),
        "domain.one": ("GET", domain_one),
        "domain.update": ("POST", domain_update),
        "domain.delete": ("POST", child_delete("domain")),
        "domain.byApplicationId": ("GET", domains_of("application")),
        "domain.byComposeId": ("GET", domains_of("compose")),
        "overview.domains": ("GET", overview_domains),
        "mounts.create": ("POST", mount_create),
        "mounts.one": ("GET", mount_one),
        "mounts.update": ("POST", mount_update),
        "mounts.remove": ("POST", child_delete("mount")),
        "mounts.listByServiceId": ("GET", mounts_by_service),
        "port.create": ("POST", port_create),
        "port.one": ("GET", port_one),
        "port.update": ("POST", port_update),
        "port.delete": ("POST", child_delete("port")),
        "redirects.create": ("POST", redirect_create),
        "redirects.one": ("GET", child_one("redirect")),
        "redirects.update": ("POST", redirect_update),
        "redirects.delete": ("POST", child_delete("redirect")),
        "security.create": ("POST", security_create),
        "security.one": ("GET", child_one("security")),
        "security.update": ("POST", security_update),
        "security.delete": ("POST", child_delete("security")),
        "deployment.all": ("GET", deployments_of("application")),
        "deployment.allByCompose": ("GET", deployments_of("compose")),
        "deployment.allByType": ("GET", deployments_by_type),
        "deployment.readLogs": ("GET", deployment_read_logs),
        "settings.getDokployVersion": ("GET", dokploy_version),
    }
    for kind in DB_KINDS:
        for name, entry in db_handlers(kind).items():
            table[f"{kind}.{name}"] = entry
    return table


PROCEDURES = build_procedures()


def load_input_schemas():
    """procedure -> JSON schema of its input, from the server's OpenAPI document."""
    doc = json.loads((HERE / "openapi.json").read_text())
    schemas = {}
    for path, operations in doc["paths"].items():
        for method, op in operations.items():
            if "requestBody" in op:
                content = op["requestBody"]["content"]
                schema = content.get("application/json", {}).get("schema")
            else:
                params = op.get("parameters") or []
                schema = {"type": "object",
                          "properties": {p["name"]: p["schema"] for p in params},
                          "required": [p["name"] for p in params if p.get("required")]}
                if not params:
                    schema = None
            schemas[path.lstrip("/")] = schema
    return schemas


INPUT_SCHEMAS = load_input_schemas()


# --------------------------------------------------------------------------
# HTTP
# --------------------------------------------------------------------------

NOT_FOUND_BODY = {"message": "Not found", "code": "NOT_FOUND",
                  "data": {"code": "NOT_FOUND", "httpStatus": 404, "zodError": None}}
FAULT_KINDS = (("502", "before"), ("503", "before"), ("reset", "before"), ("stall", "before"),
               ("502", "after"), ("reset", "after"), ("stall", "after"))


class Fault(Exception):
    def __init__(self, kind):
        super().__init__(kind)
        self.kind = kind


class Simulator:
    """Everything a request handler needs: keys, store, api, options."""

    def __init__(self, args):
        self.store = Store(args.state)
        self.api = Api(self.store, args.deploy_seconds, args.fail_deploys)
        self.keys = {args.api_key: self.store.orgs[0]}
        if args.second_org_key:
            self.keys[args.second_org_key] = self.store.orgs[1]
        self.fault_rate = args.fault_rate
        self.faults = random.Random(args.fault_seed)
        self.fault_lock = threading.Lock()
        self.stall_seconds = args.stall_seconds
        self.latency = getattr(args, "latency", 0.0)
        self.log_file = open(args.request_log, "a", encoding="utf-8") if args.request_log else None
        self.log_lock = threading.Lock()

    def log(self, method, procedure, status):
        if self.log_file is None:
            return
        with self.log_lock:
            self.log_file.write(json.dumps({"method": method, "procedure": procedure, "status": status}) + "\n")
            self.log_file.flush()

    def roll_fault(self):
        if self.fault_rate <= 0:
            return None
        with self.fault_lock:
            if self.faults.random() >= self.fault_rate:
                return None
            return self.faults.choice(FAULT_KINDS)

    def call(self, method, procedure, org, raw_query, body):
        """Route one API call; returns (status, content_type, payload_bytes)."""
        entry = PROCEDURES.get(procedure)
        if entry is None or entry[0] != method:
            return 404, "application/json", encode(NOT_FOUND_BODY)
        schema = INPUT_SCHEMAS.get(procedure)
        if method == "GET":
            params = dict(parse_qsl(raw_query, keep_blank_values=True))
            data = zodlike.coerce_query(schema or {}, params)
        else:
            try:
                data = json.loads(body) if body.strip() else zodlike.UNDEFINED
            except ValueError:
                return 400, None, b"Invalid JSON"
        if schema is not None:
            issues = zodlike.validate(schema, data) or refinement_issues(procedure, data)
            if issues:
                return 400, "application/json", encode(validation_error(procedure, issues))
            data = zodlike.apply_defaults(schema, data)
        if data is zodlike.UNDEFINED:
            data = {}
        ctx = Context(org)
        with self.store.lock:
            self.api.settle()
            try:
                result = entry[1](self.api, ctx, data)
            except ApiError as error:
                return error_response(procedure, error)
            except Exception as error:  # a simulator bug: answer like tRPC does, keep serving
                traceback.print_exc()
                return error_response(procedure, server_error(f"Simulator error: {error!r}"))
            payload = b"" if result is None else encode(result)
        if method == "POST":
            self.store.save()
        return 200, "application/json", payload


def encode(value):
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


# Dokploy's domain schema checks the host beyond what openapi.json shows (db/validations/domain.ts).
HOSTNAME = re.compile(r"^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\.)*"
                      r"[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?$")
INVALID_HOSTNAME = ("Invalid domain name. Use only letters, numbers, hyphens and dots (e.g. example.com). "
                    "Underscores are not allowed.")


def refinement_issues(procedure, data):
    host = data.get("host") if procedure in ("domain.create", "domain.update") and isinstance(data, dict) else None
    if not isinstance(host, str) or not host:
        return []
    if host != host.strip():
        message = "Domain name cannot have leading or trailing spaces"
    elif not HOSTNAME.match(host):
        message = INVALID_HOSTNAME
    else:
        return []
    return [{"code": "custom", "path": ["host"], "message": message}]


def validation_error(procedure, issues):
    return {"message": "Input validation failed", "code": "BAD_REQUEST",
            "data": {"code": "BAD_REQUEST", "httpStatus": 400, "path": procedure,
                     "zodError": zodlike.flatten(issues)},
            "issues": issues}


def error_response(procedure, error):
    status = ApiError.STATUS[error.code]
    body = {"message": error.message, "code": error.code,
            "data": {"code": error.code, "httpStatus": status, "path": procedure, "zodError": None}}
    return status, "application/json", encode(body)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "DokploySimulator"
    sim = None  # set by serve()

    def setup(self):
        super().setup()
        # Headers and body leave in separate writes; without TCP_NODELAY the
        # Nagle/delayed-ACK interplay adds ~40 ms to every keep-alive answer.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, *args):
        pass  # quiet: tests read the request log instead

    def do_GET(self):
        self.handle_api("GET")

    def do_POST(self):
        self.handle_api("POST")

    # No procedure uses these methods: after auth they answer the unknown-procedure 404.
    def do_PUT(self):
        self.handle_api("PUT")

    def do_PATCH(self):
        self.handle_api("PATCH")

    def do_DELETE(self):
        self.handle_api("DELETE")

    def handle_api(self, method):
        url = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode("utf-8", "replace") if length else ""
        if not url.path.startswith("/api/"):
            return self.answer(404, "text/plain", b"Not found")
        procedure = url.path[len("/api/"):]
        sim = self.sim
        fault = sim.roll_fault()
        if sim.latency:
            # Half on the way in, half on the way out, outside the state's lock: races get room as on a real network.
            time.sleep(sim.latency / 2)
        try:
            if fault and fault[1] == "before":
                raise Fault(fault[0])
            status, ctype, payload = self.dispatch(method, procedure, url.query, body)
            if sim.latency:
                time.sleep(sim.latency / 2)
            if fault:
                raise Fault(fault[0])
        except Fault as f:
            return self.fail(method, procedure, f.kind)
        sim.log(method, procedure, status)
        self.answer(status, ctype, payload)

    def dispatch(self, method, procedure, query, body):
        org = self.sim.keys.get(self.headers.get("x-api-key") or "")
        if org is None:
            # Checked before routing, so unknown procedures answer 401 as well.
            return 401, "application/json; charset=utf-8", b'{"message":"Unauthorized"}'
        return self.sim.call(method, procedure, org, query, body)

    def fail(self, method, procedure, kind):
        if kind in ("502", "503"):
            self.sim.log(method, procedure, int(kind))
            text = b"Bad Gateway" if kind == "502" else b"Service Unavailable"
            return self.answer(int(kind), "text/plain", text)
        self.sim.log(method, procedure, 0)
        if kind == "stall":
            time.sleep(self.sim.stall_seconds)
        # An abortive close (SO_LINGER 0) makes the client see a connection reset.
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.close_connection = True

    def answer(self, status, ctype, payload):
        self.send_response(status)
        if ctype:
            self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", maxsplit=1)[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--api-key", required=True)
    parser.add_argument("--second-org-key")
    parser.add_argument("--state")
    parser.add_argument("--tls-cert")
    parser.add_argument("--tls-key")
    parser.add_argument("--deploy-seconds", type=float, default=1.0)
    parser.add_argument("--fail-deploys", action="store_true")
    parser.add_argument("--fault-rate", type=float, default=0.0)
    parser.add_argument("--fault-seed", type=int, default=None)
    parser.add_argument("--stall-seconds", type=float, default=30.0)
    parser.add_argument("--request-log")
    parser.add_argument("--latency", type=float, default=0.0)
    return parser.parse_args(argv)


def serve(args):
    sim = Simulator(args)
    handler = type("BoundHandler", (Handler,), {"sim": sim})
    server = ThreadingHTTPServer((args.host, args.port), handler)
    server.daemon_threads = True
    scheme = "http"
    if args.tls_cert:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(args.tls_cert, args.tls_key)
        server.socket = context.wrap_socket(server.socket, server_side=True)
        scheme = "https"

    def stop(*_signal_args):
        threading.Thread(target=server.shutdown, daemon=True).start()

    # Handlers first: a client may signal as soon as it has read the URL.
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    host, port = server.server_address[:2]
    print(f"{scheme}://{host}:{port}", flush=True)
    try:
        server.serve_forever(poll_interval=0.2)
    finally:
        server.server_close()
        sim.store.save()
        if sim.log_file:
            sim.log_file.close()


if __name__ == "__main__":
    serve(parse_args())
