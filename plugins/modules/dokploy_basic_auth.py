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
from ansible_collections.community.dokploy.plugins.module_utils._child import Child, parent_argument_spec
from ansible_collections.community.dokploy.plugins.module_utils._client import DokployError
from ansible_collections.community.dokploy.plugins.module_utils._resource import Field
from ansible_collections.community.dokploy.plugins.module_utils._validate import (
    check_name,
    check_not_empty,
)


class BasicAuth(Child):
    kind = "basic auth user"
    result_key = "basic_auth"
    id_field = "securityId"
    read_procedure = "security.one"
    create_procedure = "security.create"
    delete_procedure = "security.delete"
    writers = {"update": ("security.update", ("username", "password"))}
    identity_fields = ("username",)
    required_to_create = ("password",)
    app_list_key = "security"
    fields = (
        Field("username", "username", writer=None),
        Field("password", "password", secret=True),
    )

    def validate(self):
        check_not_empty(self.params["password"], "password")
        check_not_empty(self.params["username"], "username")
        if self.params["state"] == "present":
            # The user and password are stored as one user:hash line: a : or a line break would split it.
            check_name(self.params["username"], "username")
            if ":" in self.params["username"]:
                raise DokployError("option username: %r must not contain a colon (:)" % self.params["username"])

    def create_body(self, desired):
        return dict(desired, applicationId=self.parent_id)

    def write(self, procedure, body):
        try:
            return super(BasicAuth, self).write(procedure, body)
        except DokployError as exc:
            # A second user with the same name makes Dokploy answer a raw SQL error, password included.
            if procedure == self.create_procedure and exc.status == 400 and "Failed query" in str(exc):
                raise DokployError("option username: %s already has a basic auth user named %r"
                                   % (self.parent_label, body["username"]), status=400, procedure=procedure)
            raise


def main():
    spec = parent_argument_spec(("app",))
    spec.update(
        username=dict(type="str", required=True),
        password=dict(type="str", no_log=True),
        update_password=dict(type="str", choices=["always", "on_create"], default="on_create", no_log=False),
        state=dict(type="str", choices=["present", "absent"], default="present"),
    )
    dokploy = DokployModule(argument_spec=spec, supports_check_mode=True)
    dokploy.run(BasicAuth(dokploy).run)


if __name__ == "__main__":
    main()
