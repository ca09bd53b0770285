"""dokploy_ssh_key against the simulator."""

import shutil
import subprocess
import uuid

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa

from ansible_collections.community.dokploy.plugins.module_utils._client import DokployClient
from tests.conftest import API_KEY
from tests.integration.lifecycle import MAX_READS_PER_TASK, assert_no_secret, check_lifecycle

MODULE = "dokploy_ssh_key"


def unique(prefix):
    return "%s-%s" % (prefix, uuid.uuid4().hex[:8])


def key_pair(kind="ed25519", pem=False):
    """(public key line, private key text) of a fresh pair."""
    key = ed25519.Ed25519PrivateKey.generate() if kind == "ed25519" else rsa.generate_private_key(65537, 2048)
    public = key.public_key().public_bytes(serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH)
    form = serialization.PrivateFormat.TraditionalOpenSSL if pem else serialization.PrivateFormat.OpenSSH
    private = key.private_bytes(serialization.Encoding.PEM, form, serialization.NoEncryption())
    return public.decode() + " test@ansible", private.decode()


def secret_lines(private_key, public_key=""):
    """The parts of a private key that must never show: its base64 lines, but for the OpenSSH header and the lines
    that encode the public key (an OpenSSH private key embeds it, aligned as in the public key line)."""
    return [line for line in private_key.splitlines() if line and not line.startswith(("-----", "b3BlbnNzaC1rZXktdjEA"))
            and line not in public_key]


def client(sim):
    return DokployClient(sim.base_url, API_KEY)


def make_server(sim, name, key_id):
    return client(sim).mutate("server.create", {
        "name": name, "description": "a host", "ipAddress": "127.0.0.2", "port": 22, "username": "root",
        "sshKeyId": key_id, "serverType": "deploy", "enableDockerCleanup": False})


def test_lifecycle(run_module):
    public, private = key_pair()
    args = {"name": unique("key"), "description": "first", "public_key": public, "private_key": private}
    check_lifecycle(run_module, MODULE, args, {"description": "second"}, "ssh_key", secrets=secret_lines(private, public),
                    absent_args={"name": args["name"]})


def test_create_result_and_diff_hold_no_private_key(run_module):
    public, private = key_pair("rsa", pem=True)
    name = unique("key")
    dry = run_module(MODULE, {"name": name, "private_key": private}, check=True)
    assert dry.changed is True and dry.writes == [], dry
    assert dry.result["diff"]["after"]["private_key"] == "********"
    # Only the private key given: the public key is derived from it.
    assert dry.result["diff"]["after"]["public_key"].split()[:2] == public.split()[:2]
    created = run_module(MODULE, {"name": name, "private_key": private})
    assert created.changed is True and created.writes == ["sshKey.create"], created
    assert "privateKey" not in created.result["ssh_key"]
    assert created.result["public_key"].split()[:2] == public.split()[:2]
    assert_no_secret(created, secret_lines(private, public))
    again = run_module(MODULE, {"name": name, "public_key": public, "private_key": private})
    assert again.changed is False and again.writes == [] and len(again.reads) <= MAX_READS_PER_TASK, again


def test_generate_returns_the_same_public_key_on_rerun(sim, run_module):
    name = unique("gen")
    dry = run_module(MODULE, {"name": name, "generate": True}, check=True)
    assert dry.changed is True and dry.writes == [] and dry.result["public_key"] is None, dry
    made = run_module(MODULE, {"name": name, "generate": True, "description": "vps"})
    assert made.changed is True and made.writes == ["sshKey.generate", "sshKey.create"], made
    assert made.result["public_key"].startswith("ssh-ed25519 "), made
    again = run_module(MODULE, {"name": name, "generate": True, "description": "vps"})
    assert again.changed is False and again.writes == [] and len(again.reads) <= MAX_READS_PER_TASK, again
    assert again.result["public_key"] == made.result["public_key"]
    stored = client(sim).query("sshKey.one", sshKeyId=made.result["id"])
    for run in (made, again):
        assert_no_secret(run, secret_lines(stored["privateKey"], stored["publicKey"]))
    rsa_key = run_module(MODULE, {"name": unique("gen"), "generate": True, "key_type": "rsa"})
    assert rsa_key.result["public_key"].startswith("ssh-rsa "), rsa_key


def test_material_change_needs_replace_and_moves_servers(sim, run_module):
    name = unique("key")
    old_public, old_private = key_pair()
    new_public, new_private = key_pair("rsa")
    created = run_module(MODULE, {"name": name, "public_key": old_public, "private_key": old_private})
    old_id = created.result["id"]
    server = make_server(sim, unique("host"), old_id)
    other = make_server(sim, unique("other"), None)

    refused = run_module(MODULE, {"name": name, "public_key": new_public, "private_key": new_private})
    assert refused.failed and refused.writes == [], refused
    assert refused.result["msg"].startswith("option public_key: differs from the key"), refused

    args = {"name": name, "public_key": new_public, "private_key": new_private, "replace": True}
    dry = run_module(MODULE, args, check=True)
    assert dry.changed is True and dry.writes == [], dry
    assert dry.result["repointed_servers"] == [server["name"]], dry
    assert dry.result["diff"]["before"]["private_key"] == "********" == dry.result["diff"]["after"]["private_key"]

    replaced = run_module(MODULE, args)
    assert replaced.changed is True, replaced
    assert replaced.writes == ["sshKey.create", "server.update", "sshKey.remove"], replaced
    assert replaced.result["replaced_key_id"] == old_id and replaced.result["id"] != old_id
    moved = client(sim).query("server.one", serverId=server["serverId"])
    assert moved["sshKeyId"] == replaced.result["id"]
    # server.update is all-fields: everything else is sent back as it was (the cleanup stays off).
    for field in ("name", "description", "ipAddress", "port", "username", "serverType", "enableDockerCleanup"):
        assert moved[field] == server[field], field
    assert client(sim).query("server.one", serverId=other["serverId"])["sshKeyId"] is None
    for run in (refused, dry, replaced):
        assert_no_secret(run, secret_lines(old_private, old_public) + secret_lines(new_private, new_public))

    again = run_module(MODULE, args)
    assert again.changed is False and again.writes == [], again


def test_pair_mismatch_is_refused(run_module):
    public, _private = key_pair()
    other_public, private = key_pair()
    refused = run_module(MODULE, {"name": unique("key"), "public_key": public, "private_key": private})
    assert refused.failed and refused.requests == [], refused
    assert refused.result["msg"].startswith("option public_key: it is not the public half of private_key"), refused
    assert_no_secret(refused, secret_lines(private, other_public))


def test_removing_a_used_key_needs_force(sim, run_module):
    name = unique("key")
    public, private = key_pair()
    key_id = run_module(MODULE, {"name": name, "public_key": public, "private_key": private}).result["id"]
    server = make_server(sim, unique("host"), key_id)
    refused = run_module(MODULE, {"name": name, "state": "absent"})
    assert refused.failed and refused.writes == [], refused
    assert refused.result["msg"].startswith("option force: SSH key %r is used by 1 servers (%s)" % (name, server["name"]))
    forced = run_module(MODULE, {"name": name, "state": "absent", "force": True})
    assert forced.changed is True and forced.writes == ["sshKey.remove"], forced
    assert forced.result["detached_servers"] == [server["name"]]
    assert server["name"] in forced.output and "left without a key" in forced.output
    assert_no_secret(forced, secret_lines(private, public))


def test_duplicate_names_fail_closed(sim, run_module):
    name = unique("dup")
    for _copy in range(2):
        public, private = key_pair()
        client(sim).mutate("sshKey.create", {"name": name, "publicKey": public, "privateKey": private,
                                             "organizationId": ""})
    ambiguous = run_module(MODULE, {"name": name, "description": "x"})
    assert ambiguous.failed and ambiguous.writes == [], ambiguous
    assert ambiguous.result["msg"].startswith("option name: 2 SSH keys are named %r" % name), ambiguous
    assert "privateKey" not in ambiguous.output


PUBLIC, PRIVATE = key_pair()
RSA_PUBLIC, _RSA_PRIVATE = key_pair("rsa")


@pytest.mark.parametrize("option, args", [
    ("name", {"name": " ", "generate": True}),
    ("generate", {"generate": True, "public_key": PUBLIC}),
    ("generate", {"generate": True, "private_key": PRIVATE}),
    ("key_type", {"key_type": "rsa", "private_key": PRIVATE}),
    ("replace", {"replace": True, "public_key": PUBLIC}),
    ("public_key", {"public_key": "ssh-dss AAAAB3NzaC1kc3M= x", "private_key": PRIVATE}),
    ("public_key", {"public_key": "ssh-ed25519 AAAAB3NzaC1yc2E=", "private_key": PRIVATE}),
    ("public_key", {"public_key": RSA_PUBLIC.replace("ssh-rsa", "ssh-ed25519"), "private_key": PRIVATE}),
    ("private_key", {"private_key": "not a key"}),
    ("private_key", {"private_key": PRIVATE.replace("b3BlbnNzaC1rZXktdjEA", "AAAAAAAAAAAAAAAAAAAA")}),
    ("private_key", {"private_key": PRIVATE.replace("OPENSSH PRIVATE KEY-----\n", "OPENSSH PRIVATE KEY-----\n!!")}),
], ids=lambda value: value if isinstance(value, str) else None)
def test_bad_input_is_refused_before_any_request(run_module, option, args):
    for check in (False, True):
        refused = run_module(MODULE, dict({"name": "bad-input"}, **args), check=check)
        assert refused.failed and refused.requests == [] and refused.writes == [], refused
        message = refused.result["msg"]
        assert message.startswith("option %s:" % option) and "\n" not in message, refused
        assert "Traceback" not in refused.output
        assert_no_secret(refused, secret_lines(PRIVATE, PUBLIC))


def test_encrypted_private_key_is_refused(run_module, tmp_path):
    if not shutil.which("ssh-keygen"):
        pytest.skip("ssh-keygen is needed to make a key with a passphrase")
    path = tmp_path / "key"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "passphrase", "-f", str(path)], check=True)
    refused = run_module(MODULE, {"name": "enc", "private_key": path.read_text()})
    assert refused.failed and refused.requests == [], refused
    assert refused.result["msg"].startswith("option private_key: the key is protected by a passphrase"), refused


def test_create_without_key_material_is_refused(run_module):
    refused = run_module(MODULE, {"name": unique("key"), "public_key": PUBLIC})
    assert refused.failed and refused.writes == [], refused
    assert refused.result["msg"].startswith("option private_key: required to create"), refused
