"""`application.saveGitlabProvider` and `application.saveGiteaProvider` (the rest of
`application.*` is in application.py; this file only adds these two procedures).

Dialect A: every listed field is required and written; the source type becomes gitlab or
gitea and applicationStatus idle; answers `true`. `application.one` then embeds the
provider's row without its secrets. Like Dokploy for an owner's key, the application is
not checked against the caller's organization; an unknown application is a 404 with
nothing stored, an unknown provider id a 500 (the foreign key refuses the UPDATE).
"""

from simcore import not_found, template
from routers.gitProvider import failed_update

GITLAB_FIELDS = ("gitlabRepository", "gitlabOwner", "gitlabBranch", "gitlabBuildPath", "gitlabId",
                 "gitlabProjectId", "gitlabPathNamespace", "watchPaths", "enableSubmodules")
GITEA_FIELDS = ("giteaRepository", "giteaOwner", "giteaBranch", "giteaBuildPath", "giteaId", "watchPaths",
                "enableSubmodules")


def provider_saver(kind, fields):
    provider_key = f"{kind}Id"

    def save(api, ctx, data):
        app = api.store.get("application", data["applicationId"])
        values = {k: data[k] for k in fields if k in data}
        values.update(sourceType=kind, applicationStatus="idle")
        provider_id = values.get(provider_key)
        if provider_id is not None and api.store.get(kind, provider_id) is None:
            raise failed_update("application", list(template("application")), values, "applicationId",
                                data["applicationId"])
        if app is None:
            raise not_found("Application not found")
        app.update(values)
        return True
    return save


ROUTES = {
    "application.saveGitlabProvider": ("POST", provider_saver("gitlab", GITLAB_FIELDS)),
    "application.saveGiteaProvider": ("POST", provider_saver("gitea", GITEA_FIELDS)),
}
