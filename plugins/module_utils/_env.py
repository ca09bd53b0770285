# -*- coding: utf-8 -*-
# Copyright (c) community.dokploy contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The env blob of a project, an environment or a service: where it is read and how it is saved.

Each level holds one text blob; saving replaces the whole blob, so every
change is read, merge, write (see _dotenv.py for the merge).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import random
import time

from ansible_collections.community.dokploy.plugins.module_utils._client import DokployError
from ansible_collections.community.dokploy.plugins.module_utils._resource import Resource
from ansible_collections.community.dokploy.plugins.module_utils._tree import DATABASE_KINDS

# How often a per-key change is saved again when another writer replaced the blob meanwhile.
VERIFY_ATTEMPTS = 5

# Application blob kind -> its field in application.one and application.saveEnvironment.
APP_BLOBS = {"env": "env", "build_args": "buildArgs", "build_secrets": "buildSecrets"}


def target_argument_spec():
    """Options naming the blob, shared by dokploy_env and dokploy_env_info."""
    return dict(
        project=dict(type="str", required=True),
        environment=dict(type="str"),
        app=dict(type="str"),
        compose=dict(type="str"),
        database=dict(type="str"),
        database_type=dict(type="str", choices=list(DATABASE_KINDS)),
        kind=dict(type="str", choices=sorted(APP_BLOBS), default="env"),
    )


TARGET_RULES = dict(
    mutually_exclusive=[("app", "compose", "database")],
    required_by={"database": "database_type"},
)


class EnvTarget(Resource):
    """Finds the object holding the blob; ``blob()`` reads it, ``save()`` writes it back."""

    def validate(self):
        if self.params["kind"] != "env" and not self.params["app"]:
            raise DokployError("option kind: build_args and build_secrets exist for applications only")
        if self.params["database_type"] and not self.params["database"]:
            raise DokployError("option database_type: only used with database")

    def find(self):
        """The object holding the blob, read now; None in check mode when a parent does not exist yet."""
        params = self.params
        project = self.tree.project(params["project"])
        if project is None:
            self.missing_parent("project %r" % params["project"],
                                "option project: no project is named %r or has that id" % params["project"])
            return self.not_yet()
        service_options = ("app", "compose", "database")
        if not any(params[o] for o in service_options) and params["environment"] is None:
            self.describe("project", "projectId", "project.one", "project.update", project.get("name"))
            return self.read(project["projectId"])
        environment = self.tree.environment(project, params["environment"])
        if environment is None:
            self.missing_parent("environment %r of project %r" % (params["environment"], project.get("name")),
                                "option environment: project %r has no environment named %r or with that id"
                                % (project.get("name"), params["environment"]))
            return self.not_yet()
        # state=absent removes keys here, not the service: a missing service is an error either way
        # (in check mode, an earlier task would create it).
        kind, service = self.named_service(environment, service_options, missing_ok=False)
        if kind is None:
            self.describe("environment", "environmentId", "environment.one", "environment.update",
                          environment.get("name"))
            return self.read(environment["environmentId"])
        if service is None:
            return self.not_yet()  # check mode: named_service reported the missing service
        save = {"application": "application.saveEnvironment", "compose": "compose.update"}.get(
            kind, "%s.saveEnvironment" % kind)
        self.describe(kind, "%sId" % kind, "%s.one" % kind, save, service.get("name"))
        return self.read(service[self.id_field])

    def not_yet(self):
        """In check mode, the target an earlier task would create: described from the options, no blob yet."""
        option = next((o for o in ("app", "compose", "database") if self.params[o]), None)
        if option:
            kind = {"app": "application", "compose": "compose"}.get(option) or self.params["database_type"]
            self.describe(kind, "%sId" % kind, None, None, self.params[option])
        elif self.params["environment"] is not None:
            self.describe("environment", "environmentId", None, None, self.params["environment"])
        else:
            self.describe("project", "projectId", None, None, self.params["project"])
        return None

    def describe(self, kind, id_field, read_procedure, save_procedure, name):
        self.kind, self.id_field, self.read_procedure = kind, id_field, read_procedure
        self.save_procedure = save_procedure
        self.field = APP_BLOBS[self.params["kind"]] if kind == "application" else "env"
        self.label = "%s %s" % (kind, name) if self.field == "env" else "%s of application %s" % (
            self.params["kind"], name)

    def blob(self, current):
        return (current or {}).get(self.field) or ""

    def save_merged(self, current, blob, remerge):
        """Save ``blob``, then read it back: when another writer's blob replaced ours in between, merge again.

        Forks on one machine never get here at the same time (see _lock.py); writers on other
        controllers can, and a per-key change must not silently drop their keys or ours.
        ``remerge(blob)`` applies this task's change to another blob. Returns the blob that stayed.
        """
        for attempt in range(VERIFY_ATTEMPTS):
            self.save(current, blob)
            current = self.read(current[self.id_field])
            stored = self.blob(current)
            if stored == blob:
                return stored
            again = remerge(stored)
            if again == stored:
                return stored  # the other writer's blob already holds this task's change
            blob = again
            time.sleep(random.uniform(0.05, 0.3) * (attempt + 1))
        raise DokployError("the env of %s kept changing under this task (%d attempts): another writer saves it at "
                           "the same time; run the writers one after another (throttle: 1)" % (self.label,
                                                                                               VERIFY_ATTEMPTS))

    def save(self, current, blob):
        body = {self.id_field: current[self.id_field], self.field: blob}
        if self.kind == "application":
            # saveEnvironment replaces all four: the untouched ones go back exactly as read.
            for field in APP_BLOBS.values():
                body.setdefault(field, current.get(field))
            body["createEnvFile"] = current.get("createEnvFile") is not False
        return self.write(self.save_procedure, body)
