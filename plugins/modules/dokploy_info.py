#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) community.dokploy contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: dokploy_info
short_description: Read the projects, environments and services of a Dokploy organization
version_added: 0.1.0
author:
  - community.dokploy maintainers (@community-dokploy)
description:
  - Returns the organization's tree as the API key sees it, projects, their environments and each environment's
    services (applications, compose stacks and databases of every engine) with kind, name, id, status and the
    server each runs on, and the organization's remote servers.
  - Sends one C(project.all) and one C(server.all) request, plus one C(environment.one) per environment that holds
    databases (C(project.all) gives databases without their names), or, when the organization has remote servers,
    per environment that holds services (C(project.all) does not say where a service runs).
  - Each project's environments come in a stable order, the default environment first, then the others by name
    (Dokploy itself lists them in database row order, which is not their creation order).
options:
  project:
    description:
      - Only return the projects with this name or id.
      - Project names are not unique in Dokploy; every project with this name is returned.
    type: str
extends_documentation_fragment:
  - community.dokploy.connection
  - community.dokploy.attributes.INFO_MODULE
  - community.dokploy.attributes.ACTIONGROUP_DOKPLOY
"""

EXAMPLES = r"""
- name: Read the whole organization
  community.dokploy.dokploy_info:
    api_url: https://dokploy.example.com
    api_key: "{{ vault_dokploy_api_key }}"
  register: dokploy

- name: List the names of the applications of project shop
  ansible.builtin.debug:
    msg: "{{ dokploy.projects | map(attribute='environments') | flatten
             | map(attribute='services') | flatten
             | selectattr('kind', 'equalto', 'application') | map(attribute='name') }}"

- name: Read one project with the connection of a named profile
  community.dokploy.dokploy_info:
    project: shop
  module_defaults:
    group/community.dokploy.dokploy: "{{ lookup('community.dokploy.profile', 'acme') }}"
"""

RETURN = r"""
projects:
  description: The projects, in the order Dokploy lists them.
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: The project's id (C(projectId)).
      type: str
      sample: CMef0382_J0a5XIYOSdsr
    name:
      description: The project's name.
      type: str
      sample: shop
    description:
      description: The project's description.
      type: str
    environments:
      description:
        - The project's environments, the default environment (C(is_default=true)) first,
          then the others sorted by name (and by id when names are equal).
        - Pick an environment by name or by C(is_default), not by its position.
      type: list
      elements: dict
      contains:
        id:
          description: The environment's id (C(environmentId)).
          type: str
        name:
          description: The environment's name.
          type: str
          sample: production
        is_default:
          description: Whether this is the project's default environment, which cannot be removed.
          type: bool
        services:
          description: The environment's services.
          type: list
          elements: dict
          contains:
            kind:
              description: What the service is.
              type: str
              choices: [application, compose, postgres, mysql, mariadb, mongo, redis, libsql]
            id:
              description: The service's id (C(applicationId), C(composeId), C(postgresId), ...).
              type: str
            name:
              description: The service's name.
              type: str
            status:
              description: Status of the last deploy, one of C(idle), C(running), C(done), C(error).
              type: str
            server:
              description: The remote server the service runs on; null when it runs on the Dokploy server itself.
              type: dict
              contains:
                id:
                  description: The server's id (C(serverId)).
                  type: str
                name:
                  description: The server's name.
                  type: str
servers:
  description:
    - The organization's remote servers (C(server.all)), newest first, whatever O(project) is. Never any key
      material, only the id of the SSH key.
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: The server's id (C(serverId)); the C(server) option of M(community.dokploy.dokploy_app),
        M(community.dokploy.dokploy_compose) and M(community.dokploy.dokploy_db) takes it, or the name.
      type: str
    name:
      description: The server's name.
      type: str
      sample: edge-1
    ip_address:
      description: The address Dokploy reaches the server at over SSH.
      type: str
      sample: 203.0.113.10
    port:
      description: The server's SSH port.
      type: int
      sample: 22
    username:
      description: The user Dokploy logs in as.
      type: str
      sample: root
    server_type:
      description: V(deploy) for a server that runs services, V(build) for one that only builds images.
      type: str
      choices: [deploy, build]
    ssh_key_id:
      description: The id of the organization's SSH key Dokploy uses to reach the server (see
        M(community.dokploy.dokploy_ssh_key)); null when it has none.
      type: str
    status:
      description: Dokploy's status of the server, V(active) or V(inactive).
      type: str
"""

from ansible_collections.community.dokploy.plugins.module_utils._base import DokployModule
from ansible_collections.community.dokploy.plugins.module_utils._tree import SERVICE_KINDS, Tree
from ansible_collections.community.dokploy.plugins.module_utils._validate import check_name


def read_organization(client, project=None):
    """The result: the projects (those named ``project``) and the organization's servers."""
    tree = Tree(client)
    tree.projects()  # read first: a wrong key fails on project.all, as in every module
    servers = client.query_list("server.all")
    return dict(projects=read_tree(client, project, servers, tree), servers=describe_servers(servers))


def read_tree(client, project=None, servers=None, tree=None):
    """The projects (those named ``project``), each service with the server it runs on (``servers``: server.all)."""
    tree = tree or Tree(client)
    projects = tree.projects()
    if project:
        projects = [p for p in projects if project in (p.get("projectId"), p.get("name"))]
    servers = servers if servers is not None else client.query_list("server.all")
    return [
        {
            "id": p.get("projectId"),
            "name": p.get("name"),
            "description": p.get("description"),
            "environments": [describe_environment(tree, e, servers) for e in ordered(p.get("environments") or [])],
        }
        for p in projects
    ]


def describe_servers(servers):
    """The organization's servers as the result lists them: what identifies and reaches each, never a key."""
    return [
        {
            "id": s.get("serverId"),
            "name": s.get("name"),
            "ip_address": s.get("ipAddress"),
            "port": s.get("port"),
            "username": s.get("username"),
            "server_type": s.get("serverType"),
            "ssh_key_id": s.get("sshKeyId"),
            "status": s.get("serverStatus"),
        }
        for s in servers
    ]


def ordered(environments):
    """The default environment first, then by name, then by id: Dokploy's own order is the database's row order."""
    return sorted(environments, key=lambda e: (not e.get("isDefault"), e.get("name") or "", e.get("environmentId") or ""))


def describe_environment(tree, environment, servers):
    names = dict((s.get("serverId"), s.get("name")) for s in servers)
    return {
        "id": environment.get("environmentId"),
        "name": environment.get("name"),
        "is_default": bool(environment.get("isDefault")),
        "services": [
            {"kind": kind, "id": service.get(id_field), "name": service.get("name"), "status": service.get(status),
             "server": server_of(service, names)}
            for kind, (_key, id_field, status) in SERVICE_KINDS.items()
            for service in listed_services(tree, environment, kind, servers)
        ],
    }


def listed_services(tree, environment, kind, servers):
    """The environment's services of ``kind`` with their names, and with their server when any server exists.

    ``project.all`` does not say where a service runs, ``environment.one`` does (``serverId`` and the server's
    name): it is read for each environment holding services, only when the organization has servers.
    """
    key = SERVICE_KINDS[kind][0]
    if servers and any(environment.get(k) for k, _id, _status in SERVICE_KINDS.values()):
        return tree.environment_details(environment["environmentId"]).get(key) or []
    return tree.services(environment, kind)


def server_of(service, names):
    """The server a service runs on, as {id, name}; None for the Dokploy server itself."""
    server_id = service.get("serverId")
    if not server_id:
        return None
    return {"id": server_id, "name": names.get(server_id) or (service.get("server") or {}).get("name")}


def main():
    dokploy = DokployModule(
        argument_spec=dict(project=dict(type="str")),
        supports_check_mode=True,
    )

    def info():
        # An empty filter (an unset variable, say) would silently return the whole organization.
        check_name(dokploy.params["project"], "project")
        return dict(read_organization(dokploy.client, dokploy.params["project"]), changed=False)

    dokploy.run(info)


if __name__ == "__main__":
    main()
