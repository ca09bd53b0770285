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

from ansible_collections.community.dokploy.plugins.module_utils._base import DokployModule
from ansible_collections.community.dokploy.plugins.module_utils._resources.volume_backup import MODULE_RULES, VolumeBackup, argument_spec


def main():
    dokploy = DokployModule(argument_spec=argument_spec(), supports_check_mode=True, **MODULE_RULES)
    dokploy.run(VolumeBackup(dokploy).run)


if __name__ == "__main__":
    main()
