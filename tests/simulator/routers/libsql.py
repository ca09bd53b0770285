"""`libsql.*`: libSQL (sqld) databases, a service kind of their own beside the five databases.

What Dokploy v0.30.2 does (routers/libsql.ts, services/libsql.ts, db/schema/libsql.ts) and the simulator copies:
  * `create` answers `true`, not the record: find it through `environment.one` → `libsql[]`. Every key
    is required (`description` and `serverId` may be null); `sqldNode` primary|replica, `sqldPrimaryUrl`
    required for a replica and refused otherwise; the password must match the database password regex.
    `appName` gets the random suffix; a volume mount `<appName>-data` at `/var/lib/sqld` is added.
    An appName (as given) that an existing service already has answers 409.
  * `one`/`remove`/`deploy`... answer the full record (`databasePassword` in clear) with `environment`
    (and its project), `mounts`, `server` and `backups`; unknown: 404 `Libsql not found`, another
    organization's: 401 `You are not authorized to access|delete this Libsql`.
  * `update` (dialect B) answers `true`; a missing `enableNamespaces` is written as false (schema
    default); `appName`, `environmentId`, `createdAt` are kept; unknown id: 400 `Error updating Libsql`.
  * `deploy` runs synchronously: status `done`, or `error` and 500 `Error on deploy libsqlError: ...`
    under --fail-deploys or with `SIMULATOR_DEPLOY_FAIL=1` in its env; it answers the record as it was.
  * `saveExternalPorts` stores the ports given (a missing key keeps; all three null: 400), then
    redeploys: a failed redeploy answers the 500 and the ports stay stored. A replica refuses a gRPC
    port (any value but null, a missing key included).
  * `start` (500 under --fail-deploys), `stop`, `reload` (stop, then start: idle, then done or the 500)
    and `changeStatus` like the other databases; there is no `changePassword`.
"""

from simcore import (
    NO_DOCKER, SERVICE_KINDS, ApiError, app_name, bad_request, new_id, not_found, now_iso,
    remove_service_tree, saver, server_error, template, unauthorized, update_fields,
)

DEFAULT_IMAGE = "ghcr.io/tursodatabase/libsql-server:v0.24.32"
DATA_MOUNT_PATH = "/var/lib/sqld"

# The record with the recorded key order and the schema's defaults (libsql.one of a fresh database).
RECORD = {
    "libsqlId": None, "name": None, "appName": None, "description": None, "databaseUser": None,
    "databasePassword": None, "sqldNode": "primary", "sqldPrimaryUrl": None, "enableNamespaces": False,
    "dockerImage": DEFAULT_IMAGE, "command": None, "env": None, "memoryReservation": None,
    "memoryLimit": None, "cpuReservation": None, "cpuLimit": None, "externalPort": None,
    "externalGRPCPort": None, "externalAdminPort": None, "applicationStatus": "idle",
    "healthCheckSwarm": None, "restartPolicySwarm": None, "placementSwarm": None, "updateConfigSwarm": None,
    "rollbackConfigSwarm": None, "modeSwarm": None, "labelsSwarm": None, "networkSwarm": None,
    "stopGracePeriodSwarm": None, "endpointSpecSwarm": None, "replicas": 1, "networkIds": [],
    "detachDokployNetwork": False, "createdAt": None, "environmentId": None, "serverId": None,
}
CREATE_FIELDS = ("name", "description", "databaseUser", "databasePassword", "sqldNode", "sqldPrimaryUrl",
                 "enableNamespaces", "dockerImage", "serverId")
PORT_FIELDS = ("externalPort", "externalGRPCPort", "externalAdminPort")


def full_libsql(api, record):
    """findLibsqlById: the record with its environment (and project), mounts, server and backups."""
    env = api.store.get("environment", record["environmentId"])
    return {**record, "environment": api.env_with_project(env),
            "mounts": api.store.where("mount", libsqlId=record["libsqlId"]),
            "server": None, "backups": []}


def check_server(api, ctx, server_id):
    server = api.store.get("server", server_id)
    if server is None or server.get("organizationId") != ctx.org:
        raise unauthorized("You are not authorized to access this server")


def app_name_taken(api, requested):
    """validUniqueServerAppName: the appName as given (before its suffix) against every service."""
    return any(r.get("appName") == requested for kind in SERVICE_KINDS for r in api.store.tables[kind].values())


def libsql_create(api, ctx, data):
    env = api.store.get("environment", data["environmentId"])
    if env is None:
        raise not_found("Environment not found")
    if api.org_of("environment", env) != ctx.org:
        raise unauthorized("You are not authorized to access this project")
    if data.get("serverId"):
        check_server(api, ctx, data["serverId"])
    if app_name_taken(api, data["appName"]):
        raise ApiError("CONFLICT", "Service with this 'AppName' already exists")
    record = dict(RECORD, networkIds=[])
    record.update({field: data[field] for field in CREATE_FIELDS if field in data})
    record.update(libsqlId=new_id(), appName=app_name("libsql", data["appName"]), createdAt=now_iso(),
                  environmentId=env["environmentId"])
    api.store.insert("libsql", record)
    mount = template("mount")
    mount.update(mountId=new_id(), type="volume", volumeName=f"{record['appName']}-data",
                 serviceType="libsql", mountPath=DATA_MOUNT_PATH, libsqlId=record["libsqlId"])
    api.store.insert("mount", mount)
    return True


def libsql_one(api, ctx, data):
    return full_libsql(api, api.service(ctx, "libsql", data["libsqlId"]))


def libsql_update(api, ctx, data):
    record = api.store.get("libsql", data["libsqlId"])
    if record is None or api.org_of("libsql", record) != ctx.org:
        raise bad_request("Error updating Libsql")
    update_fields(record, data, skip=("libsqlId", "appName", "environmentId", "createdAt", "serverId"))
    return True


def libsql_remove(api, ctx, data):
    record = api.service(ctx, "libsql", data["libsqlId"], denied="delete")
    shape = full_libsql(api, record)
    remove_service_tree(api, "libsql", record)
    return shape


def deploy_now(api, record):
    """deployLibsql: synchronous; a failure leaves `error` and answers 500."""
    if api.should_fail(record):
        record["applicationStatus"] = "error"
        raise server_error(f"Error on deploy libsqlError: {NO_DOCKER}\n")
    record["applicationStatus"] = "done"


def libsql_deploy(api, ctx, data):
    record = api.service(ctx, "libsql", data["libsqlId"])
    shape = full_libsql(api, record)
    deploy_now(api, record)
    return shape


def libsql_save_external_ports(api, ctx, data):
    record = api.service(ctx, "libsql", data["libsqlId"])
    # A missing key is not null here: a replica refuses it too.
    if record["sqldNode"] == "replica" and data.get("externalGRPCPort", ...) is not None:
        raise bad_request("externalGRPCPort cannot be set when sqldNode is 'replica'")
    shape = full_libsql(api, record)
    record.update({field: data[field] for field in PORT_FIELDS if field in data})
    deploy_now(api, record)  # the ports stay stored when the redeploy fails
    return shape


def libsql_start(api, ctx, data):
    record = api.service(ctx, "libsql", data["libsqlId"])
    shape = full_libsql(api, record)
    if api.fail_deploys:
        raise api.docker_failure(record)
    record["applicationStatus"] = "done"
    return shape


def libsql_stop(api, ctx, data):
    record = api.service(ctx, "libsql", data["libsqlId"])
    shape = full_libsql(api, record)
    record["applicationStatus"] = "idle"  # Dokploy ignores a failed `docker service scale ...=0`
    return shape


def libsql_reload(api, ctx, data):
    record = api.service(ctx, "libsql", data["libsqlId"])
    record["applicationStatus"] = "idle"
    if api.fail_deploys:
        raise api.docker_failure(record)
    record["applicationStatus"] = "done"
    return True


def libsql_change_status(api, ctx, data):
    record = api.service(ctx, "libsql", data["libsqlId"])
    shape = full_libsql(api, record)
    record["applicationStatus"] = data["applicationStatus"]
    return shape


# The schema's superRefine checks, which openapi.json does not show (db/schema/libsql.ts).
def primary_url_issues(data):
    if not isinstance(data, dict):
        return []
    replica, url = data.get("sqldNode") == "replica", data.get("sqldPrimaryUrl")
    if replica and not url:
        message = "sqldPrimaryUrl is required when sqldNode is 'replica'."
    elif not replica and url:
        message = "sqldPrimaryUrl should not be provided when sqldNode is not 'replica'."
    else:
        return []
    return [{"code": "custom", "path": ["sqldPrimaryUrl"], "message": message}]


def external_ports_issues(data):
    if not isinstance(data, dict) or any(data.get(field, ...) is not None for field in PORT_FIELDS):
        return []
    return [{"code": "custom",
             "message": "Either externalPort, externalGRPCPort or externalAdminPort must be provided.",
             "path": list(PORT_FIELDS)}]


REFINEMENTS = {"libsql.create": primary_url_issues, "libsql.saveExternalPorts": external_ports_issues}

ROUTES = {
    "libsql.create": ("POST", libsql_create),
    "libsql.one": ("GET", libsql_one),
    "libsql.update": ("POST", libsql_update),
    "libsql.remove": ("POST", libsql_remove),
    "libsql.saveEnvironment": ("POST", saver("libsql", ("env",))),
    "libsql.deploy": ("POST", libsql_deploy),
    "libsql.saveExternalPorts": ("POST", libsql_save_external_ports),
    "libsql.start": ("POST", libsql_start),
    "libsql.stop": ("POST", libsql_stop),
    "libsql.reload": ("POST", libsql_reload),
    "libsql.changeStatus": ("POST", libsql_change_status),
}
