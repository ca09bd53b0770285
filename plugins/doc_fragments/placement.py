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
    choices: [postgres, mysql, mariadb, mongo, redis]
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
