#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) community.dokploy contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: dokploy_basic_auth
short_description: Protect a Dokploy application with HTTP basic authentication users
version_added: 0.1.0
author:
  - community.dokploy maintainers (@community-dokploy)
description:
  - Makes sure a basic-auth user exists on an application with the given password, or does not exist.
  - A user is identified by O(username) within its application.
options:
  app:
    description:
      - Name or id of the application.
    type: str
    required: true
  username:
    description:
      - The user's name, without C(:).
    type: str
    required: true
  password:
    description:
      - The user's password. Required to create the user. Never printed.
    type: str
  update_password:
    description:
      - V(on_create) sets the password only when the user is created; V(always) also changes it when it differs
        from the one Dokploy holds.
    type: str
    choices: [always, on_create]
    default: on_create
  state:
    description:
      - V(present) creates or updates the user, V(absent) removes it.
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - community.dokploy.placement
  - community.dokploy.connection
  - community.dokploy.attributes
  - community.dokploy.attributes.ACTIONGROUP_DOKPLOY
"""

EXAMPLES = r"""
- name: Keep the staging site private
  community.dokploy.dokploy_basic_auth:
    project: acme
    environment: staging
    app: web
    username: reviewer
    password: "{{ vault_staging_password }}"
    update_password: always
"""

RETURN = r"""
basic_auth:
  description: The user as Dokploy returns it, password masked; empty when absent or in check mode before creation.
  returned: always
  type: dict
  sample: {securityId: otGd_eRGo36BhSx93j4MY, username: reviewer, password: "********"}
id:
  description: The user's id; null when it does not exist (yet).
  returned: always
  type: str
"""

from ansible_collections.community.dokploy.plugins.module_utils._base import DokployModule
from ansible_collections.community.dokploy.plugins.module_utils._resources.basic_auth import MODULE_RULES, BasicAuth, argument_spec


def main():
    dokploy = DokployModule(argument_spec=argument_spec(), supports_check_mode=True, **MODULE_RULES)
    dokploy.run(BasicAuth(dokploy).run)


if __name__ == "__main__":
    main()
