#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) community.dokploy contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: dokploy_env_info
short_description: Read the environment variables of a Dokploy project, environment or service
version_added: 0.1.0
author:
  - community.dokploy maintainers (@community-dokploy)
description:
  - Returns the env vars of a project, an environment, an application (or its build arguments or build secrets),
    a compose stack or a database, parsed as Dokploy parses them.
  - The values are returned in clear, because that is what this module is for. Set C(no_log) on the task
    and do not print the result.
  - With O(dest), also writes the blob, exactly as Dokploy holds it, to a C(.env) file with mode C(0600).
options:
  project:
    description:
      - Name or id of the project. Alone, the project's shared env vars are read.
    type: str
    required: true
  environment:
    description:
      - Name or id of the environment. Without a service option, the environment's env vars are read.
    type: str
  app:
    description:
      - Name or id of an application.
    type: str
  compose:
    description:
      - Name or id of a compose stack.
    type: str
  database:
    description:
      - Name or id of a database. Needs O(database_type).
    type: str
  database_type:
    description:
      - Engine of O(database).
    type: str
    choices: [postgres, mysql, mariadb, mongo, redis, libsql]
  kind:
    description:
      - For an application, which blob to read.
    type: str
    choices: [env, build_args, build_secrets]
    default: env
  dest:
    description:
      - Write the blob to this file (on the host the task runs on) with mode C(0600). Reported as changed only
        when the file's content changes.
    type: path
extends_documentation_fragment:
  - community.dokploy.connection
  - community.dokploy.attributes.ACTIONGROUP_DOKPLOY
attributes:
  check_mode:
    description: Can run in check_mode and return changed status prediction without modifying target.
    support: full
    details:
      - In check mode O(dest) is not written; the result says whether it would change.
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check_mode), when in diff mode.
    support: none
  idempotent:
    description:
      - When run twice in a row outside check mode, with the same arguments, the second invocation indicates no change.
    support: full
"""

EXAMPLES = r"""
- name: Pull the web application's env vars into a local .env
  community.dokploy.dokploy_env_info:
    project: acme
    app: web
    dest: .env
  no_log: true

- name: Read the project's shared vars
  community.dokploy.dokploy_env_info:
    project: acme
  register: shared
  no_log: true
"""

RETURN = r"""
vars:
  description: The env vars, key to value, in clear. When a key is defined several times, the last definition.
  returned: always
  type: dict
var_names:
  description: The keys, in the order of the blob.
  returned: always
  type: list
  elements: str
target:
  description: What holds the blob.
  returned: always
  type: str
"""

import os

from ansible.module_utils.common.text.converters import to_bytes

from ansible_collections.community.dokploy.plugins.module_utils._base import DokployModule
from ansible_collections.community.dokploy.plugins.module_utils._dotenv import parse
from ansible_collections.community.dokploy.plugins.module_utils._env import (
    TARGET_RULES,
    EnvTarget,
    target_argument_spec,
)
from ansible_collections.community.dokploy.plugins.module_utils._validate import check_writable_dest


class EnvReader(EnvTarget):

    def validate(self):
        super(EnvReader, self).validate()
        check_writable_dest(self.params["dest"], "dest")

    def run(self):
        self.check_input()
        blob = self.blob(self.find())
        values = parse(blob)
        changed = False
        if self.params["dest"]:
            changed = self.write_file(self.params["dest"], to_bytes(blob))
        return dict(changed=changed, vars=values, var_names=list(values), target=self.label)

    def write_file(self, path, content):
        module = self.dokploy.module
        try:
            with open(path, "rb") as existing:
                same = existing.read() == content
        except (IOError, OSError):
            same = False
        mode_ok = os.path.exists(path) and (os.stat(path).st_mode & 0o777) == 0o600
        if same and mode_ok:
            return False
        if not module.check_mode:
            temp = "%s.dokploy-tmp" % path
            descriptor = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(descriptor, "wb") as handle:
                handle.write(content)
            os.chmod(temp, 0o600)
            module.atomic_move(temp, path)
            os.chmod(path, 0o600)
        return True


def main():
    spec = target_argument_spec()
    spec.update(dest=dict(type="path"))
    dokploy = DokployModule(argument_spec=spec, supports_check_mode=True, **TARGET_RULES)
    dokploy.run(EnvReader(dokploy).run)


if __name__ == "__main__":
    main()
