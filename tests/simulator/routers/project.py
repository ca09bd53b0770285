"""`project.*`."""

from simcore import (
    LIST_ORDER, ONE_ORDER, PROJECT_ALL_FIELDS, PROJECT_ONE_FIELDS, SERVICE_KINDS, contains,
    drop_project_tags, id_field, new_environment, new_id, now_iso, paged, project_tags,
    remove_environment_tree, service_lists, template,
)

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
    for env in api.store.where("environment", projectId=project["projectId"]):
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
        for env in envs_by_project.get(project["projectId"], ()):
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



ROUTES = {
    "project.create": ("POST", project_create),
    "project.one": ("GET", project_one),
    "project.all": ("GET", project_all),
    "project.update": ("POST", project_update),
    "project.remove": ("POST", project_remove),
    "project.search": ("GET", project_search),
}
