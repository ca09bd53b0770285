#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) community.dokploy contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: dokploy_port
short_description: Publish a port of a Dokploy application
version_added: 0.1.0
author:
  - community.dokploy maintainers (@community-dokploy)
description:
  - Makes sure a port of the Dokploy host is published to an application's container port, or is not.
  - A port is identified by O(published_port) and O(protocol) within its application.
options:
  app:
    description:
      - Name or id of the application.
    type: str
    required: true
  published_port:
    description:
      - Port on the Dokploy host, 1 to 65535.
    type: int
    required: true
  protocol:
    description:
      - Protocol of the port.
    type: str
    choices: [tcp, udp]
    default: tcp
  target_port:
    description:
      - Port inside the container, 1 to 65535. Required to create the port.
    type: int
  publish_mode:
    description:
      - V(ingress) publishes the port on every Swarm node through the routing mesh, V(host) only on the node running
        the container. Dokploy uses V(ingress) when it is not set at create.
    type: str
    choices: [ingress, host]
  state:
    description:
      - V(present) publishes the port, V(absent) stops publishing it.
    type: str
    choices: [present, absent]
    default: present
  force:
    description:
      - Publish the port even when another application or a database (its external port) of the
        organization already publishes it. Without it the task fails naming that service, in check mode
        too. Checking reads every service of the organization, once, when the port is created.
    type: bool
    default: false
extends_documentation_fragment:
  - community.dokploy.placement
  - community.dokploy.connection
  - community.dokploy.attributes
  - community.dokploy.attributes.ACTIONGROUP_DOKPLOY
"""

EXAMPLES = r"""
- name: Expose a game server's UDP port
  community.dokploy.dokploy_port:
    project: games
    app: server
    published_port: 27015
    target_port: 27015
    protocol: udp
"""

RETURN = r"""
port:
  description: The port as Dokploy returns it; empty when absent or in check mode before creation.
  returned: always
  type: dict
  sample: {portId: 3CdFD5i9oa544i2NHlLjH, publishedPort: 8080, targetPort: 80, protocol: tcp, publishMode: ingress}
id:
  description: The port's id; null when it does not exist (yet).
  returned: always
  type: str
"""

from ansible_collections.community.dokploy.plugins.module_utils._base import DokployModule
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


def main():
    spec = parent_argument_spec(("app",))
    spec.update(
        published_port=dict(type="int", required=True),
        protocol=dict(type="str", choices=["tcp", "udp"], default="tcp"),
        target_port=dict(type="int"),
        publish_mode=dict(type="str", choices=["ingress", "host"]),
        state=dict(type="str", choices=["present", "absent"], default="present"),
        force=dict(type="bool", default=False),
    )
    dokploy = DokployModule(argument_spec=spec, supports_check_mode=True)
    dokploy.run(Port(dokploy).run)


if __name__ == "__main__":
    main()
