#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) community.dokploy contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: dokploy_export
short_description: Read a Dokploy project back into the declaration dokploy_stack takes
version_added: 0.1.0
author:
  - community.dokploy maintainers (@community-dokploy)
description:
  - Reads an existing project (or every project of the organization) and returns RV(declaration), the options
    M(community.dokploy.dokploy_stack) takes, so an organization that already runs on Dokploy can be brought under
    Ansible. Applying the export with M(community.dokploy.dokploy_stack) sends no write.
  - Each value is read back through the same fields the single modules compare, in the form their options take
    (sizes like V(256M), CPUs like V(0.5)). What a module does not manage (an application built from a GitHub App
    source, a value outside an option's choices) is left out, with a warning naming it.
  - Secrets (database passwords, registry and basic auth passwords, every env value, a Git URL with credentials in
    it) are left out and listed in RV(secrets_to_fill) by their path in the declaration, or with
    O(include_secrets) written to O(dest) only.
  - Compose files and the content of file mounts are exported as Dokploy stores them, as the single modules show
    them; keep secrets in env variables rather than in those.
options:
  project:
    description:
      - Name or id of the project to export. Without it, every project of the organization the API key belongs to,
        and RV(declaration) is a list.
    type: str
  include_secrets:
    description:
      - Write the secrets into O(dest) as well. They are never in the task's result, so O(dest) is required.
    type: bool
    default: false
  dest:
    description:
      - Write the declaration to this file as YAML, with mode C(0600), on the host the task runs on (for these API
        modules usually the controller). Its parent directory must exist.
    type: path
extends_documentation_fragment:
  - community.dokploy.connection
  - community.dokploy.attributes
  - community.dokploy.attributes.ACTIONGROUP_DOKPLOY
attributes:
  check_mode:
    details:
      - Reads the project and reports whether O(dest) would change, without writing it.
  diff_mode:
    support: none
    details:
      - The file may hold secrets, so no diff of it is shown.
notes:
  - Environment variables are exported as the C(env) of their service. Build arguments and build secrets of
    applications, and the env of projects and environments, are not part of a stack declaration.
  - A basic auth password and a database password are only needed to create the object again; without them the
    declaration still converges the existing project (they are compared only when set).
seealso:
  - module: community.dokploy.dokploy_stack
"""

EXAMPLES = r"""
- name: Onboard an existing client into group_vars
  community.dokploy.dokploy_export:
    profile: acme
    project: acme
    dest: "{{ inventory_dir }}/group_vars/acme/stack.yml"
  register: acme_export

- name: Say which secrets to add to the vault
  ansible.builtin.debug:
    var: acme_export.secrets_to_fill
"""

RETURN = r"""
declaration:
  description:
    - The options of M(community.dokploy.dokploy_stack) for the project (a mapping), or without O(project) a list of
      them, one per project. Secrets are never included.
  returned: always
  type: raw
  sample:
    project: acme
    environments:
      production:
        apps:
          - name: web
            docker_image: ghcr.io/acme/web:1.4.2
            memory_limit: 512M
            domains:
              - {host: shop.acme.example, path: /, port: 8080, https: true, certificate: letsencrypt}
secrets_to_fill:
  description: The paths in RV(declaration) of the secrets left out (each env key is one).
  returned: always
  type: list
  elements: str
  sample:
    - environments.production.apps[0].env.DATABASE_URL
    - environments.production.databases[0].database_password
dest:
  description: The file written, when O(dest) is set.
  returned: when O(dest) is set
  type: str
"""

import os

try:
    import yaml
except ImportError:  # PyYAML comes with ansible-core on the controller
    yaml = None

from ansible.module_utils.basic import missing_required_lib

from ansible_collections.community.dokploy.plugins.module_utils._base import DokployModule
from ansible_collections.community.dokploy.plugins.module_utils._client import DokployError
from ansible_collections.community.dokploy.plugins.module_utils._export import Exporter, reveal


def export(dokploy):
    params = dokploy.params
    if params["include_secrets"] and not params["dest"]:
        raise DokployError("option include_secrets: needs dest; secrets are written to that file, never returned")
    if params["dest"] and yaml is None:
        dokploy.module.fail_json(msg=missing_required_lib("PyYAML"))
    exporter = Exporter(dokploy.client, dokploy.warn)
    declarations = []
    for index, listed in enumerate(exporter.projects(params["project"])):
        prefix = "" if params["project"] is not None else "[%d]." % index
        declarations.append(exporter.project(listed, prefix))
    exported = declarations[0] if params["project"] is not None else declarations
    result = dict(changed=False, declaration=reveal(exported, include=False), secrets_to_fill=exporter.secrets_to_fill)
    if params["dest"]:
        content = yaml.safe_dump(reveal(exported, include=params["include_secrets"]), default_flow_style=False,
                                 sort_keys=False, allow_unicode=True)
        result["dest"] = params["dest"]
        result["changed"] = write_private(params["dest"], content, dokploy.module.check_mode)
    return result


def write_private(path, content, check_mode):
    """Write ``content`` to ``path`` with mode 0600 unless it holds exactly that already; whether it changed."""
    try:
        with open(path) as existing:
            same = existing.read() == content and (os.stat(path).st_mode & 0o777) == 0o600
    except (IOError, OSError):
        same = False
    if same or check_mode:
        return not same
    try:
        handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.chmod(path, 0o600)  # an existing file keeps its mode through open()
        with os.fdopen(handle, "w") as written:
            written.write(content)
    except (IOError, OSError) as exc:
        raise DokployError("option dest: cannot write %s: %s" % (path, exc.strerror or exc))
    return True


def main():
    dokploy = DokployModule(
        argument_spec=dict(
            project=dict(type="str"),
            include_secrets=dict(type="bool", default=False),
            dest=dict(type="path"),
        ),
        supports_check_mode=True,
    )
    dokploy.run(lambda: export(dokploy))


if __name__ == "__main__":
    main()
