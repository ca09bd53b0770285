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
from ansible_collections.community.dokploy.plugins.module_utils._resources.backup import MODULE_RULES, Backup, argument_spec


def main():
    dokploy = DokployModule(argument_spec=argument_spec(), supports_check_mode=True, **MODULE_RULES)
    dokploy.run(Backup(dokploy).run)


if __name__ == "__main__":
    main()
