#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) community.dokploy contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: dokploy_destination
short_description: Create, update and remove Dokploy's S3 backup destinations
version_added: 0.1.0
author:
  - community.dokploy maintainers (@community-dokploy)
description:
  - Makes sure an S3-compatible backup destination (a bucket Dokploy's database, compose and volume backups are
    copied to with rclone) exists with the given provider, keys, bucket, region, endpoint and extra rclone flags,
    or does not exist.
  - Destinations belong to the organization, not to a project. Names are not unique in Dokploy; when several
    destinations have the name, the task fails listing their ids, and O(name) accepts an id instead.
  - Dokploy stores a destination without checking that the bucket can be reached. With O(test=true) the task first
    has Dokploy run its connection test (C(rclone ls) of the bucket, on the Dokploy host) with the new values, and
    fails without storing anything when it fails.
options:
  name:
    description:
      - Name of the destination, or its id. A destination named by its id is not renamed.
    type: str
    required: true
  provider:
    description:
      - The S3 provider as rclone names it (C(--s3-provider)), for example V(AWS), V(Cloudflare), V(Minio),
        V(DigitalOcean), V(Wasabi), V(Scaleway), V(Ceph) or V(Other). Case matters.
      - Dokploy does not check it; this module only checks that it is one word of letters and digits. A provider
        rclone does not know makes every backup fail; O(test=true) finds out before saving.
      - Required to create a destination.
    type: str
  access_key:
    description:
      - The access key id. It is not treated as a secret (it shows in diffs and results). Required to create a
        destination.
    type: str
  secret_key:
    description:
      - The secret access key. Never printed, not even when Dokploy quotes it in an rclone error. Required to create
        a destination.
    type: str
  update_secret_key:
    description:
      - V(always) compares O(secret_key) with the one Dokploy holds and changes it when it differs; V(on_create) sets
        it only when the destination is created.
    type: str
    choices: [always, on_create]
    default: always
  bucket:
    description:
      - The bucket the backups go to. Required to create a destination.
    type: str
  region:
    description:
      - The bucket's region, for example V(us-east-1), or V(auto) for Cloudflare R2. V("") (the default at create)
        leaves it to the provider.
    type: str
  endpoint:
    description:
      - The provider's S3 endpoint, for example V(https://s3.eu-central-1.amazonaws.com) or
        V(https://<account>.r2.cloudflarestorage.com), with or without the scheme (only V(http) and V(https)).
      - Required to create a destination.
    type: str
  additional_flags:
    description:
      - Extra rclone flags Dokploy adds to every command for this destination, for example
        V(--s3-sign-accept-encoding=false). Each must be C(--name) or C(--name=value), a value of letters, digits
        and C(._:/@-) only (Dokploy's rule, checked before sending). V([]) removes them all.
    type: list
    elements: str
  test:
    description:
      - Before creating or changing the destination, have Dokploy test the connection with the new values, and fail
        without storing anything when the test fails (with rclone's message, the secret key removed).
      - Not sent when nothing changes, nor in check mode (a check never sends a write).
    type: bool
    default: false
  state:
    description:
      - V(present) creates or updates the destination, V(absent) removes it.
      - Dokploy removes B(every backup and volume backup that uses the destination) with it (their schedules and
        their deployment history; the files already in the bucket stay). The task warns naming them, also in check
        mode, and returns them in RV(removed_backups). Dokploy's own web server backup is not looked at.
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - community.dokploy.connection
  - community.dokploy.attributes
  - community.dokploy.attributes.ACTIONGROUP_DOKPLOY
notes:
  - Dokploy returns the secret key in clear in its answers; the module masks it in results and diffs, and removes
    it from every message, in the form rclone's command line quotes it too.
  - O(test=true) runs C(rclone) on the Dokploy host itself, so the bucket must be reachable from there.
"""

EXAMPLES = r"""
- name: Backups to a Cloudflare R2 bucket, tested before saving
  community.dokploy.dokploy_destination:
    name: r2-backups
    provider: Cloudflare
    access_key: "{{ vault_r2_access_key }}"
    secret_key: "{{ vault_r2_secret_key }}"
    bucket: acme-backups
    region: auto
    endpoint: https://0123456789abcdef.r2.cloudflarestorage.com
    test: true

- name: A MinIO bucket, without changing a secret key someone rotated by hand
  community.dokploy.dokploy_destination:
    name: minio
    provider: Minio
    access_key: backup-bot
    secret_key: "{{ vault_minio_secret }}"
    update_secret_key: on_create
    bucket: backups
    region: us-east-1
    endpoint: http://minio.internal:9000
    additional_flags:
      - --s3-sign-accept-encoding=false

- name: Remove a destination (and, with it, the backups that use it)
  community.dokploy.dokploy_destination:
    name: old-bucket
    state: absent
"""

RETURN = r"""
destination:
  description: The destination as Dokploy returns it, secret key masked; empty when absent or in check mode before
    creation.
  returned: always
  type: dict
  sample: {destinationId: LBydbINMZmxWuKZ9VEscR, name: r2-backups, provider: Cloudflare, accessKey: 0a1b2c3d,
           secretAccessKey: "********", bucket: acme-backups, region: auto,
           endpoint: "https://0123456789abcdef.r2.cloudflarestorage.com", additionalFlags: [],
           organizationId: KGp7Q6e0XM3mLgiPuWIeD, createdAt: "2026-11-27T11:44:31.094Z"}
removed_backups:
  description: With O(state=absent), the backups and volume backups that used the destination, which Dokploy
    removes with it (would remove, in check mode); a warning names them too.
  returned: when a removed destination was used
  type: list
  elements: str
  sample: ["backup of postgres db (project acme, environment production)",
           "volume backup nightly of application web (project acme, environment production)"]
id:
  description: The destination's id; null when it does not exist (yet).
  returned: always
  type: str
  sample: LBydbINMZmxWuKZ9VEscR
"""

import re

from ansible_collections.community.dokploy.plugins.module_utils._base import DokployModule
from ansible_collections.community.dokploy.plugins.module_utils._client import DokployError
from ansible_collections.community.dokploy.plugins.module_utils._resource import Field, Resource
from ansible_collections.community.dokploy.plugins.module_utils._tree import SERVICE_KINDS
from ansible_collections.community.dokploy.plugins.module_utils._validate import error

# Dokploy's rule for each of additionalFlags (its input validation refuses anything else).
FLAG = re.compile(r"^--[a-zA-Z0-9-]+(=[a-zA-Z0-9._:/@-]+)?$")
# rclone's S3 provider names are single words: AWS, Cloudflare, Minio, DigitalOcean...
PROVIDER = re.compile(r"^[A-Za-z0-9]+$")
SPACE = re.compile(r"\s")
# The service kinds whose <kind>.one lists their backups (database and compose backups).
BACKED_UP_KINDS = ("postgres", "mysql", "mariadb", "mongo", "libsql", "compose")
# Every field of a destination: destination.update and testConnection require them all (update writes a missing
# additionalFlags as []), so the untouched ones are sent as read.
ALL_FIELDS = ("name", "provider", "accessKey", "secretAccessKey", "bucket", "region", "endpoint", "additionalFlags")


def check_provider(value, option):
    if not PROVIDER.match(value):
        raise error(option, "%r is not an rclone S3 provider name: one word of letters and digits, such as AWS, "
                            "Cloudflare, Minio or Other" % value)
    return value


def check_word(value, option):
    """Not empty, no spaces or line breaks (access key, bucket)."""
    if not value:
        raise error(option, "must not be empty")
    if SPACE.search(value):
        raise error(option, "%r must not contain spaces or line breaks" % value)
    return value


def check_region(value, option):
    if SPACE.search(value):
        raise error(option, "%r must not contain spaces or line breaks" % value)
    return value


def check_endpoint(value, option):
    check_word(value, option)
    if "://" in value:
        scheme, _sep, rest = value.partition("://")
        if scheme.lower() not in ("http", "https") or not rest.split("/")[0]:
            raise error(option, "%r is not an S3 endpoint: write https://host[:port] (or http://, or the host "
                                "alone)" % value)
    return value


def check_flags(value, option):
    for flag in value:
        if not isinstance(flag, str) or not FLAG.match(flag):
            raise error(option, "%r is not a flag Dokploy accepts: write --name or --name=value, the value of letters, "
                                "digits and ._:/@- only (for example --s3-sign-accept-encoding=false)" % (flag,))
    return list(value)


def check_secret(value, option):
    if value == "":
        raise error(option, "must not be empty")
    return value


class Destination(Resource):
    kind = "destination"
    result_key = "destination"
    id_field = "destinationId"
    read_procedure = "destination.one"
    create_procedure = "destination.create"
    delete_procedure = "destination.remove"
    list_procedure = "destination.all"
    writers = {"update": ("destination.update", ALL_FIELDS)}
    fields = (
        Field("name", "name"),
        Field("provider", "provider", to_api=check_provider),
        Field("access_key", "accessKey", to_api=check_word),
        Field("secret_key", "secretAccessKey", secret=True, to_api=check_secret),
        Field("bucket", "bucket", to_api=check_word),
        Field("region", "region", to_api=check_region),
        Field("endpoint", "endpoint", to_api=check_endpoint),
        Field("additional_flags", "additionalFlags", to_api=check_flags),
    )
    required_to_create = ("provider", "access_key", "secret_key", "bucket", "endpoint")

    def validate(self):
        self.desired()  # every option's check, before any request

    def find(self):
        # destination.all lists every field, the secret key included: the listed row is the current one.
        return self.find_listed(self.params["name"], read=False)

    def compare_secret(self, field, current):
        return self.params["update_secret_key"] == "always"

    def create_body(self, desired):
        return dict({"region": "", "additionalFlags": []}, **desired)

    def create(self, on_create, desired):
        self.test_connection(self.create_body(on_create), "created")
        return super(Destination, self).create(on_create, desired)

    def update(self, current, changes):
        for procedure, body in self.writer_bodies(current, changes):
            self.test_connection(body, "changed")  # the values the update would store, tested first
            self.write(procedure, body)

    def test_connection(self, body, what):
        """With test=true: Dokploy's rclone test of ``body``; a failure stores nothing and fails the task."""
        if not self.params["test"]:
            return
        body = dict((k, v) for k, v in body.items() if k != self.id_field)  # testConnection tests values, not a row
        if body.get("additionalFlags") is None:
            body["additionalFlags"] = []
        # Dokploy's message quotes the rclone command, with the secret key as the shell sees it: the client
        # knows that form too (Secrets.add), so it is removed from the message like the plain one.
        try:
            self.write("destination.testConnection", body)
        except DokployError as exc:
            if exc.field_errors or exc.status != 400:
                raise
            raise DokployError("destination %r was not %s: Dokploy's connection test (rclone ls of bucket %r) failed, "
                               "and nothing was stored: %s" % (body.get("name"), what, body.get("bucket"), exc.message),
                               status=exc.status, code=exc.code, procedure=exc.procedure)

    def check_absent(self, current):
        self.report_dependents(current, "removed_backups", self.backups_using(current[self.id_field]),
                               "used by", "Dokploy removes those backups with it")

    def backups_using(self, destination_id):
        """The backups and volume backups of every service that go to the destination. No list says so: each
        service is read (only when a destination is about to be removed)."""
        users = []
        for environment, where in self.tree.environments():
            for kind, service_id, name in self.tree.all_services(environment):
                if kind in BACKED_UP_KINDS:
                    service = self.client.query_object("%s.one" % kind, **{SERVICE_KINDS[kind][1]: service_id})
                    users += ["backup of %s %s (%s)" % (kind, name, where) for backup in service.get("backups") or []
                              if backup.get("destinationId") == destination_id]
                listed = self.client.query_list("volumeBackups.list", id=service_id, volumeBackupType=kind)
                users += ["volume backup %s of %s %s (%s)" % (backup.get("name"), kind, name, where)
                          for backup in listed if backup.get("destinationId") == destination_id]
        return users


def main():
    dokploy = DokployModule(
        argument_spec=dict(
            name=dict(type="str", required=True),
            provider=dict(type="str"),
            access_key=dict(type="str", no_log=False),
            secret_key=dict(type="str", no_log=True),
            update_secret_key=dict(type="str", choices=["always", "on_create"], default="always", no_log=False),
            bucket=dict(type="str"),
            region=dict(type="str"),
            endpoint=dict(type="str"),
            additional_flags=dict(type="list", elements="str"),
            test=dict(type="bool", default=False),
            state=dict(type="str", choices=["present", "absent"], default="present"),
        ),
        supports_check_mode=True,
    )
    dokploy.run(Destination(dokploy).run)


if __name__ == "__main__":
    main()
