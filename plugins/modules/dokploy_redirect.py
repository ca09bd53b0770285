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
from ansible_collections.community.dokploy.plugins.module_utils._resources.redirect import MODULE_RULES, Redirect, argument_spec


def main():
    dokploy = DokployModule(argument_spec=argument_spec(), supports_check_mode=True, **MODULE_RULES)
    dokploy.run(Redirect(dokploy).run)


if __name__ == "__main__":
    main()
