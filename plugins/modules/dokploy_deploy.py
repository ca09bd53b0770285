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
extends_documentation_fragment:
  - community.dokploy.deployment
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

from ansible_collections.community.dokploy.plugins.module_utils._base import DokployModule
from ansible_collections.community.dokploy.plugins.module_utils._client import DokployError
from ansible_collections.community.dokploy.plugins.module_utils._deployments import (
    Deployments,
    check_wait_options,
    wait_argument_spec,
)
from ansible_collections.community.dokploy.plugins.module_utils._resource import Resource
from ansible_collections.community.dokploy.plugins.module_utils._tree import DATABASE_KINDS, SERVICE_KINDS

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
        check_wait_options(params)
        self.id_field = SERVICE_KINDS[self.kind][1]

    def find(self):
        return self.named_service(self.environment())[1]

    def run(self):
        self.check_input()
        service = self.find()
        action = self.params["action"]
        option = "app" if self.params["app"] else "compose" if self.params["compose"] else "database"
        label = "%s %s" % (self.kind, service.get("name") if service else self.params[option])
        result = dict(changed=True, deployment={}, elapsed=0, progress=[], status=None,
                      msg="%s %s" % ("would " + action if self.check_mode else action, label))
        result.update(self.extra)
        if self.check_mode:
            return result
        service_id = service[self.id_field]
        body = {self.id_field: service_id}
        procedure = "%s.%s" % (self.kind, action)
        if action in ("deploy", "redeploy") and self.kind in DEPLOYMENT_LISTS:
            for option in ("title", "description"):
                if self.params[option] is not None:
                    body[option] = self.params[option]
            list_procedure, parameter = DEPLOYMENT_LISTS[self.kind]
            # The log may echo the service's env values: read it first, so they are removed from the log.
            deployments = Deployments(self.client, list_procedure, {parameter: service_id}, label, self.params,
                                      before_log=lambda: self.read(service_id))
            known = deployments.ids()
            if self.params["wait"]:
                deployments.trigger(lambda: self.write(procedure, body), known)
                result.update(deployments.follow(known))
            else:
                self.write(procedure, body)  # a lost answer: an error saying the trigger may have been applied
        else:
            if action == "reload":
                # <kind>.reload requires the service's appName besides its id.
                body["appName"] = service.get("appName") or self.read(service_id)["appName"]
            try:
                self.write(procedure, body)
            except DokployError as exc:
                if exc.status != 500:
                    raise
                # A database (or start/reload) fails inside the call: v0.30.2 with Docker's error, v0.30.5 and
                # later also when the service does not converge within 45 s. Say which service and its status.
                status = self.read(service_id).get(SERVICE_KINDS[self.kind][2])
                raise DokployError("%s failed to %s (status %s): %s" % (label, action, status, exc.message),
                                   status=exc.status, code=exc.code, procedure=exc.procedure)
        result["status"] = self.read(service_id).get(SERVICE_KINDS[self.kind][2])
        return result

    def read(self, object_id):
        return self.client.query("%s.one" % self.kind, **{self.id_field: object_id})


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
            **wait_argument_spec()
        ),
        required_one_of=[("app", "compose", "database")],
        mutually_exclusive=[("app", "compose", "database")],
        required_by={"database": "database_type"},
        supports_check_mode=True,
    )
    dokploy.run(Deploy(dokploy).run)


if __name__ == "__main__":
    main()
