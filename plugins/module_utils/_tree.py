# -*- coding: utf-8 -*-
# Copyright (c) community.dokploy contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Finding projects, environments and services by name or id, failing closed on duplicates.

Dokploy names are not unique anywhere, so a name that matches more than one
object is an error that lists the candidates' ids; every reference also
accepts an id. One ``project.all`` answers most look-ups; databases have no
name there, so their environment is read once with ``environment.one``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.community.dokploy.plugins.module_utils._client import DokployError

# Service kind -> (list key in project.all / environment.one, id field, status field).
SERVICE_KINDS = {
    "application": ("applications", "applicationId", "applicationStatus"),
    "compose": ("compose", "composeId", "composeStatus"),
    "postgres": ("postgres", "postgresId", "applicationStatus"),
    "mysql": ("mysql", "mysqlId", "applicationStatus"),
    "mariadb": ("mariadb", "mariadbId", "applicationStatus"),
    "mongo": ("mongo", "mongoId", "applicationStatus"),
    "redis": ("redis", "redisId", "applicationStatus"),
    "libsql": ("libsql", "libsqlId", "applicationStatus"),
}
# Every database kind: dokploy_db manages them, and deploy, env and mounts take each as database_type.
DATABASE_KINDS = ("postgres", "mysql", "mariadb", "mongo", "redis", "libsql")


def delete_request(kind, service_id):
    """The procedure and body that remove one service with Dokploy's own cleanup (containers, routes)."""
    if kind == "application":
        return "application.delete", {"applicationId": service_id}
    if kind == "compose":
        return "compose.delete", {"composeId": service_id, "deleteVolumes": False}
    return "%s.remove" % kind, {"%sId" % kind: service_id}


# Kind -> the task that removes one object of that kind by id (a race can leave two of one name).
REMOVAL = {
    "project": "community.dokploy.dokploy_project: {name: %s, state: absent}",
    "environment": "community.dokploy.dokploy_environment: {project: <project>, name: %s, state: absent}",
    "application": "community.dokploy.dokploy_app: {project: <project>, environment: <environment>, name: %s, "
                   "state: absent}",
    "compose": "community.dokploy.dokploy_compose: {project: <project>, environment: <environment>, name: %s, "
               "state: absent}",
    "server": "community.dokploy.dokploy_server: {name: %s, state: absent}",
    "SSH key": "community.dokploy.dokploy_ssh_key: {name: %s, state: absent}",
    "registry": "community.dokploy.dokploy_registry: {name: %s, state: absent}",
    "certificate": "community.dokploy.dokploy_certificate: {name: %s, state: absent}",
    "notification": "community.dokploy.dokploy_notification: {name: %s, state: absent}",
}


def removal_task(what, object_id):
    if what in REMOVAL:
        return REMOVAL[what] % object_id
    if what in DATABASE_KINDS:
        return ("community.dokploy.dokploy_db: {type: %s, project: <project>, environment: <environment>, name: %s, "
                "state: absent}" % (what, object_id))
    return "remove %s %s" % (what, object_id)


def plural(word):
    return word[:-1] + "ies" if word.endswith("y") and word[-2:-1] not in "aeiou" else word + "s"


def pick(candidates, ref, id_field, what, option, name_field="name"):
    """The one candidate whose id or name is ``ref``; None when there is none.

    An id wins over a name. Several candidates with that name is an error
    listing their ids (and when each was created), and the task that removes an
    extra one, so a playbook never acts on a guess and a duplicate left by a race
    is easy to clean up.
    """
    for candidate in candidates:
        if candidate.get(id_field) == ref:
            return candidate
    named = [c for c in candidates if c.get(name_field) == ref]
    if len(named) > 1:
        ids = ", ".join("%s%s" % (c.get(id_field), " created %s" % c["createdAt"] if c.get("createdAt") else "")
                        for c in named)
        raise DokployError(
            "option %s: %d %s are named %r (ids: %s); give the id instead of the name, or keep one and remove the "
            "others by id, e.g. %s"
            % (option, len(named), plural(what), ref, ids, removal_task(what, named[-1].get(id_field))))
    return named[0] if named else None


class Tree:
    """The organization as the API key sees it, read lazily and at most once per module run."""

    def __init__(self, client):
        self.client = client
        self._projects = None
        self._environments = {}
        # (environment id, kind) -> its services, and their index by id and by name: a converge of many services
        # looks each one up, and scanning the list for each would cost the square of their number.
        self._services = {}
        self._indexes = {}

    def projects(self):
        if self._projects is None:
            self._projects = self.client.query_list("project.all")
        return self._projects

    def environments(self):
        """(environment, where) of every environment of every project; ``where`` names both for messages."""
        for project in self.projects():
            for environment in project.get("environments") or []:
                yield environment, "project %s, environment %s" % (project.get("name"), environment.get("name"))

    def project(self, ref, option="project"):
        """The project named ``ref`` (or with that id), or None."""
        return pick(self.projects(), ref, "projectId", "project", option)

    def environment(self, project, ref=None, option="environment"):
        """The project's environment named ``ref`` (or with that id); without ``ref`` the default one."""
        environments = project.get("environments") or []
        if ref is None:
            defaults = [e for e in environments if e.get("isDefault")]
            return defaults[0] if defaults else None
        return pick(environments, ref, "environmentId", "environment", option)

    def environment_details(self, environment_id):
        """``environment.one``: every service of the environment with its name (and the description)."""
        if environment_id not in self._environments:
            self._environments[environment_id] = self.client.query_object("environment.one",
                                                                          environmentId=environment_id)
        return self._environments[environment_id]

    def services(self, environment, kind):
        """The environment's services of ``kind``, each with its name."""
        cached = (environment.get("environmentId"), kind)
        if cached not in self._services:
            key = SERVICE_KINDS[kind][0]
            listed = environment.get(key) or []
            if any(not s.get("name") for s in listed):
                listed = self.environment_details(environment["environmentId"]).get(key) or []
            self._services[cached] = listed
        return self._services[cached]

    def all_services(self, environment):
        """(kind, id, name) of every service of the environment."""
        return [(kind, service.get(SERVICE_KINDS[kind][1]), service.get("name"))
                for kind in SERVICE_KINDS for service in self.services(environment, kind)]

    def service(self, environment, kind, ref, option):
        """The environment's service of ``kind`` named ``ref`` (or with that id), or None (as ``pick`` finds it)."""
        id_field = SERVICE_KINDS[kind][1]
        cached = (environment.get("environmentId"), kind)
        if cached not in self._indexes:
            by_id, by_name = {}, {}
            for service in self.services(environment, kind):
                by_id.setdefault(service.get(id_field), service)
                by_name.setdefault(service.get("name"), []).append(service)
            self._indexes[cached] = (by_id, by_name)
        by_id, by_name = self._indexes[cached]
        if ref in by_id:
            return by_id[ref]
        # One of that name, or pick's error listing the ids of several.
        return pick(by_name.get(ref) or [], ref, id_field, kind, option)
