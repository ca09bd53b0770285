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

Which config file (:func:`find_config_file`): the one the caller names (the option
``config_file``, the variable ``dokploy_config_file``), else ``DOKPLOY_CONFIG``, else
the first that exists of ``~/.dokploy/config.json`` (the multi-profile layout proposed
in Dokploy/cli#44) and the released CLI's own ``config.json``. The released CLI
(npm ``@dokploy/cli``) keeps ``{"url", "token"}`` in ``config.json`` at the root of its
installed package (``path.join(__dirname, "..", "config.json")`` from its ``dist/``),
found in ``DOKPLOY_CLI_ROOT`` when set, else under ``npm root -g``. The file is only
looked for when a profile is not in ``dokploy_profiles``, and npm runs at most once
per process.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import shutil
import subprocess
import threading

from ansible_collections.community.dokploy.plugins.module_utils._client import DokployError
from ansible_collections.community.dokploy.plugins.module_utils._options import from_environment, normalize_settings

LEGACY_PROFILE_NAME = "default"
VARIABLE_SOURCE = "variable dokploy_profiles"
HOME_CONFIG = os.path.join("~", ".dokploy", "config.json")
# The released CLI's package, under the folder ``npm root -g`` prints.
CLI_PACKAGE = os.path.join("@dokploy", "cli")
NPM_TIMEOUT = 10

_NPM_ROOT = {}
_NPM_LOCK = threading.Lock()


class ProfileCatalog:
    """Every known profile, ``name -> (raw settings, source)``, and the config file's current profile.

    ``profiles`` is the (templated) value of ``dokploy_profiles``; ``config_file`` the path of the
    CLI's JSON config the caller names, None to look for it (:func:`find_config_file`; a missing file
    provides no profile). A name in both is the variable's. The file is read the first time it is needed.
    """

    def __init__(self, profiles, config_file=None):
        self._given_config_file = config_file
        self._file = None
        self.variable_profiles = {}
        profiles = profiles or {}
        if not isinstance(profiles, dict):
            raise DokployError("dokploy_profiles must be a mapping of profile name to connection settings")
        for name, raw in profiles.items():
            self.variable_profiles[str(name)] = (raw, VARIABLE_SOURCE)

    def _config(self):
        """``(path, source, profiles, current)`` of the config file, read once (path None without a file)."""
        if self._file is None:
            path, source = find_config_file(self._given_config_file)
            profiles, current = read_config_file(path)
            self._file = (path, source, profiles, current)
        return self._file

    @property
    def config_file(self):
        """The config file read (or None when there is none)."""
        return self._config()[0]

    @property
    def current(self):
        return self._config()[3]

    @property
    def profiles(self):
        dummy, source, file_profiles, dummy = self._config()
        profiles = dict((name, (raw, source)) for name, raw in file_profiles.items())
        profiles.update(self.variable_profiles)
        return profiles

    def names(self):
        return ", ".join(sorted(self.profiles)) or "none"

    def listing(self):
        """The known profiles' names, URLs and sources (the config file's path among them), without keys."""
        return [{"name": name, "api_url": _display_url(raw), "source": source}
                for name, (raw, source) in self.profiles.items()]

    def settings(self, name):
        """The named profile's validated settings (modules' option names); an unknown name lists the known ones."""
        if name in self.variable_profiles:
            raw, source = self.variable_profiles[name]
        elif name in self.profiles:
            raw, source = self.profiles[name]
        else:
            raise DokployError("unknown Dokploy profile %r; known profiles: %s" % (name, self.names()))
        return normalize_settings(raw, "profile %r (from %s)" % (name, source))

    def active_name(self, active=()):
        """The first of ``active`` that is set, else the config file's current profile; None when none is."""
        for name in active:
            if name:
                return str(name)
        return str(self.current) if self.current else None

    def resolve(self, name=None, active=(), environment=None, unselected=None):
        """The settings of profile ``name``, or of the active profile when ``name`` is empty.

        Without any active profile, ``environment`` (a mapping of connection options, typically from
        DOKPLOY_URL/DOKPLOY_API_KEY, or a function that returns it) is the unnamed profile; when it sets neither api_url nor api_key the
        error is ``unselected`` (what the caller's user can do) followed by the known profile names.
        Returns ``(settings, name)``, name None for the unnamed profile.
        """
        name = name or self.active_name(active)
        if name:
            return self.settings(name), name
        if callable(environment):
            environment = environment()
        environment = dict((k, v) for k, v in (environment or {}).items() if v is not None)
        if not environment.get("api_url") and not environment.get("api_key"):
            raise DokployError("%s; known profiles: %s" % (unselected or "no Dokploy profile selected", self.names()))
        return normalize_settings(environment, "the environment (DOKPLOY_URL, DOKPLOY_API_KEY)"), None


def find_config_file(given=None):
    """``(path, source)`` of the config file to read: ``given``, else DOKPLOY_CONFIG, else the first that exists of
    ``~/.dokploy/config.json`` and the installed CLI's ``config.json``; ``(None, None)`` when none does.

    ``source`` is how listings name it. A file named by the caller or DOKPLOY_CONFIG is the only one read, even
    when it does not exist.
    """
    named = given or from_environment(["DOKPLOY_CONFIG"])
    if named:
        path = os.path.expanduser(str(named))
        return path, "config file %s" % path
    home = os.path.expanduser(HOME_CONFIG)
    if os.path.isfile(home):
        return home, "config file %s" % home
    cli = cli_config_file()
    if cli and os.path.isfile(cli):
        return cli, "Dokploy CLI config file %s" % cli
    return None, None


def cli_config_file():
    """Where the released Dokploy CLI keeps its config: ``config.json`` in the folder it is installed in.

    That folder is DOKPLOY_CLI_ROOT when set, else ``@dokploy/cli`` under ``npm root -g``; None when npm is not
    there to ask.
    """
    root = from_environment(["DOKPLOY_CLI_ROOT"])
    if root:
        return os.path.join(os.path.expanduser(root), "config.json")
    modules = npm_global_root()
    return os.path.join(modules, CLI_PACKAGE, "config.json") if modules else None


def npm_global_root():
    """What ``npm root -g`` prints (npm's global node_modules folder), asked at most once per process.

    None when npm is not on PATH, fails, or does not answer within NPM_TIMEOUT seconds: never an error.
    """
    with _NPM_LOCK:
        if "root" not in _NPM_ROOT:
            _NPM_ROOT["root"] = _ask_npm()
        return _NPM_ROOT["root"]


def _ask_npm():
    npm = shutil.which("npm")
    if not npm:
        return None
    try:
        completed = subprocess.run([npm, "root", "-g"], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                   stderr=subprocess.DEVNULL, timeout=NPM_TIMEOUT, check=False,
                                   universal_newlines=True)
    except (OSError, subprocess.SubprocessError, ValueError):
        return None
    lines = [line.strip() for line in (completed.stdout or "").splitlines() if line.strip()]
    if completed.returncode != 0 or not lines or not os.path.isabs(lines[-1]):
        return None
    return lines[-1]


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
