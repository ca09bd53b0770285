# -*- coding: utf-8 -*-
# Copyright (c) community.dokploy contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The environment resource of dokploy_environment: its fields, writers, checks and the module's options.

Imported by dokploy_environment and by the modules that converge several objects at once, which validate
an entry against exactly the options of the single module.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.community.dokploy.plugins.module_utils._client import DokployError
from ansible_collections.community.dokploy.plugins.module_utils._resource import Field, Resource


class Environment(Resource):
    kind = "environment"
    result_key = "environment"
    id_field = "environmentId"
    read_procedure = "environment.one"
    create_procedure = "environment.create"
    delete_procedure = "environment.remove"
    writers = {"update": ("environment.update", ())}
    fields = (
        Field("name", "name", writer=None),
        # environment.create/update refuse null: "" clears.
        Field("description", "description", to_api=lambda value, option: value or ""),
    )

    def find(self):
        self.project = self.tree.project(self.params["project"])
        if self.project is None:
            if self.params["state"] == "absent":
                return None
            self.missing_parent("project %r" % self.params["project"],
                                "option project: no project is named %r or has that id" % self.params["project"])
            return None
        listed = self.tree.environment(self.project, self.params["name"], option="name")
        return self.tree.environment_details(listed["environmentId"]) if listed else None

    def create_body(self, desired):
        return dict(desired, projectId=self.project["projectId"])

    def check_absent(self, current):
        if current.get("isDefault"):
            raise DokployError("option name: %r is the default environment of project %r, which Dokploy cannot "
                               "remove; remove the project instead" % (current.get("name"), self.project.get("name")))
        self.remove_services([current], "environment %r" % current.get("name"))


def argument_spec():
    """The options of dokploy_environment."""
    return dict(
        project=dict(type="str", required=True),
        name=dict(type="str", required=True),
        description=dict(type="str"),
        state=dict(type="str", choices=["present", "absent"], default="present"),
        force=dict(type="bool", default=False),
    )


MODULE_RULES = dict()
