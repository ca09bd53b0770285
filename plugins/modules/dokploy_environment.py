#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) community.dokploy contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: dokploy_environment
short_description: Create, update and remove environments of a Dokploy project
version_added: 0.1.0
author:
  - community.dokploy maintainers (@community-dokploy)
description:
  - Makes sure an environment (C(staging), C(preview)...) exists in a project with the given description, or does
    not exist.
  - The project's default environment (C(production) in a new project) cannot be removed.
  - Names are not unique in Dokploy; when several environments of the project have the name, the task fails
    listing their ids, and O(name) accepts an id instead.
options:
  project:
    description:
      - Name or id of the project.
    type: str
    required: true
  name:
    description:
      - Name of the environment, or its id.
    type: str
    required: true
  description:
    description:
      - Description of the environment. V("") clears it.
    type: str
  state:
    description:
      - V(present) creates or updates the environment, V(absent) removes it.
    type: str
    choices: [present, absent]
    default: present
  force:
    description:
      - Dokploy refuses to remove an environment that holds services. With O(state=absent) and O(force=true),
        each service is removed first through its own delete (databases' data volumes stay on the host).
    type: bool
    default: false
extends_documentation_fragment:
  - community.dokploy.connection
  - community.dokploy.attributes
  - community.dokploy.attributes.ACTIONGROUP_DOKPLOY
"""

EXAMPLES = r"""
- name: A staging environment next to production
  community.dokploy.dokploy_environment:
    project: acme
    name: staging
    description: Tested here before production

- name: Remove the preview environment
  community.dokploy.dokploy_environment:
    project: acme
    name: preview
    state: absent
"""

RETURN = r"""
environment:
  description: The environment as Dokploy returns it (C(environment.one)), secrets masked; empty when absent or in
    check mode before creation.
  returned: always
  type: dict
  sample: {environmentId: iMMCBecoQS0xfyOfjQLNX, name: staging, description: Tested here, isDefault: false}
id:
  description: The environment's id; null when it does not exist (yet).
  returned: always
  type: str
removed_services:
  description: The services removed (or, in check mode, to be removed) with the environment, as C(kind name).
  returned: when O(force=true) removed services
  type: list
  elements: str
"""

from ansible_collections.community.dokploy.plugins.module_utils._base import DokployModule
from ansible_collections.community.dokploy.plugins.module_utils._resources.environment import MODULE_RULES, Environment, argument_spec


def main():
    dokploy = DokployModule(argument_spec=argument_spec(), supports_check_mode=True, **MODULE_RULES)
    dokploy.run(Environment(dokploy).run)


if __name__ == "__main__":
    main()
