"""`application.*`.

`application.create` stores `sourceType` (default `github`, the column default).
"""

from simcore import (
    bad_request, new_id, new_service, remove_service_tree, saver, server_error, service_search,
    update_fields,
)


def application_create(api, ctx, data):
    return new_service(api, ctx, "application", data, refreshToken=new_id(),
                       sourceType=data.get("sourceType", "github"))


def application_one(api, ctx, data):
    return api.full_application(api.service(ctx, "application", data["applicationId"]))


def application_update(api, ctx, data):
    app = api.store.get("application", data["applicationId"])
    if app is None or api.org_of("application", app) != ctx.org:
        raise bad_request("Error updating application")
    update_fields(app, data, skip=("applicationId", "appName", "environmentId", "createdAt"))
    return True


def application_delete(api, ctx, data):
    app = api.service(ctx, "application", data["applicationId"], denied="delete")
    shape = api.full_application(app, with_access=False)
    remove_service_tree(api, "application", app)
    return shape


def application_deploy(default_title):
    def deploy(api, ctx, data):
        app = api.service(ctx, "application", data["applicationId"])
        api.start_deployment("application", app, data.get("title") or default_title, data.get("description"))
        return None  # the real server answers an empty body
    return deploy


def application_start(api, ctx, data):
    app = api.service(ctx, "application", data["applicationId"])
    if api.fail_deploys:
        raise api.docker_failure(app)
    shape = api.full_application(app, with_access=False)
    app["applicationStatus"] = "done"
    return shape


def application_stop(api, ctx, data):
    app = api.service(ctx, "application", data["applicationId"])
    shape = api.full_application(app, with_access=False)
    app["applicationStatus"] = "idle"
    return shape


def application_reload(api, ctx, data):
    app = api.service(ctx, "application", data["applicationId"])
    if api.fail_deploys:
        raise server_error("Error reloading application")
    app["applicationStatus"] = "done"
    return True


def application_cancel(api, ctx, data):
    api.service(ctx, "application", data["applicationId"])
    raise bad_request("Deployment cancellation only available in cloud version")


ROUTES = {
    "application.create": ("POST", application_create),
    "application.one": ("GET", application_one),
    "application.update": ("POST", application_update),
    "application.delete": ("POST", application_delete),
    "application.search": ("GET", service_search("application")),
    "application.saveEnvironment": ("POST", saver(
        "application", ("env", "buildArgs", "buildSecrets", "createEnvFile"))),
    "application.saveDockerProvider": ("POST", saver(
        "application", ("dockerImage", "username", "password", "registryUrl"), sourceType="docker")),
    "application.saveGitProvider": ("POST", saver(
        "application", ("customGitUrl", "customGitBranch", "customGitBuildPath", "customGitSSHKeyId",
                        "watchPaths", "enableSubmodules"), sourceType="git")),
    "application.saveBuildType": ("POST", saver(
        "application", ("buildType", "dockerfile", "dockerContextPath", "dockerBuildStage",
                        "herokuVersion", "railpackVersion", "publishDirectory", "isStaticSpa"))),
    "application.deploy": ("POST", application_deploy("Manual deployment")),
    "application.redeploy": ("POST", application_deploy("Rebuild deployment")),
    "application.start": ("POST", application_start),
    "application.stop": ("POST", application_stop),
    "application.reload": ("POST", application_reload),
    "application.cancelDeployment": ("POST", application_cancel),
}
