# -*- coding: utf-8 -*-
# Copyright (c) community.dokploy contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The resource classes of the single modules, one file per resource.

Each file holds what its module converges: the Resource subclass with its fields, writers and checks, and the
module's options as ``argument_spec()`` and ``MODULE_RULES`` (what the module passes to DokployModule besides its
argument spec). The module itself keeps only its documentation and a short ``main()``. Modules that converge
several objects in one task import these classes, so that no field, comparison or write is implemented twice and
a nested entry is validated against exactly the options of the single module.
"""
