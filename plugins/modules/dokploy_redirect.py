#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) community.dokploy contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: dokploy_redirect
short_description: Redirect requests to a Dokploy application with a regular expression
version_added: 0.1.0
author:
  - community.dokploy maintainers (@community-dokploy)
description:
  - Makes sure requests to an application whose URL matches O(regex) are redirected to O(replacement), or are not.
  - A redirect is identified by O(regex) within its application.
options:
  app:
    description:
      - Name or id of the application.
    type: str
    required: true
  regex:
    description:
      - Regular expression matched against the request URL, for example V(^https?://www\\.(.*)).
      - Checked before any request with Python's C(re), whose syntax is close to, not identical with, the Go syntax
        Traefik uses; lookarounds and backreferences, which Go lacks, are refused too.
    type: str
    required: true
  replacement:
    description:
      - Where to redirect, with C($1)... for the groups of O(regex). Required to create the redirect.
    type: str
  permanent:
    description:
      - Whether the redirect is permanent (HTTP 301/308) rather than temporary (302/307). Dokploy uses V(false)
        when it is not set at create.
    type: bool
  state:
    description:
      - V(present) creates or updates the redirect, V(absent) removes it.
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
- name: Redirect www to the bare domain
  community.dokploy.dokploy_redirect:
    project: acme
    app: web
    regex: "^https?://www\\.acme\\.example/(.*)"
    replacement: "https://acme.example/${1}"
    permanent: true
"""

RETURN = r"""
redirect:
  description: The redirect as Dokploy returns it; empty when absent or in check mode before creation.
  returned: always
  type: dict
id:
  description: The redirect's id; null when it does not exist (yet).
  returned: always
  type: str
"""

from ansible_collections.community.dokploy.plugins.module_utils._base import DokployModule
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


def main():
    spec = parent_argument_spec(("app",))
    spec.update(
        regex=dict(type="str", required=True),
        replacement=dict(type="str"),
        permanent=dict(type="bool"),
        state=dict(type="str", choices=["present", "absent"], default="present"),
    )
    dokploy = DokployModule(argument_spec=spec, supports_check_mode=True)
    dokploy.run(Redirect(dokploy).run)


if __name__ == "__main__":
    main()
