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

import re

from ansible_collections.community.dokploy.plugins.module_utils._base import DokployModule
from ansible_collections.community.dokploy.plugins.module_utils._client import DokployError
from ansible_collections.community.dokploy.plugins.module_utils._resource import (
    LIMIT_FIELDS,
    Field,
    Resource,
    check_password,
    limits_argument_spec,
)
from ansible_collections.community.dokploy.plugins.module_utils._tree import SERVICE_KINDS, Tree
from ansible_collections.community.dokploy.plugins.module_utils._validate import (
    check_no_space,
    check_not_empty,
    check_port,
)

# Options of libsql (sqld) only.
LIBSQL_OPTIONS = ("sqld_node", "sqld_primary_url", "enable_namespaces", "external_grpc_port", "external_admin_port")

# Engine -> the options its create requires, and the options it does not know at all.
ENGINES = {
    "postgres": {"required": ("database_name", "database_user", "database_password"),
                 "unsupported": ("database_root_password",) + LIBSQL_OPTIONS},
    "mysql": {"required": ("database_name", "database_user", "database_password"), "unsupported": LIBSQL_OPTIONS},
    "mariadb": {"required": ("database_name", "database_user", "database_password", "docker_image"),
                "unsupported": LIBSQL_OPTIONS},
    "mongo": {"required": ("database_user", "database_password", "docker_image"),
              "unsupported": ("database_name", "database_root_password") + LIBSQL_OPTIONS},
    "redis": {"required": ("database_password",),
              "unsupported": ("database_name", "database_user", "database_root_password") + LIBSQL_OPTIONS},
    "libsql": {"required": ("database_user", "database_password"),
               "unsupported": ("database_name", "database_root_password")},
}
PASSWORDS = {"databasePassword": "user", "databaseRootPassword": "root"}
# The host ports each option publishes; libsql.saveExternalPorts writes all three at once, the other engines'
# saveExternalPort the first.
PORT_OPTIONS = (("external_port", "externalPort"), ("external_grpc_port", "externalGRPCPort"),
                ("external_admin_port", "externalAdminPort"))

# What libsql.create requires besides the options: every key, with Dokploy's defaults (schema/libsql.ts).
LIBSQL_CREATE_DEFAULTS = {"dockerImage": "ghcr.io/tursodatabase/libsql-server:v0.24.32", "description": None,
                          "sqldNode": "primary", "sqldPrimaryUrl": None, "enableNamespaces": False,
                          "serverId": None}
URL = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*://[^\s/]+\S*$")


class Database(Resource):
    kind = "database"
    result_key = "database"
    placed = True  # option server
    fields = (
        Field("name", "name", writer=None),
        Field("description", "description"),
        Field("docker_image", "dockerImage"),
        Field("database_name", "databaseName", writer=None),
        Field("database_user", "databaseUser", writer=None),
        Field("database_password", "databasePassword", secret=True, to_api=check_password),
        Field("database_root_password", "databaseRootPassword", secret=True, to_api=check_password),
        Field("command", "command", on_create=False),
        Field("external_port", "externalPort", writer="external", on_create=False),
        Field("external_grpc_port", "externalGRPCPort", writer="external", on_create=False),
        Field("external_admin_port", "externalAdminPort", writer="external", on_create=False),
        Field("sqld_node", "sqldNode"),
        Field("sqld_primary_url", "sqldPrimaryUrl"),
        Field("enable_namespaces", "enableNamespaces"),
    ) + LIMIT_FIELDS

    def __init__(self, dokploy):
        super(Database, self).__init__(dokploy)
        self.engine = self.params["type"]
        self.id_field = "%sId" % self.engine
        self.read_procedure = "%s.one" % self.engine
        self.create_procedure = "%s.create" % self.engine
        self.delete_procedure = "%s.remove" % self.engine
        self.writers = {
            "update": ("%s.update" % self.engine, ()),
            "external": ("%s.saveExternalPort" % self.engine, ()),
        }
        if self.engine == "libsql":
            # libsql.update writes enableNamespaces false when it is left out: it goes back as read.
            # saveExternalPorts stores the three ports: the untouched ones go back as read.
            self.writers = {
                "update": ("libsql.update", ("enableNamespaces",)),
                "external": ("libsql.saveExternalPorts", tuple(api for _o, api in PORT_OPTIONS)),
            }
        self.extra = {"redeployed": False, "password_changed_in_database": False}
        self.kind = "%s database" % self.engine
        self.required_to_create = ENGINES[self.engine]["required"]

    def validate(self):
        params = self.params
        engine = ENGINES[self.engine]
        for option in engine["unsupported"]:
            if params[option] is not None:
                raise DokployError("option %s: a %s database has no such setting" % (option, self.engine))
        check_no_space(params["docker_image"], "docker_image", "an image reference")
        # Dokploy refuses empty names, users and (in changePassword) passwords; values are never echoed.
        for option in ("database_name", "database_user", "database_password", "database_root_password"):
            check_not_empty(params[option], option)
        ports = {}
        for option, _api in PORT_OPTIONS:
            check_port(params[option], option)
            if params[option] is not None and params[option] in ports:
                raise DokployError("option %s: %d is also %s; each port is published once"
                                   % (option, params[option], ports[params[option]]))
            ports.setdefault(params[option], option)
        if self.engine == "libsql":
            self.validate_libsql()
        self.desired()  # converts sizes, CPUs and checks passwords, failing on the option at fault

    def validate_libsql(self):
        """Dokploy's rules on a primary and its replicas (apiCreateLibsql, saveExternalPorts)."""
        params = self.params
        url = params["sqld_primary_url"]
        replica = params["sqld_node"] == "replica"
        if replica and url is None:
            raise DokployError("option sqld_primary_url: required for a replica (sqld_node: replica), the URL "
                               "of its primary")
        if url is not None and not replica:
            raise DokployError("option sqld_primary_url: only for a replica; set sqld_node: replica")
        if url is not None and not URL.match(url):
            raise DokployError("option sqld_primary_url: %r is not a URL (for example http://primary:5001)" % url)
        if replica and params["external_grpc_port"] is not None:
            raise DokployError("option external_grpc_port: a replica has no gRPC port; Dokploy publishes one "
                               "for a primary only")

    def desired(self):
        values = super(Database, self).desired()
        if values.get("sqldNode") == "primary":
            values["sqldPrimaryUrl"] = None  # a replica made a primary forgets its primary
        return values

    def changes(self, current, desired):
        changes = super(Database, self).changes(current, desired)
        others = [api for _o, api in PORT_OPTIONS if api != "externalGRPCPort" and (changes.get(api) or current.get(api))]
        if changes.get("sqldNode") == "replica" and current.get("externalGRPCPort") is not None and others:
            # A replica has no gRPC port: the primary's is unpublished with the change (Dokploy refuses to clear the
            # last published port, so a gRPC port alone stays until another port is set).
            changes["externalGRPCPort"] = None
        return changes

    def writer_bodies(self, current, changes):
        bodies = super(Database, self).writer_bodies(current, changes)
        if changes.get("sqldNode", current.get("sqldNode")) == "replica":
            for procedure, body in bodies:
                if procedure == "libsql.saveExternalPorts":
                    body["externalGRPCPort"] = None  # saveExternalPorts refuses any other value for a replica
        return bodies

    def find(self):
        self.env = self.environment()
        if self.env is None:
            return None
        listed = self.tree.service(self.env, self.engine, self.params["name"], option="name")
        return self.read(listed[self.id_field]) if listed else None

    def create_body(self, desired):
        body = dict(desired, environmentId=self.env["environmentId"])
        if self.engine == "libsql":
            # Every key is required; appName gets Dokploy's random suffix.
            for key, value in LIBSQL_CREATE_DEFAULTS.items():
                body.setdefault(key, value)
            body["appName"] = re.sub(r"[^a-zA-Z0-9._-]+", "-", self.params["name"]).strip("-.")[:40] or "libsql"
        return body

    def after_create(self, created, desired):
        if isinstance(created, dict) and created.get(self.id_field):
            return created[self.id_field]
        # libsql.create answers true: the new one is the row of the environment that was not there before.
        before = set(s.get(self.id_field) for s in self.tree.services(self.env, self.engine))
        self.tree = Tree(self.client)
        environment = self.tree.environment_details(self.env["environmentId"])
        new = [s[self.id_field] for s in environment.get(SERVICE_KINDS[self.engine][0]) or []
               if s.get(self.id_field) not in before and s.get("name") == self.params["name"]]
        if len(new) != 1:
            raise DokployError("%s %r was created, but %d new ones of that name are in environment %r: remove the "
                               "extra ones" % (self.kind, self.params["name"], len(new), self.env.get("name")))
        return new[0]

    def check_present(self, current, desired):
        if current is not None and current.get("sqldNode") == "replica" and desired.get("externalGRPCPort") is not None \
                and desired.get("sqldNode", "replica") == "replica":
            raise DokployError("option external_grpc_port: %s %r is a replica, which has no gRPC port"
                               % (self.kind, current.get("name")))
        if self.params["force"]:
            return
        for option, api in PORT_OPTIONS:
            port = desired.get(api)
            if port is None:
                continue
            user = self.port_user(port, exclude=current.get(self.id_field) if current else None)
            if user:
                raise DokployError("option %s: %d is already published by %s; the redeploy would fail "
                                   "on the clash: choose another port, or set force: true" % (option, port, user))

    def update(self, current, changes):
        """Passwords of a database that has run change in the database itself, the rest as declared."""
        # Dokploy keeps no deploy history for databases: "idle" is both "never ran" and "stopped".
        has_run = current.get("applicationStatus") not in (None, "idle")
        if self.engine == "libsql":
            # No changePassword: sqld takes its credentials from the service's env, written at each deploy.
            super(Database, self).update(current, changes)
            ports = any(api in changes for _option, api in PORT_OPTIONS)  # saveExternalPorts redeploys
            if has_run and "databasePassword" in changes and not ports:
                self.write("libsql.deploy", {"libsqlId": current["libsqlId"]})
            self.extra["redeployed"] = ports or (has_run and "databasePassword" in changes)
            return
        passwords = dict((api, changes.pop(api)) for api in list(PASSWORDS) if api in changes and has_run)
        if not has_run and any(api in changes for api in PASSWORDS):
            self.dokploy.module.warn(
                "%s database %s is idle, so only the stored password changes, which is what it starts with if it "
                "never ran; if it ran before and is stopped, start it and run this task again"
                % (self.engine, current.get("name")))
        # Passwords first: Dokploy refuses them on a database without a running container, and then
        # nothing else of this run may have been written either.
        for api, password in passwords.items():
            body = {self.id_field: current[self.id_field], "password": password}
            if self.engine in ("mysql", "mariadb"):
                body["type"] = PASSWORDS[api]
            self.change_password(current, api, body)
        super(Database, self).update(current, changes)
        if "externalPort" in changes:
            self.extra["redeployed"] = True
        if passwords and self.engine == "redis":
            # Redis takes the new password at run time only; its service starts with the old one until
            # Dokploy deploys it again.
            self.write("redis.deploy", {"redisId": current["redisId"]})
            self.extra["redeployed"] = True

    def change_password(self, current, api, body):
        """changePassword, with one message for a database that has no running container.

        Dokploy v0.30.2 answers 500 with the shell script it ran (holding the new password, which the
        module redacts); v0.30.3 and later answer 400 "No running container found for <appName>".
        """
        try:
            self.write("%s.changePassword" % self.engine, body)
        except DokployError as exc:
            if "No running container found" not in exc.message:
                raise
            option = "database_root_password" if PASSWORDS[api] == "root" else "database_password"
            raise DokployError(
                "option %s: %s database %s has no running container (status %s), so Dokploy cannot change the "
                "password inside it; %s; deploy or start it, then run this task again"
                % (option, self.engine, current.get("name"), current.get("applicationStatus"),
                   "the other password was changed" if self.extra["password_changed_in_database"]
                   else "nothing was changed"),
                status=exc.status, code=exc.code, procedure=exc.procedure)
        self.extra["password_changed_in_database"] = True


def main():
    dokploy = DokployModule(
        argument_spec=dict(
            limits_argument_spec(),
            type=dict(type="str", required=True, choices=sorted(ENGINES)),
            project=dict(type="str", required=True),
            environment=dict(type="str"),
            server=dict(type="str"),
            name=dict(type="str", required=True),
            state=dict(type="str", choices=["present", "absent"], default="present"),
            description=dict(type="str"),
            docker_image=dict(type="str"),
            database_name=dict(type="str"),
            database_user=dict(type="str"),
            database_password=dict(type="str", no_log=True),
            database_root_password=dict(type="str", no_log=True),
            update_password=dict(type="str", choices=["always", "on_create"], default="on_create", no_log=False),
            command=dict(type="str"),
            external_port=dict(type="int"),
            external_grpc_port=dict(type="int"),
            external_admin_port=dict(type="int"),
            sqld_node=dict(type="str", choices=["primary", "replica"]),
            sqld_primary_url=dict(type="str"),
            enable_namespaces=dict(type="bool"),
            force=dict(type="bool", default=False),
        ),
        supports_check_mode=True,
    )
    dokploy.run(Database(dokploy).run)


if __name__ == "__main__":
    main()
