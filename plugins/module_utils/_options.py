# -*- coding: utf-8 -*-
# Copyright (c) community.dokploy contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Connection options, shared by every module and by the profile lookup.

One table describes them; modules get an ``argument_spec`` from it and
plugins read the same names through :class:`OptionAdapter`, so a profile
written for the lookup is exactly what modules accept.

Their environment variables are read here only (:func:`from_environment`), by
modules (as the options' fallback) and plugins alike: a variable set to the
empty string counts as unset, since AWX renders "" for an optional credential
input that was not given.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os

from ansible.module_utils.errors import AnsibleFallbackNotFound
from ansible.module_utils.parsing.convert_bool import boolean

from ansible_collections.community.dokploy.plugins.module_utils._client import (
    DokployClient,
    DokployError,
    check_headers,
)

DEFAULT_TIMEOUT = 30

# name -> (argument_spec entry, environment variables in the order they are tried)
CONNECTION_OPTIONS = {
    "api_url": (dict(type="str", required=True), ["DOKPLOY_URL"]),
    "api_key": (dict(type="str", required=True, no_log=True), ["DOKPLOY_API_KEY", "DOKPLOY_AUTH_TOKEN"]),
    "validate_certs": (dict(type="bool", default=True), ["DOKPLOY_VALIDATE_CERTS"]),
    "ca_path": (dict(type="path"), ["DOKPLOY_CA_PATH"]),
    "timeout": (dict(type="int", default=DEFAULT_TIMEOUT), ["DOKPLOY_TIMEOUT"]),
    # Extra HTTP headers (an access proxy's credentials); the variable holds a JSON object, as for Dokploy's MCP server.
    "headers": (dict(type="dict", no_log=True), ["DOKPLOY_CUSTOM_HEADERS"]),
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


def from_environment(names):
    """The value of the first of the environment variables ``names`` that is set and not empty (nor blank), else None.

    The one place the connection options' variables are read, for modules and plugins alike.
    """
    return _environment(names)[1]


def _environment(names):
    """``(variable, value)`` of the first of ``names`` that is set and not blank, else ``(None, None)``."""
    for name in names:
        value = os.environ.get(name)
        if value is not None and value.strip():
            return name, value
    return None, None


def environment_fallback(*names):
    """Ansible's ``env_fallback``, except that an empty variable counts as unset."""
    value = from_environment(names)
    if value is None:
        raise AnsibleFallbackNotFound
    return value


def environment_setting(name):
    """Connection option ``name`` as its environment variables set it, converted to its type; None when unset.

    A value that does not convert is an error naming the variable, never quoting it.
    """
    variable, text = _environment(CONNECTION_OPTIONS[name][1])
    if text is None:
        return None
    kind = CONNECTION_OPTIONS[name][0]["type"]
    if kind == "dict":
        try:
            value = json.loads(text)
        except ValueError:
            value = None
        if not isinstance(value, dict):
            raise DokployError('%s: is not a JSON object of header names to values, for example '
                               '{"CF-Access-Client-Id": "...", "CF-Access-Client-Secret": "..."}' % variable)
        return check_headers(value, variable)
    try:
        return _convert(name, text)
    except (TypeError, ValueError):
        raise DokployError("%s: is not %s" % (variable, "a whole number" if kind == "int" else "true or false"))


def environment_problem(params):
    """``(option, message)`` for the first environment variable a module would fall back to that is unusable, or None.

    Checked before the module parses its options, whose own message would name the option rather than the
    variable (and would take a ``key=value`` string for a JSON object).
    """
    for name in CONNECTION_OPTIONS:
        if name in params:
            continue
        try:
            environment_setting(name)
        except DokployError as exc:
            return name, str(exc)
    return None


def connection_argument_spec():
    """The ``argument_spec`` entries for the connection options; merge into a module's own."""
    spec = {}
    for name, (entry, env_names) in CONNECTION_OPTIONS.items():
        entry = dict(entry)
        entry["fallback"] = (environment_fallback, env_names)
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
        if name == "headers":
            settings[name] = check_headers(settings[name], "%s: setting headers" % where)
    for name in ("api_url", "api_key"):
        if not settings.get(name):
            raise DokployError("%s: setting %s is missing" % (where, name))
    return settings


def secret_values(settings):
    """The secret values among connection settings: those of the no_log options, each value of a mapping."""
    found = set()
    for name, (entry, dummy) in CONNECTION_OPTIONS.items():
        value = settings.get(name)
        if not entry.get("no_log") or value is None:
            continue
        for item in (value.values() if isinstance(value, dict) else [value]):
            if item is not None and str(item):
                found.add(str(item))
    return found


def _convert(name, value):
    kind = CONNECTION_OPTIONS[name][0]["type"]
    if kind == "dict":
        if not isinstance(value, dict):
            raise TypeError("not a mapping")
        # Values as text: str() also decrypts a vault-encrypted value; check_headers refuses numbers and the like.
        return dict((key, item if item is None or isinstance(item, (bool, int, float, dict, list, tuple))
                     else str(item)) for key, item in value.items())
    if kind == "path":
        return os.path.expanduser(str(value))
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
        """A plugin's options, each falling back to its environment variable as a module's does."""
        def get(name):
            value = plugin.get_option(name)
            return environment_setting(name) if value is None and name in CONNECTION_OPTIONS else value
        return cls(get)

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
            headers=self.get("headers"),
            **kwargs
        )
