"""`gitProvider.*`, and what the gitlab, gitea, bitbucket and github routers share.

A git provider is a `gitProvider` row (name, providerType, organizationId, the creating
user's `userId`, sharedWithOrganization) plus one row of its kind (`gitlab`, `gitea`,
`bitbucket`, `github`) that points to it by `gitProviderId`.

* `getAll` lists the organization's providers, newest first, with a secret-free summary
  of the kind's row (`isConfigured`: OAuth tokens present, which the simulator can never
  obtain for gitlab; always false for bitbucket) and `isOwner`.
* `remove` answers the removed row and removes the kind's row with it; applications and
  compose services using it keep their `sourceType` with the provider id nulled (the
  foreign key's ON DELETE SET NULL). Unknown: 400 `Git Provider not found`.
* `toggleShare` answers the updated row; `allForPermissions` needs an enterprise license
  (403).
* Each API key acts as its organization's owner: one user per organization, whose id
  (`userId`) is made on first use.
"""

import secrets
import string

from simcore import ApiError, bad_request, new_id, not_found, now_iso, server_error, unauthorized

KINDS = ("gitlab", "bitbucket", "github", "gitea")  # the relation order of getAll
LABELS = {"gitlab": "Gitlab", "gitea": "Gitea", "bitbucket": "Bitbucket", "github": "Github"}
# Columns of each kind's row in table order, with their SQL names where they differ.
COLUMNS = {
    "gitlab": ("gitlabId", "gitlabUrl", "gitlabInternalUrl", "applicationId", "redirectUri", "secret",
               "accessToken", "refreshToken", "groupName", "expiresAt", "gitProviderId"),
    "gitea": ("giteaId", "giteaUrl", "giteaInternalUrl", "redirectUri", "clientId", "clientSecret",
              "gitProviderId", "accessToken", "refreshToken", "expiresAt", "scopes", "lastAuthenticatedAt"),
    "bitbucket": ("bitbucketId", "bitbucketUsername", "bitbucketEmail", "appPassword", "apiToken",
                  "bitbucketWorkspaceName", "gitProviderId"),
}
SQL_NAMES = {"applicationId": "application_id", "redirectUri": "redirect_uri", "accessToken": "access_token",
             "refreshToken": "refresh_token", "groupName": "group_name", "expiresAt": "expires_at",
             "clientId": "client_id", "clientSecret": "client_secret",
             "lastAuthenticatedAt": "last_authenticated_at", "previewCertificateType": "certificateType"}
SERVICE_KINDS_WITH_GIT = ("application", "compose")


def user_id(api, org):
    """The id of the user behind `org`'s API key (better-auth ids: 32 letters and digits)."""
    users = api.store.tables["orgUser"]
    if org not in users:
        alphabet = string.ascii_letters + string.digits
        users[org] = {"userId": "".join(secrets.choice(alphabet) for _position in range(32))}
    return users[org]["userId"]


def new_provider(api, ctx, provider_type, name):
    provider = {"gitProviderId": new_id(), "name": name, "providerType": provider_type,
                "createdAt": now_iso(), "organizationId": ctx.org, "userId": user_id(api, ctx.org),
                "sharedWithOrganization": False}
    return api.store.insert("gitProvider", provider)


def new_row(api, kind, data, provider, **defaults):
    """The kind's row: input keys that are columns, the rest null (or `defaults`)."""
    row = {column: data.get(column, defaults.get(column)) for column in COLUMNS[kind]}
    row[f"{kind}Id"] = data.get(f"{kind}Id") or new_id()
    if api.store.get(kind, row[f"{kind}Id"]) is not None:
        raise bad_request(f"Error creating this {LABELS[kind]} provider")  # the primary key is taken
    row["gitProviderId"] = provider["gitProviderId"]
    return api.store.insert(kind, row)


def find_row(api, ctx, kind, ident):
    """The kind's row for `<kind>.one` and friends: 404 when unknown or of another organization."""
    row = api.store.get(kind, ident)
    if row is None:
        raise not_found(f"{LABELS[kind]} Provider not found")
    provider = api.store.get("gitProvider", row["gitProviderId"])
    if provider is None or provider["organizationId"] != ctx.org:
        raise not_found("Git provider not found")
    return row


def with_provider(api, row):
    return {**row, "gitProvider": api.store.get("gitProvider", row["gitProviderId"])}


def listed(api, ctx, kind, keep, shape):
    """`<kind>Providers`: the organization's rows that `keep` accepts, as `shape` makes them."""
    out = []
    for row in api.store.tables[kind].values():
        provider = api.store.get("gitProvider", row["gitProviderId"])
        if provider and provider["organizationId"] == ctx.org and keep(row):
            out.append(shape(row, provider))
    return out


def rename_provider(api, ctx, provider_id, name):
    """updateGitProvider(name, organizationId): no organization check, no error if unknown."""
    provider = api.store.get("gitProvider", provider_id)
    if provider is not None:
        provider.update(name=name, organizationId=ctx.org)


def update_row(api, kind, row, values):
    """Write `values` into the kind's row; a gitProviderId that names no provider breaks the
    foreign key like the real UPDATE does (500 with the failed query)."""
    target = values.get("gitProviderId")
    if target is not None and api.store.get("gitProvider", target) is None:
        raise failed_update(kind, COLUMNS[kind], values, f"{kind}Id", row[f"{kind}Id"])
    row.update({k: v for k, v in values.items() if k in COLUMNS[kind]})


def failed_update(table, columns, values, key, ident):
    """Drizzle's error for an UPDATE ... RETURNING that the database refused."""
    def quoted(column):
        return f'"{SQL_NAMES.get(column, column)}"'
    written = [c for c in columns if c in values]
    assignments = ", ".join(f"{quoted(c)} = ${n}" for n, c in enumerate(written, 1))
    query = (f'update "{table}" set {assignments} where "{table}".{quoted(key)} = ${len(written) + 1} '
             f'returning {", ".join(quoted(c) for c in columns)}')
    params = ",".join(param_text(value) for value in [values[c] for c in written] + [ident])
    return server_error(f"Failed query: {query}\nparams: {params}")


def param_text(value):
    """A parameter as JavaScript's Array.join shows it (arrays as Postgres array literals)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "{" + ",".join(f'"{v}"' if isinstance(v, str) else str(v) for v in value) + "}"
    return str(value)


def summary(kind, row):
    if row is None:
        return None
    if kind == "gitlab":
        return {"gitlabId": row["gitlabId"], "applicationId": row["applicationId"], "gitlabUrl": row["gitlabUrl"],
                "isConfigured": bool(row["accessToken"] and row["refreshToken"])}
    if kind == "bitbucket":
        return {"bitbucketId": row["bitbucketId"], "bitbucketUsername": row["bitbucketUsername"],
                "isConfigured": False, "isDeprecated": bool(row["appPassword"] and not row["apiToken"])}
    if kind == "gitea":
        return {"giteaId": row["giteaId"], "giteaUrl": row["giteaUrl"], "clientId": row["clientId"],
                "isConfigured": bool(row["accessToken"] and row["refreshToken"])}
    return {"githubId": row["githubId"], "githubAppName": row.get("githubAppName"),
            "githubAppId": row.get("githubAppId"), "githubInstallationId": row.get("githubInstallationId"),
            "githubUrl": row.get("githubUrl"),
            "isConfigured": bool(row.get("githubPrivateKey") and row.get("githubAppId")
                                 and row.get("githubInstallationId"))}


def row_of(api, kind, provider_id):
    return next((r for r in api.store.tables[kind].values() if r["gitProviderId"] == provider_id), None)


def provider_all(api, ctx, data):
    me = user_id(api, ctx.org)
    out = []
    for provider in reversed(list(api.store.tables["gitProvider"].values())):  # newest first
        if provider["organizationId"] != ctx.org:
            continue
        entry = dict(provider)
        entry.update({kind: summary(kind, row_of(api, kind, provider["gitProviderId"])) for kind in KINDS})
        entry["isOwner"] = provider["userId"] == me
        out.append(entry)
    return out


def provider_remove(api, ctx, data):
    provider = api.store.get("gitProvider", data["gitProviderId"])
    if provider is None:
        raise bad_request("Git Provider not found")
    if provider["organizationId"] != ctx.org:
        raise bad_request("You are not allowed to delete this Git provider")
    for kind in KINDS:
        row = row_of(api, kind, provider["gitProviderId"])
        if row is None:
            continue
        ident = row[f"{kind}Id"]
        del api.store.tables[kind][ident]
        for service_kind in SERVICE_KINDS_WITH_GIT:
            for service in api.store.where(service_kind, **{f"{kind}Id": ident}):
                service[f"{kind}Id"] = None
    del api.store.tables["gitProvider"][provider["gitProviderId"]]
    return provider


def provider_toggle_share(api, ctx, data):
    provider = api.store.get("gitProvider", data["gitProviderId"])
    if provider is None:
        raise not_found("Git Provider not found")
    if provider["userId"] != user_id(api, ctx.org) or provider["organizationId"] != ctx.org:
        raise unauthorized("Only the owner can share this provider")
    provider["sharedWithOrganization"] = data["sharedWithOrganization"]
    return provider


def provider_all_for_permissions(api, ctx, data):
    raise ApiError("FORBIDDEN", "Valid enterprise license required")


ROUTES = {
    "gitProvider.getAll": ("GET", provider_all),
    "gitProvider.remove": ("POST", provider_remove),
    "gitProvider.toggleShare": ("POST", provider_toggle_share),
    "gitProvider.allForPermissions": ("GET", provider_all_for_permissions),
}
