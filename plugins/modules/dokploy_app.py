#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) community.dokploy contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: dokploy_app
short_description: Create, update and remove Dokploy applications
version_added: 0.1.0
author:
  - community.dokploy maintainers (@community-dokploy)
description:
  - Makes sure an application exists in a project's environment with the given source, build and resources,
    or does not exist.
  - The source is either a Docker image (O(docker_image)) or a Git repository (O(git_url)).
  - Only the options you set are compared and changed. The application is not deployed; deploying is a separate
    step, for example from a handler that runs when this task changed something.
  - Names are not unique in Dokploy; when several applications of the environment have the name, the task fails
    listing their ids, and O(name) accepts an id instead. So do O(project) and O(environment).
options:
  create_project:
    description:
      - Create the project (and O(environment)) when it does not exist yet.
    type: bool
    default: false
  name:
    description:
      - Name of the application, or its id.
    type: str
    required: true
  state:
    description:
      - V(present) creates or updates the application, V(absent) removes it.
    type: str
    choices: [present, absent]
    default: present
  description:
    description:
      - Description of the application.
    type: str
  docker_image:
    description:
      - Docker image to run, for example V(ghcr.io/acme/web:1.4.2). Makes the application's source a Docker image.
    type: str
  registry_url:
    description:
      - Registry of a private O(docker_image).
    type: str
  registry_username:
    description:
      - User name for the registry of a private O(docker_image).
    type: str
  registry_password:
    description:
      - Password for the registry of a private O(docker_image). Never printed.
    type: str
  registry:
    description:
      - Name or id of a registry of the organization (see M(community.dokploy.dokploy_registry)) where Dokploy
        pushes the image it builds from O(git_url), and pulls it from when it deploys (Dokploy's C(registryId)).
      - Dokploy does not use it for a O(docker_image) (it pulls those with O(registry_url), O(registry_username)
        and O(registry_password)), so the two options together are refused.
      - A registry that does not exist is an error; in check mode, it is taken as one an earlier task of the play
        would create, and the task reports a change.
    type: str
  git_url:
    description:
      - URL of a Git repository to build. Makes the application's source that repository. Requires O(git_branch).
    type: str
  git_branch:
    description:
      - Branch of O(git_url) to build.
    type: str
  git_build_path:
    description:
      - Directory of the repository to build.
    type: str
  build_type:
    description:
      - How Dokploy builds the source.
    type: str
    choices: [dockerfile, nixpacks, heroku_buildpacks, paketo_buildpacks, static, railpack]
  dockerfile:
    description:
      - Path of the Dockerfile, with O(build_type=dockerfile).
    type: str
  docker_context_path:
    description:
      - Docker build context, with O(build_type=dockerfile).
    type: str
  docker_build_stage:
    description:
      - Target stage of a multi-stage Dockerfile.
    type: str
  command:
    description:
      - Command that overrides the image's.
    type: str
  replicas:
    description:
      - Number of replicas.
    type: int
  auto_deploy:
    description:
      - Whether Dokploy deploys on its own when the source changes (Git push, webhook).
    type: bool
extends_documentation_fragment:
  - community.dokploy.placement
  - community.dokploy.placement.SERVER
  - community.dokploy.placement.LIMITS
  - community.dokploy.connection
  - community.dokploy.attributes
  - community.dokploy.attributes.ACTIONGROUP_DOKPLOY
notes:
  - The registry password is always compared with the one Dokploy holds, and changed when it differs.
"""

EXAMPLES = r"""
- name: An application from a Docker image, creating the project if needed
  community.dokploy.dokploy_app:
    project: acme
    name: web
    docker_image: "ghcr.io/acme/site:{{ release }}"
    replicas: 2
    memory_limit: 512M
    cpu_limit: 0.5
    create_project: true
  notify: Deploy web

- name: An application on a remote server of the organization (chosen at creation, never moved)
  community.dokploy.dokploy_app:
    project: acme
    name: worker
    server: edge-1
    docker_image: ghcr.io/acme/worker:2.0

- name: An application built from Git with its Dockerfile
  community.dokploy.dokploy_app:
    project: acme
    environment: staging
    name: api
    git_url: https://github.com/acme/api.git
    git_branch: main
    build_type: dockerfile
    dockerfile: Dockerfile

- name: Remove an application
  community.dokploy.dokploy_app:
    project: acme
    name: old-web
    state: absent
"""

RETURN = r"""
app:
  description: The application as Dokploy returns it (C(application.one)), with env vars, passwords and tokens
    masked; empty when absent or in check mode before creation.
  returned: always
  type: dict
  sample: {applicationId: LPX4BAwKyAihbwUQBwCGX, name: web, appName: app-web-sevzan, dockerImage: nginx:1.27,
           sourceType: docker, replicas: 2, memoryLimit: "536870912", env: "********"}
id:
  description: The application's id; null when it does not exist (yet).
  returned: always
  type: str
created_project:
  description: Name of the project created on the way (O(create_project=true)).
  returned: when a project was created
  type: str
created_environment:
  description: Name of the environment created on the way (O(create_project=true)).
  returned: when an environment was created
  type: str
missing_parent:
  description: In check mode, what does not exist yet (the project, environment, O(registry) or O(server)) and an
    earlier task of the play would create.
  returned: in check mode, when something the application needs does not exist
  type: str
"""

from ansible_collections.community.dokploy.plugins.module_utils._base import DokployModule
from ansible_collections.community.dokploy.plugins.module_utils._resources.app import MODULE_RULES, App, argument_spec


def main():
    dokploy = DokployModule(argument_spec=argument_spec(), supports_check_mode=True, **MODULE_RULES)
    dokploy.run(App(dokploy).run)


if __name__ == "__main__":
    main()
