# -*- coding: utf-8 -*-
# Copyright (c) community.dokploy contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The mount resource of dokploy_mount: its fields, writers, checks and the module's options.

Imported by dokploy_mount and by the modules that converge several objects at once, which validate
an entry against exactly the options of the single module.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.community.dokploy.plugins.module_utils._child import (
    Child,
    parent_argument_spec,
    parent_rules,
)
from ansible_collections.community.dokploy.plugins.module_utils._client import DokployError
from ansible_collections.community.dokploy.plugins.module_utils._resource import Field
from ansible_collections.community.dokploy.plugins.module_utils._tree import DATABASE_KINDS
from ansible_collections.community.dokploy.plugins.module_utils._validate import (
    check_absolute_path,
    check_not_empty,
    check_relative_file,
)

PARENTS = ("app", "compose", "database")
# Mount type -> the option it needs.
SOURCES = {"volume": "volume_name", "bind": "host_path", "file": "content"}
# Docker's rule for volume names, as Dokploy checks them in volume backups.
VOLUME_NAME = re.compile(r"^[a-zA-Z0-9][a-zA-Z0-9_.-]*$")


class Mount(Child):
    kind = "mount"
    result_key = "mount"
    id_field = "mountId"
    read_procedure = "mounts.one"
    create_procedure = "mounts.create"
    delete_procedure = "mounts.remove"
    writers = {"update": ("mounts.update", ())}
    parents = PARENTS
    identity_fields = ("mountPath",)
    required_to_create = ("type",)
    fields = (
        Field("mount_path", "mountPath", writer=None),
        Field("type", "type"),
        Field("volume_name", "volumeName"),
        Field("host_path", "hostPath"),
        Field("content", "content"),
        Field("file_path", "filePath"),
    )

    def validate(self):
        params = self.params
        check_not_empty(params["mount_path"], "mount_path")
        if params["state"] == "absent":
            return  # mount_path only selects what to remove, even a mount that an earlier rule let through
        check_absolute_path(params["mount_path"], "mount_path")
        mount_type = params["type"]
        if mount_type and params[SOURCES[mount_type]] is None:
            raise DokployError("option %s: required with type: %s" % (SOURCES[mount_type], mount_type))
        if mount_type == "file" and params["file_path"] is None:
            raise DokployError("option file_path: required with type: file (the name of the file Dokploy keeps)")
        for other_type, option in sorted(SOURCES.items()) + [("file", "file_path")]:
            if mount_type and other_type != mount_type and params[option] is not None:
                raise DokployError("option %s: only used with type: %s" % (option, other_type))
        check_relative_file(params["file_path"], "file_path")
        volume = params["volume_name"]
        if volume is not None and not VOLUME_NAME.match(volume):
            raise DokployError("option volume_name: %r is not a Docker volume name (letters, digits, _ . -, "
                               "starting with a letter or digit)" % volume)
        check_absolute_path(params["host_path"], "host_path")

    def is_data_volume(self, current):
        """The volume Dokploy made with a database for its data: the database starts empty without it."""
        return (self.parent_kind in DATABASE_KINDS and current.get("type") == "volume"
                and (current.get("volumeName") or "").endswith("-data"))

    def check_absent(self, current):
        self.guard_data_volume(current, "removing")

    def check_present(self, current, desired):
        if current is not None:
            self.guard_data_volume(current, "changing")

    def guard_data_volume(self, current, doing):
        if self.is_data_volume(current) and not self.params["force"]:
            raise DokployError("option force: the volume %s at %s is the data of %s; %s it makes the database "
                               "start empty on its next deploy (the data stays in the old volume); set force: true "
                               "to do it anyway" % (current.get("volumeName"), current.get("mountPath"),
                                                    self.parent_label, doing))

    def children(self):
        return self.client.query("mounts.listByServiceId", serviceType=self.parent_kind,
                                 serviceId=self.parent_id) or []

    def create_body(self, desired):
        return dict(desired, serviceType=self.parent_kind, serviceId=self.parent_id)


def argument_spec():
    """The options of dokploy_mount."""
    spec = parent_argument_spec(PARENTS)
    spec.update(
        mount_path=dict(type="str", required=True),
        type=dict(type="str", choices=sorted(SOURCES)),
        volume_name=dict(type="str"),
        host_path=dict(type="str"),
        content=dict(type="str"),
        file_path=dict(type="str"),
        state=dict(type="str", choices=["present", "absent"], default="present"),
        force=dict(type="bool", default=False),
    )
    return spec


MODULE_RULES = parent_rules(PARENTS)
