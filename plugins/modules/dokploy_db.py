#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) community.dokploy contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: dokploy_db
short_description: Create, update and remove Dokploy databases of every engine
version_added: 0.1.0
author:
  - community.dokploy maintainers (@community-dokploy)
description:
  - Makes sure a PostgreSQL, MySQL, MariaDB, MongoDB, Redis or libSQL (sqld) database exists in a project's
    environment with the given settings, or does not exist.
  - Each engine's required options are checked before any request is sent.
  - Names are not unique in Dokploy; when several databases of the engine in the environment have the name, the
    task fails listing their ids, and O(name) accepts an id instead.
options:
  type:
    description:
      - The database engine.
    type: str
    required: true
    choices: [postgres, mysql, mariadb, mongo, redis, libsql]
  name:
    description:
      - Name of the database service, or its id.
    type: str
    required: true
  state:
    description:
      - V(present) creates or updates the database, V(absent) removes it. Dokploy removes the service but leaves
        its data volume on the host.
    type: str
    choices: [present, absent]
    default: present
  description:
    description:
      - Description of the database service.
    type: str
  docker_image:
    description:
      - Image to run, for example V(postgres:16).
      - Required to create V(mariadb) and V(mongo) databases, whose default images in Dokploy are not pullable tags.
        A V(libsql) database is created with Dokploy's default, C(ghcr.io/tursodatabase/libsql-server:v0.24.32).
    type: str
  database_name:
    description:
      - Name of the database inside the engine. Required to create V(postgres), V(mysql) and V(mariadb); not
        used by V(mongo), V(redis) and V(libsql). Cannot be changed afterwards.
    type: str
  database_user:
    description:
      - User of the database. Required to create V(postgres), V(mysql), V(mariadb), V(mongo) and V(libsql) (the
        user of sqld's HTTP basic authentication); not used by V(redis). Cannot be changed afterwards.
    type: str
  database_password:
    description:
      - Password of O(database_user) (of the default user for V(redis)). Required at create. Never printed.
      - "Dokploy only accepts letters, digits and C(@#%^&*()_+-=[]{}|;:,.<>?~`): other characters are refused
        before any request."
    type: str
  database_root_password:
    description:
      - Root password, for V(mysql) and V(mariadb) only. Never printed. Same character rule as O(database_password).
    type: str
  update_password:
    description:
      - V(on_create) sets the passwords only when the database is created.
      - V(always) also changes them when they differ from what Dokploy holds. On a database that has run (status
        C(done), C(running) or C(error)), the change goes through Dokploy's C(changePassword), which alters the
        user in the running database (a Redis database is then deployed again, so that its service starts with the
        new password). On an C(idle) database only the stored setting changes, which is what a database that never
        ran starts with; Dokploy also shows a stopped database as C(idle), so the module warns then.
      - A V(libsql) database has no C(changePassword), since sqld reads its credentials from the service Dokploy
        writes at each deploy. On one that has run, the stored password changes and the module deploys it again
        (RV(redeployed)); on an C(idle) one, the stored password is what its next deploy uses.
    type: str
    choices: [always, on_create]
    default: on_create
  command:
    description:
      - Command that overrides the image's.
    type: str
  external_port:
    description:
      - Port on the Dokploy host that exposes the database outside Dokploy's network.
      - For V(libsql), the port of sqld's HTTP API (Hrana, port 8080 in the container).
      - Setting or changing it makes Dokploy redeploy the database at once; the result says so in RV(redeployed).
      - A port another application or database of the organization already publishes is refused, naming that
        service, unless O(force=true). So is a port given twice among O(external_port), O(external_grpc_port) and
        O(external_admin_port).
    type: int
  external_grpc_port:
    description:
      - V(libsql) only. Port on the Dokploy host that exposes the primary's gRPC port (5001 in the container),
        which replicas connect to. A replica has none (refused before any request).
      - Dokploy writes O(external_port), O(external_grpc_port) and O(external_admin_port) together
        (C(libsql.saveExternalPorts)) and redeploys the database at once; the ports not given keep their values.
    type: int
  external_admin_port:
    description:
      - V(libsql) only. Port on the Dokploy host that exposes sqld's admin API (5000 in the container).
    type: int
  sqld_node:
    description:
      - V(libsql) only. Whether the database is a V(primary) or a V(replica) of another libsql primary.
      - A new libsql database is a V(primary) unless this says otherwise.
    type: str
    choices: [primary, replica]
  sqld_primary_url:
    description:
      - V(libsql) only. URL of the primary a replica follows (its gRPC endpoint, for example
        V(http://acme-edge-primary:5001)).
      - Required with O(sqld_node=replica), and only used with it; refused before any request otherwise.
        Making a replica a primary clears it.
    type: str
  enable_namespaces:
    description:
      - V(libsql) only. Whether sqld serves several databases (namespaces) instead of one. Dokploy's default is
        V(false).
    type: bool
  force:
    description:
      - Set O(external_port) (O(external_grpc_port), O(external_admin_port)) even when another service of the
        organization already publishes it.
    type: bool
    default: false
extends_documentation_fragment:
  - community.dokploy.placement
  - community.dokploy.placement.SERVER
  - community.dokploy.placement.LIMITS
  - community.dokploy.connection
  - community.dokploy.attributes
  - community.dokploy.attributes.ACTIONGROUP_DOKPLOY
"""

EXAMPLES = r"""
- name: A PostgreSQL database for the shop
  community.dokploy.dokploy_db:
    type: postgres
    project: acme
    name: db
    docker_image: postgres:16
    database_name: shop
    database_user: shop
    database_password: "{{ vault_shop_db_password }}"
    memory_limit: 1G

- name: A Redis cache on a remote server of the organization (chosen at creation, never moved)
  community.dokploy.dokploy_db:
    type: redis
    project: acme
    name: cache
    server: edge-1
    docker_image: redis:7
    database_password: "{{ vault_cache_password }}"

- name: A MariaDB with a pinned image and a root password
  community.dokploy.dokploy_db:
    type: mariadb
    project: acme
    name: legacy
    docker_image: mariadb:11
    database_name: legacy
    database_user: legacy
    database_password: "{{ vault_legacy_password }}"
    database_root_password: "{{ vault_legacy_root_password }}"

- name: A libSQL primary with its HTTP and gRPC ports published
  community.dokploy.dokploy_db:
    type: libsql
    project: acme
    name: edge-primary
    database_user: edge
    database_password: "{{ vault_edge_password }}"
    sqld_node: primary
    enable_namespaces: false
    external_port: 18080
    external_grpc_port: 15001

- name: A libSQL replica of that primary
  community.dokploy.dokploy_db:
    type: libsql
    project: acme
    name: edge-replica
    database_user: edge
    database_password: "{{ vault_edge_password }}"
    sqld_node: replica
    sqld_primary_url: http://acme-edge-primary:5001
    external_port: 18081

- name: Rotate a password in the running database
  community.dokploy.dokploy_db:
    type: postgres
    project: acme
    name: db
    database_password: "{{ vault_new_password }}"
    update_password: always
"""

RETURN = r"""
database:
  description: The database as Dokploy returns it (C(<type>.one)), passwords and env masked; empty when absent or in
    check mode before creation.
  returned: always
  type: dict
  sample: {postgresId: SuDxsEucGIyPt66ax6pfn, name: db, databaseName: shop, databaseUser: shop,
           databasePassword: "********", dockerImage: postgres:16, applicationStatus: idle}
id:
  description: The database's id; null when it does not exist (yet).
  returned: always
  type: str
redeployed:
  description: Whether Dokploy redeployed the database, because an external port changed or a Redis or libSQL
    password was changed in a database that has run.
  returned: always
  type: bool
password_changed_in_database:
  description: Whether a password was changed inside the running database (C(changePassword)).
  returned: always
  type: bool
missing_parent:
  description: In check mode, what does not exist yet (the project, environment or O(server)) and an earlier task of
    the play would create.
  returned: in check mode, when something the database needs does not exist
  type: str
"""

from ansible_collections.community.dokploy.plugins.module_utils._base import DokployModule
from ansible_collections.community.dokploy.plugins.module_utils._resources.database import MODULE_RULES, Database, argument_spec


def main():
    dokploy = DokployModule(argument_spec=argument_spec(), supports_check_mode=True, **MODULE_RULES)
    dokploy.run(Database(dokploy).run)


if __name__ == "__main__":
    main()
