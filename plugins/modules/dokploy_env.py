#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) community.dokploy contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: dokploy_env
short_description: Set, remove or sync environment variables of a Dokploy project, environment or service
version_added: 0.1.0
author:
  - community.dokploy maintainers (@community-dokploy)
description:
  - Dokploy keeps the env vars of each project, environment and service in one text blob, and saving replaces the
    whole blob. This module changes only the keys you name and leaves every other line exactly as it was, comments,
    blank lines, order, C(export) prefixes, quoting and line endings included.
  - A changed key keeps its place; a new key is appended. When a key is defined several times, the last definition
    counts (as in Docker); that one is changed, every definition is removed, and the module warns.
  - Values are never printed. The result lists key names only; O(show_values=true) is needed to see values in
    the diff.
  - The blob is parsed as Dokploy parses it (the C(dotenv) 16.4.5 grammar).
options:
  project:
    description:
      - Name or id of the project. Alone, the target is the project's shared env vars, which services reference as
        C(${{project.KEY}}).
    type: str
    required: true
  environment:
    description:
      - Name or id of the environment. Without a service option, the target is the environment's env vars,
        referenced as C(${{environment.KEY}}). With a service option, defaults to the project's default environment.
    type: str
  app:
    description:
      - Name or id of the application whose env vars (or O(kind)) are the target.
    type: str
  compose:
    description:
      - Name or id of the compose stack whose env vars are the target.
    type: str
  database:
    description:
      - Name or id of the database whose env vars are the target. Needs O(database_type).
    type: str
  database_type:
    description:
      - Engine of O(database).
    type: str
    choices: [postgres, mysql, mariadb, mongo, redis, libsql]
  kind:
    description:
      - For an application, which blob to change; build arguments and build secrets are blobs of their own.
    type: str
    choices: [env, build_args, build_secrets]
    default: env
  vars:
    description:
      - The keys and values. Values are strings; numbers are turned into strings.
      - Booleans are refused, because YAML turns C(yes), C(on) and C(True) into booleans that would be written as
        C(True); quote them.
      - With O(state=absent), the keys to remove (their values are not compared); see also O(keys).
    type: dict
  keys:
    description:
      - With O(state=absent), names of keys to remove.
    type: list
    elements: str
  src:
    description:
      - A C(.env) file on the host the task runs on (usually the controller, in a play on C(localhost)) whose keys
        act like O(vars). With O(exclusive=true), the target ends up holding exactly the file's keys.
    type: path
  state:
    description:
      - V(present) sets the keys of O(vars) and O(src), V(absent) removes the keys of O(vars) and O(keys).
    type: str
    choices: [present, absent]
    default: present
  exclusive:
    description:
      - With O(state=present), also remove every key not in O(vars) or O(src).
      - When O(vars) and O(src) hold no key at all (an empty file, or a C(default({})) that fired), this would
        remove every key; the task fails instead, unless O(allow_empty=true).
    type: bool
    default: false
  allow_empty:
    description:
      - With O(exclusive=true), accept an empty O(vars) or O(src) and remove every key of the target.
    type: bool
    default: false
  show_values:
    description:
      - Show values in the diff instead of C(********). Only affects the diff.
    type: bool
    default: false
extends_documentation_fragment:
  - community.dokploy.connection
  - community.dokploy.attributes
  - community.dokploy.attributes.ACTIONGROUP_DOKPLOY
"""

EXAMPLES = r"""
- name: Set two keys of the web application, leave the others alone
  community.dokploy.dokploy_env:
    project: acme
    app: web
    vars:
      DATABASE_URL: "postgres://shop:{{ vault_db_password }}@acme-db:5432/shop"
      WORKERS: 4
  notify: Deploy web

- name: Shared vars of the project, referenced by services as ${{project.SENTRY_DSN}}
  community.dokploy.dokploy_env:
    project: acme
    vars:
      SENTRY_DSN: "{{ vault_sentry_dsn }}"

- name: Make the staging environment's vars match a file exactly
  community.dokploy.dokploy_env:
    project: acme
    environment: staging
    src: files/staging.env
    exclusive: true

- name: Remove a build secret
  community.dokploy.dokploy_env:
    project: acme
    app: web
    kind: build_secrets
    keys: [NPM_TOKEN]
    state: absent
"""

RETURN = r"""
keys_added:
  description: Keys that were (or in check mode would be) added.
  returned: always
  type: list
  elements: str
keys_changed:
  description: Keys whose value was (or would be) changed.
  returned: always
  type: list
  elements: str
keys_removed:
  description: Keys that were (or would be) removed.
  returned: always
  type: list
  elements: str
target:
  description: What holds the blob, for example C(application web) or C(build_args of application web).
  returned: always
  type: str
"""

from ansible.module_utils.common.text.converters import to_text

from ansible_collections.community.dokploy.plugins.module_utils._base import DokployModule
from ansible_collections.community.dokploy.plugins.module_utils._client import SECRET_MASK, DokployError
from ansible_collections.community.dokploy.plugins.module_utils._dotenv import check_key, duplicates, merge, parse
from ansible_collections.community.dokploy.plugins.module_utils._env import (
    TARGET_RULES,
    EnvTarget,
    target_argument_spec,
)
from ansible_collections.community.dokploy.plugins.module_utils._validate import read_text_file


class EnvVars(EnvTarget):

    def validate(self):
        super(EnvVars, self).validate()
        if any(not key.strip() for key in self.params["keys"] or []):
            raise DokployError("option keys: a key must not be empty or only spaces")
        if self.params["state"] == "present" and self.params["keys"]:
            raise DokployError("option keys: only used with state: absent; set values with vars")
        if self.params["state"] == "absent" and (self.params["src"] or self.params["exclusive"]):
            raise DokployError("option %s: only used with state: present"
                               % ("src" if self.params["src"] else "exclusive"))

    def wanted(self):
        """The keys and values to set (or remove), from vars and src."""
        wanted = {}
        if self.params["src"]:
            from_file = parse(read_text_file(self.params["src"], "src"))
            for key in from_file:
                check_key(key, "src")
            wanted.update(from_file)
        for key, value in (self.params["vars"] or {}).items():
            if isinstance(value, bool):
                raise DokployError("option vars: the value of %s is a boolean; quote it (\"true\", \"yes\") so that "
                                   "it is written as you mean it" % key)
            if value is None or isinstance(value, (dict, list)):
                raise DokployError("option vars: the value of %s must be a string or a number" % key)
            wanted[str(key)] = to_text(value)
        for key in self.params["vars"] or {}:
            check_key(str(key))
        return wanted

    def run(self):
        self.check_input()
        wanted = self.wanted()  # before any request: a bad value fails first
        if self.params["exclusive"] and not wanted and not self.params["allow_empty"]:
            raise DokployError("option %s: holds no key, and exclusive: true would remove every key of the target; "
                               "set allow_empty: true if that is what you mean"
                               % ("src" if self.params["src"] else "vars"))
        with self.serialized():
            current = self.find()
            old = self.blob(current)
            new, added, changed, removed = self.merged(old, wanted)
            for key in duplicates(old):
                self.dokploy.warn("%s defines %s more than once; the last definition counts" % (self.label, key))
            self.changed = new != old
            self.before, self.after = self.diff_text(old, ()), self.diff_text(new, changed)
            if self.changed and not self.check_mode:
                self.save_merged(current, new, lambda stored: self.merged(stored, wanted)[0])
        result = dict(changed=self.changed, diff=dict(before=self.before, after=self.after), target=self.label,
                      keys_added=added, keys_changed=changed, keys_removed=removed)
        result.update(self.extra)
        return result

    def merged(self, old, wanted):
        """This task's change applied to the blob ``old``: (new blob, keys added, changed, removed)."""
        if self.params["state"] == "absent":
            return merge(old, {}, remove=list(wanted) + list(self.params["keys"] or []))
        return merge(old, wanted, exclusive=self.params["exclusive"])

    def diff_text(self, blob, changed):
        lines = []
        for key, value in parse(blob).items():
            shown = value if self.params["show_values"] else SECRET_MASK
            lines.append("%s=%s%s" % (key, shown, "  # changed" if key in changed else ""))
        return "".join(line + "\n" for line in lines)


def main():
    spec = target_argument_spec()
    spec.update(
        vars=dict(type="dict", no_log=True),
        keys=dict(type="list", elements="str", no_log=False),
        src=dict(type="path"),
        state=dict(type="str", choices=["present", "absent"], default="present"),
        exclusive=dict(type="bool", default=False),
        allow_empty=dict(type="bool", default=False),
        show_values=dict(type="bool", default=False),
    )
    dokploy = DokployModule(
        argument_spec=spec,
        required_one_of=[("vars", "keys", "src")],
        supports_check_mode=True,
        **TARGET_RULES
    )
    if dokploy.params["show_values"]:
        # An explicit opt-in: let the diff show the values that no_log would hide.
        dokploy.module.no_log_values.difference_update(
            to_text(v) for v in (dokploy.params["vars"] or {}).values())
    dokploy.run(EnvVars(dokploy).run)


if __name__ == "__main__":
    main()
