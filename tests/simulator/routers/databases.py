"""`databases.*`."""

import re

from simcore import (
    DB_ENGINES, DB_KINDS, NO_DOCKER, bad_request, generate_password, id_field, new_id, new_service,
    remove_service_tree, saver, server_error, template, update_fields,
)

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


# postgres, mysql, mariadb, mongo and redis are five routers with one implementation.
ROUTES = {f"{kind}.{name}": entry for kind in DB_KINDS for name, entry in db_handlers(kind).items()}
