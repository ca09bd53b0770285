"""`project.*`.

project.one and project.all list a project's environments in row order, not creation order
(simcore.environments_in_row_order, `--order-seed`): find the default one by `isDefault`.

`project.duplicate` (every failure a 400 "Error duplicating the project: ..."):
  * into a new project (`duplicateInSameProject` false, the default): creates the project
    (`name`, `description`; its env is empty) with its `production` environment, copies each of
    `selectedServices` there under its own name, and answers that new environment (plain, as
    `project.create` gives it: read `projectId` from it). `sourceEnvironmentId` is not even read.
  * into the same project: copies into the SOURCE environment with ` (copy)` appended to each
    name, ignores `name`, and answers the source environment as environment.one read it BEFORE
    the copies.
  * a copy keeps every column of the original (createdAt, status, env, passwords...) with a new
    id, refreshToken and an appName of the original's base plus a new suffix; its domains, ports,
    mounts, redirects and security rows (as each kind has them) are copied too. Services are
    found by id alone, as Dokploy does (no organization check on them); an unknown one fails the
    call after the new project was created. Copies are not in the caller's accessedServices, so
    `<kind>.search` does not list them. `includeServices: false` copies nothing.
"""

import copy

from simcore import (
    LIST_ORDER, NOT_FOUND_MESSAGES, ONE_ORDER, PROJECT_ALL_FIELDS, PROJECT_ONE_FIELDS, SERVICE_KINDS, ApiError,
    app_name, bad_request, contains, drop_project_tags, environments_in_row_order, id_field, new_environment,
    new_id, not_found, now_iso, paged, project_tags, remove_environment_tree, service_lists, template,
    unauthorized,
)

from .environment import environment_shape


def project_create(api, ctx, data):
    project = template("project")
    project.update(projectId=new_id(), name=data["name"], description=data.get("description"),
                   createdAt=now_iso(), organizationId=ctx.org, env=data.get("env", ""))
    api.store.insert("project", project)
    env = new_environment(api, project["projectId"], "production", "Production environment", True)
    return {"project": project, "environment": env}


def project_one(api, ctx, data):
    project = api.project(ctx, data["projectId"])
    environments = []
    for env in environments_in_row_order(api, api.store.where("environment", projectId=project["projectId"])):
        services = api.services_of_env(env["environmentId"])
        environments.append({**env, **service_lists(services, PROJECT_ONE_FIELDS, ONE_ORDER)})
    return {**project, "environments": environments, "projectTags": project_tags(api, project["projectId"])}


def project_all(api, ctx, data):
    envs_by_project, services_by_env = {}, {}
    for env in api.store.tables["environment"].values():
        envs_by_project.setdefault(env["projectId"], []).append(env)
    for kind in SERVICE_KINDS:
        fields = PROJECT_ALL_FIELDS.get(kind, (id_field(kind),))
        for record in api.store.tables[kind].values():
            bucket = services_by_env.setdefault(record["environmentId"], {k: [] for k in SERVICE_KINDS})
            bucket[kind].append({f: record[f] for f in fields})
    empty = {k: [] for k in SERVICE_KINDS}
    out = []
    for project in reversed(list(api.store.tables["project"].values())):
        if project["organizationId"] != ctx.org:
            continue
        environments = []
        for env in environments_in_row_order(api, envs_by_project.get(project["projectId"], ())):
            services = services_by_env.get(env["environmentId"], empty)
            lists = {key: services["application" if key == "applications" else key] for key in LIST_ORDER}
            environments.append({"name": env["name"], "environmentId": env["environmentId"],
                                 "isDefault": env["isDefault"], **lists})
        out.append({**project, "environments": environments,
                    "projectTags": project_tags(api, project["projectId"])})
    return out


def project_update(api, ctx, data):
    project = api.project(ctx, data["projectId"], denied="update")
    project.update({k: v for k, v in data.items() if k not in ("projectId", "organizationId", "createdAt")})
    return project


def project_remove(api, ctx, data):
    project = api.project(ctx, data["projectId"], denied="delete")
    for env in api.store.where("environment", projectId=project["projectId"]):
        remove_environment_tree(api, env)
    drop_project_tags(api, project["projectId"])
    del api.store.tables["project"][project["projectId"]]
    return project


def project_search(api, ctx, data):
    def matches(p):
        return (contains(p["name"], data.get("name")) and contains(p["description"], data.get("description"))
                and (not data.get("q") or contains(p["name"], data["q"]) or contains(p["description"], data["q"])))
    rows = [p for p in reversed(list(api.store.tables["project"].values()))
            if p["organizationId"] == ctx.org and matches(p)]
    return paged(rows, data)


def project_duplicate(api, ctx, data):
    try:
        return duplicate_services(api, ctx, data)
    except ApiError as error:
        raise bad_request(f"Error duplicating the project: {error.message}")


def duplicate_services(api, ctx, data):
    same_project = data.get("duplicateInSameProject", False)
    if same_project:
        target = api.store.get("environment", data["sourceEnvironmentId"])
        if target is None:
            raise not_found("Environment not found")
        if api.org_of("environment", target) != ctx.org:
            raise unauthorized("You are not authorized to access this project")
        answer = environment_shape(api, target)
    else:
        created = project_create(api, ctx, {"name": data["name"], "description": data.get("description")})
        target = created["environment"]
        answer = dict(target)
    if data.get("includeServices", True):
        for selected in data.get("selectedServices") or []:
            copy_service(api, selected["type"], selected["id"], target, same_project)
    return answer


# The rows Dokploy copies with each kind of service.
COPIED_CHILDREN = {"application": ("domain", "port", "mount", "redirect", "security"),
                   "compose": ("mount", "domain")}


def copy_service(api, kind, ident, target, same_project):
    original = api.store.get(kind, ident)
    if original is None:
        raise not_found(NOT_FOUND_MESSAGES.get(kind, f"{kind.capitalize()} not found"))
    duplicate = copy.deepcopy(original)
    name = original["appName"]
    base = name[:name.rfind("-")] if "-" in name else ""  # the appName without its random suffix
    duplicate.update({id_field(kind): new_id(), "appName": app_name("app" if kind == "application" else kind, base),
                      "environmentId": target["environmentId"],
                      "name": f"{original['name']} (copy)" if same_project else original["name"]})
    if "refreshToken" in duplicate:
        duplicate["refreshToken"] = new_id()
    api.store.insert(kind, duplicate)
    for child in COPIED_CHILDREN.get(kind, ("mount", "backup")):
        for row in api.store.where(child, **{id_field(kind): ident}):
            row_copy = copy.deepcopy(row)
            row_copy[id_field(child)] = new_id()
            row_copy[id_field(kind)] = duplicate[id_field(kind)]
            if "uniqueConfigKey" in row_copy:
                row_copy["uniqueConfigKey"] = api.store.next_serial(child)
            api.store.insert(child, row_copy)


ROUTES = {
    "project.create": ("POST", project_create),
    "project.one": ("GET", project_one),
    "project.all": ("GET", project_all),
    "project.update": ("POST", project_update),
    "project.remove": ("POST", project_remove),
    "project.search": ("GET", project_search),
    "project.duplicate": ("POST", project_duplicate),
}
