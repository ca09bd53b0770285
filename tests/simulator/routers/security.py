"""`security.*`."""

from simcore import bad_request, child_delete, child_one, new_id, now_iso, template, update_fields


def security_create(api, ctx, data):
    app = api.service(ctx, "application", data["applicationId"])
    ident, stamp = new_id(), now_iso()
    if api.store.where("security", applicationId=app["applicationId"], username=data["username"]):
        # The unique index (applicationId, username) fails and Dokploy passes the raw SQL error on.
        raise bad_request(
            'Failed query: insert into "security" ("securityId", "username", "password", "createdAt", '
            '"applicationId") values ($1, $2, $3, $4, $5) returning "securityId", "username", "password", '
            f'"createdAt", "applicationId"\nparams: {ident},{data["username"]},{data["password"]},{stamp},'
            f'{app["applicationId"]}')
    security = template("security")
    security.update(securityId=ident, username=data["username"], password=data["password"],
                    createdAt=stamp, applicationId=app["applicationId"])
    api.store.insert("security", security)
    return True


def security_update(api, ctx, data):
    security = api.child(ctx, "security", data["securityId"])
    update_fields(security, data, skip=("securityId", "applicationId"))
    return None  # the real server answers an empty body


ROUTES = {
    "security.create": ("POST", security_create),
    "security.one": ("GET", child_one("security")),
    "security.update": ("POST", security_update),
    "security.delete": ("POST", child_delete("security")),
}
