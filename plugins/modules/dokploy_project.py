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
  - O(tags) labels the project with tags of the organization, made with M(community.dokploy.dokploy_tag).
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
  tags:
    description:
      - Tags the project has, each by name or id; they must exist (see M(community.dokploy.dokploy_tag)). A tag that
        does not exist is an error naming this option, raised before anything is changed, except in check mode,
        where an earlier task of the play would create it (the result then says so in RV(missing_parent)).
      - Without O(tags_exclusive), the tags the project lacks are added and its other tags are kept.
      - Not set, the project's tags are left as they are. The diff shows the project's tags by name.
    type: list
    elements: str
  tags_exclusive:
    description:
      - With O(tags), make the project's tags exactly O(tags), removing the others; O(tags=[]) then removes every
        tag from the project. Without O(tags) it is an error.
    type: bool
    default: false
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

- name: The project carries the client's tag, whatever other tags it has
  community.dokploy.dokploy_project:
    name: acme
    tags:
      - client-acme

- name: The project carries exactly these tags, the others are removed from it
  community.dokploy.dokploy_project:
    name: acme
    tags:
      - client-acme
      - production
    tags_exclusive: true

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
  sample: {projectId: CMef0382_J0a5XIYOSdsr, name: acme, description: Acme's shop and API, environments: [],
           projectTags: [{id: ChIPCx9ZCOSSvrC-YbzKH, projectId: CMef0382_J0a5XIYOSdsr, tagId: iRx7KoRPm12Y5iZwPSV3B,
                          tag: {tagId: iRx7KoRPm12Y5iZwPSV3B, name: client-acme, color: "#3b82f6"}}]}
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
missing_parent:
  description: In check mode, the tags of O(tags) that do not exist yet (an earlier task of the play would create
    them).
  returned: in check mode, when a tag of O(tags) does not exist
  type: str
  sample: tag 'client-acme' does not exist yet (an earlier task of the play would create it)
"""

from ansible_collections.community.dokploy.plugins.module_utils._base import DokployModule
from ansible_collections.community.dokploy.plugins.module_utils._resource import Field, Resource
from ansible_collections.community.dokploy.plugins.module_utils._validate import check_name, error


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

    def validate(self):
        if self.params["tags_exclusive"] and self.params["tags"] is None:
            raise error("tags_exclusive", "needs tags: the project's tags are made exactly tags (tags: [] removes "
                                          "every tag)")
        for ref in self.params["tags"] or []:
            check_name(ref, "tags")

    def find(self):
        listed = self.tree.project(self.params["name"], option="name")
        return self.read(listed["projectId"]) if listed else None

    def create_body(self, desired):
        return desired

    def after_create(self, created, desired):
        return created["project"]["projectId"]

    def check_absent(self, current):
        self.remove_services(current.get("environments") or [], "project %r" % current.get("name"))

    def present(self, current):
        wanted = self.wanted_tags()  # looked up before anything is written
        existed = current is not None
        current = super(Project, self).present(current)
        if wanted is not None:
            current = self.apply_tags(current, wanted, existed)
        return current

    def wanted_tags(self):
        """The tags the option names as (id, name), each once; the id is None for one an earlier task would create
        (check mode). None without the option. ``tag.all`` is read only here."""
        if self.params["tags"] is None:
            return None
        wanted = []
        for ref in self.params["tags"]:
            tag = self.referenced("tag", ref, "tags")
            entry = (tag["tagId"], tag["name"]) if tag else (None, ref)
            if entry not in wanted:
                wanted.append(entry)
        return wanted

    def apply_tags(self, current, wanted, existed):
        """Add the tags the project lacks and, with tags_exclusive, remove the others; the diff shows names."""
        have = dict((link["tagId"], (link.get("tag") or {}).get("name") or link["tagId"])
                    for link in (current or {}).get("projectTags") or [])
        wanted_ids = set(tag_id for tag_id, _name in wanted if tag_id)
        add = [(tag_id, name) for tag_id, name in wanted if tag_id is None or tag_id not in have]
        remove = []
        if self.params["tags_exclusive"]:
            remove = sorted(tag_id for tag_id in have if tag_id not in wanted_ids)
        if not add and not remove:
            return current
        self.changed = True
        if existed:
            self.before["tags"] = sorted(have.values())
        kept = [name for tag_id, name in have.items() if tag_id not in remove]
        self.after["tags"] = sorted(kept + [name for _id, name in add])
        if self.check_mode:
            return current
        project_id = current["projectId"]
        for tag_id, _name in add:
            # assignToProject is not repeatable (a second link is refused): a lost answer is looked for, not resent.
            self.create_once("tag.assignToProject", {"projectId": project_id, "tagId": tag_id},
                             lambda tag_id=tag_id: self.link(project_id, tag_id))
        for tag_id in remove:
            self.write("tag.removeFromProject", {"projectId": project_id, "tagId": tag_id})
        return self.read(project_id)

    def link(self, project_id, tag_id):
        """The project's link to the tag, read again (None when there is none)."""
        links = self.read(project_id).get("projectTags") or []
        return next((link for link in links if link.get("tagId") == tag_id), None)


def main():
    dokploy = DokployModule(
        argument_spec=dict(
            name=dict(type="str", required=True),
            description=dict(type="str"),
            state=dict(type="str", choices=["present", "absent"], default="present"),
            force=dict(type="bool", default=False),
            tags=dict(type="list", elements="str"),
            tags_exclusive=dict(type="bool", default=False),
        ),
        supports_check_mode=True,
    )
    dokploy.run(Project(dokploy).run)


if __name__ == "__main__":
    main()
