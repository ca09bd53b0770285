# -*- coding: utf-8 -*-
# Copyright (c) community.dokploy contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: dokploy
short_description: Dokploy's remote servers as inventory hosts
version_added: 0.1.0
author:
  - community.dokploy maintainers (@community-dokploy)
description:
  - Reads the remote servers of one Dokploy organization (C(server.all)) and makes each one a host, with
    C(ansible_host), C(ansible_port) and C(ansible_user) taken from the server, its Dokploy details in host
    variables prefixed with C(dokploy_), and the services placed on it in C(dokploy_services).
  - "The inventory source is a YAML file whose name ends with C(dokploy.yml) or C(dokploy.yaml), with
    C(plugin: community.dokploy.dokploy)."
  - A host is named by the server's name. Dokploy does not keep names unique; when several servers share a
    name, each of them is named C(<name>_<serverId>) instead, whatever order Dokploy lists them in.
  - Every host is in C(<group>_deploy) or C(<group>_build) by its server type, both children of the group O(group).
  - "Where the connection comes from: when the file sets O(profile), that named profile, found exactly as
    P(community.dokploy.profile#lookup) finds it; the connection options set in the file win over the
    profile's settings. Otherwise, when the file sets O(api_url) or O(api_key), those options with their
    environment variables and defaults, as a module takes them. Otherwise the active profile, chosen as the
    lookup chooses it without a name (E(DOKPLOY_PROFILE), the extra variable C(dokploy_profile), the config
    file's C(currentProfile), else E(DOKPLOY_URL) and E(DOKPLOY_API_KEY))."
  - Reads C(server.all), then C(project.all) and C(project.one) once per project that holds a service (only
    when a server hosts a service and O(services=true)); it never writes.
  - Neither the API key nor any private key ever appears in host variables, the cache, messages or verbose
    output. The SSH private key of a server stays in Dokploy; give Ansible its own key (for example with
    C(ansible_ssh_private_key_file) in O(compose)).
options:
  plugin:
    description:
      - The name of this plugin; marks the file as a source for it.
    type: str
    required: true
    choices: [community.dokploy.dokploy]
  profile:
    description:
      - Name of a named profile to connect with, looked up in O(profiles) (the variable C(dokploy_profiles))
        and then in the Dokploy CLI's config file O(config_file).
      - Connection options set in the inventory file win over the profile's settings.
      - Set in the file, it wins over E(DOKPLOY_PROFILE). E(DOKPLOY_PROFILE) (and the extra variable
        C(dokploy_profile), O(default_profile)) are used only when the file sets none of O(profile),
        O(api_url) and O(api_key).
    type: str
    env:
      - name: DOKPLOY_PROFILE
  default_profile:
    description:
      - Name of the active profile when the file sets none of O(profile), O(api_url) and O(api_key),
        and E(DOKPLOY_PROFILE) is not set.
    type: str
    vars:
      - name: dokploy_profile
  profiles:
    description:
      - Profiles by name, each a mapping of the connection options C(api_url), C(api_key), C(validate_certs),
        C(ca_path), C(timeout), C(headers). Inventory plugins see extra variables only, so pass them with
        C(-e @vault.yml) (a vault-encrypted file, or values encrypted with C(!vault)).
    type: dict
    default: {}
    vars:
      - name: dokploy_profiles
  config_file:
    description:
      - Path of the Dokploy CLI's JSON config file, read as P(community.dokploy.profile#lookup) reads it.
      - If not set, E(DOKPLOY_CONFIG), else the first that exists of C(~/.dokploy/config.json) and the installed
        Dokploy CLI's C(config.json) (in E(DOKPLOY_CLI_ROOT), else C(@dokploy/cli) under C(npm root -g)), as
        the lookup's O(community.dokploy.profile#lookup:config_file) says.
      - A missing file is not an error; it then provides no profile.
    type: path
    vars:
      - name: dokploy_config_file
  server_types:
    description:
      - Only the servers of these types become hosts. Empty means every server.
    type: list
    elements: str
    choices: [deploy, build]
    default: []
  services:
    description:
      - Whether to list the services placed on each server in C(dokploy_services). This costs one C(project.all)
        and one C(project.one) per project that holds a service.
      - With V(false), the plugin reads C(server.all) only.
    type: bool
    default: true
  group:
    description:
      - The group of every host, and the prefix of its children C(<group>_deploy) and C(<group>_build), which hold
        the hosts by server type.
    type: str
    default: dokploy
extends_documentation_fragment:
  - community.dokploy.connection.PLUGINS
  - ansible.builtin.constructed
  - ansible.builtin.inventory_cache
notes:
  - "Host variables: C(dokploy_server_id), C(dokploy_server_name), C(dokploy_description), C(dokploy_ip_address),
    C(dokploy_app_name), C(dokploy_server_type), C(dokploy_server_status), C(dokploy_ssh_key_id),
    C(dokploy_docker_cleanup), C(dokploy_builds_concurrency), C(dokploy_created_at) and C(dokploy_services),
    a list of C({kind, name, id, app_name, status, project, project_id, environment, environment_id}) sorted by
    project, environment, kind and name."
  - With O(cache=true), a run that finds the cache fresh sends no request at all, and does not even resolve
    the connection. Use C(--flush-cache) to read Dokploy again.
  - Use the key of an organization owner or admin; Dokploy hides from a member's key the services that member
    was not given access to.
seealso:
  - plugin: community.dokploy.profile
    plugin_type: lookup
"""

EXAMPLES = r"""
# acme.dokploy.yml: connection from the environment (DOKPLOY_URL, DOKPLOY_API_KEY)
plugin: community.dokploy.dokploy

# ---
# acme.dokploy.yml: a named profile, from -e @vault.yml (dokploy_profiles) or the CLI's config file
plugin: community.dokploy.dokploy
profile: acme
timeout: 60            # wins over the profile's timeout

# ---
# globex.dokploy.yml: the key vault-encrypted in the file (ansible-vault encrypt_string)
plugin: community.dokploy.dokploy
api_url: https://paas.example.net
api_key: !vault |
  $ANSIBLE_VAULT;1.1;AES256
  3863...

# ---
# build.dokploy.yml: build servers only, grouped by status and by the projects they host, cached
plugin: community.dokploy.dokploy
profile: acme
server_types: [build]
keyed_groups:
  - key: dokploy_server_status
    prefix: status
  - key: dokploy_services | map(attribute='project') | unique
    prefix: project
groups:
  idle: dokploy_services | length == 0
compose:
  ansible_ssh_private_key_file: "'~/.ssh/dokploy_' ~ dokploy_ssh_key_id"
cache: true
cache_plugin: ansible.builtin.jsonfile
cache_connection: ~/.cache/ansible-inventory
"""

from ansible.errors import AnsibleParserError
from ansible.plugins.inventory import BaseInventoryPlugin, Cacheable, Constructable
from ansible.utils.unsafe_proxy import wrap_var

from ansible_collections.community.dokploy.plugins.module_utils._client import DokployError
from ansible_collections.community.dokploy.plugins.module_utils._options import (
    CONNECTION_OPTIONS,
    OptionAdapter,
    normalize_settings,
)
from ansible_collections.community.dokploy.plugins.module_utils._tree import SERVICE_KINDS
from ansible_collections.community.dokploy.plugins.plugin_utils._profiles import ProfileCatalog

# What the cache holds; bump when the shape of a cached server changes.
CACHE_FORMAT = 1
# The server fields kept (and cached), with the host variable each becomes. Nothing else of server.all is kept:
# metricsConfig holds the monitoring token and command may hold anything.
SERVER_VARS = (
    ("serverId", "dokploy_server_id"),
    ("name", "dokploy_server_name"),
    ("description", "dokploy_description"),
    ("ipAddress", "dokploy_ip_address"),
    ("appName", "dokploy_app_name"),
    ("serverType", "dokploy_server_type"),
    ("serverStatus", "dokploy_server_status"),
    ("sshKeyId", "dokploy_ssh_key_id"),
    ("enableDockerCleanup", "dokploy_docker_cleanup"),
    ("buildsConcurrency", "dokploy_builds_concurrency"),
    ("createdAt", "dokploy_created_at"),
)
KEPT_FIELDS = tuple(field for field, dummy in SERVER_VARS) + ("port", "username")
UNSELECTED = (
    "option api_url is required: set api_url and api_key in the inventory file (or DOKPLOY_URL and "
    "DOKPLOY_API_KEY), or choose a named profile with the option profile (or DOKPLOY_PROFILE)")


class InventoryModule(BaseInventoryPlugin, Constructable, Cacheable):

    NAME = "community.dokploy.dokploy"

    def verify_file(self, path):
        return super(InventoryModule, self).verify_file(path) and path.endswith(("dokploy.yml", "dokploy.yaml"))

    def parse(self, inventory, loader, path, cache=True):
        super(InventoryModule, self).parse(inventory, loader, path, cache)
        config = self._read_config_data(path)
        # Templates in the file (api_key: "{{ vault_key }}") may use extra variables.
        self.templar.available_variables = self._vars or {}

        cache_key = self.get_cache_key(path)
        read_cache = self.get_option("cache") and cache
        update_cache = self.get_option("cache") and not cache
        data = None
        if read_cache:
            try:
                data = self._cache[cache_key]
            except KeyError:
                update_cache = True
            else:
                if not self._cache_fits(data):
                    data, update_cache = None, True
        if data is None:
            data = self._read_dokploy(path, config)
        if update_cache:
            self._cache[cache_key] = data
        self._populate(data)

    # -- reading Dokploy ----------------------------------------------------

    def _cache_fits(self, data):
        return (isinstance(data, dict) and data.get("format") == CACHE_FORMAT
                and (data.get("services") or not self.get_option("services")))

    def _read_dokploy(self, path, config):
        with_services = bool(self.get_option("services"))
        try:
            settings = self._connection(path, config)
            client = OptionAdapter(settings.get).client()
            self.display.vvv("community.dokploy.dokploy: reading the servers of %s" % client.base_url)
            listed = [s for s in client.query_list("server.all") if isinstance(s, dict) and s.get("serverId")]
            servers = [dict((f, s.get(f)) for f in KEPT_FIELDS) for s in listed]
            if with_services and servers:
                # totalSum counts a server's services (all kinds but libsql); an older Dokploy may not send it.
                hosting = any(s.get("totalSum") != 0 for s in listed)
                placed = self._placed_services(client, hosting)
                for server in servers:
                    server["services"] = placed.get(server["serverId"], [])
        except DokployError as exc:
            raise AnsibleParserError("community.dokploy.dokploy inventory %s: %s" % (path, exc))
        return {"format": CACHE_FORMAT, "services": with_services, "servers": servers}

    def _placed_services(self, client, hosting):
        """serverId -> the services placed on it, from project.one of each project that may hold one.

        project.all lists services without their server (databases even without their name), so each project
        that holds a service is read once; when no server hosts a service (every totalSum is 0), only projects
        with a libsql service, which totalSum does not count.
        """
        placed = {}
        for project in client.query_list("project.all"):
            kinds = set()
            for environment in project.get("environments") or []:
                kinds.update(kind for kind, spec in SERVICE_KINDS.items() if environment.get(spec[0]))
            if not kinds or (not hosting and "libsql" not in kinds):
                continue
            full = client.query_object("project.one", projectId=project["projectId"])
            for environment in full.get("environments") or []:
                for kind, (key, id_field, status_field) in SERVICE_KINDS.items():
                    for service in environment.get(key) or []:
                        if not service.get("serverId"):
                            continue
                        placed.setdefault(service["serverId"], []).append({
                            "kind": kind,
                            "name": service.get("name"),
                            "id": service.get(id_field),
                            "app_name": service.get("appName"),
                            "status": service.get(status_field),
                            "project": full.get("name"),
                            "project_id": full.get("projectId"),
                            "environment": environment.get("name"),
                            "environment_id": environment.get("environmentId"),
                        })
        for services in placed.values():
            services.sort(key=lambda s: tuple("" if s[k] is None else str(s[k])
                                              for k in ("project", "environment", "kind", "name", "id")))
        return placed

    def _template(self, value):
        """A value the inventory file gave, rendered when it is a template ("{{ vault_key }}"), also inside headers."""
        if isinstance(value, dict):
            return dict((key, self._template(item)) for key, item in value.items())
        if isinstance(value, str) and self.templar.is_possibly_template(value):
            return self.templar.template(value)
        return value

    def _connection(self, path, config):
        """The connection settings (see DOCUMENTATION: a named profile, the file's options, or the active profile)."""
        options = OptionAdapter.from_plugin(self)
        given = dict((name, self._template(self.get_option(name))) for name in CONNECTION_OPTIONS if name in config)
        named = self._template(config.get("profile"))
        if not named and ("api_url" in given or "api_key" in given):
            raw = dict((name, options.get(name)) for name in CONNECTION_OPTIONS)
            raw.update(given)
            for name, env in (("api_url", "DOKPLOY_URL"), ("api_key", "DOKPLOY_API_KEY")):
                if not raw.get(name):
                    raise DokployError("option %s is required: set it in the inventory file or %s, or choose a named "
                                       "profile with the option profile" % (name, env))
            return normalize_settings(raw, "the inventory file's connection options")
        profiles = self.get_option("profiles") or {}
        if isinstance(profiles, dict) and profiles:
            profiles = self.templar.template(profiles)
        catalog = ProfileCatalog(profiles, self.get_option("config_file"))
        settings, name = catalog.resolve(
            named, active=(self.get_option("profile"), self.get_option("default_profile")),
            environment=lambda: dict((option, options.get(option)) for option in CONNECTION_OPTIONS),
            unselected=UNSELECTED)
        if name is not None:
            self.display.vvv("community.dokploy.dokploy: connecting with profile %r" % name)
        if given:
            settings.update(given)
            settings = normalize_settings(settings, "profile %r with the inventory file's connection options" % name)
        return settings

    # -- building the inventory ---------------------------------------------

    def _populate(self, data):
        servers = sorted(data.get("servers") or [], key=lambda s: (str(s.get("name") or ""), str(s["serverId"])))
        names = host_names(servers)
        wanted = self.get_option("server_types") or []
        group = self.inventory.add_group(self._sanitize_group_name(self.get_option("group")))
        strict = self.get_option("strict")
        for server in servers:
            if wanted and server.get("serverType") not in wanted:
                continue
            host = self.inventory.add_host(names[server["serverId"]])
            if server.get("serverType"):
                # In the group through its type's child group.
                type_group = self.inventory.add_group(self._sanitize_group_name("%s_%s" % (group, server["serverType"])))
                self.inventory.add_child(group, type_group)
                self.inventory.add_child(type_group, host)
            else:
                self.inventory.add_child(group, host)
            # What Dokploy says is data, never a template (a description could hold "{{ ... }}").
            hostvars = wrap_var(self._host_vars(server, data.get("services")))
            for name, value in hostvars.items():
                self.inventory.set_variable(host, name, value)
            self._set_composite_vars(self.get_option("compose"), hostvars, host, strict=strict)
            self._add_host_to_composed_groups(self.get_option("groups"), hostvars, host, strict=strict)
            self._add_host_to_keyed_groups(self.get_option("keyed_groups"), hostvars, host, strict=strict)

    @staticmethod
    def _host_vars(server, with_services):
        hostvars = {}
        for name, field in (("ansible_host", "ipAddress"), ("ansible_port", "port"), ("ansible_user", "username")):
            if server.get(field) not in (None, ""):
                hostvars[name] = server[field]
        for field, name in SERVER_VARS:
            hostvars[name] = server.get(field)
        if with_services:
            hostvars["dokploy_services"] = list(server.get("services") or [])
        return hostvars


def host_names(servers):
    """serverId -> inventory host name: the server's name, or ``<name>_<serverId>`` for a name several servers share.

    Decided from the whole list, whatever its order, so a host keeps its name from one run to the next as long as
    its name stays shared (or unshared).
    """
    counts = {}
    for server in servers:
        name = server.get("name") or server["serverId"]
        counts[name] = counts.get(name, 0) + 1
    names = {}
    for server in servers:
        name = server.get("name") or server["serverId"]
        names[server["serverId"]] = name if counts[name] == 1 else "%s_%s" % (name, server["serverId"])
    taken = {}
    for server_id, name in names.items():
        taken.setdefault(name, []).append(server_id)
    for name, ids in taken.items():
        if len(ids) > 1:  # a plain name equal to another's <name>_<serverId>: both take their id
            for server_id in ids:
                names[server_id] = "%s_%s" % (name, server_id)
    return names
