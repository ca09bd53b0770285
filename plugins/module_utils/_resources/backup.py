# -*- coding: utf-8 -*-
# Copyright (c) community.dokploy contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The database backup resource of dokploy_backup: its fields, writers, checks and the module's options.

Imported by dokploy_backup and by the modules that converge several objects at once, which validate
an entry against exactly the options of the single module.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

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


def argument_spec():
    """The options of dokploy_backup."""
    return dict(
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


MODULE_RULES = dict(required_one_of=[("database", "compose")], mutually_exclusive=[("database", "compose")])
