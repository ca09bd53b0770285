"""`github.*`: GitHub providers are made by GitHub's app-manifest flow, which has no API
procedure, so the simulator never holds one: `one` answers 404 `Github Provider not
found`, `testConnection` 400 with that text, `githubProviders` `[]`. `update` renames the
provider named by `gitProviderId` whatever its kind, moving it into the caller's
organization (Dokploy checks neither), and answers an empty body.
"""

from simcore import ApiError, bad_request
from routers.gitProvider import find_row, rename_provider, with_provider


def github_one(api, ctx, data):
    return with_provider(api, find_row(api, ctx, "github", data["githubId"]))


def github_test(api, ctx, data):
    try:
        find_row(api, ctx, "github", data["githubId"])
    except ApiError as error:
        raise bad_request(error.message) from error
    return "Found 0 repositories"


def github_update(api, ctx, data):
    rename_provider(api, ctx, data["gitProviderId"], data["name"])
    return None


ROUTES = {
    "github.one": ("GET", github_one),
    "github.githubProviders": ("GET", lambda api, ctx, data: []),
    "github.testConnection": ("POST", github_test),
    "github.update": ("POST", github_update),
}
