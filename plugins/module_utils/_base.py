# -*- coding: utf-8 -*-
# Copyright (c) community.dokploy contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""What every module of this collection shares: options, client, failure reporting, redaction."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import traceback

from ansible.module_utils.basic import AnsibleModule, _load_params, missing_required_lib

from ansible_collections.community.dokploy.plugins.module_utils._client import (
    HAS_REQUESTS,
    REQUESTS_HINT,
    REQUESTS_IMPORT_ERROR,
    DokployError,
)
from ansible_collections.community.dokploy.plugins.module_utils._options import (
    CONNECTION_OPTIONS,
    PROFILE_OPTION,
    PROFILE_UNRESOLVED,
    OptionAdapter,
    connection_argument_spec,
    environment_problem,
)
from ansible_collections.community.dokploy.plugins.module_utils._secrets import Secrets, url_secrets


class RedactingModule(AnsibleModule):
    """An AnsibleModule whose messages (``msg``, warnings, every string of a failure) carry no secret.

    This is the one place a message leaves a module, so it is the one place secrets are removed
    from them: Dokploy quotes secrets in its own error texts (see _secrets.py).
    """

    secrets = None
    # The options as the result's ``invocation`` shows them, when a module masks secrets nested in them itself.
    shown_params = None

    def warn(self, warning, *args, **kwargs):  # pylint: disable=arguments-differ
        super(RedactingModule, self).warn(self._redact(warning), *args, **kwargs)

    def fail_json(self, msg, **kwargs):  # pylint: disable=arguments-differ
        if self.secrets is not None:
            kwargs = self.secrets.redact_all(kwargs)
        if self.shown_params is not None:
            kwargs.setdefault("invocation", {"module_args": self.shown_params})
        super(RedactingModule, self).fail_json(self._redact(msg), **kwargs)

    def exit_json(self, **kwargs):
        if self.shown_params is not None:
            kwargs.setdefault("invocation", {"module_args": self.shown_params})
        if "msg" in kwargs:
            kwargs["msg"] = self._redact(kwargs["msg"])
        super(RedactingModule, self).exit_json(**kwargs)

    def _redact(self, text):
        return self.secrets.redact(text) if self.secrets is not None else text


class DokployModule:
    """An AnsibleModule with the connection options and a ready Dokploy client.

    Every failure inside :meth:`run` that is a :class:`DokployError` ends the
    task with one clear line. An answer of an unexpected shape ends it with one
    line naming the last procedure. Anything else is a bug of this collection:
    it is reported as such, with its type and message, and the traceback goes
    where Ansible shows it at -vvv, never hidden. No message carries a secret.
    """

    def __init__(self, argument_spec, **kwargs):
        spec = connection_argument_spec()
        spec.update(argument_spec)
        # None while ansible-test's validate-modules introspects the argument spec.
        loaded = _load_params()
        unresolved = (loaded or {}).get(PROFILE_OPTION)
        if unresolved:
            # The action plugin removes profile after resolving it: say so rather than "missing api_url".
            for name in ("api_url", "api_key"):
                spec[name] = dict(spec[name], required=False)
        # An unusable environment variable is reported naming the variable, not the option it falls back for.
        problem = environment_problem(loaded) if loaded is not None else None
        if problem:
            spec[problem[0]] = dict(spec[problem[0]], fallback=(None,))
        self.module = RedactingModule(argument_spec=spec, **kwargs)
        if unresolved:
            self.module.fail_json(msg=PROFILE_UNRESOLVED)
        if problem:
            self.module.fail_json(msg=problem[1])
        # One set for the whole run: the client adds what it meets in requests and answers.
        secrets = self.module.secrets = Secrets()
        self._learn_option_secrets(secrets)
        if not HAS_REQUESTS:
            self.module.fail_json(msg=missing_required_lib("requests") + REQUESTS_HINT,
                                  exception=REQUESTS_IMPORT_ERROR)
        if self.params["timeout"] <= 0:
            self.module.fail_json(msg="option timeout: must be a positive number of seconds")
        try:
            self.client = OptionAdapter.from_module(self.module).client(secrets=secrets)
        except DokployError as exc:
            self.fail(exc)

    def _learn_option_secrets(self, secrets):
        """The module's no_log values, and credentials written inside URL options (git_url)."""
        for name in CONNECTION_OPTIONS:
            # A no_log mapping (headers) that came from the environment as JSON text: Ansible masks that text
            # whole; each of its values must be masked too.
            if isinstance(self.params.get(name), dict) and self.module.argument_spec[name].get("no_log"):
                self.module.no_log_values.update(
                    value for value in self.params[name].values() if isinstance(value, str) and value)
        for value in self.module.no_log_values:
            secrets.add(value)
        for value in self.params.values():
            if isinstance(value, str) and "@" in value:
                for secret in url_secrets(value):
                    secrets.add(secret)
                    # Ansible then hides it in the invocation it prints at -vvv too.
                    self.module.no_log_values.add(secret)

    @property
    def params(self):
        return self.module.params

    def warn(self, message):
        self.module.warn(message)

    def fail(self, error, **result):
        """End the task with ``error`` (a :class:`DokployError`)."""
        failure = error.to_result()
        failure.update(result)
        self.module.fail_json(**failure)

    def run(self, action):
        """Call ``action()`` and exit with the dict it returns."""
        try:
            result = action()
        except DokployError as exc:
            self.fail(exc)
        except (KeyError, TypeError, AttributeError, IndexError) as exc:
            # Dokploy answered something of another shape than the one this collection knows.
            last = self.client.calls[-1][1] if self.client.calls else "(no request)"
            self.module.fail_json(
                msg="Dokploy's answer to %s did not have the expected shape (%s: %s); is api_url a Dokploy v0.30 "
                    "server? If it is, please report this" % (last, type(exc).__name__, exc),
                procedure=last)
        except Exception as exc:  # pylint: disable=broad-exception-caught
            self.module.fail_json(
                msg="community.dokploy could not handle Dokploy's answer (please report this): %s: %s"
                    % (type(exc).__name__, exc),
                exception=self.client.redact(traceback.format_exc()))
        self.module.exit_json(**result)
