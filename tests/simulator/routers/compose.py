"""`compose.*`."""

import re

from simcore import new_id, new_service, remove_service_tree, saver, service_search, update_fields

def compose_create(api, ctx, data):
    return new_service(api, ctx, "compose", data, refreshToken=new_id(),
                       composeType=data.get("composeType", "docker-compose"),
                       composeFile=data.get("composeFile", ""))


def compose_one(api, ctx, data):
    return api.full_compose(api.service(ctx, "compose", data["composeId"]))


def compose_update(api, ctx, data):
    compose = api.store.get("compose", data["composeId"])
    if compose is None or api.org_of("compose", compose) != ctx.org:
        return None  # the real server answers 200 with an empty body
    update_fields(compose, data, skip=("composeId", "appName", "environmentId", "createdAt"))
    return compose


def compose_delete(api, ctx, data):
    compose = api.service(ctx, "compose", data["composeId"], denied="delete")
    shape = api.full_compose(compose, with_access=False)
    remove_service_tree(api, "compose", compose)
    return shape


def compose_deploy(default_title, message):
    def deploy(api, ctx, data):
        compose = api.service(ctx, "compose", data["composeId"])
        api.start_deployment("compose", compose, data.get("title") or default_title, data.get("description"))
        return {"success": True, "message": message, "composeId": compose["composeId"]}
    return deploy


def compose_set_status(status):
    def handler(api, ctx, data):
        compose = api.service(ctx, "compose", data["composeId"])
        if api.fail_deploys and status == "done":
            raise api.docker_failure(compose)
        compose["composeStatus"] = status
        return True
    return handler


def compose_load_services(api, ctx, data):
    compose = api.service(ctx, "compose", data["composeId"])
    return compose_service_names(compose.get("composeFile") or "")


def compose_service_names(text):
    """The keys under a top-level `services:` of a compose file (no YAML library needed)."""
    names, inside, indent = [], False, None
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        depth = len(line) - len(line.lstrip())
        if depth == 0:
            inside = line.rstrip() == "services:"
            indent = None
            continue
        if inside:
            indent = depth if indent is None else indent
            match = re.match(r"\s*['\"]?([^'\":]+)['\"]?\s*:", line)
            if depth == indent and match:
                names.append(match.group(1))
    return names


ROUTES = {
    "compose.create": ("POST", compose_create),
    "compose.one": ("GET", compose_one),
    "compose.update": ("POST", compose_update),
    "compose.delete": ("POST", compose_delete),
    "compose.search": ("GET", service_search("compose")),
    "compose.saveEnvironment": ("POST", saver("compose", ("env", "createEnvFile"))),
    "compose.deploy": ("POST", compose_deploy("Manual deployment", "Deployment queued")),
    "compose.redeploy": ("POST", compose_deploy("Rebuild deployment", "Redeployment queued")),
    "compose.start": ("POST", compose_set_status("done")),
    "compose.stop": ("POST", compose_set_status("idle")),
    "compose.loadServices": ("GET", compose_load_services),
}
