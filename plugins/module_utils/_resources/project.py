# -*- coding: utf-8 -*-
# Copyright (c) community.dokploy contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The project resource of dokploy_project: its fields, writers, checks and the module's options.

Imported by dokploy_project and by the modules that converge several objects at once, which validate
an entry against exactly the options of the single module.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

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


def argument_spec():
    """The options of dokploy_project."""
    return dict(
        name=dict(type="str", required=True),
        description=dict(type="str"),
        state=dict(type="str", choices=["present", "absent"], default="present"),
        force=dict(type="bool", default=False),
        tags=dict(type="list", elements="str"),
        tags_exclusive=dict(type="bool", default=False),
    )


MODULE_RULES = dict()
