#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) community.dokploy contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: dokploy_tag
short_description: Create, update and remove Dokploy tags
version_added: 0.1.0
author:
  - community.dokploy maintainers (@community-dokploy)
description:
  - Makes sure a tag of the organization exists with the given color, or does not exist.
  - Tags label projects in Dokploy's dashboard, which filters projects by them. The option
    O(community.dokploy.dokploy_project#module:tags) assigns them to a project.
  - Tag names are unique in an organization (Dokploy refuses a second tag with a name), so O(name) identifies the
    tag; it also accepts the tag's id.
options:
  name:
    description:
      - Name of the tag, or its id. A tag named by its id is not renamed.
      - It must not start or end with spaces.
    type: str
    required: true
  color:
    description:
      - Color of the tag as C(#rrggbb), for example V(#3b82f6), the form Dokploy's color picker stores; compared
        without regard to case. V("") clears it (Dokploy then shows the tag without a color).
      - Not set, a new tag has no color and an existing tag keeps its color.
    type: str
  state:
    description:
      - V(present) creates or updates the tag, V(absent) removes it.
      - Dokploy removes a tag from every project that has it when the tag is removed; the task warns, naming those
        projects, and returns them in RV(untagged_projects).
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - community.dokploy.connection
  - community.dokploy.attributes
  - community.dokploy.attributes.ACTIONGROUP_DOKPLOY
"""

EXAMPLES = r"""
- name: A tag per client
  community.dokploy.dokploy_tag:
    name: "client-{{ item.name }}"
    color: "{{ item.color }}"
  loop:
    - {name: acme, color: "#3b82f6"}
    - {name: globex, color: "#16a34a"}

- name: Each client's project carries its tag
  community.dokploy.dokploy_project:
    name: "{{ item }}"
    tags:
      - "client-{{ item }}"
  loop: [acme, globex]

- name: Remove a tag (and with it, from every project that has it)
  community.dokploy.dokploy_tag:
    name: client-initech
    state: absent
"""

RETURN = r"""
tag:
  description: The tag as Dokploy returns it; empty when absent or in check mode before creation.
  returned: always
  type: dict
  sample: {tagId: iRx7KoRPm12Y5iZwPSV3B, name: client-acme, color: "#3b82f6", createdAt: "2025-11-27T11:45:42.478Z",
           organizationId: KGp7Q6e0XM3mLgiPuWIeD}
untagged_projects:
  description: With O(state=absent), the projects that had the removed tag (Dokploy removes it from them); a warning
    names them too.
  returned: when a removed tag was on projects
  type: list
  elements: str
  sample: [acme]
id:
  description: The tag's id; null when it does not exist (yet).
  returned: always
  type: str
  sample: iRx7KoRPm12Y5iZwPSV3B
"""

import re

from ansible_collections.community.dokploy.plugins.module_utils._base import DokployModule
from ansible_collections.community.dokploy.plugins.module_utils._resource import Field, Resource
from ansible_collections.community.dokploy.plugins.module_utils._validate import error

# What Dokploy's color picker stores, and what its badges need (they append an alpha: "#rrggbb33").
COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")


def check_color(value, option):
    """``#rrggbb``, or "" to clear (sent as null, as Dokploy clears it)."""
    if value == "":
        return None
    if not COLOR.match(value):
        raise error(option, "%r is not a color as #rrggbb (for example #3b82f6); \"\" clears it" % value)
    return value


class Tag(Resource):
    kind = "tag"
    result_key = "tag"
    id_field = "tagId"
    read_procedure = "tag.one"
    create_procedure = "tag.create"
    delete_procedure = "tag.remove"
    list_procedure = "tag.all"
    # tag.update keeps what it is not sent.
    writers = {"update": ("tag.update", ())}
    fields = (
        Field("name", "name", writer=None),
        Field("color", "color", to_api=check_color),
    )

    def validate(self):
        name = self.params["name"]
        if name != name.strip():
            # Dokploy's dashboard trims tag names: one with spaces around it could not be told from another.
            raise error("name", "%r must not start or end with spaces" % name)
        self.desired()

    def find(self):
        # tag.all holds every field of a tag: the listed row is the current one.
        return self.find_listed(self.params["name"], read=False)

    def create_body(self, desired):
        return desired

    def changes(self, current, desired):
        color = current.get("color")
        if color and desired.get("color") and color.lower() == desired["color"].lower():
            desired = dict((k, v) for k, v in desired.items() if k != "color")
        return super(Tag, self).changes(current, desired)

    def check_absent(self, current):
        # project.all shows each project's tags; Dokploy unlinks a removed tag from them (ON DELETE CASCADE).
        tag_id = current[self.id_field]
        users = sorted(project.get("name") for project in self.tree.projects()
                       if any(link.get("tagId") == tag_id for link in project.get("projectTags") or []))
        self.report_dependents(current, "untagged_projects", users, "on projects", "they lose it")


def main():
    dokploy = DokployModule(
        argument_spec=dict(
            name=dict(type="str", required=True),
            color=dict(type="str"),
            state=dict(type="str", choices=["present", "absent"], default="present"),
        ),
        supports_check_mode=True,
    )
    dokploy.run(Tag(dokploy).run)


if __name__ == "__main__":
    main()
