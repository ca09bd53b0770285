"""`overview.*`."""

from simcore import id_field


def overview_domains(api, ctx, data):
    """Every domain of the caller's organization with its owning service (v0.30.2 services/overview.ts)."""
    found = []
    for domain in api.store.tables["domain"].values():
        owner = api.owner_of(domain)
        if owner is None or api.org_of(*owner) != ctx.org:
            continue
        kind, service = owner
        env = api.store.get("environment", service["environmentId"])
        project = api.store.get("project", env["projectId"])
        keys = ("domainId", "host", "path", "port", "customEntrypoint", "https", "certificateType", "createdAt",
                "enabled", "domainType")
        entry = {k: domain.get(k) for k in keys}
        entry.update(serviceOwnerId=service[id_field(kind)], serviceOwnerType=kind, serviceName=service["name"],
                     projectId=project["projectId"], projectName=project["name"],
                     environmentId=env["environmentId"], environmentName=env["name"])
        found.append(entry)
    return found


ROUTES = {
    "overview.domains": ("GET", overview_domains),
}
