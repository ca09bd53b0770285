"""dokploy_ssh_key replace: when pointing a server at the new key fails, nothing is left half-made."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519

import pytest

from ansible_collections.community.dokploy.plugins.module_utils._client import DokployError
from ansible_collections.community.dokploy.plugins.modules.dokploy_ssh_key import SshKey, private_identity, public_identity


def key_pair():
    key = ed25519.Ed25519PrivateKey.generate()
    public = key.public_key().public_bytes(serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH).decode()
    private = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.OpenSSH,
                                serialization.NoEncryption()).decode()
    return public, private


OLD_PUBLIC, OLD_PRIVATE = key_pair()
NEW_PUBLIC, NEW_PRIVATE = key_pair()
SERVER = {"serverId": "s%d", "name": "host-%d", "description": None, "ipAddress": "10.0.0.1", "port": 22,
          "username": "root", "serverType": "deploy", "enableDockerCleanup": False, "command": "", "sshKeyId": "old"}


class FakeClient:
    """Two servers on key ``old``; server.update of the second one fails (``fail_on``)."""

    def __init__(self, fail_on="s2", fail_remove=False):
        self.keys = {"old": {"sshKeyId": "old", "name": "deploy", "description": None, "publicKey": OLD_PUBLIC,
                             "privateKey": OLD_PRIVATE, "organizationId": "org"}}
        self.servers = [dict(SERVER, serverId="s%d" % i, name="host-%d" % i) for i in (1, 2)]
        self.fail_on = fail_on
        self.fail_remove = fail_remove
        self.writes = []

    def query_list(self, procedure, **params):
        return {"sshKey.all": list(self.keys.values()), "server.all": [dict(s) for s in self.servers]}[procedure]

    def query_object(self, procedure, **params):
        assert procedure == "sshKey.one"
        return dict(self.keys[params["sshKeyId"]])

    def mutate(self, procedure, body):
        self.writes.append((procedure, body.get("serverId") or body.get("sshKeyId")))
        if procedure == "sshKey.create":
            self.keys["new"] = dict(body, sshKeyId="new")
        elif procedure == "sshKey.remove":
            if self.fail_remove and body["sshKeyId"] == "old":
                raise DokployError("remove failed", status=500)
            del self.keys[body["sshKeyId"]]
        elif procedure == "server.update":
            if body["serverId"] == self.fail_on:
                raise DokployError("Server is inactive", status=404)
            server = next(s for s in self.servers if s["serverId"] == body["serverId"])
            assert set(body) == set(SERVER), body  # all-fields: every one sent
            server.update(body)
        return None


class FakeModule:
    check_mode = False


class FakeDokploy:
    def __init__(self, client, **params):
        self.client = client
        self.module = FakeModule()
        self.params = dict(name="deploy", description=None, public_key=NEW_PUBLIC, private_key=NEW_PRIVATE,
                           generate=False, key_type=None, replace=True, force=False, state="present", **params)

    def warn(self, message):
        pass


def replace(client):
    resource = SshKey(FakeDokploy(client))
    resource.serialized = lambda: __import__("contextlib").nullcontext()
    return resource.run()


def test_a_failed_server_update_puts_the_moved_servers_back_and_removes_the_new_key():
    client = FakeClient(fail_on="s2")
    with pytest.raises(DokployError) as failed:
        replace(client)
    assert "pointing server 'host-2' at the new SSH key failed" in failed.value.message
    assert "this task removed what it had created" in failed.value.message
    assert [s["sshKeyId"] for s in client.servers] == ["old", "old"]
    assert list(client.keys) == ["old"]
    assert client.writes == [("sshKey.create", None), ("server.update", "s1"), ("server.update", "s2"),
                             ("server.update", "s1"), ("sshKey.remove", "new")]


def test_a_failed_removal_of_the_old_key_keeps_the_new_one_the_servers_use():
    client = FakeClient(fail_on=None, fail_remove=True)
    with pytest.raises(DokployError) as failed:
        replace(client)
    assert "the new SSH key new is in place" in failed.value.message
    assert [s["sshKeyId"] for s in client.servers] == ["new", "new"]
    assert sorted(client.keys) == ["new", "old"]


def test_replace_moves_every_server_and_removes_the_old_key():
    client = FakeClient(fail_on=None)
    result = replace(client)
    assert result["id"] == "new" and result["repointed_servers"] == ["host-1", "host-2"]
    assert "privateKey" not in result["ssh_key"] and result["diff"]["after"]["private_key"] == "********"
    assert [s["sshKeyId"] for s in client.servers] == ["new", "new"] and list(client.keys) == ["new"]
    assert all(s["enableDockerCleanup"] is False for s in client.servers)


def test_public_key_derived_from_private_key():
    assert private_identity(NEW_PRIVATE)[0] == public_identity(NEW_PUBLIC)
