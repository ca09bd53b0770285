"""`deployment.*`."""

from simcore import id_field

def deployments_of(kind):
    def listing(api, ctx, data):
        owner = api.service(ctx, kind, data[id_field(kind)])
        return api.deployments_of(kind, owner[id_field(kind)])
    return listing


# `type` -> the table of the owner, whose id field the deployments carry (`<table>Id`).
OWNER_TABLES = {"application": "application", "compose": "compose",
                "backup": "backup", "volumeBackup": "volumeBackup"}


def owner_org(api, kind, owner):
    """The organization of a deployment owner: its service's, else its own, else its destination's."""
    org = api.org_of(kind, owner)
    if org is None:
        holder = owner if "organizationId" in owner else api.store.get("destination", owner.get("destinationId"))
        org = holder and holder.get("organizationId")
    return org


def deployments_by_type(api, ctx, data):
    kind = OWNER_TABLES.get(data["type"])
    owner = kind and api.store.get(kind, data["id"])
    if not owner or owner_org(api, kind, owner) != ctx.org:
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
