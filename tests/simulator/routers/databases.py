"""`postgres.*`, `mysql.*`, `mariadb.*`, `mongo.*`, `redis.*`: five routers, one implementation.

`<db>.deploy` (and `saveExternalPort`, which redeploys) runs synchronously and answers the record
as it was before the deploy; a failure is a 500 "Error on deploy <kind>Error: ..." that leaves
`applicationStatus: error`. Under --fail-deploys (no Docker daemon) the image pull fails first.

`<db>.search` answers `{items, total}` (see simcore.service_search): `q` on name/appName/
description, `projectId`/`environmentId`, `limit` 1-100, `offset`; items carry no sourceType.

What changed after v0.30.2 (`--dokploy-version`):
  * v0.30.3 (commit 41d355c7d, "use dockerode API instead of shell docker ps for changePassword"):
    `changePassword` looks the container up through the Docker API first. No running container:
    400 "No running container found for <appName>" (v0.30.2: a 500 quoting the whole shell
    script); no Docker daemon: the API call's own 500 "connect ENOENT /var/run/docker.sock".
    Nothing is stored in either case.
  * v0.30.5 (PR #5247, "verify swarm task convergence before marking db deploys done"): after
    creating/updating the service, deploy polls its tasks (up to 45 s) before setting `done`;
    a service that does not converge fails the deploy: `applicationStatus: error` and the 500
    "Error on deploy <kind>Error: Service <appName> did not converge ...". (That PR is newer than
    the Dokploy mirror; the inner wording is modelled from its description.) Here a database
    with the fail marker (SIMULATOR_DEPLOY_FAIL=1 in its env) fails that way after waiting
    --deploy-seconds (standing for the 45 s), `running` meanwhile for other clients; a healthy
    one converges at once and ends `done`. Before v0.30.5 the marker fails like --fail-deploys.
"""

import re

from simcore import (
    DB_ENGINES, DB_KINDS, NO_DOCKER, bad_request, generate_password, id_field, new_id, new_service,
    remove_service_tree, saver, server_error, service_search, template, update_fields,
)

# First releases with the behaviour described above.
CONTAINER_LOOKUP_SINCE = (0, 30, 3)
CONVERGENCE_WAIT_SINCE = (0, 30, 5)
CONVERGENCE_TIMEOUT_MS = 45000
NO_DOCKER_SOCKET = "connect ENOENT /var/run/docker.sock"


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
        if api.fail_deploys or (api.should_fail(record) and api.version < CONVERGENCE_WAIT_SINCE):
            record["applicationStatus"] = "error"
            raise server_error(f"Error on deploy {kind}Error: {NO_DOCKER}\n")
        if api.should_fail(record):
            record["applicationStatus"] = "running"
            api.pause(api.deploy_seconds)
            record["applicationStatus"] = "error"
            raise server_error(f"Error on deploy {kind}Error: Service {record['appName']} did not converge after "
                               f"{CONVERGENCE_TIMEOUT_MS}ms: 0/1 tasks running (last task state: rejected)")
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
        if api.version >= CONTAINER_LOOKUP_SINCE:
            if api.fail_deploys:
                raise server_error(NO_DOCKER_SOCKET)
            if record["applicationStatus"] != "done":
                raise bad_request(f"No running container found for {name}")
        elif api.fail_deploys or record["applicationStatus"] != "done":
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
        "search": ("GET", service_search(kind)),
    }


def db_mount_path(kind, image):
    if kind == "postgres":
        match = re.search(r"postgres:(\d+)", image or "")
        if match and int(match.group(1)) >= 18:
            return f"/var/lib/postgresql/{int(match.group(1))}/docker"
    return DB_ENGINES[kind]["mount"]


# --------------------------------------------------------------------------
# domain.*, mounts.*, port.*, redirects.*, security.*


# postgres, mysql, mariadb, mongo and redis are five routers with one implementation.
ROUTES = {f"{kind}.{name}": entry for kind in DB_KINDS for name, entry in db_handlers(kind).items()}
