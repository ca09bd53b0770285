#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) community.dokploy contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: dokploy_schedule
short_description: Run a command in a Dokploy service, or a script on a host, on a cron schedule
version_added: 0.1.0
author:
  - community.dokploy maintainers (@community-dokploy)
description:
  - Makes sure a Dokploy schedule exists with the given settings, or does not.
  - A schedule runs O(command) inside the container of an application (O(app)) or of one service of a compose stack
    (O(compose) and O(service_name)), or O(script) as root on a host, a remote server (O(server)) or the Dokploy
    host itself (O(type=dokploy-server)).
  - A schedule is identified by O(name) within its target (the application, the compose stack, the server, or the
    Dokploy host). Names are not unique in Dokploy; when several schedules of the target share the name, the task
    fails listing their ids, and the id may be given as O(name) instead.
  - With O(run=true) the schedule also runs once now, and the task waits for the run's deployment and fails with the
    last lines of its log when the run fails.
  - For a O(server) schedule Dokploy writes the script on the server over SSH when it creates or changes the
    schedule. When that fails, Dokploy has already stored the schedule; the task fails and removes that schedule
    again, so that nothing half-made is left. A change whose SSH step fails stays stored in Dokploy while the server
    keeps the old script, and the next run of the task sees no difference; once the server answers, remove the
    schedule and create it again.
options:
  name:
    description:
      - Name of the schedule, its identity within its target; or its id.
    type: str
    required: true
  type:
    description:
      - What the schedule runs on. Follows from the target, so it can be left out, except for V(dokploy-server),
        which has no target and must be written out (a script that runs as root on the Dokploy host itself).
      - V(application) with O(app), V(compose) with O(compose), V(server) with O(server). A type that contradicts
        the target fails before anything is changed.
    type: str
    choices: [application, compose, server, dokploy-server]
  project:
    description:
      - Name or id of the project of O(app) or O(compose). Required with them, and only used with them.
      - Project names are not unique in Dokploy; when several projects have the name, the task fails listing their
        ids.
    type: str
  environment:
    description:
      - Name or id of the environment of O(app) or O(compose). Defaults to the project's default environment.
    type: str
  app:
    description:
      - Name or id of the application whose container runs O(command). At most one of O(app), O(compose) and
        O(server).
    type: str
  compose:
    description:
      - Name or id of the compose stack one of whose services runs O(command). Needs O(service_name) to create the
        schedule.
    type: str
  service_name:
    description:
      - The service of the compose stack (as named in its compose file) whose container runs O(command). Only with
        O(compose).
    type: str
  server:
    description:
      - Name or id of the remote server (as M(community.dokploy.dokploy_server) registers it) that runs O(script).
      - Server names are not unique in Dokploy; when several servers have the name, the task fails listing their
        ids. A server that does not exist is an error; in check mode, it is taken as one an earlier task of the play
        would create.
    type: str
  schedule:
    description:
      - When the schedule runs, as a cron expression of five fields (minute hour day-of-month month day-of-week),
        for example V(0 3 * * *) for 03:00 every day. Required to create the schedule.
      - Checked before anything is sent, since Dokploy stores any text and then never runs a schedule whose
        expression its scheduler cannot read.
    type: str
  timezone:
    description:
      - IANA time zone O(schedule) is read in, for example V(Europe/Berlin). Dokploy uses V(UTC) when it is not set.
      - Checked before anything is sent (against the time zone database of the host the module runs on, when it has
        one), since Dokploy stores any text and its scheduler then never runs the schedule.
    type: str
  command:
    description:
      - The command run inside the container with O(shell_type) (C(<shell> -c <command>)). Only for applications
        and compose stacks; required to create their schedules.
    type: str
  script:
    description:
      - The script a O(server) or V(dokploy-server) schedule runs on its host (as root). Only for those types;
        required to create their schedules.
    type: str
  shell_type:
    description:
      - The shell that runs O(command) inside the container. Dokploy uses V(bash) when it is not set; images without
        bash (Alpine) need V(sh).
    type: str
    choices: [bash, sh]
  description:
    description:
      - A description of the schedule.
    type: str
  enabled:
    description:
      - Whether the schedule runs on O(schedule). Dokploy enables a new schedule when it is not set. A disabled
        schedule can still be run with O(run=true).
    type: bool
  run:
    description:
      - Run the schedule once now (after creating or updating it) and wait for the run to end. The task then always
        reports a change. Not with O(state=absent).
      - A failed run fails the task with the run's deployment, its status and the last O(log_lines) lines of its log,
        with the env values of the service blanked out. A schedule this task created stays.
      - In check mode nothing runs; the result says it would run.
    type: bool
    default: false
  state:
    description:
      - V(present) creates or updates the schedule, V(absent) removes it.
      - Removing a O(server) schedule needs the server to be reachable (Dokploy removes its script there first).
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - community.dokploy.deployment
  - community.dokploy.connection
  - community.dokploy.attributes
  - community.dokploy.attributes.ACTIONGROUP_DOKPLOY
"""

EXAMPLES = r"""
- name: Clear the application's cache every night at 03:00, Berlin time
  community.dokploy.dokploy_schedule:
    project: acme
    app: web
    name: clear-cache
    schedule: "0 3 * * *"
    timezone: Europe/Berlin
    command: php artisan cache:clear
    shell_type: sh

- name: A task in the worker service of a compose stack, run once now to check it works
  community.dokploy.dokploy_schedule:
    project: acme
    compose: stack
    service_name: worker
    name: reindex
    schedule: "*/30 * * * *"
    command: ./bin/reindex
    run: true
    log_lines: 20

- name: Prune Docker on a remote server every Sunday
  community.dokploy.dokploy_schedule:
    server: edge-1
    name: docker-prune
    schedule: "0 4 * * 0"
    script: |
      docker system prune -af --filter "until=168h"

- name: A script on the Dokploy host itself, disabled for now
  community.dokploy.dokploy_schedule:
    type: dokploy-server
    name: report-disk
    schedule: "0 * * * *"
    script: df -h /
    enabled: false

- name: Remove a schedule
  community.dokploy.dokploy_schedule:
    project: acme
    app: web
    name: clear-cache
    state: absent
"""

RETURN = r"""
schedule:
  description: The schedule as Dokploy stores it (empty when it does not exist, or in check mode before it is created).
  returned: always
  type: dict
  sample:
    scheduleId: "-J3HpJpc2UvZ5mKsJz2r9"
    name: clear-cache
    cronExpression: "0 3 * * *"
    scheduleType: application
    command: php artisan cache:clear
    script: null
    shellType: sh
    applicationId: x4XnO4-LguTymO5VYRfPA
    composeId: null
    serverId: null
    serviceName: null
    enabled: true
    timezone: Europe/Berlin
    appName: schedule-parse-wireless-array-b3thxz
id:
  description: The schedule's id (C(scheduleId)).
  returned: always
  type: str
diff:
  description: The options that differ, before and after, by option name.
  returned: always
  type: dict
run:
  description: The run O(run=true) started and followed.
  returned: when O(run=true)
  type: dict
  contains:
    deployment:
      description: The run's deployment (C(id), C(status), C(title), C(started_at), C(finished_at)); empty in check
        mode.
      type: dict
    elapsed:
      description: Seconds spent waiting for the run.
      type: int
    progress:
      description: What the module saw while waiting, one line per change of status, with the elapsed seconds.
      type: list
      elements: str
missing_parent:
  description: In check mode, the project, environment, service or server that does not exist yet (an earlier task
    of the play would create it).
  returned: when a parent is missing in check mode
  type: str
"""

import re

from ansible_collections.community.dokploy.plugins.module_utils._base import DokployModule
from ansible_collections.community.dokploy.plugins.module_utils._client import DokployError, WriteOutcomeUnknown
from ansible_collections.community.dokploy.plugins.module_utils._deployments import (
    Deployments,
    check_wait_options,
    wait_argument_spec,
)
from ansible_collections.community.dokploy.plugins.module_utils._resource import Field, Resource, Vanished
from ansible_collections.community.dokploy.plugins.module_utils._tree import pick
from ansible_collections.community.dokploy.plugins.module_utils._validate import (
    check_cron,
    check_name,
    check_not_empty,
    error,
)

try:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones
except ImportError:  # Python before 3.9: only the shape of the name is checked
    ZoneInfo = None

TYPES = ("application", "compose", "server", "dokploy-server")
# The option naming the target -> the schedule type it makes.
TARGETS = (("app", "application"), ("compose", "compose"), ("server", "server"))
HOST_TYPES = ("server", "dokploy-server")
# What schedule.list and schedule.one answer beyond these (the service with its env, the server, the deployments)
# is not the schedule's.
COLUMNS = ("scheduleId", "name", "description", "cronExpression", "appName", "serviceName", "shellType",
           "scheduleType", "command", "script", "applicationId", "composeId", "serverId", "organizationId",
           "enabled", "timezone", "createdAt")
ZONE_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9_+-]+)*$")
# schedule.list needs an id for the Dokploy host's schedules too, and ignores it.
HOST_LIST_ID = "dokploy-server"


def columns(schedule):
    return dict((k, schedule.get(k)) for k in COLUMNS) if schedule else schedule


def check_timezone(value, option):
    """An IANA time zone name: Dokploy stores any text, and its scheduler then never runs the schedule."""
    if value is None:
        return value
    if not ZONE_NAME.match(value) or ".." in value:
        raise error(option, "%r is not an IANA time zone name (for example UTC or Europe/Berlin)" % value)
    if ZoneInfo is not None and available_timezones():
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError, OSError):
            raise error(option, "%r is not an IANA time zone name (for example UTC or Europe/Berlin)" % value)
    return value


class Schedule(Resource):
    kind = "schedule"
    result_key = "schedule"
    id_field = "scheduleId"
    read_procedure = "schedule.one"
    create_procedure = "schedule.create"
    delete_procedure = "schedule.delete"
    # schedule.update requires name, cronExpression and command (sent as stored); a key left out is kept.
    writers = {"update": ("schedule.update", ("name", "cronExpression", "command"))}
    fields = (
        Field("name", "name"),
        Field("schedule", "cronExpression", to_api=check_cron),
        Field("timezone", "timezone", to_api=check_timezone),
        Field("command", "command"),
        Field("script", "script"),
        Field("shell_type", "shellType"),
        Field("service_name", "serviceName"),
        Field("description", "description"),
        Field("enabled", "enabled"),
    )

    target_id = None  # the id of the application, compose stack or server, once found
    target_org = None  # the organization of the server

    @property
    def required_to_create(self):
        if self.type in HOST_TYPES:
            return ("schedule", "script")
        return ("schedule", "command") + (("service_name",) if self.type == "compose" else ())

    # -- options -------------------------------------------------------------------

    def validate(self):
        params = self.params
        self.type = self.schedule_type()
        check_name(params["service_name"], "service_name")
        check_cron(params["schedule"], "schedule")
        check_timezone(params["timezone"], "timezone")
        if self.type in HOST_TYPES:
            wrong, right = "command", "script"
        else:
            wrong, right = "script", "command"
        if params[wrong] is not None:
            raise error(wrong, "not for a %s schedule, which runs %s %s (use %s)"
                        % (self.type, right, "on its host" if right == "script" else "inside the container", right))
        check_not_empty(params[right], right)
        if params["service_name"] is not None and self.type != "compose":
            raise error("service_name", "only with compose (the service of the stack that runs the command)")
        for option in ("project", "environment"):
            if params[option] is not None and self.type in HOST_TYPES:
                raise error(option, "only with app or compose; a %s schedule has no project" % self.type)
        if self.type in ("application", "compose") and params["project"] is None:
            raise error("project", "required with %s" % ("app" if self.type == "application" else "compose"))
        if params["run"] and params["state"] == "absent":
            raise error("run", "only with state=present")
        check_wait_options(params)

    def schedule_type(self):
        """The type the target makes; ``type`` may say it again, and must for the Dokploy host."""
        params = self.params
        given = params["type"]
        named = [(option, kind) for option, kind in TARGETS if params[option] is not None]
        if len(named) > 1:
            raise error(named[1][0], "only one of app, compose and server (%s is set too)" % named[0][0])
        if named:
            option, kind = named[0]
            if given is not None and given != kind:
                raise error("type", "%s contradicts %s (a schedule of %s %r is of type %s)"
                            % (given, option, option, params[option], kind))
            return kind
        if given is None:
            raise error("type", "no app, compose or server names what the schedule runs on; set type: "
                                "dokploy-server for a script on the Dokploy host itself")
        if given != "dokploy-server":
            needed = dict((kind, option) for option, kind in TARGETS)[given]
            raise error(needed, "required with type: %s" % given)
        return given

    # -- finding it --------------------------------------------------------------------

    def find(self):
        target = self.target()
        if target is None and self.type != "dokploy-server":
            return None  # the target is missing: nothing to remove, or (check mode) an earlier task makes it
        listed = self.client.query_list("schedule.list", id=self.target_id or HOST_LIST_ID, scheduleType=self.type)
        return columns(pick(listed, self.params["name"], self.id_field, self.kind, "name"))

    def target(self):
        """The application, compose stack or server the schedule belongs to (None: missing, or the Dokploy host)."""
        params = self.params
        if self.type == "dokploy-server":
            return None
        if self.type == "server":
            if params["state"] == "absent":
                found = pick(self.organization_list("server"), params["server"], "serverId", "server", "server")
            else:
                found = self.referenced("server", params["server"], "server")
            self.target_id = found and found["serverId"]
            self.target_org = found and found.get("organizationId")
            return found
        option = "app" if self.type == "application" else "compose"
        _kind, service = self.named_service(self.environment(), (option,))
        self.target_id = service and service["applicationId" if option == "app" else "composeId"]
        return service

    def read(self, object_id):
        return columns(super(Schedule, self).read(object_id))

    # -- creating it -----------------------------------------------------------------

    def create_body(self, desired):
        body = dict(desired, scheduleType=self.type)
        if self.type in HOST_TYPES:
            body["command"] = ""  # required, and unused: a host schedule runs its script
        key = {"application": "applicationId", "compose": "composeId", "server": "serverId"}.get(self.type)
        if key:
            body[key] = self.target_id
        return body

    def create(self, on_create, desired):
        try:
            return super(Schedule, self).create(on_create, desired)
        except WriteOutcomeUnknown:
            raise
        except DokployError as exc:
            if self.type != "server":
                raise
            # Dokploy stores the schedule, then writes its script on the server over SSH: when that fails, the
            # schedule is left in Dokploy. It is removed again, so that the task leaves nothing half-made.
            raise self.remove_half_made(exc)

    def remove_half_made(self, exc):
        try:
            rows = [r for r in self.client.query_list("schedule.list", id=self.target_id, scheduleType="server")
                    if r.get("name") == self.params["name"]]
        except DokployError as listing:
            return type(exc)("%s; whether Dokploy kept a schedule %r could not be checked (%s)"
                             % (exc.message, self.params["name"], listing.message), status=exc.status,
                             code=exc.code, procedure=exc.procedure)
        removed, left = [], []
        for row in rows:
            try:
                self.remove_unreachable(row)
                removed.append(row["scheduleId"])
            except DokployError as failure:
                left.append("%s (%s)" % (row["scheduleId"], failure.message))
        message = exc.message
        if removed:
            message += ("; Dokploy had stored the schedule before the SSH step failed: this task removed it again "
                        "(%s)" % ", ".join(removed))
        if left:
            message += "; Dokploy kept the schedule, remove it by hand: %s" % ", ".join(left)
        return type(exc)(message, status=exc.status, code=exc.code, procedure=exc.procedure,
                         field_errors=exc.field_errors)

    def remove_unreachable(self, row):
        """Remove a server schedule whose server may not answer over SSH.

        schedule.delete first removes the schedule's folder on its server: with the server unreachable it fails and
        keeps the schedule. The schedule is then detached from the server (disabled, of no host, kept in the
        server's organization so that the API key still reaches it), which needs no SSH, and removed: nothing had
        been written on the server.
        """
        body = {self.id_field: row["scheduleId"]}
        try:
            self.write(self.delete_procedure, body)
            return
        except Vanished:
            return
        except DokployError:
            pass
        self.write("schedule.update", dict(body, name=row["name"], cronExpression=row["cronExpression"],
                                           command="", scheduleType="application", serverId=None, script=None,
                                           organizationId=self.target_org, enabled=False))
        self.write(self.delete_procedure, body)

    # -- running it -------------------------------------------------------------------

    def present(self, current):
        current = super(Schedule, self).present(current)
        # The schedule is as asked: a run that fails leaves it so.
        self.made = []
        if self.params["run"]:
            self.run_now(current)
        return current

    def run_now(self, current):
        self.changed = True
        if current is None or self.check_mode:
            self.extra["run"] = dict(deployment={}, elapsed=0, progress=[])
            return
        schedule_id = current[self.id_field]
        label = "schedule %r" % current.get("name")
        deployments = Deployments(self.client, "deployment.allByType", {"id": schedule_id, "type": "schedule"}, label,
                                  self.params, before_log=self.learn_service_secrets)
        # A run that cannot start (its host does not answer over SSH) still leaves an error deployment saying why.
        self.extra["run"] = deployments.run(lambda: self.write("schedule.runManually", {self.id_field: schedule_id}))

    def learn_service_secrets(self):
        """A run's log may echo the env values of the service: reading the service makes the client remove them."""
        if self.type == "application":
            self.client.query("application.one", applicationId=self.target_id)
        elif self.type == "compose":
            self.client.query("compose.one", composeId=self.target_id)


def main():
    dokploy = DokployModule(
        argument_spec=dict(
            name=dict(type="str", required=True),
            type=dict(type="str", choices=list(TYPES)),
            project=dict(type="str"),
            environment=dict(type="str"),
            app=dict(type="str"),
            compose=dict(type="str"),
            service_name=dict(type="str"),
            server=dict(type="str"),
            schedule=dict(type="str"),
            timezone=dict(type="str"),
            command=dict(type="str"),
            script=dict(type="str"),
            shell_type=dict(type="str", choices=["bash", "sh"]),
            description=dict(type="str"),
            enabled=dict(type="bool"),
            run=dict(type="bool", default=False),
            state=dict(type="str", choices=["present", "absent"], default="present"),
            **wait_argument_spec()
        ),
        supports_check_mode=True,
    )
    dokploy.run(Schedule(dokploy).run)


if __name__ == "__main__":
    main()
