"""`domain.*`.

`domain.toggleEnable` flips `enabled` and answers the domain plus `requiresRedeploy` (true for a
compose domain: its labels change only at the next deploy; an application's router follows at
once). An unknown id is a 404 "Domain not found". Like Dokploy, it checks the caller's role but
not the domain's organization.
"""

import re

from simcore import (
    ApiError, bad_request, child_delete, id_field, new_id, not_found, now_iso, template, update_fields,
)


def domain_create(api, ctx, data):
    owner_kind = "compose" if data.get("composeId") else "application"
    try:
        owner = api.service(ctx, owner_kind, data.get(id_field(owner_kind)))
    except ApiError as error:
        raise bad_request(error.message)  # the router turns every failure into a 400
    domain = template("domain")
    # Keys given are stored as given (an explicit null too); the rest keep the column defaults.
    domain.update({k: v for k, v in data.items() if k in domain})
    domain.update(domainId=new_id(), host=data["host"].strip(), createdAt=now_iso(),
                  uniqueConfigKey=api.store.next_serial("domain"))
    domain[id_field(owner_kind)] = owner[id_field(owner_kind)]
    return api.store.insert("domain", domain)


def domain_one(api, ctx, data):
    domain = api.child(ctx, "domain", data["domainId"])
    app = api.store.get("application", domain["applicationId"])
    summary = app and {"applicationId": app["applicationId"], "appName": app["appName"], "name": app["name"]}
    return {**domain, "application": summary}


def domains_of(kind):
    def listing(api, ctx, data):
        owner = api.service(ctx, kind, data[id_field(kind)])
        summary = {id_field(kind): owner[id_field(kind)], "appName": owner["appName"], "name": owner["name"]}
        return [{**d, kind: summary} for d in api.store.where("domain", **{id_field(kind): owner[id_field(kind)]})]
    return listing


def domain_update(api, ctx, data):
    domain = api.child(ctx, "domain", data["domainId"])
    update_fields(domain, data, skip=("domainId",))
    return domain


def domain_toggle_enable(api, ctx, data):
    domain = api.store.get("domain", data["domainId"])
    if domain is None:
        raise not_found("Domain not found")
    domain["enabled"] = not domain["enabled"]
    return {**domain, "requiresRedeploy": domain["domainType"] == "compose"}


# Dokploy's domain schema checks the host beyond what openapi.json shows (db/validations/domain.ts).
HOSTNAME = re.compile(r"^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\.)*"
                      r"[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?$")
INVALID_HOSTNAME = ("Invalid domain name. Use only letters, numbers, hyphens and dots (e.g. example.com). "
                    "Underscores are not allowed.")


def host_issues(data):
    host = data.get("host") if isinstance(data, dict) else None
    if not isinstance(host, str) or not host:
        return []
    if host != host.strip():
        message = "Domain name cannot have leading or trailing spaces"
    elif not HOSTNAME.match(host):
        message = INVALID_HOSTNAME
    else:
        return []
    return [{"code": "custom", "path": ["host"], "message": message}]


REFINEMENTS = {"domain.create": host_issues, "domain.update": host_issues}

ROUTES = {
    "domain.create": ("POST", domain_create),
    "domain.one": ("GET", domain_one),
    "domain.update": ("POST", domain_update),
    "domain.delete": ("POST", child_delete("domain")),
    "domain.byApplicationId": ("GET", domains_of("application")),
    "domain.byComposeId": ("GET", domains_of("compose")),
    "domain.toggleEnable": ("POST", domain_toggle_enable),
}
