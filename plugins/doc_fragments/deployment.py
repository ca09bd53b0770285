# -*- coding: utf-8 -*-
# Copyright (c) community.dokploy contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment:
    # How a module waits for the deployment it started (a deploy, a server setup, a backup run).
    DOCUMENTATION = r"""
options:
  wait_timeout:
    description:
      - Seconds to wait for the new deployment to end.
    type: int
    default: 600
  poll_interval:
    description:
      - Seconds between two looks at the deployment list while waiting.
    type: float
    default: 3
  log_lines:
    description:
      - How many of the last log lines to return when the deployment fails, at most V(10000).
    type: int
    default: 50
"""
