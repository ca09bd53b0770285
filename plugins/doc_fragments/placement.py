# -*- coding: utf-8 -*-
# Copyright (c) community.dokploy contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment:
    # Where a service lives: the options of every module that manages or targets a service.
    DOCUMENTATION = r"""
options:
  project:
    description:
      - Name or id of the project.
      - Project names are not unique in Dokploy; when several projects have the name, the task fails listing their
        ids.
    type: str
    required: true
  environment:
    description:
      - Name or id of the environment. Defaults to the project's default environment.
    type: str
"""

    # The service a module acts on, when it can be any kind.
    SERVICE = r"""
options:
  app:
    description:
      - Name or id of the application. Exactly one of O(app), O(compose) and O(database) is required.
    type: str
  compose:
    description:
      - Name or id of the compose stack.
    type: str
  database:
    description:
      - Name or id of the database. Needs O(database_type).
    type: str
  database_type:
    description:
      - Engine of O(database).
    type: str
    choices: [postgres, mysql, mariadb, mongo, redis, libsql]
"""

    # The remote server a service runs on, chosen when it is created (Resource.placement).
    SERVER = r"""
options:
  server:
    description:
      - Name or id of the organization's remote server the service runs on (M(community.dokploy.dokploy_info) lists
        them). Without it, a new service runs on the Dokploy server itself.
      - Dokploy places a service when it creates it and cannot move it afterwards. For an existing service the same
        server, by name or id, is no change, and another server (or a server for a service on the Dokploy server
        itself) fails before anything is changed, saying where the service runs; remove the service and create it
        again to change its server. Left out, the server of an existing service is not checked.
      - Server names are not unique in Dokploy; when several servers have the name, the task fails listing their
        ids, unless the service already runs on a server of that name.
      - A server that does not exist is an error; in check mode, it is taken as one an earlier task of the play
        would create, and the task reports a change.
    type: str
"""

    # Memory and CPU of a service.
    LIMITS = r"""
options:
  memory_limit:
    description:
      - Memory limit, in bytes or with a unit, for example V(512M) or V(1G).
    type: str
  memory_reservation:
    description:
      - Memory reservation, in bytes or with a unit, for example V(256M).
    type: str
  cpu_limit:
    description:
      - CPU limit in CPUs, for example V(0.5) (Dokploy stores nano-CPUs).
    type: float
  cpu_reservation:
    description:
      - CPU reservation in CPUs, for example V(0.25).
    type: float
"""
