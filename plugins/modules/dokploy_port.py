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
from ansible_collections.community.dokploy.plugins.module_utils._resources.port import MODULE_RULES, Port, argument_spec


def main():
    dokploy = DokployModule(argument_spec=argument_spec(), supports_check_mode=True, **MODULE_RULES)
    dokploy.run(Port(dokploy).run)


if __name__ == "__main__":
    main()
