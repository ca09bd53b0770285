"""`mounts.*`."""

from simcore import SERVICE_KINDS, child_delete, id_field, new_id, template, update_fields


def mount_create(api, ctx, data):
    service_type = data.get("serviceType", "application")
    service = api.service(ctx, service_type, data["serviceId"])
    mount = template("mount")
    mount.update({k: data.get(k) for k in ("type", "hostPath", "volumeName", "filePath", "content", "mountPath")})
    mount.update(mountId=new_id(), serviceType=service_type)
    mount[id_field(service_type)] = service[id_field(service_type)]
    return api.store.insert("mount", mount)


def mount_with_owner(api, mount):
    out = dict(mount)
    for kind in ("application", "compose", "libsql", "mariadb", "mongo", "mysql", "postgres", "redis"):
        service = api.store.get(kind, mount.get(id_field(kind)))
        out[kind] = None if service is None else {
            "serverId": service["serverId"], "appName": service["appName"],
            "environment": {"project": {"organizationId": api.org_of(kind, service)}}}
    return out


def mount_one(api, ctx, data):
    return mount_with_owner(api, api.child(ctx, "mount", data["mountId"]))


def mount_update(api, ctx, data):
    mount = api.child(ctx, "mount", data["mountId"])
    before = mount_with_owner(api, mount)  # the real server answers the row as it was
    update_fields(mount, data, skip=("mountId",))
    return before


def mounts_by_service(api, ctx, data):
    kind = data["serviceType"]
    if kind not in SERVICE_KINDS:
        return []
    return api.store.where("mount", serviceType=kind, **{id_field(kind): data["serviceId"]})


ROUTES = {
    "mounts.create": ("POST", mount_create),
    "mounts.one": ("GET", mount_one),
    "mounts.update": ("POST", mount_update),
    "mounts.remove": ("POST", child_delete("mount")),
    "mounts.listByServiceId": ("GET", mounts_by_service),
}
