"""`deployment.*`."""

from simcore import NOT_FOUND_MESSAGES, id_field, not_found, unauthorized

from .schedule import stored_schedule

# deployment.allByType: the kind of the record a `type` lists the deployments of.
BY_TYPE_OWNERS = {"application": "application", "compose": "compose", "server": "server",
                  "schedule": "schedule", "backup": "backup", "volumeBackup": "volumeBackup"}


def deployments_of(kind):
    def listing(api, ctx, data):
        owner = api.service(ctx, kind, data[id_field(kind)])
        return api.deployments_of(kind, owner[id_field(kind)])
    return listing


def deployments_by_server(api, ctx, data):
    server = api.owned(ctx, "server", data["serverId"], not_found("Server not found"),
                       unauthorized("You don't have access to this server."))
    return api.deployments_of("server", server["serverId"])


def owner_org(api, kind, owner):
    """The organization of a deployment owner: its service's, else its own, else its destination's."""
    org = api.org_of(kind, owner)
    if org is None:
        holder = owner if "organizationId" in owner else api.store.get("destination", owner.get("destinationId"))
        org = holder and holder.get("organizationId")
    return org


def deployments_by_type(api, ctx, data):
    kind = BY_TYPE_OWNERS.get(data["type"])
    if kind is None:
        return []
    # Only a schedule is looked up (404); for the other types the router checks permissions only.
    owner = stored_schedule(api, data["id"]) if kind == "schedule" else api.store.get(kind, data["id"])
    if owner is None and kind == "schedule":
        raise not_found("Schedule not found")
    if owner is None or owner_org(api, kind, owner) != ctx.org:
        return []
    return [{**d, "rollback": None} for d in api.deployments_of(kind, data["id"])]


def deployment_read_logs(api, ctx, data):
    """Access is checked for a service's deployment and a server schedule's run only (the router's own checks):
    the log of a backup, a volume backup or a host schedule is tailed for any caller that knows its id."""
    deployment = api.store.get("deployment", data["deploymentId"])
    if deployment is None:
        raise not_found(NOT_FOUND_MESSAGES["deployment"])
    if deployment.get("applicationId") or deployment.get("composeId"):
        deployment = api.child(ctx, "deployment", data["deploymentId"])
    else:
        schedule = stored_schedule(api, deployment.get("scheduleId")) if deployment.get("scheduleId") else None
        server = api.store.get("server", (schedule or {}).get("serverId"))
        if server is not None and server.get("organizationId") != ctx.org:
            raise unauthorized("You don't have access to this deployment.")
    meta = api.store.deploy_meta.get(deployment["deploymentId"], {})
    log = meta.get("log", "") if deployment["status"] != "running" else "Initializing deployment\n"
    lines = log.splitlines(keepends=True)
    return "".join(lines[-int(data.get("tail", 100)):])


ROUTES = {
    "deployment.all": ("GET", deployments_of("application")),
    "deployment.allByCompose": ("GET", deployments_of("compose")),
    "deployment.allByServer": ("GET", deployments_by_server),
    "deployment.allByType": ("GET", deployments_by_type),
    "deployment.readLogs": ("GET", deployment_read_logs),
}
