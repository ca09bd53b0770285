"""`server.*`: remote hosts (reached over SSH with a key of sshKey.py) that services can be placed on.

Nothing contacts a host until a procedure asks (`validate`, `security`, `setup`,
`setupMonitoring`, and the schedules of schedule.py). Such a step succeeds, unless the server
has no SSH key, the simulator runs with --fail-deploys (as the transcripts were recorded: nothing
listens at the fake hosts) or the server's name contains simcore.FAIL_WORD; then it fails the
way a refused connection does. A server counts as set up once a `Setup Server` deployment of
it is `done`; `validate` reports the tools as installed from then on.
"""

import time
from pathlib import Path

from simcore import (
    app_name, bad_request, new_id, not_found, now_iso, server_error, unauthorized,
)

# Key order of a stored server, as every procedure answers it.
SERVER_FIELDS = ("serverId", "name", "description", "ipAddress", "port", "username", "appName",
                 "enableDockerCleanup", "buildsConcurrency", "createdAt", "organizationId",
                 "serverStatus", "serverType", "command", "sshKeyId", "metricsConfig")
# The services that can be placed on a server: `server.all` counts all but libsql,
# `server.remove` refuses while any is there.
TOTAL_SUM_KINDS = ("application", "compose", "redis", "mariadb", "mongo", "mysql", "postgres")
PLACED_KINDS = TOTAL_SUM_KINDS + ("libsql",)

SETUP_COMMAND = Path(__file__).with_name("server_setup_command.txt")
# What the default setup installs (server-setup.ts), for `validate` after a setup.
TOOL_VERSIONS = {"docker": "28.5.0", "rclone": "1.71.2", "nixpacks": "1.41.0", "buildpacks": "0.39.1",
                 "railpack": "0.15.4"}


def default_metrics():
    return {"server": {"port": 4500, "type": "Remote", "token": "", "cronJob": "",
                       "thresholds": {"cpu": 0, "memory": 0}, "refreshRate": 60, "urlCallback": "",
                       "retentionDays": 2},
            "containers": {"services": {"exclude": [], "include": []}, "refreshRate": 60}}


def jsonb(value):
    """`value` with its object keys in the order PostgreSQL's jsonb keeps them (shorter first)."""
    if isinstance(value, dict):
        return {k: jsonb(value[k]) for k in sorted(value, key=lambda k: (len(k.encode()), k.encode()))}
    if isinstance(value, list):
        return [jsonb(v) for v in value]
    return value


# ---- helpers schedule.py shares ------------------------------------------------------

def find_server(api, ident):
    server = api.store.get("server", ident)
    if server is None:
        raise not_found("Server not found")
    return server


def own_server(api, ctx, ident, denied):
    server = find_server(api, ident)
    if server["organizationId"] != ctx.org:
        raise unauthorized(f"You are not authorized to {denied} this server")
    return server


def ssh_failure(api, server, keyless):
    """Why an SSH step on `server` fails (None: it works); `keyless` is the caller's text for a
    server without a key."""
    if not server["sshKeyId"]:
        return keyless
    if api.external_fails(server["name"]):
        return f"SSH connection error: connect ECONNREFUSED {server['ipAddress']}:{server['port']}"
    return None


def js_text(value):
    """A value as JavaScript's Array.prototype.join writes it (drizzle's `params:` line)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dict):
        return "[object Object]"
    if isinstance(value, list):
        return ",".join(js_text(v) for v in value)
    return str(value)


def failed_update(table, columns, changes, key, ident):
    """The raw error text of a drizzle update that a foreign key refused."""
    names = [c for c in columns if c in changes]
    sets = ", ".join(f'"{c}" = ${n}' for n, c in enumerate(names, 1))
    params = [changes[c] for c in names] + [ident]
    returning = ", ".join(f'"{c}"' for c in columns)
    return (f'Failed query: update "{table}" set {sets} where "{table}"."{key}" = ${len(names) + 1} '
            f'returning {returning}\nparams: {",".join(js_text(p) for p in params)}')


def trim_deployments(api, kind, ident, keep):
    """Dokploy drops an owner's oldest deployments before it adds one."""
    for old in api.deployments_of(kind, ident)[keep:]:
        del api.store.tables["deployment"][old["deploymentId"]]
        api.store.deploy_meta.pop(old["deploymentId"], None)


def finished_deployment(api, owner_field, owner_id, log_name, title, ok, log, **fields):
    """A deployment that ended before the call answers (setups and schedule runs are synchronous)."""
    deployment = api.add_deployment(owner_field, owner_id, log_name, title, title, ok, log, **fields)
    api.store.deploy_meta[deployment["deploymentId"]]["finish_at"] = time.time()
    api.settle()
    return deployment


# ---- shapes --------------------------------------------------------------------------

def with_relations(api, server):
    """`server.one`: the server with its deployments and its key, private key blanked."""
    key = api.store.get("sshKey", server["sshKeyId"])
    return {**server, "deployments": api.deployments_of("server", server["serverId"])[::-1],
            "sshKey": key and {**key, "privateKey": ""}}


def org_servers(api, ctx, **match):
    """The organization's servers, newest first."""
    return [s for s in reversed(list(api.store.tables["server"].values()))
            if s["organizationId"] == ctx.org and all(s[k] == v for k, v in match.items())]


def total_sum(api, server_id):
    """`server.all`'s count: one SQL count per kind over a LEFT JOIN of every kind, so with
    several kinds on a server each counts the rows of the cross product (2 applications and
    1 compose count 4)."""
    counts = [len(api.store.where(kind, serverId=server_id)) for kind in TOTAL_SUM_KINDS]
    rows = 1
    for count in counts:
        rows *= max(count, 1)
    return sum(rows for count in counts if count)


def default_command(build_server):
    """getDefaultCommand: the setup script (the recorded one is the deploy-server script; the
    build-server script is made of the same parts, server-setup.ts defaultCommand)."""
    deploy = "\n" + SETUP_COMMAND.read_text(encoding="utf-8").strip() + "\n\n\n\t\t\t\t"
    if not build_server:
        return deploy

    def between(start, end):
        head = deploy.index(start) + len(start)
        return deploy[head:deploy.index(end, head)]

    step = 'echo -e "{}"\n'.format
    docker = between(step("4. Installing Docker. "), "\n\n" + step("5. Setting up Docker Swarm"))
    directories = between(step("7. Setting up Directories"), "\n\n" + step("8. Setting up Traefik"))
    nixpacks = between(step("11. Installing Nixpacks"), "\n\n" + step("12. Installing Buildpacks"))
    buildpacks = between(step("12. Installing Buildpacks"), "\n\n" + step("13. Installing Railpack"))
    railpack = between(step("13. Installing Railpack"), "\n\n" + step("14. Configuring permissions"))
    permissions = between(step("14. Configuring permissions"), "\n\n\n\t\t\t\t")
    head = deploy[:deploy.index("\n" + step("2. Validating ports. "))]
    report = 'echo "| Docker            | $DOCKER_VERSION_REPORT"\n'
    head = head.replace(report + "\n", report + 'echo "| Server Type       | Build Server"\n', 1)
    parts = [("2. Installing Docker. ", docker), ("3. Setting up Directories", directories),
             ("4. Installing Nixpacks", nixpacks), ("5. Installing Buildpacks", buildpacks),
             ("6. Installing Railpack", railpack), ("7. Configuring permissions", permissions)]
    return head + "\n" + "\n\n".join(step(title) + body for title, body in parts) + "\n\n\n\t\t\t\t"


def is_set_up(api, server):
    return any(d["title"] == "Setup Server" and d["status"] == "done"
               for d in api.deployments_of("server", server["serverId"]))


def validate_report(api, server):
    """serverValidate's report: a host where a setup succeeded has the tools it installs."""
    ready = is_set_up(api, server)
    deploy = ready and server["serverType"] == "deploy"  # a build server gets no rclone, swarm or network
    root = server["username"] == "root"

    def tool(name, installed):
        return {"version": TOOL_VERSIONS[name] if installed else "0.0.0", "enabled": installed}
    return {"docker": tool("docker", ready), "rclone": tool("rclone", deploy),
            "nixpacks": tool("nixpacks", ready), "buildpacks": tool("buildpacks", ready),
            "railpack": tool("railpack", ready), "isDokployNetworkInstalled": deploy,
            "isSwarmInstalled": deploy, "isMainDirectoryInstalled": ready,
            "privilegeMode": "root" if root else "sudo", "dockerGroupMember": ready and not root}


# serverAudit's report for a host as Dokploy's setup leaves it (it installs no firewall).
SECURITY_REPORT = {
    "ufw": {"installed": False, "active": False, "defaultIncoming": "unknown"},
    "ssh": {"enabled": True, "keyAuth": True, "permitRootLogin": "prohibit-password",
            "passwordAuth": "yes", "usePam": "yes"},
    "fail2ban": {"installed": False, "enabled": False, "active": False, "sshEnabled": "false",
                 "sshMode": "normal"},
}


# ---- procedures ----------------------------------------------------------------------

def server_create(api, ctx, data):
    # The router wraps every failure (an unknown sshKeyId: the foreign key) into one 400.
    if data["sshKeyId"] is not None and api.store.get("sshKey", data["sshKeyId"]) is None:
        raise bad_request("Error creating the server")
    server = dict.fromkeys(SERVER_FIELDS)
    server.update(serverId=new_id(), name=data["name"], description=data["description"],
                  ipAddress=data["ipAddress"], port=data["port"], username=data["username"],
                  appName=app_name("server"), enableDockerCleanup=data["enableDockerCleanup"],
                  buildsConcurrency=1, createdAt=now_iso(), organizationId=ctx.org,
                  serverStatus="active", serverType=data["serverType"], command="",
                  sshKeyId=data["sshKeyId"], metricsConfig=default_metrics())
    return api.store.insert("server", server)


def server_one(api, ctx, data):
    return with_relations(api, own_server(api, ctx, data["serverId"], "access"))


def server_default_command(api, ctx, data):
    return default_command(find_server(api, data["serverId"])["serverType"] == "build")


def server_all(api, ctx, data):
    return [{**s, "totalSum": total_sum(api, s["serverId"])} for s in org_servers(api, ctx)]


def server_count(api, ctx, data):
    return len(org_servers(api, ctx))


def servers_with_key(server_type):
    def listing(api, ctx, data):
        return [s for s in org_servers(api, ctx, serverType=server_type) if s["sshKeyId"]]
    return listing


def server_setup(api, ctx, data):
    server = own_server(api, ctx, data["serverId"], "setup")
    trim_deployments(api, "server", server["serverId"], 4)
    ok = ssh_failure(api, server, "No SSH Key found") is None
    deployment = finished_deployment(api, "serverId", server["serverId"], server["appName"], "Setup Server",
                                     ok, "Initializing Setup Server")
    deployment["startedAt"] = None  # createServerDeployment sets none
    return None  # answers an empty body, failed or not: the deployment tells


def ssh_report(report):
    def query(api, ctx, data):
        server = own_server(api, ctx, data["serverId"], "validate")
        failure = ssh_failure(api, server, "No SSH Key found")
        if failure:
            raise bad_request(failure)
        return report(api, server)
    return query


def server_setup_monitoring(api, ctx, data):
    server = own_server(api, ctx, data["serverId"], "setup")
    wanted, containers = data["metricsConfig"]["server"], data["metricsConfig"]["containers"]
    host = {k: wanted[k] for k in ("refreshRate", "retentionDays", "port", "token", "urlCallback", "cronJob")}
    host.update(type="Remote", thresholds={"cpu": wanted["thresholds"]["cpu"],
                                           "memory": wanted["thresholds"]["memory"]})
    services = {"include": containers["services"].get("include") or [],
                "exclude": containers["services"].get("exclude") or []}
    metrics = {"server": host, "containers": {"refreshRate": containers["refreshRate"], "services": services}}
    server["metricsConfig"] = jsonb(metrics)  # stored before the host is contacted
    failure = ssh_failure(api, server, "No SSH key available for this server")
    if failure:
        raise server_error(failure)
    return None


def server_remove(api, ctx, data):
    server = own_server(api, ctx, data["serverId"], "delete")
    if any(api.store.where(kind, serverId=server["serverId"]) for kind in PLACED_KINDS):
        raise bad_request("Server has active services, please delete them first")
    shape = with_relations(api, server)
    trim_deployments(api, "server", server["serverId"], 0)  # its schedules go too (schedule.purge_orphans)
    del api.store.tables["server"][server["serverId"]]
    return shape


def server_update(api, ctx, data):
    # Dialect A: every input is required, except `command` (kept when missing) and
    # `enableDockerCleanup`, whose schema default turns the cleanup ON when it is missing.
    server = own_server(api, ctx, data["serverId"], "update")
    if server["serverStatus"] == "inactive":
        raise not_found("Server is inactive")
    fields = ("serverId", "name", "description", "ipAddress", "port", "username", "enableDockerCleanup",
              "serverType", "command", "sshKeyId")
    changes = {f: data[f] for f in fields if f in data}
    if changes["sshKeyId"] is not None and api.store.get("sshKey", changes["sshKeyId"]) is None:
        raise server_error(failed_update("server", SERVER_FIELDS, changes, "serverId", server["serverId"]))
    server.update(changes)
    return server


def server_update_builds_concurrency(api, ctx, data):
    server = own_server(api, ctx, data["serverId"], "update")
    server["buildsConcurrency"] = data["buildsConcurrency"]
    return server


ROUTES = {
    "server.create": ("POST", server_create),
    "server.one": ("GET", server_one),
    "server.getDefaultCommand": ("GET", server_default_command),
    "server.all": ("GET", server_all),
    "server.count": ("GET", server_count),
    "server.withSSHKey": ("GET", servers_with_key("deploy")),
    "server.buildServers": ("GET", servers_with_key("build")),
    "server.setup": ("POST", server_setup),
    "server.validate": ("GET", ssh_report(validate_report)),
    "server.security": ("GET", ssh_report(lambda api, server: SECURITY_REPORT)),
    "server.setupMonitoring": ("POST", server_setup_monitoring),
    "server.remove": ("POST", server_remove),
    "server.update": ("POST", server_update),
    "server.updateBuildsConcurrency": ("POST", server_update_builds_concurrency),
}

# Fields of these `.required()` schemas that were optional before it (a column default, a
# nullable column): a missing one reports "expected nonoptional", which openapi.json cannot show.
# Read by the input validation once it takes such hints (routers.load()).
NONOPTIONAL = {"server.create": ("description", "sshKeyId"),
               "server.update": ("description", "username", "sshKeyId", "serverType")}
