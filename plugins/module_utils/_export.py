# -*- coding: utf-8 -*-
# Copyright (c) community.dokploy contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""dokploy_export: a live project read back into the declaration dokploy_stack takes.

Every value goes through the same :class:`Field` (API field, option, ``from_api``) the single
modules compare with, so what is exported is what they would compare equal: applying the export
sends no write. Options a module does not take, or values it would refuse (a source kind it does not
manage), are left out with a warning rather than guessed.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.community.dokploy.plugins.module_utils._client import DokployError
from ansible_collections.community.dokploy.plugins.module_utils._dotenv import parse
from ansible_collections.community.dokploy.plugins.module_utils._resources.database import ENGINES
from ansible_collections.community.dokploy.plugins.module_utils._secrets import is_empty, url_secrets
from ansible_collections.community.dokploy.plugins.module_utils._stack import CHILD_ROWS, CHILDREN, SERVICES, child_rows
from ansible_collections.community.dokploy.plugins.module_utils._tree import DATABASE_KINDS, SERVICE_KINDS, Tree

# Declaration list -> the service kinds it holds.
LISTS = (("apps", ("application",)), ("compose", ("compose",)), ("databases", DATABASE_KINDS))

# A service's source kind -> the options that describe it (the others are left out). Other kinds (a GitHub
# App, GitLab... provider) are not managed by dokploy_app/dokploy_compose: the source is left out.
APP_SOURCES = {"docker": ("docker_image", "registry_url", "registry_username", "registry_password"),
               "git": ("git_url", "git_branch", "git_build_path")}
COMPOSE_SOURCES = {"raw": ("compose_file",), "git": ("git_url", "git_branch", "compose_path")}
# A mount's type -> the options that describe its source.
MOUNT_SOURCES = {"volume": ("volume_name",), "bind": ("host_path",), "file": ("content", "file_path")}


class Secret:
    """A secret value of the export: in the file only with include_secrets, in the result never."""

    def __init__(self, value):
        self.value = value


def reveal(data, include):
    """The declaration with each :class:`Secret` as its value (``include``) or left out."""
    if isinstance(data, dict):
        return dict((k, reveal(v, include)) for k, v in data.items() if include or not secret_only(v))
    if isinstance(data, list):
        return [reveal(v, include) for v in data]
    if isinstance(data, Secret):
        return data.value
    return data


def secret_only(value):
    """A secret, or a mapping of nothing but secrets (an env): left out whole, not as an empty ``env: {}``."""
    if isinstance(value, dict):
        return bool(value) and all(isinstance(v, Secret) for v in value.values())
    return isinstance(value, Secret)


class Exporter:
    def __init__(self, client, warn):
        self.client = client
        self.warn = warn
        self.tree = Tree(client)
        self.secrets_to_fill = []

    def projects(self, ref):
        """The projects to export: the one ``ref`` names (by name or id), or every project."""
        if ref is None:
            return sorted(self.tree.projects(), key=lambda p: (p.get("name") or "", p.get("projectId")))
        found = self.tree.project(ref)
        if found is None:
            raise DokployError("option project: no project is named %r or has that id" % ref)
        return [found]

    def project(self, listed, prefix=""):
        declaration = {"project": listed.get("name")}
        if not is_empty(listed.get("description")):
            declaration["description"] = listed["description"]
        environments = {}
        for environment in sorted(listed.get("environments") or [], key=lambda e: e.get("name") or ""):
            name = environment.get("name")
            if name in environments:
                raise DokployError("project %r has two environments named %r (ids: %s); dokploy_stack names "
                                   "environments by name: rename one first"
                                   % (listed.get("name"), name, environment.get("environmentId")))
            environments[name] = self.environment(environment, "%senvironments.%s" % (prefix, name))
        declaration["environments"] = environments
        return declaration

    def environment(self, environment, path):
        declared = {}
        if not is_empty(environment.get("description")):
            declared["description"] = environment["description"]
        for list_key, kinds in LISTS:
            services = [(kind, listed) for kind in kinds for listed in self.tree.services(environment, kind)]
            services.sort(key=lambda item: (item[1].get("name") or "", item[0], item[1].get(SERVICE_KINDS[item[0]][1])))
            entries = []
            for index, (kind, listed) in enumerate(services):
                id_field = SERVICE_KINDS[kind][1]
                current = self.client.query_object("%s.one" % kind, **{id_field: listed[id_field]})
                entries.append(self.service(list_key, kind, current, "%s.%s[%d]" % (path, list_key, index)))
            if entries:
                declared[list_key] = entries
        return declared

    def service(self, list_key, kind, current, path):
        entry_kind = SERVICES[list_key]
        label = "%s %s" % (kind, current.get("name"))
        entry = self.options(entry_kind, current, path, label)
        if list_key == "databases":
            entry["type"] = kind
            for option in ENGINES[kind]["unsupported"]:
                entry.pop(option, None)
        elif list_key == "apps":
            self.keep_source(entry, current.get("sourceType"), APP_SOURCES, label)
            if "registry" in entry and "docker_image" in entry:
                # dokploy_app takes a registry by name or by URL and credentials, not both with an image option.
                del entry["registry"]
        else:
            self.keep_source(entry, current.get("sourceType"), COMPOSE_SOURCES, label)
        if current.get("serverId"):
            entry["server"] = current["serverId"]
        env = parse(current.get("env") or "")
        if env:
            entry["env"] = dict((key, self.secret(value, "%s.env.%s" % (path, key))) for key, value in env.items())
        for child_key in entry_kind.children:
            if child_key == "env":
                continue
            rows = child_rows(self.client, child_key, kind, current[SERVICE_KINDS[kind][1]], current)
            children = []
            for row in sorted(rows, key=lambda r: sorted((k, str(v)) for k, v in CHILD_ROWS[child_key][1](r).items())):
                child_path = "%s.%s[%d]" % (path, child_key, len(children))
                children.append(self.child(child_key, list_key, row, child_path, label))
            if children:
                entry[child_key] = children
        return entry

    def child(self, child_key, list_key, row, path, label):
        kind = CHILDREN[child_key]
        entry = self.options(kind, row, path, "%s of %s" % (kind.kind, label))
        if list_key != "compose":
            entry.pop("service_name", None)  # only a compose file has several services
        if list_key == "databases":
            entry.pop("database_type", None)  # the database's own
        if child_key == "domains":
            entry["path"] = row.get("path") or "/"
        elif child_key == "mounts":
            keep = MOUNT_SOURCES.get(row.get("type"), ())
            for option in sum(MOUNT_SOURCES.values(), ()):
                if option not in keep:
                    entry.pop(option, None)
        return entry

    def options(self, entry_kind, current, path, label):
        """The options of ``entry_kind.module`` whose API fields ``current`` holds, in the option's form."""
        spec = entry_kind.spec
        entry = {}
        for field in entry_kind.resource.fields:
            option = spec.get(field.option)
            value = current.get(field.api)
            if option is None or is_empty(value):
                continue
            if field.from_api:
                value = field.from_api(value)
            if option.get("choices") and value not in option["choices"]:
                self.warn("%s: %s is %r, which %s does not take; left out" % (label, field.option, value,
                                                                              entry_kind.module))
                continue
            # A secret field, or a URL with credentials in it (a git_url with a token).
            secret = field.secret or (isinstance(value, str) and "@" in value and url_secrets(value))
            entry[field.option] = self.secret(value, "%s.%s" % (path, field.option)) if secret else value
        return entry

    def keep_source(self, entry, source, sources, label):
        keep = sources.get(source)
        if keep is None:
            self.warn("%s takes its source from %s, which dokploy_stack does not manage; its entry leaves the source "
                      "out" % (label, source))
            keep = ()
        for option in sum(sources.values(), ()):
            if option not in keep:
                entry.pop(option, None)

    def secret(self, value, path):
        self.secrets_to_fill.append(path)
        return Secret(value)
