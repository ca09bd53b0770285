"""`destination.*`: S3 destinations for backups, and the rclone command lines built from them.

A destination belongs to the caller's organization; names are not unique. Every answer carries
`secretAccessKey` in clear, as Dokploy's does.

- `create` answers the new destination (`additionalFlags` defaults to `[]`, each flag is checked
  against Dokploy's pattern by the input validation); `all` lists the organization's, newest first.
- `one`: unknown 404 `Destination not found`, another organization's 401.
- `update` is dialect A (every field required, all written) and answers the destination; unknown
  id or another organization's: 400.
- `remove` answers the removed destination (unknown 404, another organization's 401) and, like the
  database's cascade, removes its backups and volume backups with their deployments.
- `testConnection` (a destination's fields, nothing stored) runs `rclone ls` on the Dokploy host:
  200 with an empty body, or 400 whose message quotes the rclone command with the secret key in
  clear. It fails under --fail-deploys (`/bin/sh: 1: rclone: not found`, as recorded) or when the
  destination's name contains FAIL_WORD (then rclone's own complaint about the endpoint, a shape
  the simulator makes up).

The bucket itself is modelled too (table `bucketObject`, shared by every destination that names
the same endpoint and bucket): successful backups (routers/backup.py, routers/volumeBackups.py)
put files there and `backup.listBackupFiles` lists them.
"""

import re
import time

from simcore import ApiError, bad_request, new_id, not_found, now_iso, unauthorized

DESTINATION_FIELDS = ("name", "provider", "accessKey", "secretAccessKey", "bucket", "region", "endpoint",
                      "additionalFlags")
# What Dokploy leaves out when it embeds a destination in a backup or volume backup.
KEY_FIELDS = ("accessKey", "secretAccessKey")
RCLONE_MISSING = "/bin/sh: 1: rclone: not found\n"


# ---- rclone command lines ----------------------------------------------------

# shell-quote's quote(): what Dokploy escapes every value it puts on an rclone command line with.
SHELL_SPECIAL = re.compile(r"([A-Za-z]:)?([#!\"$&'()*,:;<=>?@\[\\\]^`{|}])")


def shell_quote(text):
    if text == "":
        return "''"
    if re.search(r"[\"\s\\]", text) and "'" not in text:
        return "'" + text + "'"
    if re.search(r"[\"'\s]", text):
        return '"' + re.sub(r"([\"\\$`!])", r"\\\1", text) + '"'
    return SHELL_SPECIAL.sub(lambda m: (m.group(1) or "") + "\\" + m.group(2), text)


def s3_flags(destination, *extra):
    """The rclone flags for a destination: provider first when set, then the keys (in clear),
    region, endpoint, `extra`, and the destination's additionalFlags last."""
    flags = [f"--s3-access-key-id={shell_quote(destination['accessKey'])}",
             f"--s3-secret-access-key={shell_quote(destination['secretAccessKey'])}",
             f"--s3-region={shell_quote(destination['region'])}",
             f"--s3-endpoint={shell_quote(destination['endpoint'])}",
             "--s3-no-check-bucket", "--s3-force-path-style", *extra]
    if destination.get("provider"):
        flags.insert(0, f"--s3-provider={shell_quote(destination['provider'])}")
    return flags + list(destination.get("additionalFlags") or [])


def rclone_stderr(api, destination, verb):
    """What a failing rclone prints: nothing to run under --fail-deploys, else an endpoint that refuses."""
    if api.fail_deploys:
        return RCLONE_MISSING
    stamp = time.strftime("%Y/%m/%d %H:%M:%S", time.gmtime())
    return (f"{stamp} ERROR : : error listing: RequestError: send request failed\n"
            f"caused by: dial tcp {destination['endpoint']}: connect: connection refused\n"
            f"{stamp} NOTICE: Failed to {verb}: RequestError: send request failed\n")


def command_failure(command, stderr, code="BAD_REQUEST"):
    """Node's exec error as Dokploy passes it on: the whole command line, then its stderr."""
    return ApiError(code, f"Command execution failed: Command failed: {command}\n{stderr}")


def normalize_s3_path(prefix):
    """Dokploy's normalizeS3Path: no slashes around, one slash after (or nothing)."""
    trimmed = prefix.strip().strip("/")
    return f"{trimmed}/" if trimmed else ""


# ---- the bucket ------------------------------------------------------------------

def bucket_key(destination, path):
    return f"{destination['endpoint']}|{destination['bucket']}|{path}"


def put_object(api, destination, path, size):
    api.store.insert("bucketObject", {"bucketObjectId": bucket_key(destination, path),
                                      "endpoint": destination["endpoint"], "bucket": destination["bucket"],
                                      "path": path, "size": size})


def list_folder(api, destination, folder):
    """`rclone lsjson` of one folder (not recursive): files and sub-folders, by name."""
    entries = {}
    for item in api.store.tables["bucketObject"].values():
        if (item["endpoint"], item["bucket"]) != (destination["endpoint"], destination["bucket"]):
            continue
        if not item["path"].startswith(folder):
            continue
        name, _slash, rest = item["path"][len(folder):].partition("/")
        if rest:
            entries[name] = {"Path": name, "Name": name, "Size": -1, "IsDir": True}
        else:
            entries[name] = {"Path": name, "Name": name, "Size": item["size"], "IsDir": False,
                             "Tier": "STANDARD"}
    return [entries[name] for name in sorted(entries)]


def keep_latest(api, destination, folder, count, matches):
    """Dokploy's retention after a successful backup: of the files of `folder` that `matches`,
    keep the `count` last by name (names start with a timestamp); nothing when count is empty."""
    if not count:
        return
    names = sorted((e["Name"] for e in list_folder(api, destination, folder) if not e["IsDir"] and matches(e["Name"])),
                   reverse=True)
    for name in names[int(count):]:
        del api.store.tables["bucketObject"][bucket_key(destination, folder + name)]


# ---- procedures ------------------------------------------------------------------

def destination_of(api, ctx, ident, missing, denied):
    return api.owned(ctx, "destination", ident, missing, denied)


def destination_create(api, ctx, data):
    destination = {"destinationId": new_id(), **{f: data.get(f) for f in DESTINATION_FIELDS},
                   "organizationId": ctx.org, "createdAt": now_iso()}
    return api.store.insert("destination", destination)


def destination_one(api, ctx, data):
    return destination_of(api, ctx, data["destinationId"], not_found("Destination not found"),
                          unauthorized("You are not allowed to access this destination"))


def destination_all(api, ctx, data):
    newest_first = reversed(list(api.store.tables["destination"].values()))
    return [d for d in newest_first if d["organizationId"] == ctx.org]


def destination_update(api, ctx, data):
    # The router turns every failure into a 400 carrying the original message.
    destination = destination_of(api, ctx, data["destinationId"], bad_request("Destination not found"),
                                 bad_request("You are not allowed to update this destination"))
    destination.update({f: data[f] for f in DESTINATION_FIELDS if f in data})
    return destination


def destination_remove(api, ctx, data):
    destination = destination_of(api, ctx, data["destinationId"], not_found("Destination not found"),
                                 unauthorized("You are not allowed to delete this destination"))
    ident = destination["destinationId"]
    for kind in ("backup", "volumeBackup"):
        for record in api.store.where(kind, destinationId=ident):
            remove_with_deployments(api, kind, record)
    del api.store.tables["destination"][ident]
    return destination


def remove_with_deployments(api, kind, record):
    """Remove a backup or volume backup and, like the database's cascade, its deployments."""
    ident = record[f"{kind}Id"]
    for deployment in api.store.where("deployment", **{f"{kind}Id": ident}):
        del api.store.tables["deployment"][deployment["deploymentId"]]
        api.store.deploy_meta.pop(deployment["deploymentId"], None)
    del api.store.tables[kind][ident]


def destination_test_connection(api, ctx, data):
    flags = s3_flags(data, "--retries 1", "--low-level-retries 1", "--timeout 10s", "--contimeout 5s")
    command = f"rclone ls {' '.join(flags)} {shell_quote(':s3:' + data['bucket'])}"
    if api.external_fails(data["name"]):
        raise command_failure(command, rclone_stderr(api, data, "ls"))
    return None


ROUTES = {
    "destination.create": ("POST", destination_create),
    "destination.one": ("GET", destination_one),
    "destination.all": ("GET", destination_all),
    "destination.update": ("POST", destination_update),
    "destination.remove": ("POST", destination_remove),
    "destination.testConnection": ("POST", destination_test_connection),
}
