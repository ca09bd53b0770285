#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) community.dokploy contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: dokploy_server
short_description: Register, set up, validate and remove the remote servers Dokploy deploys to
version_added: 0.1.0
author:
  - community.dokploy maintainers (@community-dokploy)
description:
  - Makes sure a remote server (a host Dokploy reaches over SSH to run services or builds on) is registered with the
    given address, user, SSH key and type, or is not registered.
  - With O(setup=true), Dokploy's server setup (Docker, Swarm, Traefik and the build tools) runs when the server has
    never been set up successfully, and the task waits for that setup's deployment to end. A failed setup fails the
    task with the last lines of its log; the server stays registered, so the next run sets it up again.
  - With O(validate=true), Dokploy checks the host over SSH and the task returns its report as RV(validation). This
    changes nothing.
  - Dokploy checks neither the address, the port nor the user; this module refuses a bad one before sending
    anything.
  - Servers belong to the organization, not to a project. Names are not unique in Dokploy; when several servers have
    the name, the task fails listing their ids, and O(name) accepts an id instead.
  - Services are placed on a server when they are created, with the C(server) option of
    M(community.dokploy.dokploy_app), M(community.dokploy.dokploy_compose) and M(community.dokploy.dokploy_db).
options:
  name:
    description:
      - Name of the server, or its id. A server named by its id is not renamed.
    type: str
    required: true
  description:
    description:
      - Free text shown in Dokploy.
    type: str
  ip_address:
    description:
      - The host's IPv4 or IPv6 address, or its DNS name, without scheme, user or port.
      - Required to register a server.
    type: str
  port:
    description:
      - The host's SSH port, 1 to 65535. A new server gets V(22) when it is not given.
    type: int
  username:
    description:
      - The user Dokploy logs in as. A new server gets V(root) when it is not given; another user needs
        password-less C(sudo).
    type: str
  ssh_key:
    description:
      - Name or id of the SSH key (see M(community.dokploy.dokploy_ssh_key)) Dokploy logs in with. Its public key
        must be authorized on the host before O(setup) or O(validate) can work.
      - Required with O(setup=true) or O(validate=true) when the server has no key yet.
    type: str
  server_type:
    description:
      - V(deploy) runs services; V(build) only builds images for other servers. A new server gets V(deploy) when it
        is not given.
    type: str
    choices: [deploy, build]
  docker_cleanup:
    description:
      - Whether Dokploy removes unused Docker images, containers and build cache on the host every day.
      - Dokploy turns it on for a new server when it is not given. An update never changes it unless it is given
        (Dokploy's own update would turn it on when it is left out; this module always sends the current value).
    type: bool
  setup:
    description:
      - Run Dokploy's setup of the host when it has no successful setup yet (a new server, or one whose setups all
        failed), and wait for it to end (O(wait_timeout)). A setup already running is waited for, not started again.
    type: bool
    default: false
  validate:
    description:
      - Ask Dokploy to check the host over SSH (after the setup, when both are asked for) and return the report as
        RV(validation). A host Dokploy cannot reach fails the task with Dokploy's reason.
    type: bool
    default: false
  force:
    description:
      - With O(state=absent), remove the services placed on the server first, each through its own delete (its
        containers and routes go too). Without it, removing a server that holds services fails, naming them.
    type: bool
    default: false
  state:
    description:
      - V(present) registers or updates the server, V(absent) removes it (with its deployments and schedules).
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - community.dokploy.deployment
  - community.dokploy.connection
  - community.dokploy.attributes
  - community.dokploy.attributes.ACTIONGROUP_DOKPLOY
notes:
  - Dokploy runs the setup inside the request that starts it, which can take minutes; the module does not keep that
    request open but follows the setup's deployment (C(deployment.allByServer)), so a proxy in front of Dokploy that
    closes long requests does not matter.
  - A server counts as set up once one of its setup deployments ended C(done); Dokploy keeps a server's last few
    deployments only.
seealso:
  - module: community.dokploy.dokploy_ssh_key
  - module: community.dokploy.dokploy_app
"""

EXAMPLES = r"""
- name: A key for Dokploy to reach the new host
  community.dokploy.dokploy_ssh_key:
    name: edge-1
    generate: true
  register: key

- name: Authorize it on the host
  ansible.builtin.lineinfile:
    path: /root/.ssh/authorized_keys
    line: "{{ key.public_key }}"
    create: true
    mode: "0600"
  delegate_to: edge-1.example.com

- name: Register the host in Dokploy, set it up, and check it
  community.dokploy.dokploy_server:
    name: edge-1
    ip_address: 203.0.113.10
    ssh_key: edge-1
    docker_cleanup: true
    setup: true
    validate: true
  register: server

- name: A build server on another port and user
  community.dokploy.dokploy_server:
    name: builder
    ip_address: builder.example.com
    port: 2222
    username: deploy
    ssh_key: edge-1
    server_type: build

- name: Retire a host, with what still runs on it
  community.dokploy.dokploy_server:
    name: edge-old
    state: absent
    force: true
"""

RETURN = r"""
server:
  description: The server as Dokploy returns it (without its deployments or key), secrets masked; empty when absent
    or in check mode before registration.
  returned: always
  type: dict
  sample: {serverId: 8CT5OIMwZKuqSph-ehGoS, name: edge-1, ipAddress: 203.0.113.10, port: 22, username: root,
           sshKeyId: u0ERTwPom61ZaYgC-ormd, serverType: deploy, enableDockerCleanup: true, serverStatus: active}
id:
  description: The server's id; null when it does not exist (yet).
  returned: always
  type: str
  sample: 8CT5OIMwZKuqSph-ehGoS
setup:
  description: With O(setup=true), what became of the setup.
  returned: when O(setup=true) and O(state=present)
  type: dict
  contains:
    ran:
      description: Whether this run started (or, in check mode, would start) a setup or waited for one.
      type: bool
    deployment:
      description: The setup deployment followed, or the successful one found (id, status, title, started_at,
        finished_at).
      type: dict
    elapsed:
      description: Seconds spent waiting.
      type: int
    progress:
      description: One line per change of status while waiting, with the elapsed seconds.
      type: list
      elements: str
validation:
  description: With O(validate=true), Dokploy's report on the host (C(server.validate)); null in check mode for a
    server not registered yet.
  returned: when O(validate=true) and O(state=present)
  type: dict
  sample: {docker: {enabled: true, version: 28.5.0}, rclone: {enabled: true, version: 1.71.2},
           isSwarmInstalled: true, isDokployNetworkInstalled: true, isMainDirectoryInstalled: true,
           privilegeMode: root}
removed_services:
  description: With O(state=absent) and O(force=true), the services removed (or to be removed) with the server.
  returned: when the removed server held services
  type: list
  elements: str
"""

import ipaddress
import re

from ansible_collections.community.dokploy.plugins.module_utils._base import DokployModule
from ansible_collections.community.dokploy.plugins.module_utils._deployments import (
    DeploymentFailed,
    Deployments,
    check_wait_options,
    describe,
    wait_argument_spec,
)
from ansible_collections.community.dokploy.plugins.module_utils._client import DokployError
from ansible_collections.community.dokploy.plugins.module_utils._resource import Field, Resource
from ansible_collections.community.dokploy.plugins.module_utils._tree import SERVICE_KINDS
from ansible_collections.community.dokploy.plugins.module_utils._validate import check_name, check_port, error

HOSTNAME_LABEL = re.compile(r"^[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?$")
# A login name as Linux's useradd accepts it.
USERNAME = re.compile(r"^[a-zA-Z_][a-zA-Z0-9_.-]{0,31}\$?$")
# What server.all and server.one add to a server's own columns.
NOT_COLUMNS = ("totalSum", "deployments", "sshKey")


def check_host(value, option):
    if value is None:
        return value
    try:
        ipaddress.ip_address(value)
        return value
    except ValueError:
        pass
    if "://" in value or "@" in value or "/" in value:
        raise error(option, "%r is not an address: write only the host's IP address or DNS name, without scheme, "
                            "user or path" % value)
    if re.match(r"^[^:]+:\d+$", value):
        raise error(option, "%r holds a port: write the address alone and the port in option port" % value)
    labels = value[:-1].split(".") if value.endswith(".") else value.split(".")
    if len(value) > 253 or not all(HOSTNAME_LABEL.match(label) for label in labels):
        raise error(option, "%r is neither an IP address nor a DNS name" % value)
    return value


def check_username(value, option):
    if value is not None and not USERNAME.match(value):
        raise error(option, "%r is not a user name a Linux host accepts (letters, digits, _ . -, starting with a "
                            "letter or _, at most 32 characters)" % value)
    return value


def columns(server):
    return dict((k, v) for k, v in server.items() if k not in NOT_COLUMNS) if server else server


class Server(Resource):
    kind = "server"
    result_key = "server"
    id_field = "serverId"
    read_procedure = "server.one"
    create_procedure = "server.create"
    delete_procedure = "server.remove"
    list_procedure = "server.all"
    # server.update takes every field and writes a default for what it is not sent: enableDockerCleanup turns ON.
    # The base sends these as they are stored, with the changes on top. (``command``, left out, is kept.)
    writers = {"update": ("server.update", ("name", "description", "ipAddress", "port", "username", "sshKeyId",
                                            "serverType", "enableDockerCleanup"))}
    required_to_create = ("ip_address",)

    def __init__(self, dokploy):
        super(Server, self).__init__(dokploy)
        self.fields = (
            Field("name", "name"),
            Field("description", "description"),
            Field("ip_address", "ipAddress", to_api=check_host),
            Field("port", "port", to_api=check_port),
            Field("username", "username", to_api=check_username),
            Field("ssh_key", "sshKeyId", to_api=self.key_id, from_api=self.key_name),
            Field("server_type", "serverType"),
            Field("docker_cleanup", "enableDockerCleanup"),
        )

    def validate(self):
        params = self.params
        check_name(params["ssh_key"], "ssh_key")
        check_host(params["ip_address"], "ip_address")
        check_port(params["port"], "port")
        check_username(params["username"], "username")
        check_wait_options(params)
        if params["state"] == "absent":
            for option in ("setup", "validate"):
                if params[option]:
                    raise error(option, "only with state=present")

    # -- the SSH key, by name or id --------------------------------------------

    def key_id(self, ref, option):
        key = self.referenced("SSH key", ref, option)
        # In check mode a key an earlier task would create: its name stands in for the id.
        return key["sshKeyId"] if key else ref

    def key_name(self, key_id):
        """A stored sshKeyId as the diff shows it: the key's name when it is unique, else the id."""
        keys = self.organization_list("SSH key")
        found = [k for k in keys if k.get("sshKeyId") == key_id]
        if found and len([k for k in keys if k.get("name") == found[0].get("name")]) == 1:
            return found[0].get("name")
        return key_id

    # -- the shared flow's hooks -------------------------------------------------

    def find(self):
        return columns(self.find_listed(self.params["name"], read=False))

    def read(self, object_id):
        return columns(super(Server, self).read(object_id))

    def create_body(self, desired):
        body = {"description": None, "port": 22, "username": "root", "sshKeyId": None, "serverType": "deploy"}
        body.update(desired)
        return body

    def present(self, current):
        for option in ("setup", "validate"):
            if self.params[option]:
                self.needs_key(current, option)  # before anything is written
        current = super(Server, self).present(current)
        # The server is registered as asked: a failing setup or validation leaves it so, and the next run retries.
        self.made = []
        if self.params["setup"]:
            self.set_up(current)
        if self.params["validate"]:
            self.extra["validation"] = self.validation(current)
        return current

    # -- setup and validation ------------------------------------------------------

    def needs_key(self, current, option):
        if self.params["ssh_key"] is None and not (current or {}).get("sshKeyId"):
            raise error("ssh_key", "required with %s: true: Dokploy reaches the host with it, and server %r has no "
                                   "key" % (option, self.params["name"]))

    def set_up(self, current):
        if current is None:  # check mode, a server to register
            self.extra["setup"] = dict(ran=True, deployment={}, elapsed=0, progress=[])
            return
        label = "the setup of server %r" % current.get("name")
        deployments = Deployments(self.client, "deployment.allByServer", {"serverId": current["serverId"]}, label,
                                  self.params)
        listed = deployments.list()
        done = [d for d in listed if d.get("status") == "done"]
        if done:
            self.extra["setup"] = dict(ran=False, deployment=describe(done[0]), elapsed=0, progress=[])
            return
        self.changed = True
        running = [d for d in listed if d.get("status") == "running"]
        # A setup another run started is waited for: it is left out of what was there before.
        known = set(d["deploymentId"] for d in listed if d not in running)
        if self.check_mode:
            self.extra["setup"] = dict(ran=True, deployment=describe(running[-1]) if running else {}, elapsed=0,
                                       progress=[])
            return
        try:
            if not running:
                deployments.trigger(lambda: self.write("server.setup", {"serverId": current["serverId"]}), known)
            self.extra["setup"] = dict(deployments.follow(known), ran=True)
        except DeploymentFailed as exc:
            exc.message += ("; server %r stays registered: make sure its SSH key is authorized for %s on %s:%s, "
                            "then run the task again to retry the setup"
                            % (current.get("name"), current.get("username"), current.get("ipAddress"),
                               current.get("port")))
            raise

    def validation(self, current):
        if current is None:  # check mode, a server to register
            return None
        try:
            return self.client.query_object("server.validate", serverId=current["serverId"])
        except DokployError as exc:
            if exc.status != 400:
                raise
            raise DokployError("option validate: Dokploy could not check server %r (%s@%s:%s): %s"
                               % (current.get("name"), current.get("username"), current.get("ipAddress"),
                                  current.get("port"), exc.message), status=exc.status, code=exc.code,
                               procedure=exc.procedure)

    # -- removal ---------------------------------------------------------------------

    def check_absent(self, current):
        # Dokploy refuses to remove a server that holds services; its own deletes also clean their containers up.
        self.remove_these_services(self.services_on(current["serverId"]), "server %r" % current.get("name"))

    def services_on(self, server_id):
        """(kind, id, label) of every service placed on the server; project.all does not say where services run,
        environment.one does."""
        found = []
        for environment, where in self.tree.environments():
            details = self.tree.environment_details(environment["environmentId"])
            for kind, (key, id_field, _status) in SERVICE_KINDS.items():
                for service in details.get(key) or []:
                    if service.get("serverId") == server_id:
                        found.append((kind, service[id_field], "%s (%s)" % (service.get("name"), where)))
        return found


def main():
    dokploy = DokployModule(
        argument_spec=dict(
            name=dict(type="str", required=True),
            description=dict(type="str"),
            ip_address=dict(type="str"),
            port=dict(type="int"),
            username=dict(type="str"),
            ssh_key=dict(type="str", no_log=False),
            server_type=dict(type="str", choices=["deploy", "build"]),
            docker_cleanup=dict(type="bool"),
            setup=dict(type="bool", default=False),
            validate=dict(type="bool", default=False),
            force=dict(type="bool", default=False),
            state=dict(type="str", choices=["present", "absent"], default="present"),
            **wait_argument_spec()
        ),
        supports_check_mode=True,
    )
    dokploy.run(Server(dokploy).run)


if __name__ == "__main__":
    main()
