"""`gitea.*`: Gitea providers (see gitProvider.py for the provider row they hang on).

* `create` (name, giteaUrl; clientId, clientSecret, even accessToken/refreshToken may be
  given) answers `{giteaId, clientId, giteaUrl}`. `one` answers the row with
  `clientSecret` in clear and its `gitProvider`; unknown 404 `Gitea Provider not found`,
  of another organization 404 `Git provider not found`. `getGiteaUrl` answers the URL.
* `update` renames the provider (moving it into the caller's organization: no check),
  writes the given columns and answers `{success: true}`; an unknown giteaId is a 500
  after the rename was stored.
* `giteaProviders` lists the providers having clientId and clientSecret.
* `testConnection` without an access token: 400 `No access token available. Please
  authorize with Gitea.` (no network involved). With one, it lists the repositories at
  giteaUrl: 400 `fetch failed` under --fail-deploys or when the URL or the provider's name
  contains `simulator-fail`, else `"Found 0 repositories"` and `lastAuthenticatedAt` set.
"""

import time

from simcore import bad_request, not_found, server_error
from routers.gitProvider import find_row, listed, new_provider, new_row, rename_provider, update_row, with_provider

INPUT_COLUMNS = ("giteaId", "giteaUrl", "giteaInternalUrl", "redirectUri", "clientId", "clientSecret",
                 "gitProviderId", "accessToken", "refreshToken", "expiresAt", "scopes", "lastAuthenticatedAt")
DEFAULT_SCOPES = "repo,repo:status,read:user,read:org"


def gitea_create(api, ctx, data):
    provider = new_provider(api, ctx, "gitea", data["name"])
    row = new_row(api, "gitea", data, provider, scopes=DEFAULT_SCOPES)
    return {"giteaId": row["giteaId"], "clientId": row["clientId"], "giteaUrl": row["giteaUrl"]}


def gitea_one(api, ctx, data):
    return with_provider(api, find_row(api, ctx, "gitea", data["giteaId"]))


def gitea_providers(api, ctx, data):
    return listed(api, ctx, "gitea", lambda row: row["clientId"] and row["clientSecret"],
                  lambda row, provider: {"giteaId": row["giteaId"], "gitProvider": dict(provider)})


def gitea_test(api, ctx, data):
    row = find_row(api, ctx, "gitea", data.get("giteaId") or "")
    if not row["accessToken"]:
        raise bad_request("No access token available. Please authorize with Gitea.")
    provider = api.store.get("gitProvider", row["gitProviderId"])
    if api.external_fails(row["giteaUrl"], row["giteaInternalUrl"], provider["name"]):
        raise bad_request("fetch failed")
    row["lastAuthenticatedAt"] = int(time.time())
    return "Found 0 repositories"


def gitea_update(api, ctx, data):
    rename_provider(api, ctx, data["gitProviderId"], data["name"])
    row = api.store.get("gitea", data["giteaId"])
    if row is None:
        raise server_error(f"Failed to update Gitea provider with ID {data['giteaId']}")
    update_row(api, "gitea", row, {k: data[k] for k in INPUT_COLUMNS if k in data})
    return {"success": True}


def gitea_url(api, ctx, data):
    row = api.store.get("gitea", data["giteaId"])
    if row is None:
        raise not_found("Gitea Provider not found")
    return row["giteaUrl"]  # Dokploy checks no access here


ROUTES = {
    "gitea.create": ("POST", gitea_create),
    "gitea.one": ("GET", gitea_one),
    "gitea.giteaProviders": ("GET", gitea_providers),
    "gitea.testConnection": ("POST", gitea_test),
    "gitea.update": ("POST", gitea_update),
    "gitea.getGiteaUrl": ("GET", gitea_url),
}
