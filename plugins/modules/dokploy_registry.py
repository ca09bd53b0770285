#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) community.dokploy contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: dokploy_registry
short_description: Create, update and remove Dokploy container registries
version_added: 0.1.0
author:
  - community.dokploy maintainers (@community-dokploy)
description:
  - Makes sure a container registry (the credentials Dokploy logs in to a registry with) exists with the given
    URL, user, password and image prefix, or does not exist.
  - Dokploy runs C(docker login) when it creates a registry, and stores nothing when that login fails; the task
    then fails with docker's message.
  - Dokploy runs C(docker login) again after every change of a registry, and keeps the change even when that login
    fails. The task then fails, saying that the change B(was stored) and that the login failed, with docker's
    message; fix the credentials or the URL and run the task again.
  - Registries belong to the organization, not to a project. Names are not unique in Dokploy; when several
    registries have the name, the task fails listing their ids, and O(name) accepts an id instead.
  - An application built from Git pushes its image to a registry, and is deployed from it, through the
    O(community.dokploy.dokploy_app#module:registry) option of M(community.dokploy.dokploy_app). An application
    that runs a ready-made O(community.dokploy.dokploy_app#module:docker_image) pulls it with its own
    C(registry_url), C(registry_username) and C(registry_password) instead; Dokploy ignores a registry there.
options:
  name:
    description:
      - Name of the registry, or its id. A registry named by its id is not renamed.
    type: str
    required: true
  url:
    description:
      - The registry's address as C(host) or C(host:port), without scheme or path, for example V(ghcr.io) or
        V(registry.example.com:5000). V("") is Docker Hub.
      - Required to create a registry.
    type: str
  username:
    description:
      - User name to log in with. Required to create a registry.
    type: str
  password:
    description:
      - Password or token to log in with. Never printed. Required to create a registry.
    type: str
  update_password:
    description:
      - V(always) compares O(password) with the one Dokploy holds and changes it when it differs; V(on_create) sets
        it only when the registry is created.
    type: str
    choices: [always, on_create]
    default: always
  image_prefix:
    description:
      - Prefix Dokploy puts before the names of the images it pushes to this registry, for example a namespace such
        as V(acme). V("") clears it.
    type: str
  state:
    description:
      - V(present) creates or updates the registry, V(absent) removes it. Applications that used a removed
        registry are left without one; the task warns, naming them, and returns them in RV(detached_applications).
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - community.dokploy.connection
  - community.dokploy.attributes
  - community.dokploy.attributes.ACTIONGROUP_DOKPLOY
notes:
  - Dokploy only ever stores the registry type C(cloud), which this module sets.
  - Dokploy replaces the password by C(***) in docker's messages it quotes, which can mangle them when the password
    is short or a common word; this module removes the password from every message too.
"""

EXAMPLES = r"""
- name: The organization's GitHub registry
  community.dokploy.dokploy_registry:
    name: ghcr
    url: ghcr.io
    username: acme-bot
    password: "{{ vault_ghcr_token }}"
    image_prefix: acme

- name: Docker Hub, without changing a password someone rotated by hand
  community.dokploy.dokploy_registry:
    name: docker-hub
    url: ""
    username: acme
    password: "{{ vault_docker_hub_token }}"
    update_password: on_create

- name: An application built from Git, whose image Dokploy pushes to that registry and deploys from it
  community.dokploy.dokploy_app:
    project: acme
    name: web
    git_url: https://github.com/acme/web.git
    git_branch: main
    registry: ghcr

- name: Remove a registry
  community.dokploy.dokploy_registry:
    name: old-registry
    state: absent
"""

RETURN = r"""
registry:
  description: The registry as Dokploy returns it, password masked; empty when absent or in check mode before
    creation.
  returned: always
  type: dict
  sample: {registryId: MAqT3lcQxsSKsX9k3A23d, registryName: ghcr, registryUrl: ghcr.io, username: acme-bot,
           password: "********", imagePrefix: acme, registryType: cloud}
detached_applications:
  description: With O(state=absent), the applications that used the removed registry (and are left without one); a
    warning names them too.
  returned: when a removed registry was used
  type: list
  elements: str
  sample: ["web (project acme, environment production)"]
id:
  description: The registry's id; null when it does not exist (yet).
  returned: always
  type: str
  sample: MAqT3lcQxsSKsX9k3A23d
"""

import re

from ansible_collections.community.dokploy.plugins.module_utils._base import DokployModule
from ansible_collections.community.dokploy.plugins.module_utils._client import DokployError
from ansible_collections.community.dokploy.plugins.module_utils._resource import Field, Resource
from ansible_collections.community.dokploy.plugins.module_utils._validate import check_name, error

# Dokploy's registryUrl rule: hostname[:port], or "" for Docker Hub.
REGISTRY_URL = re.compile(r"^(?P<host>[a-zA-Z0-9]([a-zA-Z0-9._-]*[a-zA-Z0-9])?)(:(?P<port>\d{1,5}))?$")


def check_registry_url(value, option):
    if not value:
        return value
    match = REGISTRY_URL.match(value)
    if not match:
        raise error(option, "%r is not a registry address: write host or host:port, without scheme or path "
                            "(for example ghcr.io or registry.example.com:5000; \"\" is Docker Hub)" % value)
    port = match.group("port")
    if port is not None and not 1 <= int(port) <= 65535:
        raise error(option, "%s is not a port number (1-65535) in %r" % (port, value))
    return value


class LoginFailed(DokployError):
    """Dokploy stored a change of the registry, then its docker login with the stored values failed."""

    registry_id = None


class Registry(Resource):
    kind = "registry"
    result_key = "registry"
    id_field = "registryId"
    read_procedure = "registry.one"
    create_procedure = "registry.create"
    delete_procedure = "registry.remove"
    list_procedure = "registry.all"
    name_field = "registryName"
    # registry.update keeps what it is not sent.
    writers = {"update": ("registry.update", ())}
    fields = (
        Field("name", "registryName", writer=None),
        Field("url", "registryUrl", to_api=check_registry_url),
        Field("username", "username"),
        Field("password", "password", secret=True),
        Field("image_prefix", "imagePrefix"),
    )
    required_to_create = ("url", "username", "password")

    def validate(self):
        params = self.params
        username = check_name(params["username"], "username")
        if username is not None and username != username.strip():
            # Dokploy stores it trimmed: it would differ on every run.
            raise error("username", "%r must not start or end with spaces" % username)
        if params["password"] is not None and params["password"] == "":
            raise error("password", "must not be empty")
        image_prefix = params["image_prefix"]
        if image_prefix and (image_prefix != image_prefix.strip() or "\n" in image_prefix):
            raise error("image_prefix", "%r must not contain line breaks or start or end with spaces" % image_prefix)
        self.desired()

    def find(self):
        # registry.one omits the password, which update_password=always compares: registry.all lists every
        # registry with it (the client learns them all as secrets), so the listed row is the current one.
        return self.find_listed(self.params["name"], read=False)

    def compare_secret(self, field, current):
        # Only registry.all holds the password (find reads it there); registry.one, read after a create, omits it.
        return "password" in current and super(Registry, self).compare_secret(field, current)

    def create_body(self, desired):
        return dict({"imagePrefix": None}, registryType="cloud", **desired)

    def changes(self, current, desired):
        if current.get(self.id_field) == self.params["name"]:
            desired = dict((k, v) for k, v in desired.items() if k != "registryName")  # named by its id
        return super(Registry, self).changes(current, desired)

    def create(self, on_create, desired):
        try:
            return super(Registry, self).create(on_create, desired)
        except DokployError as exc:
            if not self.login_error(exc):
                raise
            raise DokployError("registry %r was not created: Dokploy stores a registry only when its docker login "
                               "succeeds, and the login failed: %s" % (self.params["name"], self.docker_said(exc)),
                               status=exc.status, code=exc.code, procedure=exc.procedure)

    def update(self, current, changes):
        try:
            super(Registry, self).update(current, changes)
        except DokployError as exc:
            if not self.login_error(exc):
                raise
            failure = LoginFailed("registry %r (%s) WAS changed (%s): Dokploy stored the change, then its docker "
                                  "login with the stored values failed; correct the options and run the task again. "
                                  "Docker said: %s" % (current.get("registryName"), current[self.id_field],
                                                       ", ".join(sorted(self.after)), self.docker_said(exc)),
                                  status=exc.status, code=exc.code, procedure=exc.procedure)
            failure.registry_id = current[self.id_field]
            raise failure

    def check_absent(self, current):
        self.report_dependents(current, "detached_applications", self.applications_using(current[self.id_field]),
                               "used by applications", "they are left without it (their next build or deploy from a "
                               "registry fails until they get another one)")

    def applications_using(self, registry_id):
        """The applications that push to, deploy from or roll back with the registry: project.all does not say,
        so each application is read (only when a registry is about to be removed)."""
        users = []
        for environment, where in self.tree.environments():
            for listed in environment.get("applications") or []:
                app = self.client.query_object("application.one", applicationId=listed["applicationId"])
                if registry_id in (app.get("registryId"), app.get("buildRegistryId"), app.get("rollbackRegistryId")):
                    users.append("%s (%s)" % (app.get("name"), where))
        return users

    @staticmethod
    def docker_said(exc):
        if "***" in exc.message:
            return exc.message + " (Dokploy wrote *** in place of the password in this text)"
        return exc.message

    @staticmethod
    def login_error(exc):
        """A refusal that is not about the input: docker login's (or the SSH login's) error text."""
        return exc.status == 400 and not exc.field_errors and not isinstance(exc, LoginFailed)


def main():
    dokploy = DokployModule(
        argument_spec=dict(
            name=dict(type="str", required=True),
            url=dict(type="str"),
            username=dict(type="str"),
            password=dict(type="str", no_log=True),
            update_password=dict(type="str", choices=["always", "on_create"], default="always", no_log=False),
            image_prefix=dict(type="str"),
            state=dict(type="str", choices=["present", "absent"], default="present"),
        ),
        supports_check_mode=True,
    )
    registry = Registry(dokploy)

    def run():
        try:
            return registry.run()
        except LoginFailed as exc:
            # Not a plain failure: the change is stored, and the result says so.
            dokploy.fail(exc, changed=True, id=exc.registry_id, diff=dict(before=registry.before, after=registry.after))

    dokploy.run(run)


if __name__ == "__main__":
    main()
