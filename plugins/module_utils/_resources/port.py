# -*- coding: utf-8 -*-
# Copyright (c) community.dokploy contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The port resource of dokploy_port: its fields, writers, checks and the module's options.

Imported by dokploy_port and by the modules that converge several objects at once, which validate
an entry against exactly the options of the single module.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.community.dokploy.plugins.module_utils._child import Child, parent_argument_spec
from ansible_collections.community.dokploy.plugins.module_utils._client import DokployError
from ansible_collections.community.dokploy.plugins.module_utils._resource import Field
from ansible_collections.community.dokploy.plugins.module_utils._validate import check_port

PORT_FIELDS = ("publishedPort", "publishMode", "targetPort", "protocol")


class Port(Child):
    kind = "port"
    result_key = "port"
    id_field = "portId"
    read_procedure = "port.one"
    create_procedure = "port.create"
    delete_procedure = "port.delete"
    writers = {"update": ("port.update", PORT_FIELDS)}
    identity_fields = ("publishedPort", "protocol")
    required_to_create = ("target_port",)
    app_list_key = "ports"
    fields = (
        Field("published_port", "publishedPort", writer=None),
        Field("protocol", "protocol", writer=None),
        Field("target_port", "targetPort"),
        Field("publish_mode", "publishMode"),
    )

    def validate(self):
        check_port(self.params["target_port"], "target_port")
        if self.params["state"] == "present":
            # With state=absent, published_port only selects what to remove.
            check_port(self.params["published_port"], "published_port")

    def check_present(self, current, desired):
        if current is None and not self.params["force"]:
            user = self.port_user(self.params["published_port"], self.params["protocol"],
                                  exclude=getattr(self, "parent_id", None))
            if user:
                raise DokployError("option published_port: %d/%s is already published by %s; the deployment would "
                                   "fail on the clash: choose another port, or set force: true"
                                   % (self.params["published_port"], self.params["protocol"], user))

    def create_body(self, desired):
        return dict(dict(publishMode="ingress"), applicationId=self.parent_id, **desired)


def argument_spec():
    """The options of dokploy_port."""
    spec = parent_argument_spec(("app",))
    spec.update(
        published_port=dict(type="int", required=True),
        protocol=dict(type="str", choices=["tcp", "udp"], default="tcp"),
        target_port=dict(type="int"),
        publish_mode=dict(type="str", choices=["ingress", "host"]),
        state=dict(type="str", choices=["present", "absent"], default="present"),
        force=dict(type="bool", default=False),
    )
    return spec


MODULE_RULES = dict()
