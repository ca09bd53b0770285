"""`gitlab.*`: GitLab providers (see gitProvider.py for the provider row they hang on).

* `create` (name, gitlabUrl and an `authId` key that is not stored) answers an empty body:
  find it with `gitProvider.getAll`. `one` answers the row with `secret` in clear and its
  `gitProvider`; unknown 404 `Gitlab Provider not found`, of another organization 404
  `Git provider not found`.
* `update` (missing keys keep their value) renames the provider (and moves it into the
  caller's organization: Dokploy checks neither) and writes the given columns, the
  `gitProviderId` too; answers an empty body.
* `gitlabProviders` lists only providers holding OAuth tokens; the simulator has no OAuth
  flow, so it is always empty.
* `testConnection` first refreshes the OAuth token at `gitlabUrl`: 400 `fetch failed` under
  --fail-deploys or when the URL or the provider's name contains `simulator-fail`;
  otherwise GitLab refuses the missing refresh token: 400 `Failed to refresh token: Bad
  Request` (a provider without OAuth never connects).
"""

from simcore import ApiError, bad_request
from routers.gitProvider import find_row, listed, new_provider, new_row, rename_provider, update_row, with_provider

INPUT_COLUMNS = ("gitlabUrl", "gitlabInternalUrl", "applicationId", "redirectUri", "secret", "groupName",
                 "gitProviderId", "gitlabId")


def gitlab_create(api, ctx, data):
    provider = new_provider(api, ctx, "gitlab", data["name"])
    new_row(api, "gitlab", {k: v for k, v in data.items() if k != "gitlabId"}, provider)
    return None  # the real server answers an empty body


def gitlab_one(api, ctx, data):
    return with_provider(api, find_row(api, ctx, "gitlab", data["gitlabId"]))


def gitlab_providers(api, ctx, data):
    return listed(api, ctx, "gitlab", lambda row: row["accessToken"] and row["refreshToken"],
                  lambda row, provider: {"gitlabId": row["gitlabId"], "gitProvider": dict(provider),
                                         "gitlabUrl": row["gitlabUrl"]})


def gitlab_test(api, ctx, data):
    try:
        row = find_row(api, ctx, "gitlab", data["gitlabId"])
    except ApiError as error:
        raise bad_request(error.message) from error
    provider = api.store.get("gitProvider", row["gitProviderId"])
    if api.external_fails(row["gitlabUrl"], row["gitlabInternalUrl"], provider["name"]):
        raise bad_request("fetch failed")
    raise bad_request("Failed to refresh token: Bad Request")


def gitlab_update(api, ctx, data):
    rename_provider(api, ctx, data["gitProviderId"], data["name"])
    row = api.store.get("gitlab", data["gitlabId"])
    if row is not None:  # an unknown id updates no row, silently
        update_row(api, "gitlab", row, {k: data[k] for k in INPUT_COLUMNS if k in data})
    return None


ROUTES = {
    "gitlab.create": ("POST", gitlab_create),
    "gitlab.one": ("GET", gitlab_one),
    "gitlab.gitlabProviders": ("GET", gitlab_providers),
    "gitlab.testConnection": ("POST", gitlab_test),
    "gitlab.update": ("POST", gitlab_update),
}
