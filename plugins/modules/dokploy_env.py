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
      - A C(.env) file on the controller whose keys act like O(vars). With O(exclusive=true), the target ends up
        holding exactly the file's keys.
      - Found as M(ansible.builtin.copy) finds its C(src), in the role's C(files/) first, then relative to the
        playbook; a vault-encrypted file is decrypted on the controller.
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
from ansible_collections.community.dokploy.plugins.module_utils._resources.env import MODULE_RULES, EnvVars, argument_spec


def main():
    dokploy = DokployModule(argument_spec=argument_spec(), supports_check_mode=True, **MODULE_RULES)
    if dokploy.params["show_values"]:
        # An explicit opt-in: let the diff show the values that no_log would hide.
        dokploy.module.no_log_values.difference_update(
            to_text(v) for v in (dokploy.params["vars"] or {}).values())
    dokploy.run(EnvVars(dokploy).run)


if __name__ == "__main__":
    main()
