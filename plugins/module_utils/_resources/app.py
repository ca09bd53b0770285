# -*- coding: utf-8 -*-
# Copyright (c) community.dokploy contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The application resource of dokploy_app: its fields, writers, checks and the module's options.

Imported by dokploy_app and by the modules that converge several objects at once, which validate
an entry against exactly the options of the single module.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.community.dokploy.plugins.module_utils._resource import (
    LIMIT_FIELDS,
    Field,
    Resource,
    limits_argument_spec,
)
from ansible_collections.community.dokploy.plugins.module_utils._validate import (
    check_branch,
    check_name,
    check_no_space,
    check_range,
)

# Source kind (sourceType) -> the API field of the option that selects it.
SOURCES = {"docker": "dockerImage", "git": "customGitUrl"}


class App(Resource):
    kind = "application"
    result_key = "app"
    placed = True  # option server
    id_field = "applicationId"
    read_procedure = "application.one"
    create_procedure = "application.create"
    delete_procedure = "application.delete"
    writers = {
        "update": ("application.update", ()),
        # Dokploy's save* procedures want every one of their fields: untouched ones go back as read.
        "docker": ("application.saveDockerProvider", ("dockerImage", "username", "password", "registryUrl")),
        "git": ("application.saveGitProvider", ("customGitUrl", "customGitBranch", "customGitBuildPath",
                                                "watchPaths", "customGitSSHKeyId", "enableSubmodules")),
        "build": ("application.saveBuildType", ("buildType", "dockerfile", "dockerContextPath", "dockerBuildStage",
                                                "herokuVersion", "railpackVersion")),
    }
    fields = (
        Field("name", "name", writer=None),
        Field("description", "description"),
        Field("docker_image", "dockerImage", writer="docker", on_create=False),
        Field("registry_url", "registryUrl", writer="docker", on_create=False),
        Field("registry_username", "username", writer="docker", on_create=False),
        Field("registry_password", "password", writer="docker", secret=True, on_create=False),
        Field("git_url", "customGitUrl", writer="git", on_create=False),
        Field("git_branch", "customGitBranch", writer="git", on_create=False),
        Field("git_build_path", "customGitBuildPath", writer="git", on_create=False),
        Field("build_type", "buildType", writer="build", on_create=False),
        Field("dockerfile", "dockerfile", writer="build", on_create=False),
        Field("docker_context_path", "dockerContextPath", writer="build", on_create=False),
        Field("docker_build_stage", "dockerBuildStage", writer="build", on_create=False),
        Field("registry", "registryId", on_create=False),
        Field("command", "command", on_create=False),
        Field("replicas", "replicas", on_create=False),
        Field("auto_deploy", "autoDeploy", on_create=False),
    ) + LIMIT_FIELDS

    def validate(self):
        params = self.params
        # Checked here as Dokploy's schemas do: a refusal after the create would leave a half-made app
        # (and, with create_project, a project of its own).
        check_range(params["replicas"], "replicas", minimum=0)
        check_no_space(params["docker_image"], "docker_image", "an image reference")
        check_no_space(params["git_url"], "git_url", "a Git URL")
        check_branch(params["git_branch"], "git_branch")
        check_name(params["registry"], "registry")
        self.desired()  # converts sizes and CPUs, failing on the option at fault

    def find(self):
        self.registry = self.find_registry()
        create = self.params["create_project"] and self.params["state"] == "present"
        self.env = self.environment(create_missing=create)
        if self.env is None:
            return None
        listed = self.tree.service(self.env, "application", self.params["name"], option="name")
        return self.read(listed["applicationId"]) if listed else None

    def find_registry(self):
        """The registry the option ``registry`` names (by id or name, failing closed on shared names), or None."""
        ref = self.params["registry"]
        if ref is None or self.params["state"] == "absent":
            return None
        return self.referenced("registry", ref, "registry")

    def desired(self):
        values = super(App, self).desired()
        if "registryId" in values:
            # The option names the registry; before find (or when it does not exist yet, in check mode) its id is
            # unknown, and nothing is compared.
            registry = getattr(self, "registry", None)
            if registry is None:
                del values["registryId"]
            else:
                values["registryId"] = registry["registryId"]
        return values

    def create_body(self, desired):
        return dict(desired, environmentId=self.env["environmentId"])

    def changes(self, current, desired):
        changes = super(App, self).changes(current, desired)
        # The same image (or repository) as stored still needs saving when the source is the other kind.
        for source, api in SOURCES.items():
            if api in desired and current.get("sourceType") != source:
                changes[api] = desired[api]
        return changes


def argument_spec():
    """The options of dokploy_app."""
    return dict(
        limits_argument_spec(),
        project=dict(type="str", required=True),
        environment=dict(type="str"),
        server=dict(type="str"),
        create_project=dict(type="bool", default=False),
        name=dict(type="str", required=True),
        state=dict(type="str", choices=["present", "absent"], default="present"),
        description=dict(type="str"),
        docker_image=dict(type="str"),
        registry_url=dict(type="str"),
        registry_username=dict(type="str"),
        registry_password=dict(type="str", no_log=True),
        registry=dict(type="str"),
        git_url=dict(type="str"),
        git_branch=dict(type="str"),
        git_build_path=dict(type="str"),
        build_type=dict(type="str", choices=["dockerfile", "nixpacks", "heroku_buildpacks", "paketo_buildpacks",
                                             "static", "railpack"]),
        dockerfile=dict(type="str"),
        docker_context_path=dict(type="str"),
        docker_build_stage=dict(type="str"),
        command=dict(type="str"),
        replicas=dict(type="int"),
        auto_deploy=dict(type="bool"),
    )


MODULE_RULES = dict(
    mutually_exclusive=[("docker_image", "git_url"), ("registry", "registry_url"), ("registry", "registry_username"),
                        ("registry", "registry_password"), ("registry", "docker_image")],
    required_by={"git_url": "git_branch", "git_branch": "git_url", "git_build_path": "git_url",
                 "registry_password": "docker_image",
                 "registry_username": "docker_image", "registry_url": "docker_image"},
)
