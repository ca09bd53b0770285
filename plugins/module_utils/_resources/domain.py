# -*- coding: utf-8 -*-
# Copyright (c) community.dokploy contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The domain resource of dokploy_domain: its fields, writers, checks and the module's options.

Imported by dokploy_domain and by the modules that converge several objects at once, which validate
an entry against exactly the options of the single module.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

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
        # With state=absent, host only selects what to remove, even one an earlier rule let through.
        if self.params["state"] == "present" and not HOSTNAME.match(self.params["host"]):
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


def argument_spec():
    """The options of dokploy_domain."""
    return dict(
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
    )


MODULE_RULES = dict(
    required_one_of=[("app", "compose")],
    mutually_exclusive=[("app", "compose")],
    required_by={"compose": "service_name"},
)
