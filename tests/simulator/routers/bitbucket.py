"""`bitbucket.*`: Bitbucket providers (see gitProvider.py for the provider row they hang on).

* `create` (name and an `authId` key that is not stored; username, email, apiToken or
  the deprecated appPassword, workspace) answers an empty body: find it with
  `gitProvider.getAll`. `one` answers the row with `apiToken`/`appPassword` in clear and
  its `gitProvider`; unknown 404 `Bitbucket Provider not found`, of another organization
  404 `Git provider not found`. `bitbucketProviders` lists `{bitbucketId, gitProvider}`.
* `update` (missing keys keep their value) answers the updated row without its provider;
  it renames the provider and moves it into the caller's organization (no check); with no
  bitbucket setting given it is a 500 `No values to set`; unknown 404 `Bitbucket provider
  not found`.
* `testConnection` (not recorded: it calls api.bitbucket.org) lists the repositories of
  the request's `workspaceName` or `bitbucketUsername`: 400 `fetch failed` under
  --fail-deploys or when one of them or the provider's name contains `simulator-fail`;
  400 `Failed to fetch repositories: Not Found` when neither is given; else
  `"Found 0 repositories"`.
"""

from simcore import ApiError, bad_request, not_found, server_error
from routers.gitProvider import find_row, listed, new_provider, new_row, with_provider

SETTINGS = ("bitbucketUsername", "bitbucketEmail", "appPassword", "apiToken", "bitbucketWorkspaceName")


def bitbucket_create(api, ctx, data):
    provider = new_provider(api, ctx, "bitbucket", data["name"])
    new_row(api, "bitbucket", data, provider)
    return None  # the real server answers an empty body


def bitbucket_one(api, ctx, data):
    return with_provider(api, find_row(api, ctx, "bitbucket", data["bitbucketId"]))


def bitbucket_providers(api, ctx, data):
    return listed(api, ctx, "bitbucket", lambda row: True,
                  lambda row, provider: {"bitbucketId": row["bitbucketId"], "gitProvider": dict(provider)})


def bitbucket_test(api, ctx, data):
    try:
        row = find_row(api, ctx, "bitbucket", data["bitbucketId"])
    except ApiError as error:
        raise bad_request(error.message) from error
    workspace = data.get("workspaceName") or data.get("bitbucketUsername")
    provider = api.store.get("gitProvider", row["gitProviderId"])
    if api.external_fails(workspace, provider["name"]):
        raise bad_request("fetch failed")
    if not workspace:
        raise bad_request("Failed to fetch repositories: Not Found")  # .../repositories/undefined
    return "Found 0 repositories"


def bitbucket_update(api, ctx, data):
    row = api.store.get("bitbucket", data["bitbucketId"])
    if row is None:
        raise not_found("Bitbucket provider not found")
    settings = {k: data[k] for k in SETTINGS if k in data}
    if not settings:
        raise server_error("No values to set")
    row.update(settings)
    provider = api.store.get("gitProvider", row["gitProviderId"])
    provider.update(name=data["name"], organizationId=ctx.org)
    return row


ROUTES = {
    "bitbucket.create": ("POST", bitbucket_create),
    "bitbucket.one": ("GET", bitbucket_one),
    "bitbucket.bitbucketProviders": ("GET", bitbucket_providers),
    "bitbucket.testConnection": ("POST", bitbucket_test),
    "bitbucket.update": ("POST", bitbucket_update),
}
