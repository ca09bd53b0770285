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

import re

from ansible_collections.community.dokploy.plugins.module_utils._base import DokployModule
from ansible_collections.community.dokploy.plugins.module_utils._client import DokployError
from ansible_collections.community.dokploy.plugins.module_utils._resource import Field, Resource
from ansible_collections.community.dokploy.plugins.module_utils._validate import (
    check_absolute_path,
    check_name,
    check_port,
)

# RFC 1123 host names, as Dokploy's domain schema checks them (Let's Encrypt refuses underscores).
HOSTNAME = re.compile(r"^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\.)*[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?$")

# Target option -> (service kind, its id field, the procedure listing its domains, domainType).
TARGETS = {
    "app": ("application", "applicationId", "domain.byApplicationId", "application"),
    "compose": ("compose", "composeId", "domain.byComposeId", "compose"),
}


class Domain(Resource):
    kind = "domain"
    result_key = "domain"
    id_field = "domainId"
    read_procedure = "domain.one"
    create_procedure = "domain.create"
    delete_procedure = "domain.delete"
    # domain.update wants the host every time.
    writers = {"update": ("domain.update", ("host",))}
    fields = (
        Field("host", "host", writer=None),
        Field("path", "path", writer=None),
        Field("service_name", "serviceName"),
        Field("port", "port"),
        Field("https", "https"),
        Field("certificate", "certificateType"),
        Field("custom_cert_resolver", "customCertResolver"),
        Field("strip_path", "stripPath"),
        Field("internal_path", "internalPath"),
    )

    def validate(self):
        check_name(self.params["service_name"], "service_name")
        if not HOSTNAME.match(self.params["host"]):
            raise DokployError("option host: %r is not a host name Dokploy accepts: letters, digits and hyphens in "
                               "dot-separated labels, without spaces, underscores, wildcards or a final dot"
                               % self.params["host"])
        check_port(self.params["port"], "port")
        if self.params["state"] == "present":
            # Traefik's PathPrefix rule needs a leading /; with state=absent any stored path can be removed.
            check_absolute_path(self.params["path"], "path")
        if self.params["internal_path"]:
            check_absolute_path(self.params["internal_path"], "internal_path")
        if self.params["certificate"] == "custom" and not self.params["custom_cert_resolver"]:
            raise DokployError("option custom_cert_resolver: required with certificate: custom")
        self.target = "app" if self.params["app"] is not None else "compose"
        if self.target == "app" and self.params["service_name"] is not None:
            raise DokployError("option service_name: only used with compose")

    def find(self):
        env = self.environment()
        if env is None:
            return None
        kind, id_field, list_procedure, _domain_type = TARGETS[self.target]
        service = self.named_service(env, (self.target,))[1]
        if service is None:
            return None
        self.service_id = service[id_field]
        domains = self.client.query(list_procedure, **{id_field: self.service_id}) or []
        matching = [d for d in domains
                    if d.get("host") == self.params["host"] and (d.get("path") or "/") == self.params["path"]
                    and (self.target == "app" or d.get("serviceName") == self.params["service_name"])]
        if len(matching) > 1:
            raise DokployError("option host: %d domains route %s%s to this %s (ids: %s); remove the extra ones"
                               % (len(matching), self.params["host"], self.params["path"], kind,
                                  ", ".join(d["domainId"] for d in matching)))
        return matching[0] if matching else None

    def check_present(self, current, desired):
        if current is not None or self.params["force"]:
            return
        try:
            domains = self.client.query_list("overview.domains")
        except DokployError as exc:
            if exc.status != 404:
                raise
            self.dokploy.warn("this Dokploy has no overview.domains, so whether another service already routes "
                              "%s%s was not checked" % (self.params["host"], self.params["path"]))
            return
        mine = getattr(self, "service_id", None)
        taken = [d for d in domains if d.get("host") == self.params["host"]
                 and (d.get("path") or "/") == self.params["path"] and d.get("serviceOwnerId") != mine]
        if taken:
            owner = taken[0]
            raise DokployError("option host: %s%s is already routed to %s %s (project %s, environment %s, domain %s); "
                               "two routes for one address make Traefik pick one at random: remove that domain, or "
                               "set force: true" % (self.params["host"], self.params["path"],
                                                    owner.get("serviceOwnerType"), owner.get("serviceName"),
                                                    owner.get("projectName"), owner.get("environmentName"),
                                                    owner.get("domainId")))

    def create_body(self, desired):
        _kind, id_field, _list_procedure, domain_type = TARGETS[self.target]
        return dict(desired, domainType=domain_type, **{id_field: self.service_id})

    def run(self):
        result = super(Domain, self).run()
        # Dokploy routes a compose service through labels that only its next deploy applies.
        result["requires_redeploy"] = self.target == "compose" and self.changed
        return result


def main():
    dokploy = DokployModule(
        argument_spec=dict(
            project=dict(type="str", required=True),
            environment=dict(type="str"),
            app=dict(type="str"),
            compose=dict(type="str"),
            service_name=dict(type="str"),
            host=dict(type="str", required=True),
            path=dict(type="str", default="/"),
            port=dict(type="int"),
            https=dict(type="bool"),
            certificate=dict(type="str", choices=["none", "letsencrypt", "custom"]),
            custom_cert_resolver=dict(type="str"),
            strip_path=dict(type="bool"),
            internal_path=dict(type="str"),
            state=dict(type="str", choices=["present", "absent"], default="present"),
            force=dict(type="bool", default=False),
        ),
        required_one_of=[("app", "compose")],
        mutually_exclusive=[("app", "compose")],
        required_by={"compose": "service_name"},
        supports_check_mode=True,
    )
    dokploy.run(Domain(dokploy).run)


if __name__ == "__main__":
    main()
