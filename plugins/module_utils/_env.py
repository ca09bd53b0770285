# -*- coding: utf-8 -*-
# Copyright (c) community.dokploy contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The env blob of a project, an environment or a service: where it is read and how it is saved.

Each level holds one text blob; saving replaces the whole blob, so every
change is read, merge, write (see _dotenv.py for the merge).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.community.dokploy.plugins.module_utils._client import DokployError
from ansible_collections.community.dokploy.plugins.module_utils._resource import Resource
from ansible_collections.community.dokploy.plugins.module_utils._tree import DATABASE_KINDS

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
        params = self.params
        project = self.tree.project(params["project"])
        if project is None:
            raise DokployError("option project: no project is named %r or has that id" % params["project"])
        service_options = ("app", "compose", "database")
        if not any(params[o] for o in service_options) and params["environment"] is None:
            self.describe("project", "projectId", "project.one", "project.update", project.get("name"))
            return self.read(project["projectId"])
        environment = self.tree.environment(project, params["environment"])
        if environment is None:
            raise DokployError("option environment: project %r has no environment named %r or with that id"
                               % (project.get("name"), params["environment"]))
        # state=absent removes keys here, not the service: a missing service is an error either way.
        kind, service = self.named_service(environment, service_options, missing_ok=False)
        if kind is None:
            self.describe("environment", "environmentId", "environment.one", "environment.update",
                          environment.get("name"))
            return self.read(environment["environmentId"])
        save = {"application": "application.saveEnvironment", "compose": "compose.update"}.get(
            kind, "%s.saveEnvironment" % kind)
        self.describe(kind, "%sId" % kind, "%s.one" % kind, save, service.get("name"))
        return self.read(service[self.id_field])

    def describe(self, kind, id_field, read_procedure, save_procedure, name):
        self.kind, self.id_field, self.read_procedure = kind, id_field, read_procedure
        self.save_procedure = save_procedure
        self.field = APP_BLOBS[self.params["kind"]] if kind == "application" else "env"
        self.label = "%s %s" % (kind, name) if self.field == "env" else "%s of application %s" % (
            self.params["kind"], name)

    def blob(self, current):
        return current.get(self.field) or ""

    def save(self, current, blob):
        body = {self.id_field: current[self.id_field], self.field: blob}
        if self.kind == "application":
            # saveEnvironment replaces all four: the untouched ones go back exactly as read.
            for field in APP_BLOBS.values():
                body.setdefault(field, current.get(field))
            body["createEnvFile"] = current.get("createEnvFile") is not False
        return self.write(self.save_procedure, body)
