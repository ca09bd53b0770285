"""`sshKey.*`: SSH key pairs of an organization, used by remote servers (server.py)."""

import base64
import re
import secrets
import struct

from simcore import ApiError, bad_request, new_id, not_found, now_iso, unauthorized

# Key order of a stored key, as every procedure answers it.
SSH_KEY_FIELDS = ("sshKeyId", "privateKey", "publicKey", "name", "description", "createdAt",
                  "lastUsedAt", "organizationId")

# Dokploy checks the key material by pattern only (db/validations, sshKeyCreate): a public key
# of another pair is accepted. \Z where JavaScript's `$` (no m flag) means the end of the text.
PUBLIC_KEY = re.compile(r"^(ssh-rsa|ssh-ed25519)\s+([A-Za-z0-9+/=]+)\s*(.*)?\s*\Z")
PRIVATE_KEY = re.compile(r"^-----BEGIN (RSA|OPENSSH) PRIVATE KEY-----\n([A-Za-z0-9+/=\n]+)"
                         r"-----END \1 PRIVATE KEY-----\s*\Z")


def key_format_issues(data):
    issues = []
    if not PRIVATE_KEY.match(data["privateKey"]):
        issues.append({"code": "custom", "path": ["privateKey"], "message": "Invalid private key format"})
    if not PUBLIC_KEY.match(data["publicKey"]):
        issues.append({"code": "custom", "path": ["publicKey"], "message": "Invalid public key format"})
    return issues


def own_key(api, ctx, ident, denied):
    key = api.store.get("sshKey", ident)
    if key is None:
        raise not_found("SSH Key not found")
    if key["organizationId"] != ctx.org:
        raise unauthorized(f"You are not allowed to {denied} this SSH key")
    return key


def org_keys(api, ctx):
    """The organization's keys, newest first."""
    return [k for k in reversed(list(api.store.tables["sshKey"].values())) if k["organizationId"] == ctx.org]


def ssh_key_create(api, ctx, data):
    # The input's organizationId is required but replaced by the caller's organization.
    key = dict.fromkeys(SSH_KEY_FIELDS)
    key.update(sshKeyId=new_id(), privateKey=data["privateKey"], publicKey=data["publicKey"],
               name=data["name"], description=data.get("description"), createdAt=now_iso(),
               organizationId=ctx.org)
    api.store.insert("sshKey", key)
    return None  # the real server answers an empty body


def ssh_key_one(api, ctx, data):
    return own_key(api, ctx, data["sshKeyId"], "access")


def ssh_key_all(api, ctx, data):
    return org_keys(api, ctx)


def ssh_key_all_for_apps(api, ctx, data):
    return [{"sshKeyId": k["sshKeyId"], "name": k["name"]} for k in org_keys(api, ctx)]


def ssh_key_update(api, ctx, data):
    # Every failure, an unknown key included, is wrapped into one 400; so is an update left
    # with nothing to set (drizzle: "No values to set"), e.g. one sending only `publicKey`.
    try:
        key = own_key(api, ctx, data["sshKeyId"], "update")
    except ApiError as error:
        raise bad_request("Error updating this SSH key") from error
    changes = {f: data[f] for f in ("name", "description", "lastUsedAt") if f in data}
    if not changes:
        raise bad_request("Error updating this SSH key")
    key.update(changes)
    return key


def ssh_key_remove(api, ctx, data):
    key = own_key(api, ctx, data["sshKeyId"], "delete")
    # The foreign keys on it are ON DELETE SET NULL: servers and git sources lose their key.
    for kind, field in (("server", "sshKeyId"), ("application", "customGitSSHKeyId"),
                        ("compose", "customGitSSHKeyId")):
        for record in api.store.where(kind, **{field: key["sshKeyId"]}):
            record[field] = None
    del api.store.tables["sshKey"][key["sshKeyId"]]
    return key


# ---- sshKey.generate -------------------------------------------------------------
# Dokploy answers a fresh pair (ssh2's generateKeyPairSync, comment "dokploy") and stores
# nothing. The simulator answers a pair of the same OpenSSH format made of random bytes: it
# passes every check Dokploy makes, but it is not a usable key pair.

def ssh_string(data):
    return struct.pack(">I", len(data)) + data


def openssh_private_key(key_type, public_blob, private_fields):
    check = secrets.token_bytes(4)
    private = check + check + ssh_string(key_type) + b"".join(private_fields) + ssh_string(b"dokploy")
    private += bytes(range(1, 1 + (-len(private) % 8)))  # padding to the cipher block size (8)
    body = (b"openssh-key-v1\0" + ssh_string(b"none") + ssh_string(b"none") + ssh_string(b"")
            + struct.pack(">I", 1) + ssh_string(public_blob) + ssh_string(private))
    text = base64.b64encode(body).decode()
    lines = [text[i:i + 64] for i in range(0, len(text), 64)]
    return "-----BEGIN OPENSSH PRIVATE KEY-----\n" + "\n".join(lines) + "\n-----END OPENSSH PRIVATE KEY-----\n"


def positive_mpint(size):
    """A random SSH mpint of `size` bytes whose top bit is set (so a 0 byte leads it)."""
    return ssh_string(b"\0" + bytes([secrets.randbelow(128) + 128]) + secrets.token_bytes(size - 1))


def ssh_key_generate(api, ctx, data):
    if data.get("type") == "ed25519":
        key_type, public = b"ssh-ed25519", secrets.token_bytes(32)
        public_blob = ssh_string(key_type) + ssh_string(public)
        private_fields = [ssh_string(public), ssh_string(secrets.token_bytes(32) + public)]
    else:  # rsa, 4096 bits
        key_type, exponent = b"ssh-rsa", ssh_string(b"\x01\x00\x01")
        modulus = positive_mpint(512)
        public_blob = ssh_string(key_type) + exponent + modulus
        private_fields = [modulus, exponent, positive_mpint(512), positive_mpint(256),
                          positive_mpint(256), positive_mpint(256)]
    public_key = f"{key_type.decode()} {base64.b64encode(public_blob).decode()} dokploy"
    return {"privateKey": openssh_private_key(key_type, public_blob, private_fields), "publicKey": public_key}


ROUTES = {
    "sshKey.create": ("POST", ssh_key_create),
    "sshKey.remove": ("POST", ssh_key_remove),
    "sshKey.one": ("GET", ssh_key_one),
    "sshKey.all": ("GET", ssh_key_all),
    "sshKey.allForApps": ("GET", ssh_key_all_for_apps),
    "sshKey.generate": ("POST", ssh_key_generate),
    "sshKey.update": ("POST", ssh_key_update),
}

REFINEMENTS = {"sshKey.create": key_format_issues}
# sshKeyId of `sshKey.update` was optional (a generated default) before `.required()`: see server.py.
NONOPTIONAL = {"sshKey.update": ("sshKeyId",)}
