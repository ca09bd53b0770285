"""`environment.*`.

Listings (`byProjectId`, like project.one/all) give a project's environments in row order, not
creation order (simcore.environments_in_row_order, `--order-seed`).

`environment.duplicate` makes a new, empty environment in the same project: no services are
copied; `description` defaults to the source's, `env` is the source's. Every failure is a 400
"Error duplicating the environment: ...".

`environment.search` answers `{items, total}` of the caller's organization, newest first: `q` on
name/description, `name`, `description`, `projectId` (there is no environmentId filter), `limit`
1-100 (default 20) and `offset`; an offset past the end gives `items: []` with the full total.
"""

from simcore import (
    ApiError, BY_PROJECT_FIELDS, ENVIRONMENT_ONE_FIELDS, LIST_ORDER, SERVICE_KINDS, bad_request, contains,
    environments_in_row_order, new_environment, paged, remove_environment_tree, service_lists,
)


def environment_create(api, ctx, data):
    api.project(ctx, data["projectId"])
    if data["name"] == "production":
        raise bad_request("You cannot create a environment with the name 'production'")
    return new_environment(api, data["projectId"], data["name"], data.get("description"), False)


def environment_one(api, ctx, data):
    return environment_shape(api, api.environment(ctx, data["environmentId"]))


def environment_shape(api, env):
    """An environment with its services, as environment.one (Dokploy's findEnvironmentById) reads it."""
    services = api.services_of_env(env["environmentId"])
    head = {k: env[k] for k in ("name", "description", "environmentId", "isDefault", "projectId", "env")}
    return {**head, **service_lists(services, ENVIRONMENT_ONE_FIELDS, LIST_ORDER),
            "project": api.store.get("project", env["projectId"])}


def environment_by_project(api, ctx, data):
    # An unknown project has no environments: the real server answers [].
    project = api.store.get("project", data["projectId"])
    if project is None:
        return []
    if project["organizationId"] != ctx.org:
        raise bad_request("Error fetching environments: You are not allowed to access this environment")
    out = []
    for env in environments_in_row_order(api, api.store.where("environment", projectId=project["projectId"])):
        services = api.services_of_env(env["environmentId"])
        head = {k: env[k] for k in ("name", "description", "environmentId", "isDefault")}
        out.append({**head, **service_lists(services, BY_PROJECT_FIELDS, LIST_ORDER), "project": project})
    return out


def environment_update(api, ctx, data):
    # The router wraps every failure into one 400 "Error updating the environment: ...".
    try:
        env = api.environment(ctx, data["environmentId"])
        if env["isDefault"] and "name" in data:
            raise bad_request("You cannot rename the default environment")
    except ApiError as error:
        raise bad_request(f"Error updating the environment: {error.message}")
    env.update({k: v for k, v in data.items() if k not in ("environmentId", "projectId")})
    return env


def environment_remove(api, ctx, data):
    env = api.environment(ctx, data["environmentId"])
    if env["isDefault"]:
        raise bad_request("You cannot delete the default environment")
    # Dokploy v0.30 (services/environment.ts, deleteEnvironment) refuses to drop services with the environment.
    if any(api.store.where(kind, environmentId=env["environmentId"]) for kind in SERVICE_KINDS):
        raise bad_request("Cannot delete environment: it has active services. Delete all services first.")
    remove_environment_tree(api, env)
    return env


def environment_duplicate(api, ctx, data):
    try:
        source = api.environment(ctx, data["environmentId"])
    except ApiError as error:
        raise bad_request(f"Error duplicating the environment: {error.message}")
    copy = new_environment(api, source["projectId"], data["name"],
                           data.get("description") or source["description"], False)
    copy["env"] = source["env"]
    return copy


ENVIRONMENT_SEARCH_FIELDS = ("environmentId", "name", "description", "createdAt", "env", "projectId", "isDefault")


def environment_search(api, ctx, data):
    query = (data.get("q") or "").strip()

    def matches(env):
        project = api.store.get("project", env["projectId"])
        return (project is not None and project["organizationId"] == ctx.org
                and (data.get("projectId") or env["projectId"]) == env["projectId"]
                and (not query or contains(env["name"], query) or contains(env["description"], query))
                and contains(env["name"], (data.get("name") or "").strip())
                and contains(env["description"], (data.get("description") or "").strip()))
    newest_first = sorted(reversed(list(api.store.tables["environment"].values())),
                          key=lambda env: env["createdAt"], reverse=True)
    return paged([{f: env[f] for f in ENVIRONMENT_SEARCH_FIELDS} for env in newest_first if matches(env)], data)


ROUTES = {
    "environment.create": ("POST", environment_create),
    "environment.one": ("GET", environment_one),
    "environment.byProjectId": ("GET", environment_by_project),
    "environment.update": ("POST", environment_update),
    "environment.remove": ("POST", environment_remove),
    "environment.duplicate": ("POST", environment_duplicate),
    "environment.search": ("GET", environment_search),
}
