# -*- coding: utf-8 -*-
# Copyright (c) community.dokploy contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The compose service resource of dokploy_compose: its fields, writers, checks and the module's options.

Imported by dokploy_compose and by the modules that converge several objects at once, which validate
an entry against exactly the options of the single module.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.community.dokploy.plugins.module_utils._client import DokployError
from ansible_collections.community.dokploy.plugins.module_utils._resource import Field, Resource
from ansible_collections.community.dokploy.plugins.module_utils._validate import (
    check_branch,
    check_no_space,
    check_not_empty,
    read_text_file,
)


class Compose(Resource):
    kind = "compose"
    result_key = "compose"
    placed = True  # option server
    id_field = "composeId"
    read_procedure = "compose.one"
    create_procedure = "compose.create"
    delete_procedure = "compose.delete"
    writers = {"update": ("compose.update", ())}
    fields = (
        Field("name", "name", writer=None),
        Field("description", "description"),
        Field("compose_type", "composeType"),
        Field("compose_file", "composeFile"),
        # Not an option: where the file comes from, set from compose_file/src or git_url.
        Field("source", "sourceType", on_create=False),
        Field("git_url", "customGitUrl", on_create=False),
        Field("git_branch", "customGitBranch", on_create=False),
        Field("compose_path", "composePath", on_create=False),
    )

    def validate(self):
        params = self.params
        check_no_space(params["git_url"], "git_url", "a Git URL")
        check_branch(params["git_branch"], "git_branch")
        # Without a compose file to read from the repository, the stack deploys nothing.
        if params["git_url"] is not None and params["compose_path"] is None:
            raise DokployError("option compose_path: required with git_url: the path of the compose file in the "
                               "repository, for example ./docker-compose.yml")
        check_not_empty(params["compose_path"], "compose_path")
        if params["src"]:
            params["compose_file"] = read_text_file(params["src"], "src")
            if not params["compose_file"].strip():
                raise DokployError("option src: %s is empty; a stack needs a compose file" % params["src"])
        check_not_empty(params["compose_file"], "compose_file")

    def desired(self):
        desired = super(Compose, self).desired()
        if self.params["compose_file"] is not None:
            desired["sourceType"] = "raw"
        elif self.params["git_url"] is not None:
            desired["sourceType"] = "git"
        return desired

    def find(self):
        self.env = self.environment()
        if self.env is None:
            return None
        listed = self.tree.service(self.env, "compose", self.params["name"], option="name")
        return self.read(listed["composeId"]) if listed else None

    def create_body(self, desired):
        return dict(desired, environmentId=self.env["environmentId"])

    def delete_body(self, current):
        # compose.delete wants to be told whether to drop the volumes: keep the data.
        return dict(super(Compose, self).delete_body(current), deleteVolumes=False)

    def result(self, current):
        result = super(Compose, self).result(current)
        result["services"] = []
        # dokploy_stack returns its plan, not the services of each compose file (a read of each, a git fetch).
        if current and getattr(self.dokploy, "reports_services", True):
            try:
                result["services"] = self.client.query("compose.loadServices", composeId=current["composeId"],
                                                       type="fetch") or []
            except DokployError as exc:
                self.dokploy.module.warn("Dokploy could not read the services of the compose file: %s" % exc)
        return result


def argument_spec():
    """The options of dokploy_compose."""
    return dict(
        project=dict(type="str", required=True),
        environment=dict(type="str"),
        server=dict(type="str"),
        name=dict(type="str", required=True),
        state=dict(type="str", choices=["present", "absent"], default="present"),
        description=dict(type="str"),
        compose_type=dict(type="str", choices=["docker-compose", "stack"]),
        compose_file=dict(type="str"),
        src=dict(type="path"),
        git_url=dict(type="str"),
        git_branch=dict(type="str"),
        compose_path=dict(type="str"),
    )


MODULE_RULES = dict(
    mutually_exclusive=[("compose_file", "src", "git_url")],
    required_by={"git_url": "git_branch", "git_branch": "git_url", "compose_path": "git_url"},
)
