"""`redirects.*`."""

from simcore import child_delete, child_one, new_id, now_iso, template, update_fields


def redirect_create(api, ctx, data):
    app = api.service(ctx, "application", data["applicationId"])
    redirect = template("redirect")
    redirect.update(redirectId=new_id(), regex=data["regex"], replacement=data["replacement"],
                    permanent=data["permanent"], uniqueConfigKey=api.store.next_serial("redirect"),
                    createdAt=now_iso(), applicationId=app["applicationId"])
    api.store.insert("redirect", redirect)
    return True


def redirect_update(api, ctx, data):
    redirect = api.child(ctx, "redirect", data["redirectId"])
    update_fields(redirect, data, skip=("redirectId", "applicationId"))
    return redirect


ROUTES = {
    "redirects.create": ("POST", redirect_create),
    "redirects.one": ("GET", child_one("redirect")),
    "redirects.update": ("POST", redirect_update),
    "redirects.delete": ("POST", child_delete("redirect")),
}
