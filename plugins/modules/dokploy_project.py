#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) community.dokploy contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: dokploy_project
short_description: Create, update and remove Dokploy projects
version_added: 0.1.0
author:
  - community.dokploy maintainers (@community-dokploy)
description:
  - Makes sure a project exists with the given description, or does not exist.
  - A new project gets Dokploy's default environment C(production).
  - Project names are not unique in Dokploy; when several projects have the name, the task fails listing their
    ids, and O(name) accepts an id instead.
options:
  name:
    description:
      - Name of the project, or its id.
    type: str
    required: true
  description:
    description:
      - Description of the project. V("") clears it.
    type: str
  state:
    description:
      - V(present) creates or updates the project, V(absent) removes it.
    type: str
    choices: [present, absent]
    default: present
  force:
    description:
      - With O(state=absent), a project that still holds services is only removed when O(force=true); each service
        is then removed first through its own delete, which stops its containers and routes (removing only the
        project would leave them running). Databases' data volumes stay on the host.
    type: bool
    default: false
extends_documentation_fragment:
  - community.dokploy.connection
  - community.dokploy.attributes
  - community.dokploy.attributes.ACTIONGROUP_DOKPLOY
"""

EXAMPLES = r"""
- name: A project per client
  community.dokploy.dokploy_project:
    name: acme
    description: Acme's shop and API

- name: Remove a project and everything in it
  community.dokploy.dokploy_project:
    name: old-client
    state: absent
    force: true
"""

RETURN = r"""
project:
  description: The project as Dokploy returns it (C(project.one)), secrets masked; empty when absent or in check mode
    before creation.
  returned: always
  type: dict
  sample: {projectId: CMef0382_J0a5XIYOSdsr, name: acme, description: Acme's shop and API, environments: []}
id:
  description: The project's id; null when it does not exist (yet).
  returned: always
  type: str
  sample: CMef0382_J0a5XIYOSdsr
removed_services:
  description: The services removed (or, in check mode, to be removed) with the project, as C(kind name).
  returned: when O(force=true) removed services
  type: list
  elements: str
"""

from ansible_collections.community.dokploy.plugins.module_utils._base import DokployModule
from ansible_collections.community.dokploy.plugins.module_utils._resource import Field, Resource


class Project(Resource):
    kind = "project"
    result_key = "project"
    id_field = "projectId"
    read_procedure = "project.one"
    create_procedure = "project.create"
    delete_procedure = "project.remove"
    writers = {"update": ("project.update", ())}
    fields = (
        Field("name", "name", writer=None),
        Field("description", "description"),
    )

    def find(self):
        listed = self.tree.project(self.params["name"], option="name")
        return self.read(listed["projectId"]) if listed else None

    def create_body(self, desired):
        return desired

    def after_create(self, created, desired):
        return created["project"]["projectId"]

    def check_absent(self, current):
        self.remove_services(current.get("environments") or [], "project %r" % current.get("name"))


def main():
    dokploy = DokployModule(
        argument_spec=dict(
            name=dict(type="str", required=True),
            description=dict(type="str"),
            state=dict(type="str", choices=["present", "absent"], default="present"),
            force=dict(type="bool", default=False),
        ),
        supports_check_mode=True,
    )
    dokploy.run(Project(dokploy).run)


if __name__ == "__main__":
    main()
