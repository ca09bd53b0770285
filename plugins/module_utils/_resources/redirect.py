# -*- coding: utf-8 -*-
# Copyright (c) community.dokploy contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The redirect resource of dokploy_redirect: its fields, writers, checks and the module's options.

Imported by dokploy_redirect and by the modules that converge several objects at once, which validate
an entry against exactly the options of the single module.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.community.dokploy.plugins.module_utils._child import Child, parent_argument_spec
from ansible_collections.community.dokploy.plugins.module_utils._resource import Field
from ansible_collections.community.dokploy.plugins.module_utils._validate import (
    check_not_empty,
    check_regex,
)


class Redirect(Child):
    kind = "redirect"
    result_key = "redirect"
    id_field = "redirectId"
    read_procedure = "redirects.one"
    create_procedure = "redirects.create"
    delete_procedure = "redirects.delete"
    writers = {"update": ("redirects.update", ("regex", "replacement", "permanent"))}
    identity_fields = ("regex",)
    required_to_create = ("replacement",)
    app_list_key = "redirects"
    fields = (
        Field("regex", "regex", writer=None),
        Field("replacement", "replacement"),
        Field("permanent", "permanent"),
    )

    def validate(self):
        check_not_empty(self.params["regex"], "regex")
        check_not_empty(self.params["replacement"], "replacement")
        if self.params["state"] == "present":
            # With state=absent, regex only selects what to remove: Go syntax Python's re refuses is fine there.
            check_regex(self.params["regex"], "regex")

    def create_body(self, desired):
        return dict(dict(permanent=False), applicationId=self.parent_id, **desired)


def argument_spec():
    """The options of dokploy_redirect."""
    spec = parent_argument_spec(("app",))
    spec.update(
        regex=dict(type="str", required=True),
        replacement=dict(type="str"),
        permanent=dict(type="bool"),
        state=dict(type="str", choices=["present", "absent"], default="present"),
    )
    return spec


MODULE_RULES = dict()
