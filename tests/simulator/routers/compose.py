"""`compose.*`.

`compose.create` stores `sourceType` (default `github`, as the real server's column default).

`compose.deploy`/`redeploy` only queue the job and answer `{success, message, composeId}`; the
deployment row shows how it went. The job fetches the source first: a compose whose sourceType is
`github` without a GitHub provider (`githubId`), which is what a create without sourceType gives,
fails right there, as Dokploy's cloneGithubRepository does: the deployment ends `error` (its
errorMessage stays null), composeStatus `error`, and the log reads "Error: ❌ Github Provider
not found" before the usual "Error occurred" line. A `raw` compose deploys its stored file.

`freshVolumes` (compose.deploy/redeploy; PR #4195, newer than v0.30.2 and than the Dokploy mirror,
assumed here from v0.30.3, see FRESH_VOLUMES_SINCE): `true` on a `docker-compose` (not `stack`)
compose runs `docker compose -p <appName> down --volumes` before the build, which the deployment
log shows. Before that release the key is not part of the input and zod drops it silently, so the
simulator ignores it there (the deploy is a plain one). The simulator does not reject a
non-boolean value (the newer server would answer 400).
"""

import re

from simcore import DONE_DEPLOY_LOG, new_id, new_service, remove_service_tree, saver, service_search, update_fields

FRESH_VOLUMES_SINCE = (0, 30, 3)
GITHUB_PROVIDER_MISSING_LOG = ("Initializing deployment\nError: \u274c Github Provider not found\n"
                               "\nError occurred \u274c, check the logs for details.\n")


def compose_create(api, ctx, data):
    return new_service(api, ctx, "compose", data, refreshToken=new_id(),
                       composeType=data.get("composeType", "docker-compose"),
                       composeFile=data.get("composeFile", ""), sourceType=data.get("sourceType", "github"))


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
        title, description = data.get("title") or default_title, data.get("description")
        fresh_volumes = api.version >= FRESH_VOLUMES_SINCE and data.get("freshVolumes") is True
        if compose["sourceType"] == "github" and not compose.get("githubId"):
            fail_deployment(api, compose, title, description, GITHUB_PROVIDER_MISSING_LOG)
        elif fresh_volumes and compose["composeType"] == "docker-compose" and not api.should_fail(compose):
            compose["composeStatus"] = "running"
            api.add_deployment("composeId", compose["composeId"], compose["appName"], title, description, True,
                               fresh_volumes_log(compose))
        else:
            api.start_deployment("compose", compose, title, description)
        return {"success": True, "message": message, "composeId": compose["composeId"]}
    return deploy


def fail_deployment(api, compose, title, description, log):
    compose["composeStatus"] = "running"
    api.add_deployment("composeId", compose["composeId"], compose["appName"], title, description, False, log)


def fresh_volumes_log(compose):
    """The usual log with what `docker compose down --volumes` prints before the build."""
    project = compose["appName"]
    removed = "".join(f" Container {project}-{name}-1  Removed\n"
                      for name in compose_service_names(compose.get("composeFile") or ""))
    first, rest = DONE_DEPLOY_LOG.split("\n", 1)
    return f"{first}\n{removed} Network {project}_default  Removed\n{rest}"


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
