"""`volumeBackups.*`: scheduled tar backups of a service's Docker volume to an S3 destination.

- `create` needs name, volumeName (Docker volume name pattern), prefix, cronExpression,
  destinationId and the service id (`applicationId`, ... `composeId`; `serviceType` defaults to
  `application`); `appName` (`volumeBackup-...`) and `createdAt` are generated unless given, as in
  Dokploy, whose input takes them. It answers the new record. An unknown (or another
  organization's) destination or service is the database's foreign key error: 500 with drizzle's
  `Failed query: insert into "volume_backup" ...` text.
- `list` (`id`, `volumeBackupType`) answers the service's volume backups, newest first, each with
  the eight service relations as `{<kind>Id, appName, serverId}` or null; an unknown id gives `[]`.
- `one` embeds the service (an application light, other kinds whole, with environment and project)
  and the destination without its keys; unknown: 404 `Volume backup not found` (also `update`,
  `delete`, `runManually`).
- `update` is dialect A for name, volumeName, prefix, cronExpression and destinationId; other keys
  are written when given and kept when missing; answers the record.
- `delete` answers an empty body and drops the deployments.
- `runManually` answers 200 with an empty body whatever happens: the outcome is a `Volume Backup`
  deployment (`deployment.allByType` type `volumeBackup`, log under /etc/dokploy/volume-backups/),
  `done` with a file `<service appName>/<prefix>/<volumeName>-<timestamp>.tar` in the bucket (then
  the `keepLatestCount` newest kept), or `error` under --fail-deploys (no Docker) or when the
  destination's name or the volume backup's prefix contains FAIL_WORD.

Simplification: cron expressions are stored but never run.
"""

import fnmatch

from routers.backup import (
    backup_timestamp, destination_summary, failed_insert, failed_update, file_size, finished_deployment,
    record_org, unknown_references,
)
from routers.destination import keep_latest, normalize_s3_path, put_object, remove_with_deployments
from simcore import NO_DOCKER, app_name, id_field, new_id, not_found, now_iso, server_error

COLUMNS = ("volumeBackupId", "name", "volumeName", "prefix", "serviceType", "appName", "serviceName", "turnOff",
           "cronExpression", "keepLatestCount", "enabled", "applicationId", "postgresId", "mariadbId", "mongoId",
           "mysqlId", "redisId", "libsqlId", "composeId", "createdAt", "destinationId")
COLUMN_DEFAULTS = {"serviceType": "application", "turnOff": False}
# The services a volume backup can belong to: the order Dokploy looks for them, and embeds them in.
SERVICE_KINDS = ("application", "postgres", "mysql", "mariadb", "mongo", "redis", "libsql", "compose")
EMBEDDED_KINDS = ("application", "postgres", "mysql", "mariadb", "mongo", "redis", "compose", "libsql")
LOGS_DIR = "/etc/dokploy/volume-backups"


def find_volume_backup(api, ctx, ident):
    record = api.store.get("volumeBackup", ident)
    if record is None or record_org(api, record, SERVICE_KINDS) != ctx.org:
        raise not_found("Volume backup not found")
    return record


def volume_backup_create(api, ctx, data):
    values = {"volumeBackupId": new_id(), **{k: v for k, v in data.items() if k in COLUMNS[1:]}}
    values.setdefault("appName", app_name("volumeBackup"))
    values.setdefault("createdAt", now_iso())
    if unknown_references(api, ctx, values, SERVICE_KINDS):
        raise server_error(failed_insert("volume_backup", COLUMNS, values))  # no error wrapper: a 500
    record = {**{c: None for c in COLUMNS}, **COLUMN_DEFAULTS, **values}
    return api.store.insert("volumeBackup", record)


def volume_backup_list(api, ctx, data):
    owner_field = id_field(data["volumeBackupType"])
    service = api.store.get(data["volumeBackupType"], data["id"])
    if service is None or api.org_of(data["volumeBackupType"], service) != ctx.org:
        return []
    newest_first = reversed(api.store.where("volumeBackup", **{owner_field: data["id"]}))
    return [{**record, **{kind: light_service(api, kind, record) for kind in EMBEDDED_KINDS}}
            for record in newest_first]


def light_service(api, kind, record):
    service = api.store.get(kind, record.get(id_field(kind)))
    return service and {id_field(kind): service[id_field(kind)], "appName": service["appName"],
                        "serverId": service.get("serverId")}


def volume_backup_one(api, ctx, data):
    record = find_volume_backup(api, ctx, data["volumeBackupId"])
    embedded = {}
    for kind in EMBEDDED_KINDS:
        service = api.store.get(kind, record.get(id_field(kind)))
        if service is not None:
            environment = api.env_with_project(api.store.get("environment", service["environmentId"]))
            base = light_service(api, kind, record) if kind == "application" else service
            service = {**base, "environment": environment}
        embedded[kind] = service
    destination = api.store.get("destination", record["destinationId"])
    return {**record, **embedded, "destination": destination_summary(destination)}


def volume_backup_update(api, ctx, data):
    record = find_volume_backup(api, ctx, data["volumeBackupId"])
    values = {k: v for k, v in data.items() if k in COLUMNS}
    if unknown_references(api, ctx, values, SERVICE_KINDS):
        raise server_error(failed_update("volume_backup", COLUMNS, "volumeBackupId", values))
    record.update(values)
    return record


def volume_backup_delete(api, ctx, data):
    remove_with_deployments(api, "volumeBackup", find_volume_backup(api, ctx, data["volumeBackupId"]))
    return None


def s3_folder_name(api, record):
    """Where the service's volume backups go: the compose's `<appName>_<serviceName>`, else its appName."""
    compose = api.store.get("compose", record.get("composeId"))
    if compose:
        return f"{compose['appName']}_{record['serviceName']}" if record.get("serviceName") else compose["appName"]
    for kind in SERVICE_KINDS:
        service = api.store.get(kind, record.get(id_field(kind)))
        if service:
            return service["appName"]
    return record["appName"]


def volume_backup_run(api, ctx, data):
    record = find_volume_backup(api, ctx, data["volumeBackupId"])
    destination = api.store.get("destination", record["destinationId"])
    folder = f"{s3_folder_name(api, record)}/{normalize_s3_path(record['prefix'] or '')}"
    file_name = f"{record['volumeName']}-{backup_timestamp()}.tar"
    ok = not api.external_fails(destination["name"], record["prefix"])
    lines = ["Initializing volume backup", f"Volume name: {record['volumeName']}", f"Backup file name: {file_name}",
             f"Turning off volume backup: {'Yes' if record['turnOff'] else 'No'}", "Starting volume backup",
             f"Dir: {LOGS_DIR}/{record['appName']}"]
    if api.fail_deploys:
        lines += [f"docker: {NO_DOCKER}", "Run 'docker run --help' for more information"]
    else:
        lines += ["Volume backup done \u2705", "Starting upload to S3..."]
        if ok:
            lines += ["Upload to S3 done \u2705", "Cleaning up local backup file...",
                      "Local backup file cleaned up \u2705"]
        else:
            lines += ["Failed to copy: RequestError: send request failed"]
    deployment = finished_deployment(api, "volumeBackupId", record["volumeBackupId"], record["appName"],
                                     "Volume Backup", ok, "\n".join(lines) + "\n")
    deployment["logPath"] = deployment["logPath"].replace("/etc/dokploy/logs", LOGS_DIR, 1)
    if ok:
        put_object(api, destination, folder + file_name, file_size())
        keep_latest(api, destination, folder, record["keepLatestCount"],
                    lambda name: fnmatch.fnmatch(name, f"{record['volumeName']}-*.tar"))
    return None


ROUTES = {
    "volumeBackups.create": ("POST", volume_backup_create),
    "volumeBackups.list": ("GET", volume_backup_list),
    "volumeBackups.one": ("GET", volume_backup_one),
    "volumeBackups.update": ("POST", volume_backup_update),
    "volumeBackups.delete": ("POST", volume_backup_delete),
    "volumeBackups.runManually": ("POST", volume_backup_run),
}
