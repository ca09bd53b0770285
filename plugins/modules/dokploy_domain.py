#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) community.dokploy contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: dokploy_domain
short_description: Route a domain to a Dokploy application or compose service
version_added: 0.1.0
author:
  - community.dokploy maintainers (@community-dokploy)
description:
  - Makes sure a domain (host and path) routes to an application, or to a service of a compose stack, with the given
    port, HTTPS and certificate settings, or does not exist.
  - A domain is identified by its service, O(host) and O(path). Dokploy allows the same host and path twice on one
    service; the task then fails listing the domains' ids.
  - A domain of a compose service takes effect at the stack's next deploy; RV(requires_redeploy) says so.
options:
  app:
    description:
      - Name or id of the application the domain routes to.
      - Exactly one of O(app) and O(compose) is required.
    type: str
  compose:
    description:
      - Name or id of the compose stack the domain routes to; O(service_name) names the service in it.
    type: str
  service_name:
    description:
      - Service of the compose stack that receives the traffic. Required with O(compose).
    type: str
  host:
    description:
      - Host name, for example V(shop.example.com).
    type: str
    required: true
  path:
    description:
      - Path prefix routed to the service. Must start with C(/).
    type: str
    default: /
  port:
    description:
      - Port the service listens on inside its container. Dokploy uses V(3000) when it is not set at create.
    type: int
  https:
    description:
      - Whether the domain is served over HTTPS.
    type: bool
  certificate:
    description:
      - Where the HTTPS certificate comes from. V(custom) needs O(custom_cert_resolver).
    type: str
    choices: [none, letsencrypt, custom]
  custom_cert_resolver:
    description:
      - Name of the Traefik certificate resolver, with O(certificate=custom).
    type: str
  strip_path:
    description:
      - Whether O(path) is removed from the request before it reaches the service.
    type: bool
  internal_path:
    description:
      - Path the request is sent to inside the service. Must start with C(/) when set.
    type: str
  state:
    description:
      - V(present) creates or updates the domain, V(absent) removes it.
    type: str
    choices: [present, absent]
    default: present
  force:
    description:
      - Create the domain even when another service of the organization already routes the same O(host) and
        O(path). Without it the task fails naming that service, in check mode too, since Traefik would then pick one
        of the two routes arbitrarily.
    type: bool
    default: false
extends_documentation_fragment:
  - community.dokploy.placement
  - community.dokploy.connection
  - community.dokploy.attributes
  - community.dokploy.attributes.ACTIONGROUP_DOKPLOY
"""

EXAMPLES = r"""
- name: Serve the shop over HTTPS with Let's Encrypt
  community.dokploy.dokploy_domain:
    project: acme
    app: web
    host: shop.acme.example
    port: 8080
    https: true
    certificate: letsencrypt

- name: Route /api to the api service of a compose stack
  community.dokploy.dokploy_domain:
    project: acme
    compose: stack
    service_name: api
    host: shop.acme.example
    path: /api
    strip_path: true
    port: 3000
"""

RETURN = r"""
domain:
  description: The domain as Dokploy returns it; empty when absent or in check mode before creation.
  returned: always
  type: dict
  sample: {domainId: lh6a6QEd7lR-UNE4PM9OL, host: shop.acme.example, path: /, port: 8080, https: true,
           certificateType: letsencrypt, applicationId: LPX4BAwKyAihbwUQBwCGX}
id:
  description: The domain's id; null when it does not exist (yet).
  returned: always
  type: str
requires_redeploy:
  description:
    - Whether the change takes effect only at the compose stack's next deploy. Dokploy routes an application's
      domain at once, but a compose service's domain through labels that its next deploy applies.
  returned: always
  type: bool
"""

from ansible_collections.community.dokploy.plugins.module_utils._base import DokployModule
from ansible_collections.community.dokploy.plugins.module_utils._resources.domain import MODULE_RULES, Domain, argument_spec


def main():
    dokploy = DokployModule(argument_spec=argument_spec(), supports_check_mode=True, **MODULE_RULES)
    dokploy.run(Domain(dokploy).run)


if __name__ == "__main__":
    main()
