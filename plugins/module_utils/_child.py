# -*- coding: utf-8 -*-
# Copyright (c) community.dokploy contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Objects that belong to one service (mounts, ports, redirects, basic auth), on the resource base.

A child has no name: it is identified by some of its fields (a mount by its
path, a port by published port and protocol...) within its service. Several
creates answer ``true`` instead of the new object, so the new child is found
by reading the service's children again.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.community.dokploy.plugins.module_utils._client import DokployError
from ansible_collections.community.dokploy.plugins.module_utils._resource import Resource, same
from ansible_collections.community.dokploy.plugins.module_utils._tree import DATABASE_KINDS, SERVICE_KINDS


def parent_argument_spec(options):
    """The options naming the parent service, for a child module whose parents are ``options``."""
    spec = dict(project=dict(type="str", required=True), environment=dict(type="str"))
    for option in options:
        spec[option] = dict(type="str", required=len(options) == 1)
    if "database" in options:
        spec["database_type"] = dict(type="str", choices=list(DATABASE_KINDS))
    return spec


def parent_rules(options):
    if len(options) == 1:
        return {}
    rules = dict(required_one_of=[tuple(options)], mutually_exclusive=[tuple(options)])
    if "database" in options:
        rules["required_by"] = {"database": "database_type"}
    return rules


class Child(Resource):
    """A child of a service; subclasses declare ``identity_fields`` (API fields) and how to list the children."""

    parents = ("app",)
    identity_fields = ()
    # Where application.one lists these children, when they are listed there.
    app_list_key = None

    def find(self):
        environment = self.environment()
        if environment is None:
            return None
        kind, service = self.named_service(environment, self.parents)
        if service is None:
            return None
        self.parent_kind, self.parent_id = kind, service[SERVICE_KINDS[kind][1]]
        self.parent_label = "%s %s" % (kind, service.get("name"))
        return self.match(self.children())

    def children(self):
        if self.app_list_key:
            return self.client.query("application.one", applicationId=self.parent_id).get(self.app_list_key) or []
        raise NotImplementedError

    def wanted_identity(self):
        desired = self.desired()
        return dict((field, desired.get(field)) for field in self.identity_fields)

    def match(self, children):
        wanted = self.wanted_identity()
        matching = [c for c in children if all(same(c.get(f), v) for f, v in wanted.items())]
        if len(matching) > 1:
            raise DokployError("%d %ss of %s match %s (ids: %s); remove the extra ones"
                               % (len(matching), self.kind, self.parent_label,
                                  ", ".join("%s=%s" % item for item in sorted(wanted.items())),
                                  ", ".join(c[self.id_field] for c in matching)))
        return matching[0] if matching else None

    def after_create(self, created, desired):
        if isinstance(created, dict) and created.get(self.id_field):
            return created[self.id_field]
        # Dokploy answered true: the new child is the one with this identity now.
        found = self.match(self.children())
        if found is None:
            raise DokployError("%s created on %s, but Dokploy does not list it" % (self.kind, self.parent_label))
        return found[self.id_field]
