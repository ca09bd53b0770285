#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) community.dokploy contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: dokploy_backup
short_description: Scheduled backups of a Dokploy database, or of a database inside a compose stack
version_added: 0.1.0
author:
  - community.dokploy maintainers (@community-dokploy)
description:
  - Makes sure a database service (O(database)) or a database service of a compose stack (O(compose) and
    O(service_name)) is dumped on a schedule to an S3 destination, or is not.
  - Dokploy gives backups no name and has no list of them; a backup is identified by its service (and
    O(service_name)), its O(destination) and its O(prefix). Changing the destination or the prefix therefore means
    another backup (remove the old one with O(state=absent)).
  - With O(run=true) the backup also runs now, and the task waits for its deployment and fails with its last log lines
    when it fails. With O(list_files=true) the task returns the files the destination holds for the backup.
options:
  project:
    description:
      - Name or id of the project of the service.
    type: str
    required: true
  environment:
    description:
      - Name or id of the environment of the service; the project's default environment when omitted.
    type: str
  database:
    description:
      - Name or id of the database service to back up. Exactly one of O(database) and O(compose) is required.
    type: str
  compose:
    description:
      - Name or id of the compose stack whose database service O(service_name) is backed up.
    type: str
  service_name:
    description:
      - The database service within the compose file (its key under C(services)). Required with O(compose).
    type: str
  database_type:
    description:
      - The engine. With O(database), the kind of the database service; with O(compose), the engine that runs in
        O(service_name) (C(libsql) cannot be backed up inside a compose stack).
    type: str
    required: true
    choices: [postgres, mysql, mariadb, mongo, libsql]
  destination:
    description:
      - Name or id of the S3 destination (see M(community.dokploy.dokploy_destination)). When several destinations
        share the name, the task fails listing their ids.
    type: str
    required: true
  prefix:
    description:
      - Folder of the bucket the dumps go to, under a folder named after the service (C(<appName>/<prefix>/), for
        compose C(<appName>_<service_name>/<prefix>/)). Dokploy ignores leading and trailing slashes when it uploads,
        but stores and compares the text as given.
    type: str
    required: true
  schedule:
    description:
      - When the backup runs, as a five-field cron expression (minute hour day-of-month month day-of-week) in the
        Dokploy host's time zone, for example V(0 3 * * *). Checked before sending, since Dokploy stores any text and
        then never runs a schedule it cannot parse. Required to create the backup.
    type: str
  database_name:
    description:
      - The database inside the engine that is dumped. Defaults, at create, to the database service's own database
        (its C(databaseName)), V(iku.db) for libsql. Required to create a compose backup.
    type: str
  database_user:
    description:
      - For a compose backup, the user the dump runs as inside O(service_name). Required to create a compose backup
        of postgres, mariadb or mongo; not used by mysql (which dumps as root) nor by database services.
    type: str
  database_password:
    description:
      - For a compose backup, the password of O(database_user) (mariadb, mongo) or of root (mysql). Required to
        create a compose backup of those engines. Never printed.
    type: str
  keep_latest:
    description:
      - How many of the newest dumps Dokploy keeps in the destination after each run (older ones are deleted). At
        least V(1). Without it at create, Dokploy keeps every dump.
    type: int
  enabled:
    description:
      - Whether the schedule runs. A new backup is enabled unless V(false) is given (as in Dokploy's web interface).
    type: bool
  state:
    description:
      - V(present) creates or updates the backup, V(absent) removes it (the dumps already in the bucket stay).
    type: str
    choices: [present, absent]
    default: present
  run:
    description:
      - Run the backup now (after creating or updating it) and wait for its deployment. It is an action, so the task reports
        changed each time. A failed run fails the task with the deployment's last log lines (secrets removed); the
        backup stays as configured.
      - In check mode nothing runs; the task reports changed.
    type: bool
    default: false
  list_files:
    description:
      - Return in RV(files) what the destination holds in the backup's folder (after O(run), when both are set).
        Dokploy lists at most 100 entries, and runs C(rclone) where the service runs.
    type: bool
    default: false
extends_documentation_fragment:
  - community.dokploy.deployment
  - community.dokploy.connection
  - community.dokploy.attributes
  - community.dokploy.attributes.ACTIONGROUP_DOKPLOY
notes:
  - Dokploy quotes the destination's secret key in the errors and logs of a failed run or listing (its rclone
    command line); the module removes it, in the shell-quoted form too, from everything it prints.
  - Removing a destination removes its backups with it (see M(community.dokploy.dokploy_destination)).
"""

EXAMPLES = r"""
- name: Dump the postgres database every night at 03:00, keep two weeks, and check it works now
  community.dokploy.dokploy_backup:
    project: acme
    database: db
    database_type: postgres
    destination: r2-backups
    prefix: acme/db
    schedule: "0 3 * * *"
    keep_latest: 14
    run: true
    list_files: true
  register: backup

- name: The mysql database of a compose stack
  community.dokploy.dokploy_backup:
    project: acme
    compose: shop
    service_name: mysql
    database_type: mysql
    database_name: shop
    database_password: "{{ vault_shop_mysql_root_password }}"
    destination: r2-backups
    prefix: shop/mysql
    schedule: "30 2 * * *"

- name: Stop backing it up
  community.dokploy.dokploy_backup:
    project: acme
    database: db
    database_type: postgres
    destination: r2-backups
    prefix: acme/db
    state: absent
"""

RETURN = r"""
backup:
  description: The backup as its service lists it (with its destination, without keys, and its recent deployments),
    passwords masked; empty when absent or in check mode before creation.
  returned: always
  type: dict
  sample: {backupId: ahzT_5Q7EO6NZXCbaOrM0, schedule: "0 3 * * *", enabled: true, database: app, prefix: acme/db,
           destinationId: cIw8y1p2EN0bkQ0qTRCgD, keepLatestCount: 14, backupType: database, databaseType: postgres,
           postgresId: 44J1MG8xEsBXT3h1Tm6qF, serviceName: null, metadata: null}
id:
  description: The backup's id; null when it does not exist (yet).
  returned: always
  type: str
deployment:
  description: With O(run=true), the run's deployment (id, status, title, started_at, finished_at; log_tail when it
    failed).
  returned: when O(run=true) ran
  type: dict
elapsed:
  description: With O(run=true), seconds spent waiting for the run.
  returned: when O(run=true) ran
  type: int
progress:
  description: With O(run=true), one line per status the run went through, with the elapsed seconds.
  returned: when O(run=true) ran
  type: list
  elements: str
files:
  description: With O(list_files=true), the files and folders in the backup's folder of the bucket, by path (as
    rclone lists them), each with its C(path), C(name), C(size) in bytes and C(is_dir). Empty when the backup does
    not exist yet (check mode).
  returned: when O(list_files=true) and O(state=present)
  type: list
  elements: dict
  sample: [{path: postgres-acme-db-1a2b3c/acme/db/2026-11-27T03-00-00-123Z.sql.gz,
            name: 2026-11-27T03-00-00-123Z.sql.gz, size: 1048576, is_dir: false}]
"""

from ansible_collections.community.dokploy.plugins.module_utils._base import DokployModule
from ansible_collections.community.dokploy.plugins.module_utils._child import Child
from ansible_collections.community.dokploy.plugins.module_utils._client import DokployError
from ansible_collections.community.dokploy.plugins.module_utils._deployments import (
    Deployments,
    check_wait_options,
    wait_argument_spec,
)
from ansible_collections.community.dokploy.plugins.module_utils._resource import Field, same
from ansible_collections.community.dokploy.plugins.module_utils._tree import SERVICE_KINDS, pick
from ansible_collections.community.dokploy.plugins.module_utils._validate import check_cron, check_range, error

ENGINES = ("postgres", "mysql", "mariadb", "mongo", "libsql")
# The procedure that runs a backup now, by the kind of service it belongs to.
MANUAL_RUNS = {"postgres": "backup.manualBackupPostgres", "mysql": "backup.manualBackupMySql",
               "mariadb": "backup.manualBackupMariadb", "mongo": "backup.manualBackupMongo",
               "libsql": "backup.manualBackupLibsql", "compose": "backup.manualBackupCompose"}
# What a compose backup's dump needs to log in, by engine: (needs database_user, needs database_password) and the
# metadata key Dokploy reads the password from.
COMPOSE_LOGIN = {"postgres": (True, False, None), "mariadb": (True, True, "databasePassword"),
                 "mongo": (True, True, "databasePassword"), "mysql": (False, True, "databaseRootPassword")}
# backup.update requires every one of these (a missing one is a 400): the untouched ones are sent as read.
UPDATE_FIELDS = ("schedule", "enabled", "prefix", "destinationId", "database", "keepLatestCount", "serviceName",
                 "metadata", "databaseType")


def check_prefix(value, option):
    if not value or not value.strip("/ "):
        raise error(option, "must name a folder (Dokploy refuses an empty prefix, and uploads %r to the service's "
                            "folder itself)" % value)
    if "\n" in value or "\r" in value:
        raise error(option, "%r must not contain line breaks" % value)
    return value


def check_keep_latest(value, option):
    check_range(value, option, minimum=1)
    return value


def check_database_name(value, option):
    if not value.strip():
        raise error(option, "must not be empty")
    return value


class Backup(Child):
    kind = "backup"
    result_key = "backup"
    id_field = "backupId"
    read_procedure = None  # read from the service (see read)
    create_procedure = "backup.create"
    delete_procedure = "backup.remove"
    writers = {"update": ("backup.update", UPDATE_FIELDS)}
    parents = ("compose", "database")
    identity_fields = ("destinationId", "prefix", "serviceName")
    required_to_create = ("schedule",)
    fields = (
        Field("destination", "destinationId", to_api=lambda value, option: value),
        Field("prefix", "prefix", to_api=check_prefix),
        Field("service_name", "serviceName"),
        Field("database_type", "databaseType"),
        Field("schedule", "schedule", to_api=check_cron),
        Field("database_name", "database", to_api=check_database_name),
        Field("keep_latest", "keepLatestCount", to_api=check_keep_latest),
        Field("enabled", "enabled"),
        # A compose backup's login (database_user, database_password) as Dokploy stores it.
        Field("database_login", "metadata"),
    )

    def __init__(self, dokploy):
        super(Backup, self).__init__(dokploy)
        self.destination = None
        self.service = None
        self.current = None
        self.destination_confirmed = True

    # -- input -----------------------------------------------------------------

    def validate(self):
        params = self.params
        if params["compose"] and not params["service_name"]:
            raise error("service_name", "required with compose (the database service of the compose file)")
        if not params["compose"]:
            for option in ("service_name", "database_user", "database_password"):
                if params[option] is not None:
                    raise error(option, "only used with compose (a database service's backup logs in as the "
                                        "service's own user)")
        if params["compose"] and params["database_type"] == "libsql":
            raise error("database_type", "Dokploy cannot back up a libsql database inside a compose stack; back up "
                                         "its volume with community.dokploy.dokploy_volume_backup")
        if params["compose"] and params["database_type"] == "postgres" and params["database_password"] is not None:
            raise error("database_password", "not used by a compose backup of postgres (pg_dump runs as "
                                             "database_user inside the container)")
        if params["compose"] and params["database_type"] == "mysql" and params["database_user"] is not None:
            raise error("database_user", "not used by a compose backup of mysql (mysqldump runs as root with "
                                         "database_password)")
        if params["state"] == "absent":
            for option in ("run", "list_files"):
                if params[option]:
                    raise error(option, "cannot be used with state: absent")
        check_wait_options(params)
        for field in self.fields:
            value = params.get(field.option)
            if value is not None and field.to_api:
                field.to_api(value, field.option)

    # -- finding ---------------------------------------------------------------

    def find(self):
        environment = self.environment()
        kind, service = self.named_service(environment, self.parents) if environment is not None else (None, None)
        absent = self.params["state"] == "absent"
        if service is None:
            if not absent:
                self.destination = self.find_destination()  # an unknown one is an error now (missing in check mode)
            return None
        self.parent_kind, self.parent_id = kind, service[SERVICE_KINDS[kind][1]]
        self.parent_label = "%s %s" % (kind, service.get("name"))
        backups = self.children()
        if self.params["run"] or self.params["list_files"]:
            self.destination = self.find_destination()  # before any run or listing: see find_destination
            if self.destination is None:
                return None
        found = self.matching(backups)
        if not found and self.destination is None and not absent:
            # Not a backup of this service yet: the destination is looked up (and a shared name fails closed).
            self.destination = self.find_destination()
            found = self.matching(backups) if self.destination is not None else []
        if len(found) > 1:
            ids = ", ".join(b[self.id_field] for b in found)
            raise error("destination", "%d backups of %s to a destination named %r have prefix %r (ids: %s); name the "
                                       "destination by its id" % (len(found), self.parent_label,
                                                                  self.params["destination"], self.params["prefix"], ids))
        self.current = found[0] if found else None
        if self.current is not None and self.destination is None:
            # A rerun: the backup's own destination (listed with it, without keys) is the one named.
            self.destination = dict(self.current.get("destination") or {},
                                    destinationId=self.current["destinationId"])
            self.destination_confirmed = False
        return self.current

    def matching(self, backups):
        """The service's backups with this prefix (and compose service) going to the destination named: by the
        destination found, else by the id or name of the one each backup lists."""
        ref = self.params["destination"]
        service_name = self.params["service_name"] if self.params["compose"] else None

        def goes_there(backup):
            if self.destination is not None:
                return backup.get("destinationId") == self.destination["destinationId"]
            return ref in (backup.get("destinationId"), (backup.get("destination") or {}).get("name"))

        return [b for b in backups if b.get("prefix") == self.params["prefix"]
                and same(b.get("serviceName"), service_name) and goes_there(b)]

    def confirm_destination(self, current):
        """Before changing a backup found by its listed destination: the name checked against every destination
        (a name several destinations share fails closed, as it does at create)."""
        if self.destination_confirmed:
            return
        found = self.find_destination()
        self.destination_confirmed = True
        if found is not None and found["destinationId"] != current["destinationId"]:
            raise error("destination", "%r is destination %s, but the backup with prefix %r of %s goes to destination "
                                       "%s" % (self.params["destination"], found["destinationId"],
                                               self.params["prefix"], self.parent_label, current["destinationId"]))

    def find_destination(self):
        """The destination, from destination.all: read before any run or listing, so that the client knows its
        secret key (Dokploy quotes it in their errors and logs) and removes it from every message."""
        ref = self.params["destination"]
        if self.params["state"] == "absent":
            return pick(self.organization_list("destination"), ref, "destinationId", "destination", "destination")
        return self.referenced("destination", ref, "destination")

    def children(self):
        id_field = SERVICE_KINDS[self.parent_kind][1]
        self.service = self.client.query_object("%s.one" % self.parent_kind, **{id_field: self.parent_id})
        return [b for b in self.service.get("backups") or [] if b.get(id_field) == self.parent_id]

    def read(self, object_id):
        found = [b for b in self.children() if b.get(self.id_field) == object_id]
        if not found:
            raise DokployError("backup %s no longer exists on %s" % (object_id, self.parent_label), status=404,
                               code="NOT_FOUND")
        return found[0]

    # -- what is wanted ----------------------------------------------------------

    def desired(self):
        params = self.params
        values = super(Backup, self).desired()
        values.pop("destinationId", None)
        if self.destination is not None:
            values["destinationId"] = self.destination["destinationId"]
        values["serviceName"] = params["service_name"] if params["compose"] else None
        values["databaseType"] = params["database_type"]
        if params["compose"] and (params["database_user"] is not None or params["database_password"] is not None):
            engine = params["database_type"]
            login = dict(((self.current or {}).get("metadata") or {}).get(engine) or {})
            needs_user, needs_password, password_key = COMPOSE_LOGIN[engine]
            if params["database_user"] is not None:
                login["databaseUser"] = params["database_user"]
            if params["database_password"] is not None:
                login[password_key] = params["database_password"]
            values["metadata"] = {engine: login}
        return values

    def check_present(self, current, desired):
        if current is not None:
            self.confirm_destination(current)
            return
        params = self.params
        if params["compose"]:
            if params["database_name"] is None:
                raise error("database_name", "required to create a compose backup (the database to dump)")
            needs_user, needs_password, _key = COMPOSE_LOGIN[params["database_type"]]
            if needs_user and params["database_user"] is None:
                raise error("database_user", "required to create a compose backup of %s" % params["database_type"])
            if needs_password and params["database_password"] is None:
                raise error("database_password", "required to create a compose backup of %s"
                            % params["database_type"])

    def create_body(self, desired):
        body = dict({"enabled": True}, **desired)
        if body.get("database") is None:
            own = (self.service or {}).get("databaseName")
            body["database"] = "iku.db" if self.parent_kind == "libsql" else own
        if self.params["compose"]:
            body.update(backupType="compose", composeId=self.parent_id)
        else:
            body.pop("serviceName", None)
            body[SERVICE_KINDS[self.parent_kind][1]] = self.parent_id
        return body

    # -- the run and the files ------------------------------------------------------

    def present(self, current):
        current = super(Backup, self).present(current)
        # The backup is stored as asked: a failing run leaves it so, and the next run of the task retries.
        self.made = []
        if self.params["run"]:
            self.run_now(current)
        if self.params["list_files"]:
            self.extra["files"] = self.files(current) if current is not None else []
        return current

    def run_now(self, current):
        self.changed = True
        if self.check_mode or current is None:
            return
        label = "backup %s of %s (prefix %s)" % (current[self.id_field], self.parent_label, current.get("prefix"))
        deployments = Deployments(self.client, "deployment.allByType", {"id": current[self.id_field], "type": "backup"},
                                  label, self.params)
        procedure = MANUAL_RUNS[self.parent_kind]
        self.extra.update(deployments.run(lambda: self.write(procedure, {self.id_field: current[self.id_field]})))

    def files(self, current):
        folder = self.service["appName"]
        if current.get("serviceName") and self.parent_kind == "compose":
            folder = "%s_%s" % (folder, current["serviceName"])
        prefix = current.get("prefix", "").strip().strip("/")
        search = "%s/%s/" % (folder, prefix) if prefix else "%s/" % folder
        query = dict(destinationId=current["destinationId"], search=search)
        if self.service.get("serverId"):
            query["serverId"] = self.service["serverId"]
        try:
            listed = self.client.query_list("backup.listBackupFiles", **query)
        except DokployError as exc:
            raise DokployError("option list_files: Dokploy could not list %s in destination %r: %s"
                               % (search, self.destination.get("name"), exc.message), status=exc.status,
                               code=exc.code, procedure=exc.procedure)
        return sorted([dict(path=f.get("Path"), name=f.get("Name"), size=f.get("Size"), is_dir=bool(f.get("IsDir")))
                       for f in listed], key=lambda f: f["path"] or "")


def main():
    spec = dict(
        project=dict(type="str", required=True),
        environment=dict(type="str"),
        database=dict(type="str"),
        compose=dict(type="str"),
        service_name=dict(type="str"),
        database_type=dict(type="str", required=True, choices=list(ENGINES)),
        destination=dict(type="str", required=True),
        prefix=dict(type="str", required=True),
        schedule=dict(type="str"),
        database_name=dict(type="str"),
        database_user=dict(type="str"),
        database_password=dict(type="str", no_log=True),
        keep_latest=dict(type="int"),
        enabled=dict(type="bool"),
        state=dict(type="str", choices=["present", "absent"], default="present"),
        run=dict(type="bool", default=False),
        list_files=dict(type="bool", default=False),
        **wait_argument_spec()
    )
    dokploy = DokployModule(argument_spec=spec, supports_check_mode=True,
                            required_one_of=[("database", "compose")], mutually_exclusive=[("database", "compose")])
    dokploy.run(Backup(dokploy).run)


if __name__ == "__main__":
    main()
