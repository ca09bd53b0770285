"""`port.*`."""

from simcore import bad_request, child_delete, new_id, template, update_fields


def port_create(api, ctx, data):
    app = api.service(ctx, "application", data["applicationId"])
    port = template("port")
    port.update({k: data[k] for k in ("publishedPort", "publishMode", "targetPort", "protocol")})
    port.update(portId=new_id(), applicationId=app["applicationId"])
    return api.store.insert("port", port)


def port_one(api, ctx, data):
    port = api.child(ctx, "port", data["portId"], missing=bad_request("Port not found"))
    return {**port, "application": {"applicationId": port["applicationId"]}}


def port_update(api, ctx, data):
    port = api.child(ctx, "port", data["portId"])
    update_fields(port, data, skip=("portId", "applicationId"))
    return port


ROUTES = {
    "port.create": ("POST", port_create),
    "port.one": ("GET", port_one),
    "port.update": ("POST", port_update),
    "port.delete": ("POST", child_delete("port")),
}
