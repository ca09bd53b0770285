# -*- coding: utf-8 -*-
# Copyright (c) community.dokploy contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Every secret a module run has seen, and the one place messages and answers are cleaned of them.

Dokploy sends secrets back in clear: in answers (database passwords, env
blobs, private keys, S3 keys, tokens) and inside its own error texts (the
``mongosh ... -p '<password>'`` of a failed password change, rclone commands
with the S3 secret key, backup scripts, raw SQL ``params:`` lists). So the
client learns every secret value it meets (the API key, the module's
``no_log`` options, the secret fields of every request and answer) and every
message that leaves a module is redacted of all of them, longest first.
Answers returned as results are masked by key (:func:`mask`).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re
import threading

SECRET_MASK = "********"

# API fields whose values are secrets wherever they appear in an answer or a request.
SECRET_KEYS = frozenset([
    "password", "databasePassword", "databaseRootPassword", "refreshToken", "token", "privateKey",
    "apiKey", "secret", "customGitSSHKey", "secretAccessKey", "botToken", "appToken", "accessToken",
    "clientSecret", "apiToken", "webhookUrl", "webhookSecret", "githubClientSecret", "githubPrivateKey",
    "githubWebhookSecret", "gitlabSecret", "giteaClientSecret", "appPassword", "userKey", "authToken",
])
# API fields holding an env blob (KEY=value lines): each value is a secret, the keys are not.
ENV_KEYS = frozenset(["env", "previewEnv", "buildArgs", "buildSecrets", "previewBuildArgs",
                      "previewBuildSecrets"])
# Values shorter than this are not secrets worth redacting from messages (``1``, ``on``, ``dev``):
# redacting them everywhere would make every message unreadable. (Ansible itself still masks
# no_log option values of any length in results.)
MIN_SECRET = 4

# scheme://user:password@host... (credentials in git and registry URLs).
URL_CREDENTIALS = re.compile(r"(?P<scheme>\b[a-zA-Z][a-zA-Z0-9+.-]*://)(?P<user>[^/@\s:]*)(?::(?P<password>[^/@\s]*))?@")
# A user part this long with no password is a token used as the user (https://<token>@github.com).
TOKEN_AS_USER = 20


def is_empty(value):
    return value is None or value == "" or value == []


def url_secrets(text):
    """The credentials inside URLs in ``text``: passwords, and tokens written as the user."""
    found = []
    for match in URL_CREDENTIALS.finditer(text):
        if match.group("password"):
            found.append(match.group("password"))
        elif len(match.group("user")) >= TOKEN_AS_USER:
            found.append(match.group("user"))
    return found


def mask_url(text):
    """``https://user:token@host/x`` -> ``https://user:********@host/x``."""
    def replace(match):
        if match.group("password"):
            return "%s%s:%s@" % (match.group("scheme"), match.group("user"), SECRET_MASK)
        if len(match.group("user")) >= TOKEN_AS_USER:
            return "%s%s@" % (match.group("scheme"), SECRET_MASK)
        return match.group(0)
    return URL_CREDENTIALS.sub(replace, text)


def mask(value, secret_keys=SECRET_KEYS):
    """A copy of an API answer with every secret replaced by ``********``.

    Secret keys and env blobs are masked whole; credentials inside URLs are masked in place.
    """
    if isinstance(value, dict):
        return dict((k, SECRET_MASK if (k in secret_keys or k in ENV_KEYS) and not is_empty(v)
                     else mask(v, secret_keys)) for k, v in value.items())
    if isinstance(value, list):
        return [mask(v, secret_keys) for v in value]
    if isinstance(value, str) and "@" in value:
        return mask_url(value)
    return value


_SHELL_SPECIAL = re.compile(r"([A-Za-z]:)?([#!\"$&'()*,:;<=>?@\[\\\]^`{|}])")


def shell_quoted(text):
    """``text`` as Dokploy writes it on a command line it runs (rclone, backup scripts; the npm shell-quote's
    quote()), which its error messages then quote: escaped or quoted, so not found by looking for the plain value."""
    if text == "":
        return "''"
    if re.search(r"[\"\s\\]", text) and "'" not in text:
        return "'%s'" % text
    if re.search(r"[\"'\s]", text):
        return '"%s"' % re.sub(r"([\"\\$`!])", r"\\\1", text)
    return _SHELL_SPECIAL.sub(lambda m: (m.group(1) or "") + "\\" + m.group(2), text)


class Secrets:
    """The set of secret values seen in this run; :meth:`redact` removes them from any text."""

    def __init__(self):
        self._values = set()
        self._ordered = None
        # dokploy_stack follows several deployments at once, each thread learning and redacting.
        self._lock = threading.Lock()

    def add(self, value):
        """Remember one secret value (text, or a number rendered as text)."""
        if value is None or isinstance(value, bool):
            return
        if not isinstance(value, str):
            value = str(value)
        value = value.strip("\r\n")
        if len(value) >= MIN_SECRET and value not in self._values:
            with self._lock:
                # Also as a command line Dokploy quotes in its errors holds it (see shell_quoted).
                self._values.update((value, shell_quoted(value)))
                self._ordered = None

    def learn(self, data, secret_keys=SECRET_KEYS):
        """Remember every secret inside an API answer or request body, at any depth."""
        if isinstance(data, dict):
            for key, value in data.items():
                if key in ENV_KEYS and isinstance(value, str):
                    self.learn_env(value)
                elif key in secret_keys and isinstance(value, (str, int, float)):
                    self.add(value)
                else:
                    self.learn(value, secret_keys)
        elif isinstance(data, list):
            for item in data:
                self.learn(item, secret_keys)
        elif isinstance(data, str) and "@" in data:
            for value in url_secrets(data):
                self.add(value)

    def learn_env(self, blob):
        """Every value of an env blob long enough to be a secret."""
        if not blob:
            return
        # Imported here: _dotenv reports its errors through _client, which imports this file.
        from ansible_collections.community.dokploy.plugins.module_utils._dotenv import parse
        for value in parse(blob).values():
            self.add(value)
            # A multi-line value (a PEM key) may be quoted line by line.
            for line in value.splitlines():
                self.add(line.strip())

    def redact(self, text):
        """``text`` with every known secret replaced by ``********``, longest first.

        Longest first, so that a secret that contains a shorter one is removed whole.
        """
        if text is None:
            return text
        if not isinstance(text, str):
            text = str(text)
        with self._lock:
            if self._ordered is None:
                self._ordered = sorted(self._values, key=len, reverse=True)
            ordered = self._ordered
        for value in ordered:
            if value in text:
                text = text.replace(value, SECRET_MASK)
        return mask_url(text) if "@" in text else text

    def redact_all(self, data):
        """Every string inside ``data`` (dicts, lists) redacted; other values kept."""
        if isinstance(data, dict):
            return dict((k, self.redact_all(v)) for k, v in data.items())
        if isinstance(data, (list, tuple)):
            return [self.redact_all(v) for v in data]
        if isinstance(data, str):
            return self.redact(data)
        return data
