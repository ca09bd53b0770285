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
  - Makes sure a PostgreSQL, MySQL, MariaDB, MongoDB or Redis database exists in a project's environment with the
    given settings, or does not exist.
  - Each engine's required options are checked before any request is sent.
  - Names are not unique in Dokploy; when several databases of the engine in the environment have the name, the
    task fails listing their ids, and O(name) accepts an id instead.
options:
  type:
    description:
      - The database engine.
    type: str
    required: true
    choices: [postgres, mysql, mariadb, mongo, redis]
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
    type: str
  database_name:
    description:
      - Name of the database inside the engine. Required to create V(postgres), V(mysql) and V(mariadb); not
        used by V(mongo) and V(redis). Cannot be changed afterwards.
    type: str
  database_user:
    description:
      - User of the database. Required to create V(postgres), V(mysql), V(mariadb) and V(mongo); not used by
        V(redis). Cannot be changed afterwards.
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
      - Setting or changing it makes Dokploy redeploy the database at once; the result says so in RV(redeployed).
      - A port another application or database of the organization already publishes is refused, naming that
        service, unless O(force=true).
    type: int
  force:
    description:
      - Set O(external_port) even when another service of the organization already publishes it.
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
  description: Whether Dokploy redeployed the database, because O(external_port) changed or a Redis password was
    changed in the running database.
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
from ansible_collections.community.dokploy.plugins.module_utils._client import DokployError
from ansible_collections.community.dokploy.plugins.module_utils._resource import (
    LIMIT_FIELDS,
    Field,
    Resource,
    check_password,
    limits_argument_spec,
)
from ansible_collections.community.dokploy.plugins.module_utils._validate import (
    check_no_space,
    check_not_empty,
    check_port,
)

# Engine -> the options its create requires, and the options it does not know at all.
ENGINES = {
    "postgres": {"required": ("database_name", "database_user", "database_password"),
                 "unsupported": ("database_root_password",)},
    "mysql": {"required": ("database_name", "database_user", "database_password"), "unsupported": ()},
    "mariadb": {"required": ("database_name", "database_user", "database_password", "docker_image"),
                "unsupported": ()},
    "mongo": {"required": ("database_user", "database_password", "docker_image"),
              "unsupported": ("database_name", "database_root_password")},
    "redis": {"required": ("database_password",),
              "unsupported": ("database_name", "database_user", "database_root_password")},
}
PASSWORDS = {"databasePassword": "user", "databaseRootPassword": "root"}


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
        check_port(params["external_port"], "external_port")
        self.desired()  # converts sizes, CPUs and checks passwords, failing on the option at fault

    def find(self):
        self.env = self.environment()
        if self.env is None:
            return None
        listed = self.tree.service(self.env, self.engine, self.params["name"], option="name")
        return self.read(listed[self.id_field]) if listed else None

    def create_body(self, desired):
        return dict(desired, environmentId=self.env["environmentId"])

    def check_present(self, current, desired):
        port = desired.get("externalPort")
        if port is not None and not self.params["force"]:
            user = self.port_user(port, exclude=current.get(self.id_field) if current else None)
            if user:
                raise DokployError("option external_port: %d is already published by %s; the redeploy would fail "
                                   "on the clash: choose another port, or set force: true" % (port, user))

    def update(self, current, changes):
        """Passwords of a database that has run change in the database itself, the rest as declared."""
        # Dokploy keeps no deploy history for databases: "idle" is both "never ran" and "stopped".
        has_run = current.get("applicationStatus") not in (None, "idle")
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
            force=dict(type="bool", default=False),
        ),
        supports_check_mode=True,
    )
    dokploy.run(Database(dokploy).run)


if __name__ == "__main__":
    main()
