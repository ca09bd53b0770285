# -*- coding: utf-8 -*-
# Copyright (c) community.dokploy contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Connection options, shared by every module and by the profile lookup.

One table describes them; modules get an ``argument_spec`` from it and
plugins read the same names through :class:`OptionAdapter`, so a profile
written for the lookup is exactly what modules accept.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.basic import env_fallback
from ansible.module_utils.parsing.convert_bool import boolean

from ansible_collections.community.dokploy.plugins.module_utils._client import (
    DokployClient,
    DokployError,
)

DEFAULT_TIMEOUT = 30

# name -> (argument_spec entry, environment variables in the order they are tried)
CONNECTION_OPTIONS = {
    "api_url": (dict(type="str", required=True), ["DOKPLOY_URL"]),
    "api_key": (dict(type="str", required=True, no_log=True), ["DOKPLOY_API_KEY", "DOKPLOY_AUTH_TOKEN"]),
    "validate_certs": (dict(type="bool", default=True), ["DOKPLOY_VALIDATE_CERTS"]),
    "ca_path": (dict(type="path"), ["DOKPLOY_CA_PATH"]),
    "timeout": (dict(type="int", default=DEFAULT_TIMEOUT), ["DOKPLOY_TIMEOUT"]),
}

# Not a connection setting itself: the name of a profile of them, resolved on the controller by the
# module's action plugin (plugins/plugin_utils/_action.py), which removes it before the module runs.
PROFILE_OPTION = "profile"
PROFILE_UNRESOLVED = (
    "option profile: a profile is resolved on the controller by the module's action plugin, which did not run "
    "for this task (was the module started outside ansible-playbook and ansible, or is its file under "
    "plugins/action/ of community.dokploy missing?); set api_url and api_key instead")

# The official CLI's config file says ``url`` and ``token``.
CLI_ALIASES = {"url": "api_url", "token": "api_key"}


def connection_argument_spec():
    """The ``argument_spec`` entries for the connection options; merge into a module's own."""
    spec = {}
    for name, (entry, env_names) in CONNECTION_OPTIONS.items():
        entry = dict(entry)
        entry["fallback"] = (env_fallback, env_names)
        spec[name] = entry
    spec[PROFILE_OPTION] = dict(type="str")
    return spec


def normalize_settings(raw, where):
    """Validate one set of connection settings (a profile) and convert its types.

    ``raw`` uses the modules' option names (the CLI's ``url``/``token`` are
    accepted too); ``where`` names its origin for error messages. Returns a
    dict holding only the options that were set. Never echoes a value: a
    setting may be a secret.
    """
    if not isinstance(raw, dict):
        raise DokployError("%s: must be a mapping of connection options (%s)"
                           % (where, ", ".join(sorted(CONNECTION_OPTIONS))))
    settings = {}
    for key, value in raw.items():
        name = CLI_ALIASES.get(key, key)
        if name not in CONNECTION_OPTIONS:
            raise DokployError("%s: unknown setting %r; known settings: %s"
                               % (where, key, ", ".join(sorted(CONNECTION_OPTIONS))))
        if value is None:
            continue
        try:
            settings[name] = _convert(name, value)
        except (TypeError, ValueError):
            raise DokployError("%s: setting %s has a value of the wrong type (expected %s)"
                               % (where, name, CONNECTION_OPTIONS[name][0]["type"]))
    for name in ("api_url", "api_key"):
        if not settings.get(name):
            raise DokployError("%s: setting %s is missing" % (where, name))
    return settings


def _convert(name, value):
    kind = CONNECTION_OPTIONS[name][0]["type"]
    if kind == "bool":
        return boolean(value, strict=True)
    if kind == "int":
        if isinstance(value, bool):
            raise TypeError("a boolean is not a number")
        return int(value)
    # str() also decrypts a vault-encrypted value on every supported ansible-core.
    return str(value)


class OptionAdapter:
    """Reads connection options the same way from a module's params or a plugin's options."""

    def __init__(self, getter):
        self._getter = getter

    @classmethod
    def from_module(cls, module):
        return cls(module.params.get)

    @classmethod
    def from_plugin(cls, plugin):
        return cls(plugin.get_option)

    def get(self, name):
        return self._getter(name)

    def client(self, **kwargs):
        """A :class:`DokployClient` built from these options."""
        timeout = self.get("timeout")
        return DokployClient(
            api_url=self.get("api_url"),
            api_key=self.get("api_key"),
            validate_certs=self.get("validate_certs") is not False,
            ca_path=self.get("ca_path"),
            timeout=DEFAULT_TIMEOUT if timeout is None else timeout,
            **kwargs
        )
