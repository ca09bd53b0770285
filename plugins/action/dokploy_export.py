# -*- coding: utf-8 -*-
# Copyright (c) community.dokploy contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.community.dokploy.plugins.plugin_utils._action import DokployAction


class ActionModule(DokployAction):
    """The controller side of community.dokploy.dokploy_export: profile and local files (see plugin_utils/_action.py)."""
