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
      - A compose file on the host the task runs on (usually the controller, in a play on C(localhost)), used as
        O(compose_file).
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
from ansible_collections.community.dokploy.plugins.module_utils._client import DokployError
from ansible_collections.community.dokploy.plugins.module_utils._resource import Field, Resource
from ansible_collections.community.dokploy.plugins.module_utils._validate import (
    check_branch,
    check_no_space,
    check_not_empty,
    read_text_file,
)


class Compose(Resource):
    kind = "compose"
    result_key = "compose"
    placed = True  # option server
    id_field = "composeId"
    read_procedure = "compose.one"
    create_procedure = "compose.create"
    delete_procedure = "compose.delete"
    writers = {"update": ("compose.update", ())}
    fields = (
        Field("name", "name", writer=None),
        Field("description", "description"),
        Field("compose_type", "composeType"),
        Field("compose_file", "composeFile"),
        # Not an option: where the file comes from, set from compose_file/src or git_url.
        Field("source", "sourceType", on_create=False),
        Field("git_url", "customGitUrl", on_create=False),
        Field("git_branch", "customGitBranch", on_create=False),
        Field("compose_path", "composePath", on_create=False),
    )

    def validate(self):
        params = self.params
        check_no_space(params["git_url"], "git_url", "a Git URL")
        check_branch(params["git_branch"], "git_branch")
        # Without a compose file to read from the repository, the stack deploys nothing.
        if params["git_url"] is not None and params["compose_path"] is None:
            raise DokployError("option compose_path: required with git_url: the path of the compose file in the "
                               "repository, for example ./docker-compose.yml")
        check_not_empty(params["compose_path"], "compose_path")
        if params["src"]:
            params["compose_file"] = read_text_file(params["src"], "src")
            if not params["compose_file"].strip():
                raise DokployError("option src: %s is empty; a stack needs a compose file" % params["src"])
        check_not_empty(params["compose_file"], "compose_file")

    def desired(self):
        desired = super(Compose, self).desired()
        if self.params["compose_file"] is not None:
            desired["sourceType"] = "raw"
        elif self.params["git_url"] is not None:
            desired["sourceType"] = "git"
        return desired

    def find(self):
        self.env = self.environment()
        if self.env is None:
            return None
        listed = self.tree.service(self.env, "compose", self.params["name"], option="name")
        return self.read(listed["composeId"]) if listed else None

    def create_body(self, desired):
        return dict(desired, environmentId=self.env["environmentId"])

    def delete_body(self, current):
        # compose.delete wants to be told whether to drop the volumes: keep the data.
        return dict(super(Compose, self).delete_body(current), deleteVolumes=False)

    def result(self, current):
        result = super(Compose, self).result(current)
        result["services"] = []
        if current:
            try:
                result["services"] = self.client.query("compose.loadServices", composeId=current["composeId"],
                                                       type="fetch") or []
            except DokployError as exc:
                self.dokploy.module.warn("Dokploy could not read the services of the compose file: %s" % exc)
        return result


def main():
    dokploy = DokployModule(
        argument_spec=dict(
            project=dict(type="str", required=True),
            environment=dict(type="str"),
            server=dict(type="str"),
            name=dict(type="str", required=True),
            state=dict(type="str", choices=["present", "absent"], default="present"),
            description=dict(type="str"),
            compose_type=dict(type="str", choices=["docker-compose", "stack"]),
            compose_file=dict(type="str"),
            src=dict(type="path"),
            git_url=dict(type="str"),
            git_branch=dict(type="str"),
            compose_path=dict(type="str"),
        ),
        mutually_exclusive=[("compose_file", "src", "git_url")],
        required_by={"git_url": "git_branch", "git_branch": "git_url", "compose_path": "git_url"},
        supports_check_mode=True,
    )
    dokploy.run(Compose(dokploy).run)


if __name__ == "__main__":
    main()
