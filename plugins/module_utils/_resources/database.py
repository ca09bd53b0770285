# -*- coding: utf-8 -*-
# Copyright (c) community.dokploy contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The database resource of dokploy_db: its fields, writers, checks and the module's options.

Imported by dokploy_db and by the modules that converge several objects at once, which validate
an entry against exactly the options of the single module.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

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


def argument_spec():
    """The options of dokploy_db."""
    return dict(
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
    )


MODULE_RULES = dict()
