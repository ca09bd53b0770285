#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) community.dokploy contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: dokploy_ssh_key
short_description: Create, generate, replace and remove the SSH keys Dokploy uses to reach remote servers
version_added: 0.1.0
author:
  - community.dokploy maintainers (@community-dokploy)
description:
  - Makes sure an SSH key of the organization exists with the given name, description and key pair, or does not
    exist.
  - With O(generate=true), Dokploy makes the key pair when the key does not exist yet; the module returns its
    public key (on every run, read from the stored key) so that the next task can authorize it on a host.
  - SSH key names are not unique in Dokploy; when several keys have the name, the task fails listing their ids,
    and O(name) accepts an id instead.
  - Dokploy cannot change the key material of a key (only its name and description). A different O(public_key) or
    O(private_key) on an existing key is an error, unless O(replace=true).
  - The key pair is checked before anything is sent (Dokploy does not check it) - the formats Dokploy accepts, and
    that O(public_key) is the public half of O(private_key). The check is done in Python by reading the key blobs
    (ed25519 and RSA keys in OpenSSH format, RSA keys in PEM format); C(ssh-keygen) is not needed.
  - The private key is never returned, shown in a diff or in a message, although Dokploy sends it back in clear.
options:
  name:
    description:
      - Name of the key, or its id.
    type: str
    required: true
  description:
    description:
      - Description of the key. V("") clears it.
    type: str
  public_key:
    description:
      - The public key, one line C(ssh-ed25519 AAAA... comment) or C(ssh-rsa AAAA... comment).
      - Optional - when only O(private_key) is given, the public key is derived from it.
      - Compared by key type and key blob - a different comment alone is not a change.
      - Mutually exclusive with O(generate).
    type: str
  private_key:
    description:
      - The private key, unencrypted, in OpenSSH format (C(-----BEGIN OPENSSH PRIVATE KEY-----), ed25519 or RSA) or
        PEM RSA format (C(-----BEGIN RSA PRIVATE KEY-----)). Dokploy accepts no other key type and cannot use a
        key protected by a passphrase.
      - Required to create a key, unless O(generate=true).
      - Mutually exclusive with O(generate).
    type: str
  generate:
    description:
      - When the key does not exist, have Dokploy generate the key pair (C(sshKey.generate)) and create the key with
        it. An existing key is kept as it is, so a rerun returns the same RV(public_key).
      - In check mode, a key to be generated is reported as changed and RV(public_key) is null, since no pair is
        made.
    type: bool
    default: false
  key_type:
    description:
      - The type of key O(generate=true) makes. Defaults to V(ed25519). Only used with O(generate=true), and only
        when the key is made.
    type: str
    choices: [ed25519, rsa]
  replace:
    description:
      - When the key exists with other key material than O(public_key)/O(private_key), create a new key with the same
        name, point every server that used the old key at the new one (C(server.update), sending each server's
        current settings), then remove the old key. The key's id changes.
      - If pointing a server at the new key fails, the servers already moved are put back on the old key and the new
        key is removed; nothing is left half-made. If only the final removal of the old key fails, the servers
        already use the new key, which is kept; the task fails naming the old key's id to remove by hand.
      - Needs O(private_key).
    type: bool
    default: false
  force:
    description:
      - With O(state=absent), a key that servers use is only removed when O(force=true). Dokploy removes it anyway,
        leaving those servers without a key, so it can no longer reach them (deploys and setups on them fail). The
        refusal names the servers; with O(force=true) they are returned in RV(detached_servers) and a warning names
        them.
    type: bool
    default: false
  state:
    description:
      - V(present) creates or updates the key, V(absent) removes it.
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - community.dokploy.connection
  - community.dokploy.attributes
  - community.dokploy.attributes.ACTIONGROUP_DOKPLOY
notes:
  - O(private_key) is a secret (C(no_log)); read it from a vault or with C(lookup('file', ...)) from a vaulted file.
"""

EXAMPLES = r"""
- name: Dokploy makes a key for the new host
  community.dokploy.dokploy_ssh_key:
    name: client-acme-1
    description: Deploy key of acme's VPS
    generate: true
  register: key

- name: Authorize it on the host
  ansible.posix.authorized_key:
    user: root
    key: "{{ key.public_key }}"
  delegate_to: "{{ acme_vps }}"

- name: A key pair of our own
  community.dokploy.dokploy_ssh_key:
    name: deploy
    public_key: "{{ lookup('file', 'files/deploy.pub') }}"
    private_key: "{{ vault_deploy_private_key }}"

- name: Rotate it - the servers that used the old key get the new one
  community.dokploy.dokploy_ssh_key:
    name: deploy
    private_key: "{{ vault_deploy_private_key_2025 }}"
    replace: true

- name: Remove a key, even if servers still use it
  community.dokploy.dokploy_ssh_key:
    name: old
    state: absent
    force: true
"""

RETURN = r"""
ssh_key:
  description:
    - The key as Dokploy returns it (C(sshKey.one)) without C(privateKey); empty when absent, or in check mode before
      creation.
  returned: always
  type: dict
  sample: {sshKeyId: qV3fXlq0dO8xKzhVbnQ2c, name: deploy, description: null, publicKey: ssh-ed25519 AAAAC3Nza... dokploy,
           createdAt: "2025-06-01T10:00:00.000Z", lastUsedAt: null}
id:
  description: The key's id; null when it does not exist (yet).
  returned: always
  type: str
  sample: qV3fXlq0dO8xKzhVbnQ2c
public_key:
  description: The public key stored in Dokploy (the generated one with O(generate=true)); null when the key does not
    exist, and in check mode when it would be generated.
  returned: always
  type: str
  sample: ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBv... dokploy
replaced_key_id:
  description: With O(replace=true), the id of the old key that was (or in check mode would be) removed.
  returned: when a key was replaced
  type: str
repointed_servers:
  description: With O(replace=true), the names of the servers moved (or to be moved) to the new key.
  returned: when a key was replaced
  type: list
  elements: str
detached_servers:
  description: With O(state=absent) and O(force=true), the servers that used the removed key and are left without one.
  returned: when a removed key was used by servers
  type: list
  elements: str
"""

import base64
import binascii
import hashlib
import re
import struct

from ansible_collections.community.dokploy.plugins.module_utils._base import DokployModule
from ansible_collections.community.dokploy.plugins.module_utils._client import DokployError
from ansible_collections.community.dokploy.plugins.module_utils._resource import Field, Resource, Vanished

# The formats Dokploy accepts (its sshKeyCreate schema): public and private key alike.
PUBLIC_KEY = re.compile(r"^(ssh-rsa|ssh-ed25519)\s+([A-Za-z0-9+/=]+)\s*(.*)?\s*\Z")
PRIVATE_KEY = re.compile(r"^-----BEGIN (RSA|OPENSSH) PRIVATE KEY-----\n([A-Za-z0-9+/=\n]+)-----END \1 PRIVATE KEY-----\s*\Z")
OPENSSH_MAGIC = b"openssh-key-v1\0"
KEY_TYPES = ("ssh-ed25519", "ssh-rsa")
# server.update is dialect A: every input is sent, with the server's current value (a missing
# enableDockerCleanup would turn the cleanup on).
SERVER_FIELDS = ("serverId", "name", "description", "ipAddress", "port", "username", "serverType",
                 "enableDockerCleanup", "command")


class _Blob:
    """Reads the SSH wire format (RFC 4251): uint32, string, mpint."""

    def __init__(self, data, option, what):
        self.data = data
        self.pos = 0
        self.option = option
        self.what = what

    def bad(self, why):
        return DokployError("option %s: not a valid %s (%s)" % (self.option, self.what, why))

    def uint32(self):
        if self.pos + 4 > len(self.data):
            raise self.bad("it ends too early")
        value = struct.unpack(">I", self.data[self.pos:self.pos + 4])[0]
        self.pos += 4
        return value

    def string(self):
        size = self.uint32()
        if self.pos + size > len(self.data):
            raise self.bad("it ends too early")
        value = self.data[self.pos:self.pos + size]
        self.pos += size
        return value

    def mpint(self):
        return int_from(self.string())


def int_from(data):
    value = 0
    for byte in bytearray(data):
        value = value * 256 + byte
    return value


def ssh_string(data):
    return struct.pack(">I", len(data)) + data


def ssh_mpint(value):
    if value == 0:
        return ssh_string(b"")
    size = (value.bit_length() + 8) // 8  # a leading 0 byte when the top bit is set
    return ssh_string(bytes(bytearray((value >> (8 * i)) & 0xFF for i in reversed(range(size)))))


def blob_identity(blob, option, what):
    """``("ssh-ed25519", key)`` or ``("ssh-rsa", e, n)`` of a public key blob."""
    reader = _Blob(blob, option, what)
    key_type = reader.string().decode("ascii", "replace")
    if key_type == "ssh-ed25519":
        key = reader.string()
        if len(key) != 32:
            raise reader.bad("an ed25519 key is 32 bytes")
        return (key_type, key)
    if key_type == "ssh-rsa":
        return (key_type, reader.mpint(), reader.mpint())
    raise DokployError("option %s: a %s key; Dokploy accepts only ed25519 and RSA keys" % (option, key_type))


def fingerprint(blob):
    return "SHA256:" + base64.b64encode(hashlib.sha256(blob).digest()).decode().rstrip("=")


def identity_blob(identity):
    if identity[0] == "ssh-ed25519":
        return ssh_string(b"ssh-ed25519") + ssh_string(identity[1])
    return ssh_string(b"ssh-rsa") + ssh_mpint(identity[1]) + ssh_mpint(identity[2])


def decode64(text, option, what):
    try:
        return base64.b64decode(text.encode("ascii"))
    except (binascii.Error, ValueError, UnicodeEncodeError):
        raise DokployError("option %s: not a valid %s (its base64 does not decode)" % (option, what))


def public_identity(text, option="public_key"):
    """The identity of a public key line, checked the way Dokploy checks it, and then some."""
    text = text.strip()
    match = PUBLIC_KEY.match(text)
    if not match:
        raise DokployError("option %s: not a public key Dokploy accepts; expected one line 'ssh-ed25519 AAAA... "
                           "comment' or 'ssh-rsa AAAA... comment'" % option)
    identity = blob_identity(decode64(match.group(2), option, "public key"), option, "public key")
    if identity[0] != match.group(1):
        raise DokployError("option %s: the line starts with %s but holds a %s key" % (option, match.group(1), identity[0]))
    return identity


def normal_private(text):
    """A private key as it is sent and compared: Unix line ends, one final newline."""
    return text.replace("\r\n", "\n").strip() + "\n"


def private_identity(text, option="private_key"):
    """``(identity, comment)`` of a private key, read from its blobs; the key's text is never quoted."""
    match = PRIVATE_KEY.match(normal_private(text))
    if not match:
        raise DokployError("option %s: not a private key Dokploy accepts; expected an unencrypted OpenSSH "
                           "(-----BEGIN OPENSSH PRIVATE KEY-----) or PEM RSA (-----BEGIN RSA PRIVATE KEY-----) key"
                           % option)
    data = decode64(match.group(2).replace("\n", ""), option, "private key")
    if match.group(1) == "RSA":
        return pem_rsa_identity(data, option), ""
    if not data.startswith(OPENSSH_MAGIC):
        raise DokployError("option %s: not a valid OpenSSH private key (no openssh-key-v1 header)" % option)
    reader = _Blob(data[len(OPENSSH_MAGIC):], option, "OpenSSH private key")
    cipher = reader.string()
    reader.string()  # kdf name
    reader.string()  # kdf options
    if reader.uint32() != 1:
        raise reader.bad("it holds more than one key")
    identity = blob_identity(reader.string(), option, "OpenSSH private key")
    if cipher != b"none":
        raise DokployError("option %s: the key is protected by a passphrase, which Dokploy cannot use; remove it "
                           "first (ssh-keygen -p -N '' -f <file>)" % option)
    private = _Blob(reader.string(), option, "OpenSSH private key")
    if private.uint32() != private.uint32():
        raise private.bad("its check bytes differ")
    key_type = private.string().decode("ascii", "replace")
    if key_type == "ssh-ed25519":
        public, secret = private.string(), private.string()
        inner = (key_type, public) if secret[32:] == public else None
    else:
        inner = (key_type, private.mpint(), private.mpint())
        inner = (inner[0], inner[2], inner[1]) if key_type == "ssh-rsa" else None  # n, e -> e, n
        for _field in range(4):  # d, iqmp, p, q
            private.string()
    if inner != identity:
        raise private.bad("its private part does not belong to the public key in its header")
    return identity, private.string().decode("utf-8", "replace")


def pem_rsa_identity(data, option):
    """``("ssh-rsa", e, n)`` of a PKCS#1 RSAPrivateKey (DER: SEQUENCE {version, n, e, ...})."""
    def element(pos):
        if pos + 2 > len(data):
            raise DokployError("option %s: not a valid PEM RSA private key (it ends too early)" % option)
        tag, size = bytearray(data[pos:pos + 2])
        pos += 2
        if size & 0x80:
            count = size & 0x7F
            size = int_from(data[pos:pos + count])
            pos += count
        if pos + size > len(data):
            raise DokployError("option %s: not a valid PEM RSA private key (it ends too early)" % option)
        return tag, data[pos:pos + size], pos + size

    tag, _body, _end = element(0)
    if tag != 0x30:
        raise DokployError("option %s: not a valid PEM RSA private key (no DER sequence)" % option)
    pos = _end - len(_body)
    values = []
    for _index in range(3):
        tag, body, pos = element(pos)
        if tag != 0x02:
            raise DokployError("option %s: not a valid PEM RSA private key (expected an integer)" % option)
        values.append(int_from(body))
    return ("ssh-rsa", values[2], values[1])


def same_identity(stored, given, parse):
    """Whether the stored key text is the key ``given`` (an identity); text unreadable by ``parse`` never is."""
    try:
        return parse(stored) == given
    except DokployError:
        return False


class SshKey(Resource):
    kind = "SSH key"
    result_key = "ssh_key"
    id_field = "sshKeyId"
    read_procedure = "sshKey.one"
    create_procedure = "sshKey.create"
    delete_procedure = "sshKey.remove"
    list_procedure = "sshKey.all"
    writers = {"update": ("sshKey.update", ())}
    fields = (
        Field("name", "name"),
        Field("description", "description"),
        Field("public_key", "publicKey", writer=None),
        Field("private_key", "privateKey", writer=None, secret=True),
    )
    MATERIAL = ("publicKey", "privateKey")

    def __init__(self, dokploy):
        super(SshKey, self).__init__(dokploy)
        self.pair = None  # (public key text, private key text, identity) of the options

    # -- before any request --------------------------------------------------

    def validate(self):
        params = self.params
        public, private = params.get("public_key"), params.get("private_key")
        if params["generate"] and (public is not None or private is not None):
            raise DokployError("option generate: cannot be combined with %s; either Dokploy generates the key pair "
                               "or you give it" % ("public_key" if public is not None else "private_key"))
        if params.get("key_type") is not None and not params["generate"]:
            raise DokployError("option key_type: only used with generate: true")
        if params["replace"] and private is None:
            raise DokployError("option replace: needs the new key in private_key (and optionally public_key)")
        public_id = public_identity(public) if public is not None else None
        if private is None:
            self.pair = (public.strip(), None, public_id) if public is not None else None
            return
        private_id, comment = private_identity(private)
        if public_id is not None and public_id != private_id:
            raise DokployError("option public_key: it is not the public half of private_key (public_key is %s, "
                               "the private key's public half is %s)"
                               % (fingerprint(identity_blob(public_id)), fingerprint(identity_blob(private_id))))
        if public is None:
            public = "%s %s%s" % (private_id[0], base64.b64encode(identity_blob(private_id)).decode(),
                                  " " + comment if comment and re.match(r"^[ -~]+$", comment) else "")
        self.pair = (public.strip(), normal_private(private), private_id)

    # -- finding and comparing -----------------------------------------------

    def find(self):
        return self.find_listed(self.params["name"])

    def desired(self):
        values = super(SshKey, self).desired()
        if self.pair is not None:
            values["publicKey"] = self.pair[0]
            if self.pair[1] is not None:
                values["privateKey"] = self.pair[1]
        return values

    def material(self, current):
        """The options whose key material differs from the stored key's."""
        if self.pair is None:
            return []
        identity = self.pair[2]
        differs = []
        if not same_identity(current.get("publicKey") or "", identity, public_identity):
            differs.append("public_key")
        if self.pair[1] is not None and normal_private(current.get("privateKey") or "") != self.pair[1] and not \
                same_identity(current.get("privateKey") or "", identity, lambda text: private_identity(text)[0]):
            differs.append("private_key")
        return differs

    def changes(self, current, desired):
        # The key material is compared by material() (by key, not by text) before this runs.
        return super(SshKey, self).changes(current, dict((k, v) for k, v in desired.items() if k not in self.MATERIAL))

    # -- present ---------------------------------------------------------------

    def present(self, current):
        if current is None:
            return self.present_new()
        differs = self.material(current)
        if differs and not self.params["replace"]:
            raise DokployError("option %s: differs from the key SSH key %r (%s) holds, and Dokploy cannot change a key's "
                               "material; set replace: true to create a new key, move the servers that use this one to "
                               "it and remove this one" % (differs[0], current.get("name"), current[self.id_field]))
        if differs:
            return self.replace(current)
        return super(SshKey, self).present(current)

    def present_new(self):
        if self.pair is None and not self.params["generate"]:
            raise DokployError("option private_key: required to create an SSH key (or set generate: true)")
        if self.pair is not None and self.pair[1] is None:
            raise DokployError("option private_key: required to create an SSH key with public_key")
        current = super(SshKey, self).present(None)
        if self.params["generate"]:
            self.after["key_type"] = self.params.get("key_type") or "ed25519"
        return current

    def create(self, on_create, desired):
        if self.params["generate"]:
            pair = self.write("sshKey.generate", {"type": self.params.get("key_type") or "ed25519"})
            on_create = dict(on_create, publicKey=pair["publicKey"], privateKey=pair["privateKey"])
        self.sent_public = on_create["publicKey"]
        return super(SshKey, self).create(on_create, desired)

    def create_body(self, desired):
        # organizationId is required but ignored: the key goes to the API key's organization.
        return dict(desired, organizationId="")

    def listed_match(self, name, public_key):
        """The listed key with that name and public key (sshKey.create answers an empty body), or None."""
        for key in self.client.query_list(self.list_procedure):
            if key.get("name") == name and (key.get("publicKey") or "").strip() == public_key.strip():
                return key
        return None

    def after_create(self, created, desired):
        found = self.listed_match(desired.get("name", self.params["name"]), self.sent_public)
        if found is None:
            raise DokployError("sshKey.create answered, but the new SSH key %r is not listed" % self.params["name"])
        return found[self.id_field]

    # -- replace ---------------------------------------------------------------

    def servers_using(self, key_id):
        return [s for s in self.organization_list("server") if s.get("sshKeyId") == key_id]

    def replace(self, current):
        old_id = current[self.id_field]
        desired = self.desired()
        servers = self.servers_using(old_id)
        self.changed = True
        self.extra.update(replaced_key_id=old_id, repointed_servers=[s.get("name") for s in servers])
        shown = ["publicKey", "privateKey"] + [k for k in ("description",) if k in desired]
        self.before = self.masked_fields(dict((k, current.get(k)) for k in shown), side="before")
        self.after = self.masked_fields(dict((k, desired[k]) for k in shown), side="after")
        if self.check_mode:
            return current
        body = dict(name=current["name"], description=desired.get("description", current.get("description")),
                    publicKey=desired["publicKey"], privateKey=desired["privateKey"],
                    organizationId=current.get("organizationId") or "")
        created, found = self.create_once(self.create_procedure, body,
                                          lambda: self.listed_match(body["name"], body["publicKey"]))
        new = found or self.listed_match(body["name"], body["publicKey"])
        if new is None:
            raise DokployError("sshKey.create answered, but the new SSH key %r is not listed" % body["name"])
        new_id = new[self.id_field]
        self.made.append(("SSH key %s" % new_id, self.delete_procedure, {self.id_field: new_id}))
        for server in servers:
            try:
                self.client.mutate("server.update", self.server_body(server, new_id))
            except DokployError as exc:
                raise DokployError("pointing server %r at the new SSH key failed: %s" % (server.get("name"), exc.message),
                                   status=exc.status, code=exc.code, procedure=exc.procedure)
            self.made.append(("server %s's key change (put back on %s)" % (server.get("name"), old_id),
                              "server.update", self.server_body(server, old_id)))
        self.made = []  # the servers use the new key now: it stays, whatever happens next
        try:
            self.write(self.delete_procedure, {self.id_field: old_id})
        except Vanished:
            pass
        except DokployError as exc:
            raise DokployError("the new SSH key %s is in place and the servers use it, but removing the old key %s "
                               "failed (%s); remove it by hand: community.dokploy.dokploy_ssh_key: {name: %s, state: "
                               "absent}" % (new_id, old_id, exc.message, old_id), status=exc.status, code=exc.code,
                               procedure=exc.procedure)
        return self.read(new_id)

    @staticmethod
    def server_body(server, key_id):
        body = dict((k, server.get(k)) for k in SERVER_FIELDS if k != "command" or server.get(k) is not None)
        body["sshKeyId"] = key_id
        return body

    # -- absent ------------------------------------------------------------------

    def check_absent(self, current):
        names = [s.get("name") for s in self.servers_using(current[self.id_field])]
        if not names:
            return
        if not self.params["force"]:
            raise DokployError("option force: SSH key %r is used by %d servers (%s); removed, it would leave them "
                               "without a key and Dokploy could no longer reach them. Set force: true to remove it "
                               "anyway, or give them another key first (replace: true)"
                               % (current.get("name"), len(names), ", ".join(names)))
        self.report_dependents(current, "detached_servers", names, "used by servers",
                               "they are left without a key and Dokploy can no longer reach them")

    def result(self, current):
        result = super(SshKey, self).result(current)
        key = dict((k, v) for k, v in (current or {}).items() if k != "privateKey")
        result[self.result_key] = key
        result["public_key"] = key.get("publicKey")
        return result


def main():
    dokploy = DokployModule(
        argument_spec=dict(
            name=dict(type="str", required=True),
            description=dict(type="str"),
            public_key=dict(type="str"),
            private_key=dict(type="str", no_log=True),
            generate=dict(type="bool", default=False),
            key_type=dict(type="str", choices=["ed25519", "rsa"]),
            replace=dict(type="bool", default=False),
            force=dict(type="bool", default=False),
            state=dict(type="str", choices=["present", "absent"], default="present"),
        ),
        supports_check_mode=True,
    )
    dokploy.run(SshKey(dokploy).run)


if __name__ == "__main__":
    main()
