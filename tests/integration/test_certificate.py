"""dokploy_certificate against the simulator: the cycle, what it returns, its checks, and the private key kept secret."""

import datetime
import ipaddress
import uuid

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from cryptography.x509.oid import NameOID

from ansible_collections.community.dokploy.plugins.module_utils._client import DokployClient
from tests.conftest import API_KEY
from tests.integration.lifecycle import MAX_READS_PER_TASK

MODULE = "dokploy_certificate"
NOW = datetime.datetime.now(datetime.timezone.utc)


def unique(prefix):
    return "%s-%s" % (prefix, uuid.uuid4().hex[:8])


def key_pem(key):
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption()).decode()


def make_pair(common_name="shop.example.com", days=365, start_days=-1, sans=("shop.example.com", "www.example.com")):
    """A self-signed certificate and its key, as PEM text: (certificate, key)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Acme")])
    alt = [x509.DNSName(s) for s in sans] + [x509.IPAddress(ipaddress.ip_address("192.0.2.10"))]
    certificate = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
                   .serial_number(x509.random_serial_number())
                   .not_valid_before(NOW + datetime.timedelta(days=start_days))
                   .not_valid_after(NOW + datetime.timedelta(days=days))
                   .add_extension(x509.SubjectAlternativeName(alt), critical=False)
                   .sign(key, hashes.SHA256()))
    return certificate.public_bytes(serialization.Encoding.PEM).decode(), key_pem(key)


def key_lines(key):
    """The base64 lines of a PEM key: none of them may appear anywhere in a run's output."""
    return [line for line in key.splitlines() if line and not line.startswith("-----")]


def assert_secret_kept(run, key):
    for line in key_lines(key):
        assert line not in run.output, "a line of the private key leaked into %r" % run
    assert key not in run.output


@pytest.fixture(scope="module")
def pair():
    return make_pair()


def test_certificate_cycle(sim, run_module, pair):
    cert, key = pair
    name = unique("cert")
    args = {"name": name, "certificate": cert, "private_key": key}
    runs = []

    dry = run_module(MODULE, args, check=True)
    runs.append(dry)
    assert not dry.failed and dry.changed is True and dry.writes == [], dry
    assert dry.result["diff"]["before"] == {}
    assert dry.result["diff"]["after"]["private_key"] == "********"
    assert dry.result["subject"] == "O=Acme,CN=shop.example.com"

    created = run_module(MODULE, args)
    runs.append(created)
    assert not created.failed and created.changed is True, created
    assert created.writes == ["certificates.create"], created
    assert created.result["id"] and created.result["certificate"]["privateKey"] == "********"
    assert created.result["certificate"]["certificateData"] == cert
    assert created.result["subject"] == created.result["issuer"] == "O=Acme,CN=shop.example.com"
    assert created.result["sans"] == ["shop.example.com", "www.example.com", "192.0.2.10"]
    not_after = datetime.datetime.fromisoformat(created.result["not_after"])
    assert abs(not_after - (NOW + datetime.timedelta(days=365))) < datetime.timedelta(seconds=2)
    assert created.result["not_after"].endswith("+00:00")
    certificate_id = created.result["id"]

    again = run_module(MODULE, args)
    runs.append(again)
    assert not again.failed and again.changed is False and again.writes == [], again
    assert len(again.reads) <= MAX_READS_PER_TASK, again
    assert again.result["id"] == certificate_id and again.result["sans"] == created.result["sans"]

    # The same PEM with other line endings and surrounding blanks is the same certificate.
    reflowed = run_module(MODULE, dict(args, certificate="\r\n".join(cert.splitlines()) + "\r\n\n",
                                       private_key="  " + key.strip() + "\n\n"))
    runs.append(reflowed)
    assert reflowed.changed is False and reflowed.writes == [], reflowed

    # A new certificate and key (renewal): one update with both, the key masked in the diff.
    new_cert, new_key = make_pair(days=90)
    dry_update = run_module(MODULE, dict(args, certificate=new_cert, private_key=new_key), check=True)
    runs.append(dry_update)
    assert dry_update.changed is True and dry_update.writes == [], dry_update
    diff = dry_update.result["diff"]
    assert diff["before"] == {"certificate": cert, "private_key": "********"}, diff
    assert diff["after"] == {"certificate": new_cert, "private_key": "********"}, diff
    assert dry_update.result["certificate"]["certificateData"] == cert  # nothing changed

    updated = run_module(MODULE, dict(args, certificate=new_cert, private_key=new_key))
    runs.append(updated)
    assert updated.changed is True and updated.writes == ["certificates.update"], updated
    assert updated.result["certificate"]["certificateData"] == new_cert
    assert updated.result["not_after"] != created.result["not_after"]
    stored = DokployClient(sim.base_url, API_KEY).query_object("certificates.one", certificateId=certificate_id)
    assert (stored["name"], stored["certificateData"], stored["privateKey"]) == (name, new_cert, new_key)
    settled = run_module(MODULE, dict(args, certificate=new_cert, private_key=new_key))
    runs.append(settled)
    assert settled.changed is False and settled.writes == [], settled

    # By name alone, the stored certificate is described.
    by_name = run_module(MODULE, {"name": name})
    runs.append(by_name)
    assert by_name.changed is False and by_name.writes == [] and by_name.result["not_after"] == updated.result["not_after"]

    dry_delete = run_module(MODULE, {"name": name, "state": "absent"}, check=True)
    runs.append(dry_delete)
    assert dry_delete.changed is True and dry_delete.writes == [], dry_delete
    deleted = run_module(MODULE, {"name": name, "state": "absent"})
    runs.append(deleted)
    assert deleted.changed is True and deleted.writes == ["certificates.remove"], deleted
    gone = run_module(MODULE, {"name": name, "state": "absent"})
    runs.append(gone)
    assert not gone.failed and gone.changed is False and gone.writes == [], gone

    for run in runs:
        assert_secret_kept(run, key)
        assert_secret_kept(run, new_key)


def test_auto_renew(run_module, pair):
    """certificates.update does not take autoRenew: set at creation, a later change is refused before any write."""
    cert, key = pair
    args = {"name": unique("cert"), "certificate": cert, "private_key": key}
    created = run_module(MODULE, dict(args, auto_renew=True))
    assert created.changed is True and created.result["certificate"]["autoRenew"] is True, created
    same = run_module(MODULE, dict(args, auto_renew=True))
    assert same.changed is False and same.writes == [], same
    for check in (True, False):
        refused = run_module(MODULE, dict(args, auto_renew=False), check=check)
        assert refused.failed and refused.writes == [], refused
        assert refused.result["msg"].startswith("option auto_renew: cannot be changed once the certificate exists")
        assert_secret_kept(refused, key)
    # Created without it, Dokploy stores null: the same as false.
    plain = {"name": unique("cert"), "certificate": cert, "private_key": key}
    run_module(MODULE, plain)
    off = run_module(MODULE, dict(plain, auto_renew=False))
    assert off.changed is False and off.writes == [], off


def test_expiring_soon_warns(run_module):
    cert, key = make_pair(days=10)
    run = run_module(MODULE, {"name": unique("cert"), "certificate": cert, "private_key": key})
    assert not run.failed and run.changed is True, run
    assert "[WARNING]: certificate O=Acme,CN=shop.example.com expires in 9 days, on " in run.text, run
    cert, key = make_pair(days=31)
    fine = run_module(MODULE, {"name": unique("cert"), "certificate": cert, "private_key": key}, check=True)
    assert fine.changed is True and "expires in" not in fine.output, fine
    assert_secret_kept(run, key)


def test_from_files(run_module, pair, tmp_path):
    cert, key = pair
    (tmp_path / "cert.pem").write_text(cert)
    (tmp_path / "key.pem").write_text(key)
    args = {"name": unique("cert"), "certificate_src": str(tmp_path / "cert.pem"),
            "private_key_src": str(tmp_path / "key.pem")}
    created = run_module(MODULE, args)
    assert created.changed is True and created.writes == ["certificates.create"], created
    again = run_module(MODULE, args)
    assert again.changed is False and again.writes == [], again
    texts = run_module(MODULE, {"name": args["name"], "certificate": cert, "private_key": key})
    assert texts.changed is False and texts.writes == [], texts
    for run in (created, again, texts):
        assert_secret_kept(run, key)


def test_duplicate_names_fail_closed(sim, run_module, pair):
    cert, key = pair
    name = unique("dup")
    client = DokployClient(sim.base_url, API_KEY)
    ids = [client.mutate("certificates.create", {"name": name, "certificateData": cert, "privateKey": key,
                                                 "organizationId": ""})["certificateId"] for _copy in range(2)]
    ambiguous = run_module(MODULE, {"name": name, "certificate": cert, "private_key": key})
    assert ambiguous.failed and ambiguous.writes == [], ambiguous
    assert "option name: 2 certificates are named %r" % name in ambiguous.result["msg"]
    by_id = run_module(MODULE, {"name": ids[0], "state": "absent"})
    assert by_id.changed is True and by_id.writes == ["certificates.remove"], by_id
    assert_secret_kept(ambiguous, key)


def test_on_a_server(sim, run_module, pair):
    cert, key = pair
    client = DokployClient(sim.base_url, API_KEY)
    ssh = ed25519.Ed25519PrivateKey.generate()
    public = ssh.public_key().public_bytes(serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH).decode()
    private = ssh.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.OpenSSH,
                                serialization.NoEncryption()).decode()
    key_name = unique("key")
    client.mutate("sshKey.create", {"name": key_name, "publicKey": public, "privateKey": private, "organizationId": ""})
    ssh_key_id = [k for k in client.query_list("sshKey.all") if k["name"] == key_name][0]["sshKeyId"]
    server_name = unique("srv")
    client.mutate("server.create", {"name": server_name, "description": "", "ipAddress": "192.0.2.5", "port": 22,
                                    "username": "root", "sshKeyId": ssh_key_id, "serverType": "deploy"})
    args = {"name": unique("cert"), "certificate": cert, "private_key": key, "server": server_name}
    created = run_module(MODULE, args)
    assert created.changed is True and created.result["certificate"]["serverId"], created
    server_id = created.result["certificate"]["serverId"]
    again = run_module(MODULE, args)
    assert again.changed is False and again.writes == [] and len(again.reads) <= MAX_READS_PER_TASK, again
    by_id = run_module(MODULE, dict(args, server=server_id))
    assert by_id.changed is False and by_id.writes == [], by_id
    unplaced = dict(args)
    del unplaced["server"]
    assert run_module(MODULE, unplaced).changed is False  # not given: not compared
    missing = run_module(MODULE, dict(args, name=unique("cert"), server="no-such-server"))
    assert missing.failed and missing.writes == [], missing
    assert missing.result["msg"] == "option server: no server is named 'no-such-server' or has that id"


def bad_cases():
    cert, key = make_pair()
    _other_cert, other_key = make_pair()
    expired_cert, expired_key = make_pair(days=-1, start_days=-30)
    encrypted = ec.generate_private_key(ec.SECP256R1()).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(b"passphrase")).decode()
    good = {"name": "bad-input-cert", "certificate": cert, "private_key": key}
    return [
        pytest.param(dict(good, certificate="not a certificate"), "certificate", "is not a PEM certificate",
                     key, id="unparsable-certificate"),
        pytest.param(dict(good, certificate=key), "certificate", "is not a PEM certificate", key, id="key-as-certificate"),
        pytest.param(dict(good, private_key=other_key), "private_key", "is not the key of the certificate",
                     other_key, id="key-of-another-pair"),
        pytest.param(dict(good, certificate=expired_cert, private_key=expired_key), "certificate", "expired on",
                     expired_key, id="expired"),
        pytest.param(dict(good, private_key="-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n"),
                     "private_key", "is not a PEM private key", "bm90IGEga2V5", id="unparsable-key"),
        pytest.param(dict(good, private_key=encrypted), "private_key", "is encrypted", encrypted, id="encrypted-key"),
        pytest.param(dict(good, name=""), "name", "must not be empty", key, id="empty-name"),
        pytest.param(dict(good, name="a\nb"), "name", "must be one line", key, id="two-line-name"),
        pytest.param({"name": "bad-input-cert", "certificate": cert}, "private_key", "required with certificate",
                     key, id="certificate-without-key"),
        pytest.param(dict(good, server=" "), "server", "must not be empty", key, id="empty-server"),
        pytest.param({"name": "bad-input-cert", "certificate_src": "/nonexistent-dokploy-test/cert.pem",
                      "private_key": key}, "certificate_src", "cannot read", key, id="missing-file"),
    ]


@pytest.mark.parametrize("args, option, message, secret", bad_cases())
@pytest.mark.parametrize("check", [False, True], ids=["run", "check"])
def test_bad_input(run_module, args, option, message, secret, check):
    run = run_module(MODULE, args, check=check)
    assert run.failed and run.writes == [] and run.reads == [], run
    assert run.result["msg"].startswith("option %s: " % option), run
    assert message in run.result["msg"], run
    assert "Traceback" not in run.output
    assert_secret_kept(run, secret)


def test_absent_does_not_check_the_certificate(run_module):
    """Removing needs no valid certificate: an expired one given by mistake does not stop the removal."""
    expired_cert, expired_key = make_pair(days=-1, start_days=-30)
    run = run_module(MODULE, {"name": unique("cert"), "certificate": expired_cert, "private_key": expired_key,
                              "state": "absent"})
    assert not run.failed and run.changed is False and run.writes == [], run
