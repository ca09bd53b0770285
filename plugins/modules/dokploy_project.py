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
from ansible_collections.community.dokploy.plugins.module_utils._resources.project import MODULE_RULES, Project, argument_spec


def main():
    dokploy = DokployModule(argument_spec=argument_spec(), supports_check_mode=True, **MODULE_RULES)
    dokploy.run(Project(dokploy).run)


if __name__ == "__main__":
    main()
