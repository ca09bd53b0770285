"""`backup.*`: scheduled database and compose backups to an S3 destination, and manual runs.

A backup belongs to one service (`postgresId`/`mysqlId`/`mariadbId`/`mongoId`/`libsqlId`, or
`backupType: compose` + `composeId` + `serviceName`), or to none (the web server's own backup).
There is no list procedure: `<db>.one`/`compose.one` list a service's backups (simcore
`backups_of`), each with its destination without the keys and its deployments.

- `create` answers 200 with an empty body. The cron text, the databaseType against the service and
  the prefix's shape are not checked; `keepLatestCount: "3"` is read as 3 (zodlike). An unknown (or
  another organization's) destination or service is the database's foreign key error: 400 with
  drizzle's `Failed query: insert into "backup" ...` text, generated ids and all.
- `one`: the backup with its service (plain record, with its password), the other service kinds as
  null and its destination without the keys; unknown 404 `Backup not found`.
- `update` is dialect A (every field required, all written) and answers an empty body; `remove`
  answers the removed record and drops its deployments. Unknown: 400 `Backup not found`.
- `manualBackup<Engine>` (Postgres, MySql, Mariadb, Mongo, Libsql, Compose) run the backup
  synchronously: a deployment of the backup (`deployment.allByType` type `backup`; titled
  `Initializing Backup` for postgres and libsql, `MySQL Backup`, `MariaDB Backup`, `MongoDB Backup`,
  `Compose Backup`) that ends `done` (answer `true`, a file `<appName>/<prefix>/<timestamp>.sql.gz`
  (`.bson.gz` for mongo) in the bucket, then the `keepLatestCount` newest kept) or `error` (answer
  400). Postgres' 400 carries the whole backup script, rclone command and secret key included,
  then the stderr (`Cannot connect to the Docker daemon ...` under --fail-deploys, as recorded); the
  others answer a fixed `Error running manual <Engine> backup `. Unknown backup: 400
  `Backup not found` (others: their fixed message).
- `manualBackupWebServer` (no service): `Web Server Backup` deployment, a
  `<backup appName>/<prefix>/webserver-backup-<timestamp>.zip` file; it has no error wrapper, so
  failures are 500s and an unknown backup is a 404.
- Manual runs fail under --fail-deploys (no Docker, no rclone) or when the destination's name or
  the backup's prefix contains FAIL_WORD (then the upload is what fails).
- `listBackupFiles` (destinationId, search) lists the folder of `search` up to its last `/` (not
  recursive: files and folders, rclone lsjson's `{Path, Name, Size, IsDir}`), keeps the entries
  whose Path contains the rest of `search`, at most 100. It fails (400 quoting the rclone command,
  secret key in clear) under --fail-deploys or when the destination's name contains FAIL_WORD.
  Unknown destination: 400 `Destination not found`.

Simplifications: schedules are stored but never run (only manual runs happen); the organization
of a backup is its service's (its destination's for the web server's), and another
organization's backup reads as unknown, where Dokploy checks nothing for an owner's key.
"""

import fnmatch
import json
import random
import secrets
import string
import time

from routers.destination import (
    KEY_FIELDS, command_failure, keep_latest, list_folder, normalize_s3_path, put_object,
    rclone_stderr, s3_flags, shell_quote,
)
from simcore import (
    NO_DOCKER, NOT_FOUND_MESSAGES, ApiError, bad_request, id_field, new_id, not_found, app_name, server_error,
)

BACKUP_COLUMNS = ("backupId", "appName", "schedule", "enabled", "database", "prefix", "serviceName",
                  "destinationId", "keepLatestCount", "includeEncryptionKey", "backupType", "databaseType",
                  "composeId", "postgresId", "mariadbId", "mysqlId", "mongoId", "libsqlId", "userId", "metadata")
COLUMN_DEFAULTS = {"includeEncryptionKey": True, "backupType": "database"}
# The services a backup can belong to, in the order Dokploy looks for them.
SERVICE_KINDS = ("postgres", "mysql", "mariadb", "mongo", "libsql", "compose")
# The order `backup.one` embeds them in.
EMBEDDED_KINDS = ("postgres", "mysql", "mariadb", "mongo", "libsql")


# ---- shared with volumeBackups.py -------------------------------------------------

def js_text(value):
    """A query parameter as drizzle's error prints the list of them (JavaScript's join)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (dict, list)):
        return json.dumps(value, separators=(",", ":"))  # jsonb columns are sent as JSON text
    return str(value)


def failed_insert(table, columns, values):
    """drizzle's message for an insert the database refused: every column, `$n` for those given."""
    placeholders, params = [], []
    for column in columns:
        if column in values:
            params.append(values[column])
            placeholders.append(f"${len(params)}")
        else:
            placeholders.append("default")
    names = ", ".join(f'"{c}"' for c in columns)
    return (f'Failed query: insert into "{table}" ({names}) values ({", ".join(placeholders)}) '
            f'returning {names}\nparams: {",".join(js_text(p) for p in params)}')


def failed_update(table, columns, key, values):
    """drizzle's message for an update the database refused: the columns set, in table order."""
    params = [values[c] for c in columns if c in values]
    sets = ", ".join(f'"{c}" = ${n}' for n, c in enumerate((c for c in columns if c in values), 1))
    names = ", ".join(f'"{c}"' for c in columns)
    return (f'Failed query: update "{table}" set {sets} where "{table}"."{key}" = ${len(params) + 1} '
            f'returning {names}\nparams: {",".join(js_text(p) for p in params + [values[key]])}')


def destination_summary(destination):
    return {k: v for k, v in destination.items() if k not in KEY_FIELDS}


def usable_destination(api, ctx, ident):
    destination = api.store.get("destination", ident)
    return destination if destination and destination["organizationId"] == ctx.org else None


def record_org(api, record, service_kinds):
    """A backup's organization: its service's; a service-less one's destination's; None when its
    service is gone (the database would have removed the backup with it)."""
    for kind in service_kinds:
        if record.get(id_field(kind)):
            service = api.store.get(kind, record[id_field(kind)])
            return service and api.org_of(kind, service)
    destination = api.store.get("destination", record["destinationId"])
    return destination and destination["organizationId"]


def unknown_references(api, ctx, data, service_kinds):
    """Whether a write names a destination or service the caller's organization does not have."""
    if "destinationId" in data and usable_destination(api, ctx, data["destinationId"]) is None:
        return True
    for kind in service_kinds:
        ident = data.get(id_field(kind))
        service = ident and api.store.get(kind, ident)
        if ident and (service is None or api.org_of(kind, service) != ctx.org):
            return True
    return False


def finished_deployment(api, owner_field, owner_id, log_name, title, ok, log):
    """A deployment of a synchronous run (a manual backup): already `done`/`error` when the call
    answers. Like Dokploy, an owner keeps its 10 newest deployments before a new one is added."""
    older = sorted(api.store.where("deployment", **{owner_field: owner_id}), key=lambda d: d["createdAt"])
    for deployment in older[:-10]:
        del api.store.tables["deployment"][deployment["deploymentId"]]
        api.store.deploy_meta.pop(deployment["deploymentId"], None)
    row = api.add_deployment(owner_field, owner_id, log_name, title, title, ok, log)
    api.store.deploy_meta[row["deploymentId"]]["finish_at"] = time.time()
    api.settle()
    return row


def backup_timestamp():
    """Dokploy's getBackupTimestamp: an ISO time with `:` and `.` made `-`."""
    now = time.time()
    return time.strftime("%Y-%m-%dT%H-%M-%S", time.gmtime(now)) + f"-{int(now * 1000) % 1000:03d}Z"


def shell_date():
    """What `$(date)` prints on the Dokploy host, in the logs."""
    now = time.gmtime()
    return f"{time.strftime('%a %b', now)} {now.tm_mday:2d} {time.strftime('%H:%M:%S', now)} UTC {now.tm_year}"


def file_size():
    return random.randint(2_000, 2_000_000)


# ---- records ------------------------------------------------------------------------

def find_backup(api, ctx, ident, missing):
    backup = api.store.get("backup", ident)
    if backup is None or record_org(api, backup, SERVICE_KINDS) != ctx.org:
        raise missing
    return backup


def backup_create(api, ctx, data):
    values = {"backupId": new_id(), "appName": app_name("backup"),
              **{k: v for k, v in data.items() if k in BACKUP_COLUMNS[2:]}}
    if unknown_references(api, ctx, values, SERVICE_KINDS):
        raise bad_request(failed_insert("backup", BACKUP_COLUMNS, values))
    backup = {**{c: None for c in BACKUP_COLUMNS}, **COLUMN_DEFAULTS, **values}
    api.store.insert("backup", backup)
    return None


def backup_one(api, ctx, data):
    backup = find_backup(api, ctx, data["backupId"], not_found("Backup not found"))
    embedded = {kind: api.store.get(kind, backup.get(id_field(kind))) for kind in SERVICE_KINDS}
    return {**backup, **{kind: embedded[kind] for kind in EMBEDDED_KINDS},
            "destination": destination_summary(api.store.get("destination", backup["destinationId"])),
            "compose": embedded["compose"]}


def backup_update(api, ctx, data):
    backup = find_backup(api, ctx, data["backupId"], bad_request("Backup not found"))
    values = {k: v for k, v in data.items() if k in BACKUP_COLUMNS}
    if unknown_references(api, ctx, values, ()):
        raise bad_request(failed_update("backup", BACKUP_COLUMNS, "backupId", values))
    backup.update(values)
    return None


def backup_remove(api, ctx, data):
    backup = find_backup(api, ctx, data["backupId"], bad_request("Backup not found"))
    for deployment in api.store.where("deployment", backupId=backup["backupId"]):
        del api.store.tables["deployment"][deployment["deploymentId"]]
        api.store.deploy_meta.pop(deployment["deploymentId"], None)
    del api.store.tables["backup"][backup["backupId"]]
    return backup


# ---- manual runs ----------------------------------------------------------------------

# Per service kind: the deployment's title and the router's fixed failure message (None: Postgres
# passes the script's own error on).
MANUAL_RUNS = {
    "postgres": ("manualBackupPostgres", "Initializing Backup", None),
    "mysql": ("manualBackupMySql", "MySQL Backup", "Error running manual MySQL backup "),
    "mariadb": ("manualBackupMariadb", "MariaDB Backup", "Error running manual Mariadb backup "),
    "mongo": ("manualBackupMongo", "MongoDB Backup", "Error running manual Mongo backup "),
    "libsql": ("manualBackupLibsql", "Initializing Backup", "Error running manual Libsql backup "),
    "compose": ("manualBackupCompose", "Compose Backup", "Error running manual Compose backup "),
}


def dump_command(backup, service):
    """The dump the backup pipes into rclone, by databaseType; `null` where Dokploy has none."""
    kind, metadata = backup["databaseType"], backup.get("metadata") or {}
    if backup["backupType"] == "compose":
        source = metadata.get(kind) if kind != "libsql" else None
    else:
        source = service if service and backup.get(id_field(kind)) == service.get(id_field(kind)) else None
    if source is None:
        return "null"
    env = {"postgres": ("DB_NAME", "DB_USER"), "mysql": ("DB_NAME", "DB_PASS"),
           "mariadb": ("DB_NAME", "DB_USER", "DB_PASS"), "mongo": ("DB_NAME", "DB_USER", "DB_PASS"),
           "libsql": ("DB_NAME",)}[kind]
    values = {"DB_NAME": backup["database"], "DB_USER": source.get("databaseUser") or "",
              "DB_PASS": source.get("databaseRootPassword" if kind == "mysql" else "databasePassword") or ""}
    exports = " ".join(f"-e {name}={shell_quote(values[name])}" for name in env)
    inner = {
        "postgres": "bash -c 'set -o pipefail; pg_dump -Fc --no-acl --no-owner -h localhost -U \"$DB_USER\" "
                    "--no-password \"$DB_NAME\" | gzip'",
        "mysql": "bash -c 'set -o pipefail; mysqldump --default-character-set=utf8mb4 -u root --password=\"$DB_PASS\" "
                 "--single-transaction --no-tablespaces --quick \"$DB_NAME\" | gzip'",
        "mariadb": "bash -c 'set -o pipefail; mariadb-dump --user=\"$DB_USER\" --password=\"$DB_PASS\" "
                   "--single-transaction --quick --databases \"$DB_NAME\" | gzip'",
        "mongo": "bash -c 'set -o pipefail; mongodump -d \"$DB_NAME\" -u \"$DB_USER\" -p \"$DB_PASS\" --archive "
                 "--authenticationDatabase admin --gzip'",
        "libsql": "sh -c 'tar cf - -C /var/lib/sqld \"$DB_NAME\" | gzip'",
    }[kind]
    return f"docker exec {exports} -i $CONTAINER_ID {inner}"


def container_search(backup, service):
    name = service["appName"]
    if backup["backupType"] == "compose":
        if service.get("composeType") == "stack":
            return (f'docker ps -q --filter "status=running" --filter "label=com.docker.stack.namespace={name}" '
                    f'--filter "label=com.docker.swarm.service.name={name}_{backup["serviceName"] or ""}" | head -n 1')
        return (f'docker ps -q --filter "status=running" --filter "label=com.docker.compose.project={name}" '
                f'--filter "label=com.docker.compose.service={backup["serviceName"] or ""}" | head -n 1')
    return f'docker ps -q --filter "status=running" --filter "label=com.docker.swarm.service.name={name}" | head -n 1'


def backup_script(backup, service, flags, target, log):
    """The shell script Dokploy runs for a database or compose backup (its error quotes it whole)."""
    upload = f'rclone rcat {" ".join(flags)} "{target}"'
    delete = f'rclone deletefile {" ".join(flags)} "{target}"'
    return (f'\n\tset -eo pipefail;\n'
            f'\techo "[$(date)] Starting backup process..." >> {log};\n'
            f'\techo "[$(date)] Executing backup command..." >> {log};\n'
            f'\tCONTAINER_ID=$({container_search(backup, service)});\n\n'
            f'\tif [ -z "$CONTAINER_ID" ]; then\n'
            f'\t\techo "[$(date)] \u274c Error: Container not found" >> {log};\n'
            f'\t\texit 1;\n\tfi;\n\n'
            f'\techo "[$(date)] Container Up: $CONTAINER_ID" >> {log};\n'
            f'\techo "[$(date)] Starting backup and upload to S3..." >> {log};\n\n'
            f'\tUPLOAD_OUTPUT=$({{ {dump_command(backup, service)} | {upload}; }} 2>&1 >/dev/null) || {{\n'
            f'\t\techo "[$(date)] \u274c Error: Backup failed" >> {log};\n'
            f'\t\techo "Error: $UPLOAD_OUTPUT" >> {log};\n'
            f'\t\t{delete} >/dev/null 2>&1 || true;\n'
            f'\t\texit 1;\n\t}};\n\n'
            f'\techo "[$(date)] \u2705 Backup uploaded to S3 successfully" >> {log};\n'
            f'\techo "Backup done \u2705" >> {log};\n\t')


def backup_log(api, ok, rclone_error):
    date = shell_date()
    lines = ["Initializing backup", f"[{date}] Starting backup process...", f"[{date}] Executing backup command..."]
    if not ok and api.fail_deploys:
        lines.append(f"[{date}] \u274c Error: Container not found")
    else:
        container = "".join(secrets.choice(string.hexdigits[:16]) for _position in range(12))
        lines += [f"[{date}] Container Up: {container}", f"[{date}] Starting backup and upload to S3..."]
        if ok:
            lines += [f"[{date}] \u2705 Backup uploaded to S3 successfully", "Backup done \u2705"]
        else:
            lines += [f"[{date}] \u274c Error: Backup failed", f"Error: {rclone_error.rstrip()}"]
    return "\n".join(lines) + "\n"


def is_backup_file(name):
    return fnmatch.fnmatch(name, "*.sql.gz") or fnmatch.fnmatch(name, "*.bson.gz")


def run_service_backup(api, backup, kind, service, title):
    """One manual run of a database or compose backup: its deployment, its file, or its error."""
    destination = api.store.get("destination", backup["destinationId"])
    flags = s3_flags(destination)
    folder_name = service["appName"]
    if kind == "compose" and backup.get("serviceName"):
        folder_name = f"{service['appName']}_{backup['serviceName']}"
    folder = f"{folder_name}/{normalize_s3_path(backup['prefix'])}"
    mongo = kind == "mongo" or (kind == "compose" and backup["databaseType"] == "mongo")
    path = f"{folder}{backup_timestamp()}.{'bson' if mongo else 'sql'}.gz"
    target = f":s3:{destination['bucket']}/{path}"
    ok = not api.external_fails(destination["name"], backup["prefix"])
    rclone_error = "" if ok else rclone_stderr(api, destination, "copy")
    deployment = finished_deployment(api, "backupId", backup["backupId"], backup["appName"], title, ok,
                                     backup_log(api, ok, rclone_error))
    if not ok:
        stderr = f"{NO_DOCKER}\n" if api.fail_deploys else ""
        raise command_failure(backup_script(backup, service, flags, target, deployment["logPath"]), stderr)
    put_object(api, destination, path, file_size())
    keep_latest(api, destination, folder, backup["keepLatestCount"], is_backup_file)


def manual_backup(kind):
    procedure, title, fixed_message = MANUAL_RUNS[kind]

    def run(api, ctx, data):
        try:
            backup = find_backup(api, ctx, data["backupId"], bad_request("Backup not found"))
            service = api.store.get(kind, backup.get(id_field(kind)))
            if service is None:
                raise not_found(NOT_FOUND_MESSAGES.get(kind, f"{kind.capitalize()} not found"))
            run_service_backup(api, backup, kind, service, title)
        except ApiError as error:
            raise bad_request(fixed_message or error.message)
        return True
    return procedure, run


def manual_backup_web_server(api, ctx, data):
    """The web server's own backup (Dokploy's database and /etc/dokploy as a zip); no error wrapper."""
    backup = find_backup(api, ctx, data["backupId"], not_found("Backup not found"))
    destination = api.store.get("destination", backup["destinationId"])
    folder = f"{backup['appName']}/{normalize_s3_path(backup['prefix'])}"
    file_name = f"webserver-backup-{backup_timestamp()}.zip"
    ok = not api.external_fails(destination["name"], backup["prefix"])
    lines = ["Initializing backup"]
    if api.fail_deploys:
        lines += ["Dokploy postgres container not found\u274c"]
    else:
        lines += ["Dokploy postgres container ID: 3f2a9c1b7d4e", "Copied filesystem to temp directory",
                  "Zipped database and filesystem", "Running command to upload backup to S3"]
        lines += ["Uploaded backup to S3 \u2705"] if ok else ["Backup error\u274c"]
    finished_deployment(api, "backupId", backup["backupId"], backup["appName"], "Web Server Backup", ok,
                        "\n".join(lines) + "\n")
    if api.fail_deploys:
        raise server_error("Dokploy postgres container not found")
    if not ok:
        temp = "".join(secrets.choice(string.ascii_letters + string.digits) for _position in range(6))
        upload = (f'rclone copyto {" ".join(s3_flags(destination))} "/tmp/dokploy-backup-{temp}/{file_name}" '
                  f'":s3:{destination["bucket"]}/{folder}{file_name}"')
        raise command_failure(upload, rclone_stderr(api, destination, "copy"), code="INTERNAL_SERVER_ERROR")
    put_object(api, destination, folder + file_name, file_size())
    keep_latest(api, destination, folder, backup["keepLatestCount"], lambda name: name.endswith(".zip"))
    return True


def list_backup_files(api, ctx, data):
    destination = api.owned(ctx, "destination", data["destinationId"], bad_request("Destination not found"),
                            bad_request("You don't have access to this destination."))
    if data.get("serverId"):
        server = api.store.get("server", data["serverId"])
        if server is None:
            raise bad_request("Server not found")
        if server.get("organizationId") != ctx.org:
            raise bad_request("You don't have access to this server.")
    search = data["search"]
    folder, slash, term = search.rpartition("/")
    base = normalize_s3_path(folder + slash) if slash else ""
    listed = f":s3:{destination['bucket']}/{base}" if base else f":s3:{destination['bucket']}"
    command = (f"rclone lsjson {' '.join(s3_flags(destination))} {shell_quote(listed)} "
               f"--no-mimetype --no-modtime 2>/dev/null")
    if api.external_fails(destination["name"]):
        raise command_failure(command, "")  # its stderr goes to /dev/null
    entries = [{**e, "Path": base + e["Path"]} for e in list_folder(api, destination, base)]
    return [e for e in entries if term.lower() in e["Path"].lower()][:100]


ROUTES = {
    "backup.create": ("POST", backup_create),
    "backup.one": ("GET", backup_one),
    "backup.update": ("POST", backup_update),
    "backup.remove": ("POST", backup_remove),
    **{f"backup.{name}": ("POST", handler) for name, handler in map(manual_backup, MANUAL_RUNS)},
    "backup.manualBackupWebServer": ("POST", manual_backup_web_server),
    "backup.listBackupFiles": ("GET", list_backup_files),
}
