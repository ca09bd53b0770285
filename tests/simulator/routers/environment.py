"""`environment.*`."""

from simcore import (
    ApiError, BY_PROJECT_FIELDS, ENVIRONMENT_ONE_FIELDS, LIST_ORDER, SERVICE_KINDS, bad_request,
    new_environment, remove_environment_tree, service_lists,
)

def environment_create(api, ctx, data):
    api.project(ctx, data["projectId"])
    if data["name"] == "production":
        raise bad_request("You cannot create a environment with the name 'production'")
    return new_environment(api, data["projectId"], data["name"], data.get("description"), False)


def environment_one(api, ctx, data):
    env = api.environment(ctx, data["environmentId"])
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
    for env in api.store.where("environment", projectId=project["projectId"]):
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



ROUTES = {
    "environment.create": ("POST", environment_create),
    "environment.one": ("GET", environment_one),
    "environment.byProjectId": ("GET", environment_by_project),
    "environment.update": ("POST", environment_update),
    "environment.remove": ("POST", environment_remove),
}
