#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) community.dokploy contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: dokploy_mount
short_description: Mount a volume, a host path or a file into a Dokploy service
version_added: 0.1.0
author:
  - community.dokploy maintainers (@community-dokploy)
description:
  - Makes sure a Docker volume, a directory of the host, or a file whose content Dokploy keeps is mounted at
    O(mount_path) in an application, a compose stack or a database, or is not.
  - A mount is identified by O(mount_path) within its service. The service uses a new or changed mount from its next
    deploy on.
options:
  mount_path:
    description:
      - Absolute path inside the container, starting with C(/).
    type: str
    required: true
  type:
    description:
      - What is mounted. Required to create the mount. V(volume) needs O(volume_name), V(bind) needs O(host_path),
        V(file) needs O(content).
    type: str
    choices: [volume, bind, file]
  volume_name:
    description:
      - Name of the Docker volume.
    type: str
  host_path:
    description:
      - Absolute path of a directory of the Dokploy host.
    type: str
  content:
    description:
      - Content of the mounted file.
    type: str
  file_path:
    description:
      - Name Dokploy gives the file it keeps for the mount, for example V(nginx.conf). Required with O(type=file);
        a relative path, without C(..).
    type: str
  state:
    description:
      - V(present) creates or updates the mount, V(absent) removes it.
    type: str
    choices: [present, absent]
    default: present
  force:
    description:
      - Allow removing or changing the data volume Dokploy created with a database (C(<appName>-data) at the
        engine's data path). Without it such a task fails, in check mode too, since the database would start empty
        on its next deploy, with its data left in the old volume.
    type: bool
    default: false
extends_documentation_fragment:
  - community.dokploy.placement
  - community.dokploy.placement.SERVICE
  - community.dokploy.connection
  - community.dokploy.attributes
  - community.dokploy.attributes.ACTIONGROUP_DOKPLOY
"""

EXAMPLES = r"""
- name: Keep uploads in a volume
  community.dokploy.dokploy_mount:
    project: acme
    app: web
    type: volume
    volume_name: acme-uploads
    mount_path: /app/uploads

- name: A configuration file for the database
  community.dokploy.dokploy_mount:
    project: acme
    database: db
    database_type: postgres
    type: file
    file_path: tuning.conf
    content: "{{ lookup('ansible.builtin.file', 'files/tuning.conf') }}"
    mount_path: /etc/postgresql/conf.d/tuning.conf
"""

RETURN = r"""
mount:
  description: The mount as Dokploy returns it; empty when absent or in check mode before creation.
  returned: always
  type: dict
  sample: {mountId: G_buLSUJOpfrpNhfDBePx, type: volume, volumeName: acme-uploads, mountPath: /app/uploads}
id:
  description: The mount's id; null when it does not exist (yet).
  returned: always
  type: str
"""

from ansible_collections.community.dokploy.plugins.module_utils._base import DokployModule
from ansible_collections.community.dokploy.plugins.module_utils._resources.mount import MODULE_RULES, Mount, argument_spec


def main():
    dokploy = DokployModule(argument_spec=argument_spec(), supports_check_mode=True, **MODULE_RULES)
    dokploy.run(Mount(dokploy).run)


if __name__ == "__main__":
    main()
