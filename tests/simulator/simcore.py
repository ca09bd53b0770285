"""The simulator's shared core: records, errors, the store, access checks, shapes and deployments.

Every router module (routers/<router>.py) builds on this; dokploy_sim.py serves them over HTTP.
"""

import copy
import datetime
import json
import os
import random
import re
import secrets
import string
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
# The Dokploy release the simulator answers as (`--dokploy-version`); a few answers differ by release.
NEWEST_VERSION = "0.30.8"


def parse_version(text):
    """'v0.30.2' or '0.30.2' -> (0, 30, 2)."""
    parts = text.strip().lstrip("v").split(".")
    if len(parts) != 3 or not all(p.isdigit() for p in parts):
        raise ValueError(f"not a Dokploy version: {text!r}")
    return tuple(int(p) for p in parts)


TEMPLATES = json.loads((HERE / "templates.json").read_text())

SERVICE_KINDS = ("application", "compose", "postgres", "mysql", "mariadb", "mongo", "redis", "libsql")
DB_KINDS = ("postgres", "mysql", "mariadb", "mongo", "redis")
CHILD_KINDS = ("domain", "mount", "port", "redirect", "security", "deployment")
TABLES = ("project", "environment") + SERVICE_KINDS + CHILD_KINDS

NO_DOCKER = "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?"
FAILED_DEPLOY_LOG = ("Initializing deployment\nconnect ENOENT /var/run/docker.sock\n"
                     "Error occurred \u274c, check the logs for details.\n")
DONE_DEPLOY_LOG = ("Initializing deployment\nPulling image and preparing the service\n"
                   "Starting service\nDocker Deployed: \u2705\n")
# An object whose name (or another text the router checks) holds this word fails its external step.
FAIL_WORD = "simulator-fail"
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
    """A light projection. A `server` field shows the service's server (services_of_env() attaches
    it) with the columns the field names (ServerColumns), its name only by default."""
    return {f: (server_columns(record.get("server"), f) if f == "server" else record.get(f)) for f in fields}


class ServerColumns(str):
    """The field `server` of a light service projection, naming the server columns it shows."""

    def __new__(cls, columns):
        field = super().__new__(cls, "server")
        field.columns = columns
        return field


def server_columns(server, field):
    return server and {c: server[c] for c in getattr(field, "columns", ("name",))}


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

class Tables(dict):
    """kind -> {id: record}; a router's first insert creates its table."""

    def __missing__(self, kind):
        return self.setdefault(kind, {})


class Store:
    """All objects of all organizations, as flat records keyed by id."""

    def __init__(self, state_file=None):
        self.lock = threading.RLock()
        self.state_file = state_file
        self.tables = Tables({kind: {} for kind in TABLES})
        self.orgs = [new_id(), new_id()]
        self.serials = {}
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
        self.serials[kind] = self.serials.get(kind, 0) + 1
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
    def __init__(self, store, deploy_seconds=1.0, fail_deploys=False, version=NEWEST_VERSION, order_seed=None):
        self.store = store
        self.version = parse_version(version)
        self.deploy_seconds = deploy_seconds
        self.fail_deploys = fail_deploys
        # `--order-seed`: where each environment sits in "database row order" (see environments_in_row_order).
        self.row_order = random.Random(order_seed)
        self.row_keys = {}

    def row_key(self, ident):
        """A record's random place in row order, drawn once (at insert, or at first sight after a --state load)."""
        if ident not in self.row_keys:
            self.row_keys[ident] = self.row_order.random()
        return self.row_keys[ident]

    def pause(self, seconds):
        """Let `seconds` pass the way a real server awaits: with the store unlocked, so that other
        clients see the state in between (a database `running` while its deploy waits)."""
        if seconds <= 0:
            return
        self.store.lock.release()
        try:
            time.sleep(seconds)
        finally:
            self.store.lock.acquire()

    # ---- lookups and access -------------------------------------------------

    def project(self, ctx, project_id, denied="access"):
        project = self.store.get("project", project_id)
        if project is None:
            raise not_found("Project not found")
        if project["organizationId"] != ctx.org:
            raise unauthorized(f"You are not authorized to {denied} this project")
        return project

    def owned(self, ctx, kind, ident, missing, denied):
        """A record of a table whose rows carry their organizationId (certificate, registry,
        destination, server...): `missing` is raised when it is unknown, `denied` when another
        organization owns it (each router words both its own way)."""
        record = self.store.get(kind, ident)
        if record is None:
            raise missing
        if record["organizationId"] != ctx.org:
            raise denied
        return record

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
                    return self.host_org(record)
                kind, record = owner
            if record is None:
                return None
        return record["organizationId"]

    def host_org(self, record):
        """The organization of a record no service owns: that of its server (a server's own
        deployments, a server schedule) or of its schedule, else its own organizationId."""
        for kind in ("server", "schedule"):
            parent = self.store.get(kind, record.get(id_field(kind)))
            if parent is not None and parent is not record:
                return self.org_of(kind, parent)
        return record.get("organizationId")

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
        """The environment's services, each with the `server` it is placed on (for pick())."""
        found = {kind: [] for kind in SERVICE_KINDS}
        for kind in SERVICE_KINDS:
            for record in self.store.tables[kind].values():
                if record["environmentId"] == env_id:
                    found[kind].append({**record, "server": self.server_of(record)})
        return found

    def server_of(self, record):
        """The server a service is placed on (`serverId` at create), as `<kind>.one` embeds it."""
        return self.store.get("server", record.get("serverId"))

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
               **git_providers_of(self.store, app, redacted=True), "server": self.server_of(app),
               "previewDeployments": [], "registry": self.registry_view(app.get("registryId")),
               "buildRegistry": self.registry_view(app.get("buildRegistryId")),
               "rollbackRegistry": self.registry_view(app.get("rollbackRegistryId"))}
        if with_access:
            out.update(hasGitProviderAccess=True, unauthorizedProvider=None)
        return out

    def registry_view(self, ident):
        """A registry as application.one embeds it: the row without its password."""
        row = self.store.get("registry", ident)
        return None if row is None else {k: v for k, v in row.items() if k != "password"}

    def full_compose(self, compose, with_access=True):
        ident = compose["composeId"]
        out = {**compose, "environment": self.env_with_project(self.store.get("environment", compose["environmentId"])),
               "deployments": self.deployments_of("compose", ident),
               "mounts": self.store.where("mount", composeId=ident),
               "domains": self.store.where("domain", composeId=ident),
               **git_providers_of(self.store, compose, redacted=False), "server": self.server_of(compose),
               "backups": self.backups_of("compose", ident)}
        if with_access:
            out.update(hasGitProviderAccess=True, unauthorizedProvider=None)
        return out

    def full_database(self, kind, record):
        out = {**record, "environment": self.env_with_project(self.store.get("environment", record["environmentId"])),
               "mounts": self.store.where("mount", **{id_field(kind): record[id_field(kind)]}),
               "server": self.server_of(record)}
        if DB_ENGINES[kind]["backups"]:
            out["backups"] = self.backups_of(kind, record[id_field(kind)])
        return out

    def backups_of(self, kind, ident):
        """A service's backups (routers/backup.py) as `<db>.one`/`compose.one` list them: each with
        its destination without the S3 keys, and its deployments (oldest first)."""
        hidden = ("accessKey", "secretAccessKey")
        destinations = self.store.tables["destination"]
        return [{**backup,
                 "destination": {k: v for k, v in destinations[backup["destinationId"]].items() if k not in hidden},
                 "deployments": self.store.where("deployment", backupId=backup["backupId"])}
                for backup in self.store.where("backup", **{id_field(kind): ident})]

    # ---- deployments --------------------------------------------------------

    def should_fail(self, record):
        return self.fail_deploys or bool(FAIL_MARKER.search(record.get("env") or ""))

    def start_deployment(self, kind, record, title, description):
        ok = not self.should_fail(record)
        record[STATUS_FIELD[kind]] = "running"
        self.add_deployment(id_field(kind), record[id_field(kind)], record["appName"], title, description,
                            ok, DONE_DEPLOY_LOG if ok else FAILED_DEPLOY_LOG)

    def add_deployment(self, owner_field, owner_id, log_name, title, description, ok, log, **fields):
        """A deployment row of any owner (applicationId, composeId, serverId, backupId, scheduleId,
        volumeBackupId...): `running` for --deploy-seconds after the owner's running ones, then
        `done` or `error` with `log` (settle()). Answers the row."""
        stamp = now_iso()
        log_stamp = stamp[:10] + ":" + stamp[11:19]
        deployment = template("deployment")
        deployment.update(deploymentId=new_id(), title=title, description=description or "",
                          status="running", logPath=f"/etc/dokploy/logs/{log_name}/{log_name}-{log_stamp}.log",
                          createdAt=stamp, startedAt=stamp, **fields)
        deployment[owner_field] = owner_id
        # Dokploy runs one deployment of an owner at a time: this one ends
        # deploy_seconds after the ones still running for the same owner.
        running = [self.store.deploy_meta[d["deploymentId"]]["finish_at"]
                   for d in self.store.tables["deployment"].values()
                   if d.get(owner_field) == owner_id and d["status"] == "running"]
        self.store.insert("deployment", deployment)
        self.store.deploy_meta[deployment["deploymentId"]] = {
            "finish_at": max(running + [time.time()]) + self.deploy_seconds, "ok": ok, "log": log}
        if self.deploy_seconds <= 0:
            self.settle()
        return deployment

    def external_fails(self, *texts):
        """Whether a step Dokploy runs outside itself (SSH to a host, docker login, rclone, a
        webhook or mail server) fails: always under --fail-deploys (a host with none of them,
        as the transcripts were recorded), else when one of `texts` (the object's name,
        description...) contains FAIL_WORD."""
        return self.fail_deploys or any(isinstance(t, str) and FAIL_WORD in t.lower() for t in texts)

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


# Columns `application.one` leaves out of the git provider it embeds (`compose.one` embeds them all).
GIT_PROVIDER_SECRETS = {"gitlab": ("secret", "accessToken", "refreshToken"),
                        "github": ("githubClientSecret", "githubPrivateKey", "githubWebhookSecret"),
                        "bitbucket": ("appPassword", "apiToken"),
                        "gitea": ("clientSecret", "accessToken", "refreshToken")}


def git_providers_of(store, service, redacted):
    """{gitlab, github, bitbucket, gitea}: the provider rows a service points to (routers/gitProvider.py)."""
    out = {}
    for kind, secret_columns in GIT_PROVIDER_SECRETS.items():
        row = store.get(kind, service.get(id_field(kind)))
        out[kind] = row and {k: v for k, v in row.items() if not (redacted and k in secret_columns)}
    return out


NOT_FOUND_MESSAGES = {
    "application": "Application not found", "compose": "Compose not found",
    **{kind: DB_ENGINES[kind]["not_found"] for kind in DB_KINDS},
    "domain": "Domain not found", "mount": "Mount not found", "port": "Port not found",
    "redirect": "Redirect not found", "security": "Security not found",
    "deployment": "Deployment not found", "libsql": "Libsql not found",
}
ACCESS_LABELS = {"application": "application", "compose": "compose", "libsql": "Libsql",
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
              id_field(kind), "server") for kind in DB_KINDS + ("libsql",)},
}
BY_PROJECT_FIELDS = {**PROJECT_ONE_FIELDS,
                     "compose": PROJECT_ONE_FIELDS["compose"][:-1] + ("icon", "server")}
SERVER_NAME_AND_ID = ServerColumns(("name", "serverId"))  # environment.one; elsewhere the name only
ENVIRONMENT_ONE_FIELDS = {
    "application": ("name", "applicationId", "createdAt", "applicationStatus", "description",
                    "serverId", "icon", SERVER_NAME_AND_ID),
    "compose": ("composeId", "name", "createdAt", "composeStatus", "description", "serverId",
                "icon", SERVER_NAME_AND_ID),
    **{kind: (id_field(kind), "name", "description", "createdAt", "applicationStatus", "serverId",
              SERVER_NAME_AND_ID) for kind in DB_KINDS + ("libsql",)},
}
# Key order of the service lists inside environments, per procedure.
ONE_ORDER = ("applications", "compose", "libsql", "mariadb", "mongo", "mysql", "postgres", "redis")
LIST_ORDER = ("applications", "mariadb", "mongo", "mysql", "postgres", "redis", "compose", "libsql")


def service_lists(services, fields, order):
    out = {}
    for key in order:
        kind = "application" if key == "applications" else key
        out[key] = [pick(r, fields[kind]) for r in services[kind]]
    return out


# --------------------------------------------------------------------------
# Helpers several routers share
# --------------------------------------------------------------------------

def new_environment(api, project_id, name, description, is_default):
    env = template("environment")
    env.update(environmentId=new_id(), name=name, description=description, createdAt=now_iso(),
               env="", projectId=project_id, isDefault=is_default)
    api.row_key(env["environmentId"])
    return api.store.insert("environment", env)


def project_tags(api, project_id):
    """`projectTags` of project.one/all: the project's tag links, each with its tag (routers/tag.py)."""
    return [{**link, "tag": api.store.get("tag", link["tagId"])}
            for link in api.store.tables["project_tag"].values() if link["projectId"] == project_id]


def drop_project_tags(api, project_id):
    """The links of a removed project go with it (ON DELETE CASCADE)."""
    links = api.store.tables["project_tag"]
    for link_id in [i for i, link in links.items() if link["projectId"] == project_id]:
        del links[link_id]


def environments_in_row_order(api, envs):
    """Environments as the real server lists them (project.one, project.all, environment.byProjectId):
    in database row order, which is not creation order. Here a shuffle drawn from `--order-seed`,
    stable for the life of the process, so that no client can rely on `environments[0]`."""
    return sorted(envs, key=lambda env: api.row_key(env["environmentId"]))


def contains(value, needle):
    return not needle or needle.lower() in (value or "").lower()


def paged(rows, data):
    offset, limit = int(data.get("offset", 0)), int(data.get("limit", 20))
    return {"items": rows[offset:offset + limit], "total": len(rows)}


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


def new_service(api, ctx, kind, data, **fields):
    env = api.store.get("environment", data["environmentId"])
    if env is None:
        raise not_found("Environment not found")
    if api.org_of("environment", env) != ctx.org:
        raise unauthorized("You are not authorized to access this project")
    check_server_placement(api, ctx, data.get("serverId"))
    record = template(kind)
    prefix = "app" if kind == "application" else kind
    record.update({id_field(kind): new_id(), "name": data["name"],
                   "appName": app_name(prefix, data.get("appName")),
                   "description": data.get("description"), "createdAt": now_iso(),
                   "environmentId": env["environmentId"], "serverId": data.get("serverId")})
    record.update(fields)
    grant_access(api, ctx, record[id_field(kind)])
    return api.store.insert(kind, record)


def grant_access(api, ctx, service_id):
    """A service created through its router joins the caller's `accessedServices` (Dokploy's
    addNewService); `<kind>.search` lists only those. Services copied by project.duplicate do not."""
    api.store.tables["accessedService"][service_id] = {"accessedServiceId": service_id, "organizationId": ctx.org}


def has_access(api, ctx, service_id):
    grant = api.store.tables["accessedService"].get(service_id)
    return grant is not None and grant["organizationId"] == ctx.org


def check_server_placement(api, ctx, server_id):
    """A service placed on a server at create needs a server of the caller's organization."""
    if not server_id:
        return
    server = api.store.get("server", server_id)
    if server is None or server["organizationId"] != ctx.org:
        raise unauthorized("You are not authorized to access this server")


def without_server_move(record, data, skip):
    """`serverId` is an input of no `<kind>.update`: a service stays on the server it was created
    on. Dropped, it can leave the update with nothing to set, which drizzle refuses (500)."""
    if "serverId" not in data or "serverId" not in record:
        return data
    rest = {k: v for k, v in data.items() if k != "serverId"}
    if not any(key in record and key not in skip for key in rest):
        raise server_error("No values to set")
    return rest


def update_fields(record, data, skip=()):
    """Dialect B (`*.update`): keys present are written, missing keys keep their value."""
    data = without_server_move(record, data, skip)
    for key, value in data.items():
        if key in record and key not in skip:
            record[key] = value


# Fields `<kind>.search` matches: `q` matches any of them, each also filters on its own.
SEARCH_FIELDS = {"application": ("name", "appName", "description", "repository", "owner", "dockerImage"),
                 **{kind: ("name", "appName", "description") for kind in SERVICE_KINDS if kind != "application"}}
# What `<kind>.search` answers per item (databases have no sourceType).
SEARCH_ITEM_FIELDS = {kind: (id_field(kind), "name", "appName", "description", "environmentId", STATUS_FIELD[kind])
                      + (("sourceType",) if kind in ("application", "compose") else ()) + ("createdAt",)
                      for kind in SERVICE_KINDS}


def service_search(kind):
    """`<kind>.search`: the caller's organization, narrowed by projectId/environmentId, `q` on any
    searched field, each searched field on its own; only services in the caller's accessedServices
    (grant_access); newest createdAt first; `{items, total}` with the total before paging."""
    fields = SEARCH_ITEM_FIELDS[kind]
    searched = SEARCH_FIELDS[kind]

    def matches(api, ctx, record, data):
        env = api.store.get("environment", record["environmentId"])
        query = (data.get("q") or "").strip()
        return (api.org_of(kind, record) == ctx.org and has_access(api, ctx, record[id_field(kind)])
                and (data.get("environmentId") or record["environmentId"]) == record["environmentId"]
                and (data.get("projectId") or env["projectId"]) == env["projectId"]
                and all(contains(record.get(f), (data.get(f) or "").strip()) for f in searched)
                and (not query or any(contains(record.get(f), query) for f in searched)))

    def search(api, ctx, data):
        newest_first = sorted(reversed(list(api.store.tables[kind].values())),
                              key=lambda r: r["createdAt"], reverse=True)
        return paged([{f: r.get(f) for f in fields} for r in newest_first if matches(api, ctx, r, data)], data)
    return search


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


def child_delete(kind, key=None):
    def delete(api, ctx, data):
        record = api.child(ctx, kind, data[key or id_field(kind)])
        del api.store.tables[kind][record[id_field(kind)]]
        return record
    return delete


def child_one(kind):
    def one(api, ctx, data):
        return api.child(ctx, kind, data[id_field(kind)])
    return one
