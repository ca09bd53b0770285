"""`deployment.*`."""

from simcore import id_field

def deployments_of(kind):
    def listing(api, ctx, data):
        owner = api.service(ctx, kind, data[id_field(kind)])
        return api.deployments_of(kind, owner[id_field(kind)])
    return listing


def deployments_by_type(api, ctx, data):
    kind = data["type"]
    if kind not in ("application", "compose"):
        return []
    owner = api.store.get(kind, data["id"])
    if owner is None or api.org_of(kind, owner) != ctx.org:
        return []
    return [{**d, "rollback": None} for d in api.deployments_of(kind, data["id"])]


def deployment_read_logs(api, ctx, data):
    deployment = api.child(ctx, "deployment", data["deploymentId"])
    meta = api.store.deploy_meta.get(deployment["deploymentId"], {})
    log = meta.get("log", "") if deployment["status"] != "running" else "Initializing deployment\n"
    lines = log.splitlines(keepends=True)
    return "".join(lines[-int(data.get("tail", 100)):])


ROUTES = {
    "deployment.all": ("GET", deployments_of("application")),
    "deployment.allByCompose": ("GET", deployments_of("compose")),
    "deployment.allByType": ("GET", deployments_by_type),
    "deployment.readLogs": ("GET", deployment_read_logs),
}
