#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) community.dokploy contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: dokploy_deploy
short_description: Deploy, redeploy, start, stop or reload a Dokploy service and wait for the new deployment
version_added: 0.1.0
author:
  - community.dokploy maintainers (@community-dokploy)
description:
  - Triggers an action on an application, a compose stack or a database.
  - Dokploy's deploy calls only queue a job and answer without a deployment id. With O(wait=true) the module lists
    the service's deployments before triggering and then follows B(the new deployment), the one that was not in the
    first list, until it is C(done), C(error) or C(cancelled). So it never reports the result of an earlier deploy.
  - A failed or timed-out deployment fails the task with the deployment's id, status, elapsed time and the last
    lines of its log (O(log_lines)), with the service's env values blanked out.
  - It is an action, so it always reports C(changed) when it triggers. Call it from a handler to deploy only when
    a configuring task changed something (see the examples).
  - A database deploys synchronously; Dokploy keeps no deployment list for databases. A failed database deploy
    fails the task with the database's status and Dokploy's reason. Dokploy v0.30.5 and later wait up to 45 s for
    the database's service to start and fail the deploy when it does not; earlier releases report success as soon
    as the service is created.
options:
  action:
    description:
      - V(deploy) builds and starts the service, V(redeploy) does it again from the same source, V(start), V(stop)
        and V(reload) act on the running service.
      - V(redeploy) is for applications and compose stacks; V(reload) for applications and databases.
    type: str
    choices: [deploy, redeploy, start, stop, reload]
    default: deploy
  title:
    description:
      - Title of the deployment, shown in Dokploy's deployment list (applications and compose stacks).
    type: str
  description:
    description:
      - Description of the deployment.
    type: str
  wait:
    description:
      - Wait until the new deployment ends. Only for V(deploy) and V(redeploy) of applications and compose stacks.
    type: bool
    default: true
  wait_timeout:
    description:
      - Seconds to wait for the new deployment to end.
    type: int
    default: 600
  poll_interval:
    description:
      - Seconds between two looks at the deployment list while waiting.
    type: float
    default: 3
  log_lines:
    description:
      - How many of the last log lines to return when the deployment fails, at most V(10000).
    type: int
    default: 50
extends_documentation_fragment:
  - community.dokploy.placement
  - community.dokploy.placement.SERVICE
  - community.dokploy.connection
  - community.dokploy.attributes.ACTIONGROUP_DOKPLOY
attributes:
  check_mode:
    description: Can run in check_mode and return changed status prediction without modifying target.
    support: full
    details:
      - Reports what it would trigger, and triggers nothing.
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check_mode), when in diff mode.
    support: none
  idempotent:
    description:
      - When run twice in a row outside check mode, with the same arguments, the second invocation indicates no change.
    support: none
    details:
      - Triggering is an action; use it from a handler or with C(when) to deploy only after a change.
"""

EXAMPLES = r"""
# The idiomatic pattern: configure, and deploy from a handler only when something changed.
- name: Converge and ship the web application
  hosts: localhost
  gather_facts: false
  tasks:
    - name: The application's image
      community.dokploy.dokploy_app:
        project: acme
        name: web
        docker_image: "ghcr.io/acme/web:{{ release }}"
      notify: Deploy web

    - name: Its env vars
      community.dokploy.dokploy_env:
        project: acme
        app: web
        vars:
          RELEASE: "{{ release }}"
      notify: Deploy web

  handlers:
    - name: Deploy web
      community.dokploy.dokploy_deploy:
        project: acme
        app: web
        title: "Release {{ release }}"

# Inside a loop over clients a handler would run once, with the last client's variables:
# register the configuring tasks and deploy with `when` instead.
- name: Deploy when the app or its env changed
  community.dokploy.dokploy_deploy:
    project: "{{ client }}"
    app: web
  when: app is changed or env is changed

- name: Stop a compose stack
  community.dokploy.dokploy_deploy:
    project: acme
    compose: stack
    action: stop
"""

RETURN = r"""
deployment:
  description: The deployment this run started and followed; empty for databases, for V(start), V(stop), V(reload),
    with O(wait=false), and in check mode.
  returned: always
  type: dict
  contains:
    id:
      description: The deployment's id.
      type: str
    status:
      description: C(running), C(done), C(error) or C(cancelled).
      type: str
    title:
      description: The deployment's title.
      type: str
    started_at:
      description: When the deployment started.
      type: str
    finished_at:
      description: When it ended.
      type: str
    log_tail:
      description: The last O(log_lines) lines of its log, when it failed.
      type: list
      elements: str
status:
  description: The service's status after the action (C(applicationStatus), C(composeStatus)).
  returned: always
  type: str
elapsed:
  description: Seconds spent waiting for the deployment.
  returned: always
  type: int
progress:
  description: What the module saw while waiting, one line per change of status, with the elapsed seconds.
  returned: always
  type: list
  elements: str
"""

import time

from ansible_collections.community.dokploy.plugins.module_utils._base import DokployModule
from ansible_collections.community.dokploy.plugins.module_utils._client import DokployError, WriteOutcomeUnknown
from ansible_collections.community.dokploy.plugins.module_utils._resource import Resource
from ansible_collections.community.dokploy.plugins.module_utils._tree import DATABASE_KINDS, SERVICE_KINDS
from ansible_collections.community.dokploy.plugins.module_utils._validate import (
    check_positive,
    check_range,
)

TERMINAL = ("done", "error", "cancelled")
# How often a trigger whose answer was lost is sent again after no deployment showed up.
TRIGGER_ATTEMPTS = 3
# Service kind -> the procedure listing its deployments and its id parameter.
DEPLOYMENT_LISTS = {"application": ("deployment.all", "applicationId"),
                    "compose": ("deployment.allByCompose", "composeId")}
ACTIONS = {
    "application": ("deploy", "redeploy", "start", "stop", "reload"),
    "compose": ("deploy", "redeploy", "start", "stop"),
}


class Deploy(Resource):

    def validate(self):
        params = self.params
        self.kind = "application" if params["app"] else "compose" if params["compose"] else params["database_type"]
        allowed = ACTIONS.get(self.kind, ("deploy", "start", "stop", "reload"))
        if params["action"] not in allowed:
            raise DokployError("option action: a %s cannot %s; choose one of %s"
                               % (self.kind, params["action"], ", ".join(allowed)))
        for option in ("wait_timeout", "poll_interval", "log_lines"):
            check_positive(params[option], option)
        # Dokploy reads at most 10000 lines of a deployment's log.
        check_range(params["log_lines"], "log_lines", maximum=10000)
        self.id_field = SERVICE_KINDS[self.kind][1]

    def find(self):
        return self.named_service(self.environment())[1]

    def run(self):
        self.check_input()
        service = self.find()
        action = self.params["action"]
        option = "app" if self.params["app"] else "compose" if self.params["compose"] else "database"
        self.label = "%s %s" % (self.kind, service.get("name") if service else self.params[option])
        result = dict(changed=True, deployment={}, elapsed=0, progress=[], status=None,
                      msg="%s %s" % ("would " + action if self.check_mode else action, self.label))
        result.update(self.extra)
        if self.check_mode:
            return result
        service_id = self.service_id = service[self.id_field]
        body = {self.id_field: service_id}
        follow = action in ("deploy", "redeploy") and self.kind in DEPLOYMENT_LISTS
        known = set()
        if follow:
            for option in ("title", "description"):
                if self.params[option] is not None:
                    body[option] = self.params[option]
            known = set(d["deploymentId"] for d in self.deployments(service_id))
        try:
            self.trigger("%s.%s" % (self.kind, action), body, follow and self.params["wait"], known)
        except DokployError as exc:
            if follow or exc.status != 500:
                raise
            # A database (or start/reload) fails inside the call: v0.30.2 with Docker's error, v0.30.5 and
            # later also when the service does not converge within 45 s. Say which service and its status.
            status = self.read(service_id).get(SERVICE_KINDS[self.kind][2])
            raise DokployError("%s failed to %s (status %s): %s" % (self.label, action, status, exc.message),
                               status=exc.status, code=exc.code, procedure=exc.procedure)
        if follow and self.params["wait"]:
            result.update(self.follow(service_id, known))
        result["status"] = self.read(service_id).get(SERVICE_KINDS[self.kind][2])
        return result

    def trigger(self, procedure, body, can_check, known):
        """Send the trigger once in effect: when its answer is lost, resend only if no new deployment shows up.

        Without a deployment list to look at (databases, start/stop, wait: false) a lost answer is an error
        saying the trigger may have been applied.
        """
        attempt = 0
        while True:
            try:
                return self.write(procedure, body)
            except WriteOutcomeUnknown:
                if not can_check:
                    raise
                if self.landed(self.service_id, known):
                    return None  # it landed: the deployment it queued is followed
                attempt += 1
                if attempt == TRIGGER_ATTEMPTS:
                    raise

    def landed(self, service_id, known, wait=10):
        """Whether a deployment this run may have queued shows up within ``wait`` seconds."""
        deadline = time.time() + wait
        while True:
            try:
                if any(d["deploymentId"] not in known for d in self.deployments(service_id)):
                    return True
            except DokployError:
                pass
            if time.time() >= deadline:
                return False
            time.sleep(min(1.0, self.params["poll_interval"]))

    def read(self, object_id):
        return self.client.query("%s.one" % self.kind, **{self.id_field: object_id})

    def deployments(self, service_id):
        procedure, parameter = DEPLOYMENT_LISTS[self.kind]
        return self.client.query(procedure, **{parameter: service_id}) or []

    def follow(self, service_id, known):
        """Poll until the deployment that was not there before ends; fail on error or timeout."""
        started = time.time()
        progress, seen = [], None
        deadline = started + self.params["wait_timeout"]
        while True:
            new = [d for d in self.deployments(service_id) if d["deploymentId"] not in known]
            # The newest first, as Dokploy lists them; take the oldest new one, which this run queued.
            deployment = new[-1] if new else None
            status = deployment["status"] if deployment else "queued"
            elapsed = int(time.time() - started)
            if status != seen:
                progress.append("%ds %s" % (elapsed, status))
                seen = status
            if status in TERMINAL:
                break
            if time.time() >= deadline:
                self.fail_deployment(deployment, status, elapsed, progress, timed_out=True)
            time.sleep(max(0.0, min(self.params["poll_interval"], deadline - time.time())))
        if status != "done":
            self.fail_deployment(deployment, status, elapsed, progress)
        return dict(deployment=describe(deployment), elapsed=elapsed, progress=progress)

    def fail_deployment(self, deployment, status, elapsed, progress, timed_out=False):
        info = describe(deployment) if deployment else {}
        if deployment:
            info["log_tail"] = self.log_tail(deployment["deploymentId"])
        if timed_out:
            what = ("deployment %s of %s is still %s" % (info["id"], self.label, status) if deployment
                    else "no new deployment of %s started" % self.label)
            message = "%s after %ds (wait_timeout)" % (what, elapsed)
        else:
            message = "deployment %s of %s ended in %s after %ds" % (info["id"], self.label, status, elapsed)
        if info.get("log_tail"):
            message += "; last log lines: " + " | ".join(info["log_tail"][-5:])
        self.dokploy.module.fail_json(msg=message, deployment=info, elapsed=elapsed, progress=progress,
                                      changed=True)  # redacted there, like every message

    def log_tail(self, deployment_id):
        # Read first, so that the client knows the service's env values: a build log may echo them, and
        # every message leaving the module is redacted of every secret the client has seen.
        self.read(self.service_id)
        try:
            text = self.client.query("deployment.readLogs", deploymentId=deployment_id,
                                     tail=self.params["log_lines"]) or ""
        except DokployError as exc:
            return ["(the log could not be read: %s)" % exc]
        return self.client.redact(str(text)).splitlines()[-self.params["log_lines"]:]


def describe(deployment):
    if not deployment:
        return {}
    return {"id": deployment.get("deploymentId"), "status": deployment.get("status"),
            "title": deployment.get("title"), "started_at": deployment.get("startedAt"),
            "finished_at": deployment.get("finishedAt")}


def main():
    dokploy = DokployModule(
        argument_spec=dict(
            project=dict(type="str", required=True),
            environment=dict(type="str"),
            app=dict(type="str"),
            compose=dict(type="str"),
            database=dict(type="str"),
            database_type=dict(type="str", choices=list(DATABASE_KINDS)),
            action=dict(type="str", choices=["deploy", "redeploy", "start", "stop", "reload"], default="deploy"),
            title=dict(type="str"),
            description=dict(type="str"),
            wait=dict(type="bool", default=True),
            wait_timeout=dict(type="int", default=600),
            poll_interval=dict(type="float", default=3),
            log_lines=dict(type="int", default=50),
        ),
        required_one_of=[("app", "compose", "database")],
        mutually_exclusive=[("app", "compose", "database")],
        required_by={"database": "database_type"},
        supports_check_mode=True,
    )
    dokploy.run(Deploy(dokploy).run)


if __name__ == "__main__":
    main()
