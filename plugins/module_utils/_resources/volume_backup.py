# -*- coding: utf-8 -*-
# Copyright (c) community.dokploy contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The volume backup resource of dokploy_volume_backup: its fields, writers, checks and the module's options.

Imported by dokploy_volume_backup and by the modules that converge several objects at once, which validate
an entry against exactly the options of the single module.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.community.dokploy.plugins.module_utils._child import Child
from ansible_collections.community.dokploy.plugins.module_utils._client import DokployError
from ansible_collections.community.dokploy.plugins.module_utils._deployments import (
    Deployments,
    check_wait_options,
    wait_argument_spec,
)
from ansible_collections.community.dokploy.plugins.module_utils._resource import Field
from ansible_collections.community.dokploy.plugins.module_utils._resources.backup import check_keep_latest
from ansible_collections.community.dokploy.plugins.module_utils._tree import SERVICE_KINDS
from ansible_collections.community.dokploy.plugins.module_utils._validate import check_cron, error

# Docker's rule for volume names, which Dokploy checks (VOLUME_NAME_REGEX).
VOLUME_NAME = re.compile(r"^[a-zA-Z0-9][a-zA-Z0-9_.-]*$")
# volumeBackups.update requires these (a missing one is a 400): the untouched ones are sent as read.
UPDATE_FIELDS = ("name", "volumeName", "prefix", "cronExpression", "destinationId")


def check_volume_name(value, option):
    if not VOLUME_NAME.match(value):
        raise error(option, "%r is not a Docker volume name (letters, digits, _ . -, starting with a letter or digit)"
                    % value)
    return value


def check_prefix(value, option):
    if "\n" in value or "\r" in value:
        raise error(option, "%r must not contain line breaks" % value)
    return value


class VolumeBackup(Child):
    kind = "volume backup"
    result_key = "volume_backup"
    id_field = "volumeBackupId"
    read_procedure = None  # read from the service's list (see read)
    create_procedure = "volumeBackups.create"
    delete_procedure = "volumeBackups.delete"
    writers = {"update": ("volumeBackups.update", UPDATE_FIELDS)}
    parents = ("app", "compose")
    identity_fields = ("name",)
    required_to_create = ("volume_name", "prefix", "schedule", "destination")
    fields = (
        Field("name", "name"),
        Field("volume_name", "volumeName", to_api=check_volume_name),
        Field("prefix", "prefix", to_api=check_prefix),
        Field("schedule", "cronExpression", to_api=check_cron),
        Field("destination", "destinationId", to_api=lambda value, option: value),
        Field("keep_latest", "keepLatestCount", to_api=check_keep_latest),
        Field("enabled", "enabled"),
        Field("turn_off", "turnOff"),
        Field("service_name", "serviceName"),
    )

    def __init__(self, dokploy):
        super(VolumeBackup, self).__init__(dokploy)
        self.destination = None

    def validate(self):
        params = self.params
        if params["compose"] and not params["service_name"]:
            raise error("service_name", "required with compose (the service of the compose file that uses the volume)")
        if params["app"] and params["service_name"] is not None:
            raise error("service_name", "only used with compose")
        if params["state"] == "absent" and params["run"]:
            raise error("run", "cannot be used with state: absent")
        check_wait_options(params)
        for field in self.fields:
            value = params.get(field.option)
            if value is not None and field.to_api:
                field.to_api(value, field.option)

    def find(self):
        if self.params["state"] == "present" and self.params["destination"] is not None:
            # Read before any run: the client then knows the destination's secret key and removes it from every
            # message and log (Dokploy's rclone errors quote it). An unknown one is an error naming the option.
            self.destination = self.referenced("destination", self.params["destination"], "destination")
        return super(VolumeBackup, self).find()

    def children(self):
        return self.client.query_list("volumeBackups.list", id=self.parent_id, volumeBackupType=self.parent_kind)

    def read(self, object_id):
        found = [b for b in self.children() if b.get(self.id_field) == object_id]
        if not found:
            raise DokployError("volume backup %s no longer exists on %s" % (object_id, self.parent_label),
                               status=404, code="NOT_FOUND")
        return found[0]

    def desired(self):
        values = super(VolumeBackup, self).desired()
        values.pop("destinationId", None)
        if self.destination is not None:
            values["destinationId"] = self.destination["destinationId"]
        return values

    def create_body(self, desired):
        body = dict({"enabled": True}, **desired)
        body.update(serviceType=self.parent_kind)
        body[SERVICE_KINDS[self.parent_kind][1]] = self.parent_id
        return body

    def present(self, current):
        current = super(VolumeBackup, self).present(current)
        # The volume backup is stored as asked: a failing run leaves it so, and the next run of the task retries.
        self.made = []
        if self.params["run"]:
            self.changed = True
            if not self.check_mode and current is not None:
                self.run_now(current)
        return current

    def run_now(self, current):
        backup_id = current[self.id_field]
        label = "volume backup %s of %s" % (current.get("name"), self.parent_label)
        deployments = Deployments(self.client, "deployment.allByType", {"id": backup_id, "type": "volumeBackup"},
                                  label, self.params)

        def send():
            answer = self.write("volumeBackups.runManually", {self.id_field: backup_id})
            if answer is False:
                # Dokploy answers false when the run failed before its deployment could tell why.
                raise DokployError("Dokploy could not run %s (volumeBackups.runManually answered false; see "
                                   "Dokploy's server log)" % label)
            return answer

        self.extra.update(deployments.run(send))


def argument_spec():
    """The options of dokploy_volume_backup."""
    return dict(
        project=dict(type="str", required=True),
        environment=dict(type="str"),
        app=dict(type="str"),
        compose=dict(type="str"),
        service_name=dict(type="str"),
        name=dict(type="str", required=True),
        volume_name=dict(type="str"),
        prefix=dict(type="str"),
        schedule=dict(type="str"),
        destination=dict(type="str"),
        keep_latest=dict(type="int"),
        enabled=dict(type="bool"),
        turn_off=dict(type="bool"),
        state=dict(type="str", choices=["present", "absent"], default="present"),
        run=dict(type="bool", default=False),
        **wait_argument_spec()
    )


MODULE_RULES = dict(required_one_of=[("app", "compose")], mutually_exclusive=[("app", "compose")])
