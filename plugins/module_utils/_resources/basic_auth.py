# -*- coding: utf-8 -*-
# Copyright (c) community.dokploy contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The basic auth resource of dokploy_basic_auth: its fields, writers, checks and the module's options.

Imported by dokploy_basic_auth and by the modules that converge several objects at once, which validate
an entry against exactly the options of the single module.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

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


def argument_spec():
    """The options of dokploy_basic_auth."""
    spec = parent_argument_spec(("app",))
    spec.update(
        username=dict(type="str", required=True),
        password=dict(type="str", no_log=True),
        update_password=dict(type="str", choices=["always", "on_create"], default="on_create", no_log=False),
        state=dict(type="str", choices=["present", "absent"], default="present"),
    )
    return spec


MODULE_RULES = dict()
