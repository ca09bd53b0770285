#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) community.dokploy contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: dokploy_stack
short_description: Converge a whole Dokploy project from one declaration
version_added: 0.1.0
author:
  - community.dokploy maintainers (@community-dokploy)
description:
  - Makes a project, its environments, and their applications, compose stacks and databases with their env
    variables, domains, mounts, ports, redirects and basic auth users match one declaration, in one task.
  - Each entry takes exactly the options of the single module for that object (M(community.dokploy.dokploy_app),
    M(community.dokploy.dokploy_compose), M(community.dokploy.dokploy_db), M(community.dokploy.dokploy_domain)...),
    without the options that name where it is (O(project), the environment, the parent service); the stack sets
    those from where the entry is. The single modules' code does the work, so an entry behaves exactly as its task
    would.
  - Every entry is checked before any request, and every object is looked up and compared before the first write,
    so bad input anywhere in the declaration (a wrong option, a registry that does not exist, a port in use) stops
    the task before anything is changed, naming the entry by its path, for example
    C(environments.production.apps[2].memory_limit).
  - A run that changes nothing reads the project's tree once and each service once, and sends no write.
  - The result's RV(plan) lists what the run changes (in check mode, would change), object by object.
options:
  project:
    description:
      - Name of the project, or its id. It is created (with the declared environments) when it does not exist.
    type: str
    required: true
  description:
    description:
      - Description of the project. Left as it is when not set.
    type: str
  environments:
    description:
      - The project's environments by name. Each value is a mapping with the optional keys C(description),
        C(apps), C(compose) and C(databases).
      - C(apps) is a list of M(community.dokploy.dokploy_app) options, C(compose) of
        M(community.dokploy.dokploy_compose) options and C(databases) of M(community.dokploy.dokploy_db) options
        (C(type) included), each without O(project), C(environment) and C(create_project).
      - An entry may also hold its children, each a list of the child module's options without the options naming
        the project, environment and service, C(env) (a mapping of keys to values, as the C(vars) of
        M(community.dokploy.dokploy_env)), C(domains) (M(community.dokploy.dokploy_domain), for apps and compose),
        C(mounts) (M(community.dokploy.dokploy_mount)), and for apps C(ports) (M(community.dokploy.dokploy_port)),
        C(redirects) (M(community.dokploy.dokploy_redirect)) and C(basic_auth)
        (M(community.dokploy.dokploy_basic_auth)), C(backups) (M(community.dokploy.dokploy_backup), for databases and
        compose) and C(volume_backups) (M(community.dokploy.dokploy_volume_backup), for apps and compose).
      - The options that act once (C(run), C(list_files)) are refused; run the single module for them. A change of
        a backup or volume backup alone deploys nothing.
      - Environments the declaration does not name are never changed, with O(prune) neither.
    type: dict
    default: {}
  prune:
    description:
      - Also remove what the declared environments hold and the declaration does not name, services, their
        children and env keys. An entry without C(domains), C(mounts)... then means that service has none; an entry
        without C(env) leaves its env as it is (an export leaves env values out), and an empty C(env) removes every key.
      - Removed services are removed as the single modules remove them (compose volumes are kept). The data volume
        Dokploy made for a database is never removed. Nothing outside the project is touched.
      - In check mode the removals are listed in RV(plan) and nothing is removed.
    type: bool
    default: false
  deploy:
    description:
      - V(changed) deploys each service this run created or changed (itself, its env or a child), and waits for the
        new deployments. V(always) deploys every declared service. V(never) deploys nothing.
      - Databases are deployed by Dokploy inside the request; a database whose update already redeployed it is not
        deployed again.
    type: str
    choices: [changed, always, never]
    default: changed
  max_parallel:
    description:
      - How many services are deployed at the same time.
    type: int
    default: 4
extends_documentation_fragment:
  - community.dokploy.deployment
  - community.dokploy.connection
  - community.dokploy.attributes
  - community.dokploy.attributes.ACTIONGROUP_DOKPLOY
notes:
  - The project is locked on this machine for the whole task, so parallel forks touching the same project wait for
    each other.
  - A failed write stops the task; the message says which entry failed and what the task had done before it.
  - The secrets of the declaration (passwords, env values) are hidden in every result, diff and message as the
    single modules hide them.
seealso:
  - module: community.dokploy.dokploy_app
  - module: community.dokploy.dokploy_db
  - module: community.dokploy.dokploy_compose
  - module: community.dokploy.dokploy_env
"""

EXAMPLES = r"""
- name: Converge the acme project
  community.dokploy.dokploy_stack:
    profile: acme
    project: acme
    description: Acme's shop
    environments:
      production:
        apps:
          - name: web
            docker_image: ghcr.io/acme/web:1.4.2
            memory_limit: 512M
            env:
              DATABASE_URL: "postgres://shop:{{ vault_acme_db_password }}@acme-db:5432/shop"
            domains:
              - host: shop.acme.example
                port: 8080
                https: true
                certificate: letsencrypt
            mounts:
              - mount_path: /data
                type: volume
                volume_name: acme-web-data
        databases:
          - name: db
            type: postgres
            database_name: shop
            database_user: shop
            database_password: "{{ vault_acme_db_password }}"

- name: Show what a run would change
  community.dokploy.dokploy_stack:
    profile: acme
    project: acme
    environments: "{{ acme_environments }}"
    prune: true
  check_mode: true
  register: acme_plan

- name: Print the plan
  ansible.builtin.debug:
    var: acme_plan.plan
"""

RETURN = r"""
plan:
  description:
    - What the run changed (in check mode, would change), in the order it is done, then the deployments.
    - Each item has C(action) (V(create), V(update), V(delete) or V(deploy)), C(kind) (the single module's name
      without C(dokploy_), for example V(app), V(db), V(domain), V(env)), C(environment), C(name), and C(changes),
      a mapping of option name (an env key for C(env)) to C(before) and C(after), secrets shown as C(********).
  returned: always
  type: list
  elements: dict
  sample:
    - action: update
      kind: app
      environment: production
      name: web
      changes:
        memory_limit: {before: 256M, after: 512M}
    - action: deploy
      kind: app
      environment: production
      name: web
      changes: {}
deployments:
  description: The deployments this run started and followed, one per deployed service.
  returned: when services were deployed
  type: list
  elements: dict
project:
  description: The project's name or id, as given.
  returned: always
  type: str
"""

from ansible_collections.community.dokploy.plugins.module_utils._base import DokployModule
from ansible_collections.community.dokploy.plugins.module_utils._stack import Stack, stack_argument_spec


def main():
    dokploy = DokployModule(argument_spec=stack_argument_spec(), supports_check_mode=True)
    dokploy.run(Stack(dokploy).run)


if __name__ == "__main__":
    main()
