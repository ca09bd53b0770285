#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) community.dokploy contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: dokploy_volume_backup
short_description: Scheduled backups of a Docker volume of a Dokploy application or compose stack
version_added: 0.1.0
author:
  - community.dokploy maintainers (@community-dokploy)
description:
  - Makes sure a Docker volume of an application (O(app)) or of a compose stack (O(compose)) is archived (C(tar)) on
    a schedule to an S3 destination, or is not.
  - A volume backup is identified by O(name) within its service.
  - With O(run=true) the backup also runs now, and the task waits for its deployment and fails with its last log lines
    when it fails.
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
  app:
    description:
      - Name or id of the application whose volume is backed up. Exactly one of O(app) and O(compose) is required.
    type: str
  compose:
    description:
      - Name or id of the compose stack whose volume is backed up.
    type: str
  service_name:
    description:
      - The service of the compose file that uses the volume (the one O(turn_off) stops). Required with O(compose).
    type: str
  name:
    description:
      - Name of the volume backup, its identity within the service.
    type: str
    required: true
  volume_name:
    description:
      - The Docker volume archived, as Docker names it (letters, digits, C(_), C(.), C(-), starting with a letter or
        digit; checked before sending). For a compose stack, Docker prefixes the volumes the compose file declares
        with the stack's project name. Dokploy does not check that the volume exists; a name no container uses gives
        an empty archive. Required to create the volume backup.
    type: str
  prefix:
    description:
      - Folder of the bucket the archives go to, under a folder named after the service (C(<appName>/<prefix>/), for
        compose C(<appName>_<service_name>/<prefix>/)). V("") puts them in the service's folder. Required to create
        the volume backup.
    type: str
  schedule:
    description:
      - When the backup runs, as a five-field cron expression (minute hour day-of-month month day-of-week), for
        example V(0 3 * * *). Checked before sending, since Dokploy stores any text and then never runs a schedule it
        cannot parse. Required to create the volume backup.
    type: str
  destination:
    description:
      - Name or id of the S3 destination (see M(community.dokploy.dokploy_destination)). When several destinations
        share the name, the task fails listing their ids. Required to create the volume backup.
    type: str
  keep_latest:
    description:
      - How many of the newest archives Dokploy keeps in the destination after each run (older ones are deleted).
        At least V(1). Without it at create, Dokploy keeps every archive.
    type: int
  enabled:
    description:
      - Whether the schedule runs. A new volume backup is enabled unless V(false) is given.
    type: bool
  turn_off:
    description:
      - Stop the service while its volume is archived (a consistent copy of a database's files, at the cost of a
        short downtime), and start it again afterwards. Dokploy's default at create is V(false).
    type: bool
  state:
    description:
      - V(present) creates or updates the volume backup, V(absent) removes it (the archives already in the bucket
        stay).
    type: str
    choices: [present, absent]
    default: present
  run:
    description:
      - Run the backup now (after creating or updating it) and wait for its deployment. It is an action, so the task
        reports changed each time. A failed run fails the task with the deployment's last log lines (secrets
        removed); the volume backup stays as configured.
      - In check mode nothing runs; the task reports changed.
    type: bool
    default: false
extends_documentation_fragment:
  - community.dokploy.deployment
  - community.dokploy.connection
  - community.dokploy.attributes
  - community.dokploy.attributes.ACTIONGROUP_DOKPLOY
notes:
  - Removing a destination removes its volume backups with it (see M(community.dokploy.dokploy_destination)).
"""

EXAMPLES = r"""
- name: Archive the uploads volume every night, keep a week, and check it works now
  community.dokploy.dokploy_volume_backup:
    project: acme
    app: web
    name: uploads
    volume_name: acme-uploads
    prefix: uploads
    schedule: "0 2 * * *"
    destination: r2-backups
    keep_latest: 7
    run: true

- name: The data volume of a compose service, stopped during the copy
  community.dokploy.dokploy_volume_backup:
    project: acme
    compose: shop
    service_name: db
    name: db-files
    volume_name: shop_db-data
    prefix: db-files
    schedule: "30 4 * * 0"
    destination: r2-backups
    turn_off: true

- name: Remove it
  community.dokploy.dokploy_volume_backup:
    project: acme
    compose: shop
    service_name: db
    name: db-files
    state: absent
"""

RETURN = r"""
volume_backup:
  description: The volume backup as its service lists it; empty when absent or in check mode before creation.
  returned: always
  type: dict
  sample: {volumeBackupId: 6Putk0XK7ddI71Y9P31vt, name: uploads, volumeName: acme-uploads, prefix: uploads,
           serviceType: application, cronExpression: "0 2 * * *", keepLatestCount: 7, enabled: true, turnOff: false,
           applicationId: wjW1-FmEYIxWjns-6DYBl, destinationId: 69SBNb6Dh_hgx17PPbKrQ}
id:
  description: The volume backup's id; null when it does not exist (yet).
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
"""

import re

from ansible_collections.community.dokploy.plugins.module_utils._base import DokployModule
from ansible_collections.community.dokploy.plugins.module_utils._child import Child
from ansible_collections.community.dokploy.plugins.module_utils._client import DokployError
from ansible_collections.community.dokploy.plugins.module_utils._deployments import (
    Deployments,
    check_wait_options,
    wait_argument_spec,
)
from ansible_collections.community.dokploy.plugins.module_utils._resource import Field
from ansible_collections.community.dokploy.plugins.module_utils._tree import SERVICE_KINDS
from ansible_collections.community.dokploy.plugins.module_utils._validate import check_cron, check_range, error

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


def check_keep_latest(value, option):
    check_range(value, option, minimum=1)
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


def main():
    spec = dict(
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
    dokploy = DokployModule(argument_spec=spec, supports_check_mode=True,
                            required_one_of=[("app", "compose")], mutually_exclusive=[("app", "compose")])
    dokploy.run(VolumeBackup(dokploy).run)


if __name__ == "__main__":
    main()
