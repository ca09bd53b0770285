#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) community.dokploy contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: dokploy_compose
short_description: Create, update and remove Dokploy compose stacks
version_added: 0.1.0
author:
  - community.dokploy maintainers (@community-dokploy)
description:
  - Makes sure a compose stack exists in a project's environment with the given compose file (its content, a local
    file, or a path in a Git repository), or does not exist.
  - Idempotent on the file's content, compared byte for byte with what Dokploy holds.
  - Returns the services Dokploy reads from the file (C(compose.loadServices)).
  - The stack is not deployed; deploy it with M(community.dokploy.dokploy_deploy), for example from a handler.
options:
  name:
    description:
      - Name of the compose stack, or its id.
    type: str
    required: true
  state:
    description:
      - V(present) creates or updates the stack, V(absent) removes it (its volumes stay).
    type: str
    choices: [present, absent]
    default: present
  description:
    description:
      - Description of the stack.
    type: str
  compose_type:
    description:
      - V(docker-compose) runs it with Docker Compose, V(stack) as a Docker Swarm stack.
    type: str
    choices: [docker-compose, stack]
  compose_file:
    description:
      - The compose file's content. Makes the stack's source this content.
    type: str
  src:
    description:
      - A compose file on the controller, used as O(compose_file).
      - Found as M(ansible.builtin.copy) finds its C(src), in the role's C(files/) first, then relative to the
        playbook; a vault-encrypted file is decrypted on the controller.
    type: path
  git_url:
    description:
      - URL of a Git repository holding the compose file. Makes the stack's source that repository.
        Requires O(git_branch).
    type: str
  git_branch:
    description:
      - Branch of O(git_url).
    type: str
  compose_path:
    description:
      - Path of the compose file in the repository, for example V(./docker-compose.yml). Required with O(git_url).
    type: str
extends_documentation_fragment:
  - community.dokploy.placement
  - community.dokploy.placement.SERVER
  - community.dokploy.connection
  - community.dokploy.attributes
  - community.dokploy.attributes.ACTIONGROUP_DOKPLOY
"""

EXAMPLES = r"""
- name: A stack from a file next to the playbook
  community.dokploy.dokploy_compose:
    project: acme
    name: monitoring
    src: files/monitoring.yml
  notify: Deploy monitoring

- name: A stack on a remote server of the organization (chosen at creation, never moved)
  community.dokploy.dokploy_compose:
    project: acme
    name: edge-proxy
    server: edge-1
    src: files/edge-proxy.yml

- name: A stack from a Git repository
  community.dokploy.dokploy_compose:
    project: acme
    name: backend
    git_url: https://github.com/acme/backend.git
    git_branch: main
    compose_path: ./deploy/docker-compose.yml
"""

RETURN = r"""
compose:
  description: The stack as Dokploy returns it (C(compose.one)), env masked; empty when absent or in check mode
    before creation.
  returned: always
  type: dict
id:
  description: The stack's id; null when it does not exist (yet).
  returned: always
  type: str
services:
  description: The services Dokploy reads from the compose file; empty when it cannot read them (a warning says
    why) or the stack does not exist.
  returned: always
  type: list
  elements: str
  sample: [web, worker]
missing_parent:
  description: In check mode, what does not exist yet (the project, environment or O(server)) and an earlier task of
    the play would create.
  returned: in check mode, when something the stack needs does not exist
  type: str
"""

from ansible_collections.community.dokploy.plugins.module_utils._base import DokployModule
from ansible_collections.community.dokploy.plugins.module_utils._resources.compose import MODULE_RULES, Compose, argument_spec


def main():
    dokploy = DokployModule(argument_spec=argument_spec(), supports_check_mode=True, **MODULE_RULES)
    dokploy.run(Compose(dokploy).run)


if __name__ == "__main__":
    main()
