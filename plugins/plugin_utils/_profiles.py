# -*- coding: utf-8 -*-
# Copyright (c) community.dokploy contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Named profiles: where they come from and which one is active.

The one implementation behind the ``community.dokploy.profile`` lookup and the
``community.dokploy.dokploy`` inventory plugin, so that a profile name means the
same connection in both. Controller side only; private to the collection.

A profile is found by name in the variable ``dokploy_profiles`` first, then in
the Dokploy CLI's config file. Without a name, the active profile is the first
of the caller's ``active`` names (``DOKPLOY_PROFILE``, then ``dokploy_profile``),
then the config file's ``currentProfile``, then the unnamed profile the caller
builds from ``DOKPLOY_URL``/``DOKPLOY_API_KEY``. Messages name profiles and
settings, never a value.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os

from ansible_collections.community.dokploy.plugins.module_utils._client import DokployError
from ansible_collections.community.dokploy.plugins.module_utils._options import normalize_settings

LEGACY_PROFILE_NAME = "default"
VARIABLE_SOURCE = "variable dokploy_profiles"


class ProfileCatalog:
    """Every known profile, ``name -> (raw settings, source)``, and the config file's current profile.

    ``profiles`` is the (templated) value of ``dokploy_profiles``; ``config_file`` the path of the
    CLI's JSON config (a missing file provides no profile). A name in both is the variable's.
    """

    def __init__(self, profiles, config_file):
        self.config_file = config_file
        self.profiles = {}
        profiles = profiles or {}
        if not isinstance(profiles, dict):
            raise DokployError("dokploy_profiles must be a mapping of profile name to connection settings")
        for name, raw in profiles.items():
            self.profiles[str(name)] = (raw, VARIABLE_SOURCE)
        file_profiles, self.current = read_config_file(config_file)
        for name, raw in file_profiles.items():
            self.profiles.setdefault(name, (raw, "config file %s" % config_file))

    def names(self):
        return ", ".join(sorted(self.profiles)) or "none"

    def listing(self):
        """The known profiles' names, URLs and sources, without keys."""
        return [{"name": name, "api_url": _display_url(raw), "source": source}
                for name, (raw, source) in self.profiles.items()]

    def settings(self, name):
        """The named profile's validated settings (modules' option names); an unknown name lists the known ones."""
        if name not in self.profiles:
            raise DokployError("unknown Dokploy profile %r; known profiles: %s" % (name, self.names()))
        raw, source = self.profiles[name]
        return normalize_settings(raw, "profile %r (from %s)" % (name, source))

    def active_name(self, active=()):
        """The first of ``active`` that is set, else the config file's current profile; None when none is."""
        for name in tuple(active) + (self.current,):
            if name:
                return str(name)
        return None

    def resolve(self, name=None, active=(), environment=None, unselected=None):
        """The settings of profile ``name``, or of the active profile when ``name`` is empty.

        Without any active profile, ``environment`` (a mapping of connection options, typically from
        DOKPLOY_URL/DOKPLOY_API_KEY) is the unnamed profile; when it sets neither api_url nor api_key the
        error is ``unselected`` (what the caller's user can do) followed by the known profile names.
        Returns ``(settings, name)``, name None for the unnamed profile.
        """
        name = name or self.active_name(active)
        if name:
            return self.settings(name), name
        environment = dict((k, v) for k, v in (environment or {}).items() if v is not None)
        if not environment.get("api_url") and not environment.get("api_key"):
            raise DokployError("%s; known profiles: %s" % (unselected or "no Dokploy profile selected", self.names()))
        return normalize_settings(environment, "the environment (DOKPLOY_URL, DOKPLOY_API_KEY)"), None


def read_config_file(path):
    """The profiles of the Dokploy CLI's config file and its current profile name (``{}, None`` without a file)."""
    if not path or not os.path.isfile(path):
        return {}, None
    try:
        with open(path) as config:
            data = json.load(config)
    except (IOError, OSError, ValueError) as exc:
        raise DokployError("cannot read the Dokploy config file %s: %s" % (path, exc))
    if not isinstance(data, dict):
        raise DokployError("the Dokploy config file %s does not hold a JSON object" % path)
    if "profiles" in data:
        profiles = data.get("profiles") or {}
        if not isinstance(profiles, dict):
            raise DokployError("\"profiles\" in the Dokploy config file %s is not an object" % path)
        return dict((str(k), v) for k, v in profiles.items()), data.get("currentProfile")
    if "url" in data or "token" in data:
        return {LEGACY_PROFILE_NAME: data}, LEGACY_PROFILE_NAME
    return {}, None


def _display_url(raw):
    if not isinstance(raw, dict):
        return None
    url = raw.get("api_url", raw.get("url"))
    return None if url is None else str(url)
