# -*- coding: utf-8 -*-
# Copyright (c) community.dokploy contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment:
    # Every module is in the action group, so module_defaults can set its connection.
    ACTIONGROUP_DOKPLOY = r"""
attributes:
  action_group:
    description: Use C(group/community.dokploy.dokploy) in C(module_defaults) to set defaults for this module.
    support: full
    membership:
      - community.dokploy.dokploy
"""

    # A module that changes objects on the server.
    DOCUMENTATION = r"""
attributes:
  check_mode:
    description: Can run in check_mode and return changed status prediction without modifying target.
    support: full
    details:
      - Sends no write request to Dokploy; reads only.
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check_mode), when in diff mode.
    support: full
    details:
      - Secrets are shown as C(********) in the diff.
  idempotent:
    description:
      - When run twice in a row outside check mode, with the same arguments, the second invocation indicates no change.
      - This assumes that the system controlled/queried by the module has not changed in a relevant way.
    support: full
    details:
      - A second run sends no write request.
"""

    # A module that only reads.
    INFO_MODULE = r"""
attributes:
  check_mode:
    description: Can run in check_mode and return changed status prediction without modifying target.
    support: full
    details:
      - This module only reads, so it runs the same in check mode.
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check_mode), when in diff mode.
    support: N/A
    details:
      - This module never changes anything.
  idempotent:
    description:
      - When run twice in a row outside check mode, with the same arguments, the second invocation indicates no change.
    support: full
"""
