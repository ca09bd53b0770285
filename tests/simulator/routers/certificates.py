"""`certificates.*`: custom TLS certificates Traefik serves (files under a generated directory).

- `create` stores what it is given (PEM is not checked; `organizationId` is required but the
  caller's organization is used; a given `certificateId`/`certificatePath` is used as is) and
  answers the row; `certificatePath` is otherwise a generated unique `certificate-<words>-<suffix>`.
  An unknown `serverId`, or a taken id or path, is the raw insert error: 500 `Failed query: ...`
  quoting every value, the private key in clear.
- `one`, `update` and `remove` answer the row with the private key in clear; `all` adds
  `server` (the server row or null). Another organization's certificate: 401 `You are not
  allowed to <access|update|delete> this certificate`; unknown: 404 `Certificate not found`.
- `update` (B) writes name, certificateData, privateKey when given; with none of them (only
  `autoRenew`, say): 500 `No values to set`. `remove` answers `true`.
- On a server, `remove` first deletes the files over SSH: it fails (500 `SSH connection error`,
  nothing removed) when `api.external_fails(server name)`. `create` writes the files without
  waiting, so SSH never fails it.
"""

from simcore import ApiError, app_name, new_id, not_found, server_error, unauthorized

COLUMNS = ("certificateId", "name", "certificateData", "privateKey", "certificatePath", "autoRenew",
           "organizationId", "serverId")


def find_certificate(api, ctx, certificate_id, denied):
    return api.owned(ctx, "certificate", certificate_id, not_found("Certificate not found"),
                     unauthorized(f"You are not allowed to {denied} this certificate"))


def certificate_create(api, ctx, data):
    given = {k: data[k] for k in COLUMNS if k in data}
    certificate = {**dict.fromkeys(COLUMNS), **given, "organizationId": ctx.org}
    certificate["certificateId"] = given.get("certificateId") or new_id()
    certificate["certificatePath"] = given.get("certificatePath") or app_name("certificate")
    table = api.store.tables["certificate"]
    server_id = certificate["serverId"]
    if (certificate["certificateId"] in table
            or any(c["certificatePath"] == certificate["certificatePath"] for c in table.values())
            or (server_id is not None and api.store.get("server", server_id) is None)):
        raise server_error(failed_insert(certificate, given))
    return api.store.insert("certificate", certificate)


def failed_insert(certificate, given):
    """Drizzle's message for a failed insert: the statement, then its parameters."""
    placeholders, params = [], []
    for column in COLUMNS:
        # Columns without a value and without a generated default are sent as `default`.
        if column in given or column in ("certificateId", "certificatePath", "organizationId"):
            params.append(certificate[column])
            placeholders.append(f"${len(params)}")
        else:
            placeholders.append("default")
    names = ", ".join(f'"{c}"' for c in COLUMNS)
    shown = ",".join("" if p is None else str(p).lower() if isinstance(p, bool) else str(p) for p in params)
    return (f'Failed query: insert into "certificate" ({names}) values ({", ".join(placeholders)}) '
            f'returning {names}\nparams: {shown}')


def certificate_one(api, ctx, data):
    return find_certificate(api, ctx, data["certificateId"], "access")


def certificate_all(api, ctx, data):
    return [{**c, "server": api.store.get("server", c["serverId"])}
            for c in api.store.tables["certificate"].values() if c["organizationId"] == ctx.org]


def certificate_update(api, ctx, data):
    certificate = find_certificate(api, ctx, data["certificateId"], "update")
    changes = {k: data[k] for k in ("name", "certificateData", "privateKey") if k in data}
    if not changes:
        raise server_error("No values to set")
    certificate.update(changes)
    return certificate


def certificate_remove(api, ctx, data):
    certificate = find_certificate(api, ctx, data["certificateId"], "delete")
    server = api.store.get("server", certificate["serverId"])
    if server is not None:
        if not server.get("sshKeyId"):
            raise server_error("No SSH key available for this server")
        if api.external_fails(server.get("name")):
            raise ApiError("INTERNAL_SERVER_ERROR", "SSH connection error: connect ECONNREFUSED "
                                                    f"{server.get('ipAddress')}:{server.get('port')}")
    del api.store.tables["certificate"][certificate["certificateId"]]
    return True


ROUTES = {
    "certificates.create": ("POST", certificate_create),
    "certificates.one": ("GET", certificate_one),
    "certificates.all": ("GET", certificate_all),
    "certificates.update": ("POST", certificate_update),
    "certificates.remove": ("POST", certificate_remove),
}
