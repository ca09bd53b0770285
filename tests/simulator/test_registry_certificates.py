"""The simulator's `registry.*` and `certificates.*` routers (routers/registry.py, certificates.py).

Covers create/read/update/remove, the traps an idempotent client meets (an update stored
although its login failed, `No values to set`, the password masked in messages, secrets in
clear in answers), logins that fail on request (`simulator-fail`, a loopback registry that
does not answer or rejects the credentials) and the default success.
"""


import pytest

from tests.simulator.apitest import KEY, SECOND_KEY, call, new_application, new_project, ok
from tests.simulator.harness import LoopbackRegistry, Simulator, closed_loopback_port

CERT = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"
PRIVATE_KEY = "-----BEGIN PRIVATE KEY-----\nMIGH-secret\n-----END PRIVATE KEY-----\n"


@pytest.fixture(scope="module")
def sim():
    with Simulator() as simulator:
        yield simulator.start(KEY, second_org_key=SECOND_KEY, extra_args=("--deploy-seconds", "0"),
                              request_log=False)


@pytest.fixture(scope="module")
def no_docker_sim():
    with Simulator() as simulator:
        yield simulator.start(KEY, extra_args=("--fail-deploys", "--deploy-seconds", "0"), request_log=False)


def registry_body(name="reg", url="registry.example.com", username="user", password="secret-pw", **extra):
    return {"registryName": name, "username": username, "password": password, "registryUrl": url,
            "registryType": "cloud", "imagePrefix": None, **extra}


def registry_names(base_url, key=KEY):
    return [r["registryName"] for r in ok(base_url, "registry.all", key=key)]


# --------------------------------------------------------------------------
# registry
# --------------------------------------------------------------------------

def test_registry_create_read_remove_by_default(sim):
    created = ok(sim.base_url, "registry.create", body=registry_body("default-ok", imagePrefix="team"))
    ident = created["registryId"]
    assert created["password"] == "secret-pw" and created["imagePrefix"] == "team"
    one = ok(sim.base_url, "registry.one", query={"registryId": ident})
    assert "password" not in one and one["registryName"] == "default-ok"
    listed = [r for r in ok(sim.base_url, "registry.all") if r["registryId"] == ident]
    assert listed[0]["password"] == "secret-pw"
    assert ok(sim.base_url, "registry.testRegistryById", body={"registryId": ident}) is True
    assert ok(sim.base_url, "registry.testRegistry", body=registry_body()) is True
    assert ok(sim.base_url, "registry.remove", body={"registryId": ident})["password"] == "secret-pw"
    assert call(sim.base_url, "registry.one", query={"registryId": ident}).status == 404
    assert call(sim.base_url, "registry.remove", body={"registryId": ident}).status == 404


def test_registry_docker_hub_and_fail_deploys_log_in(no_docker_sim):
    # The docker CLI logs in without a daemon: a host without Docker still logs in.
    created = ok(no_docker_sim.base_url, "registry.create", body=registry_body("hub", url=""))
    assert created["registryUrl"] == ""


def test_registry_fail_word_rejects_login_masks_password_and_stores_nothing(sim):
    answer = call(sim.base_url, "registry.create", body=registry_body("simulator-fail-reg", password="p"))
    assert answer.status == 400
    message = answer.json()["message"]
    # Dokploy's sanitizer replaces every occurrence of the password, mangling the text.
    assert message.startswith("Command execution failed: Command failed: ***rintf %s '***' | docker login")
    assert message.endswith("login attem***t to htt***s://registry.exam***le.com/v2/ failed with status: "
                            "401 Unauthorized\n")
    assert "simulator-fail-reg" not in registry_names(sim.base_url)


def test_registry_update_is_stored_although_its_login_fails(sim):
    ident = ok(sim.base_url, "registry.create", body=registry_body("to-break"))["registryId"]
    assert ok(sim.base_url, "registry.update", body={"registryId": ident, "imagePrefix": "p2"}) is True
    answer = call(sim.base_url, "registry.update",
                  body={"registryId": ident, "username": "simulator-fail", "password": "new-secret"})
    assert answer.status == 400
    assert "'***'" in answer.json()["message"] and "new-secret" not in answer.json()["message"]
    stored = next(r for r in ok(sim.base_url, "registry.all") if r["registryId"] == ident)
    assert (stored["username"], stored["password"], stored["imagePrefix"]) == ("simulator-fail", "new-secret", "p2")
    # The stored values log in again at every update, whatever it changes.
    assert call(sim.base_url, "registry.update", body={"registryId": ident, "registryName": "x"}).status == 400
    failed_test = call(sim.base_url, "registry.testRegistryById", body={"registryId": ident})
    assert failed_test.status == 400
    assert failed_test.json()["message"].startswith("Command failed with code 1. Stderr: ")
    nothing = call(sim.base_url, "registry.update", body={"registryId": ident})
    assert (nothing.status, nothing.json()["message"]) == (400, "No values to set")


def test_registry_loopback_logins_really_dial(sim):
    closed = closed_loopback_port()
    refused = call(sim.base_url, "registry.create", body=registry_body("down", url=closed))
    assert refused.status == 400
    assert refused.json()["message"].endswith(f'Get "http://{closed}/v2/": dial tcp {closed}: connect: '
                                              "connection refused\n")
    with LoopbackRegistry("user", "right-pw") as registry:
        wrong = call(sim.base_url, "registry.testRegistry",
                     body=registry_body(url=registry.address, password="wrong-pw"))
        assert wrong.status == 400
        message = wrong.json()["message"]
        assert "tls: first record does not look like a TLS handshake" in message
        assert message.endswith(f"login attempt to http://{registry.address}/v2/ failed with status: "
                                "401 Unauthorized\n")
        created = ok(sim.base_url, "registry.create",
                     body=registry_body("live", url=registry.address, password="right-pw"))
        assert ok(sim.base_url, "registry.testRegistryById", body={"registryId": created["registryId"]}) is True
    assert "down" not in registry_names(sim.base_url)


def test_registry_login_on_an_unknown_server(sim):
    answer = call(sim.base_url, "registry.create", body=registry_body("remote", serverId="no-such-server"))
    assert (answer.status, answer.json()["message"]) == (400, "Server not found")
    local = ok(sim.base_url, "registry.create", body=registry_body("local", serverId="none"))
    assert "serverId" not in local


def test_registry_remove_unlinks_applications(sim):
    _project, env = new_project(sim.base_url, "registry-apps")
    app = new_application(sim.base_url, env["environmentId"])
    ident = ok(sim.base_url, "registry.create", body=registry_body("used"))["registryId"]
    ok(sim.base_url, "application.update", body={"applicationId": app["applicationId"], "registryId": ident})
    assert ok(sim.base_url, "application.one", query={"applicationId": app["applicationId"]})["registryId"] == ident
    ok(sim.base_url, "registry.remove", body={"registryId": ident})
    assert ok(sim.base_url, "application.one", query={"applicationId": app["applicationId"]})["registryId"] is None


def test_registry_errors_and_input_rules(sim):
    ident = ok(sim.base_url, "registry.create", body=registry_body("org1-only"))["registryId"]
    for procedure, query, body, message in (
            ("registry.one", {"registryId": ident}, None, "You are not allowed to access this registry"),
            ("registry.update", None, {"registryId": ident, "imagePrefix": "x"},
             "You are not allowed to update this registry"),
            ("registry.remove", None, {"registryId": ident}, "You are not allowed to delete this registry")):
        answer = call(sim.base_url, procedure, key=SECOND_KEY, query=query, body=body)
        assert (answer.status, answer.json()["message"]) == (401, message)
    other = call(sim.base_url, "registry.testRegistryById", key=SECOND_KEY, body={"registryId": ident})
    assert (other.status, other.json()["message"]) == (400, "You are not allowed to test this registry")
    missing = call(sim.base_url, "registry.testRegistryById", body={})
    assert (missing.status, missing.json()["message"]) == (400, "Registry not found")
    assert registry_names(sim.base_url, key=SECOND_KEY) == []
    bad_url = call(sim.base_url, "registry.create", body=registry_body(url="https://registry.example.com"))
    assert list(bad_url.json()["data"]["zodError"]["fieldErrors"]) == ["registryUrl"]
    blank_user = call(sim.base_url, "registry.update", body={"registryId": ident, "username": "   "})
    assert list(blank_user.json()["data"]["zodError"]["fieldErrors"]) == ["username"]


# --------------------------------------------------------------------------
# certificates
# --------------------------------------------------------------------------

def certificate_body(name="cert", **extra):
    return {"name": name, "certificateData": CERT, "privateKey": PRIVATE_KEY, "organizationId": "ignored",
            **extra}


def test_certificate_create_read_update_remove(sim):
    first = ok(sim.base_url, "certificates.create", body=certificate_body(autoRenew=False))
    second = ok(sim.base_url, "certificates.create", body=certificate_body())
    assert first["privateKey"] == PRIVATE_KEY and first["autoRenew"] is False and second["autoRenew"] is None
    assert first["certificatePath"] != second["certificatePath"]
    assert first["certificatePath"].startswith("certificate-") and first["serverId"] is None
    ident = first["certificateId"]
    assert ok(sim.base_url, "certificates.one", query={"certificateId": ident}) == first
    listed = [c for c in ok(sim.base_url, "certificates.all") if c["certificateId"] == ident]
    assert listed == [{**first, "server": None}]
    renamed = ok(sim.base_url, "certificates.update", body={"certificateId": ident, "name": "renamed"})
    assert renamed == {**first, "name": "renamed"}
    only_auto_renew = call(sim.base_url, "certificates.update", body={"certificateId": ident, "autoRenew": True})
    assert (only_auto_renew.status, only_auto_renew.json()["message"]) == (500, "No values to set")
    assert ok(sim.base_url, "certificates.remove", body={"certificateId": ident}) is True
    for procedure, query, body in (("certificates.one", {"certificateId": ident}, None),
                                   ("certificates.remove", None, {"certificateId": ident}),
                                   ("certificates.update", None, {"certificateId": ident, "name": "x"})):
        answer = call(sim.base_url, procedure, query=query, body=body)
        assert (answer.status, answer.json()["message"]) == (404, "Certificate not found")


def test_certificate_unknown_server_is_a_raw_insert_error_with_the_key(sim):
    answer = call(sim.base_url, "certificates.create", body=certificate_body("on-server", serverId="nope"))
    assert answer.status == 500
    message = answer.json()["message"]
    assert message.startswith('Failed query: insert into "certificate" ("certificateId", "name", ')
    assert "values ($1, $2, $3, $4, $5, default, $6, $7)" in message
    assert PRIVATE_KEY in message and message.endswith(",nope")
    assert "on-server" not in [c["name"] for c in ok(sim.base_url, "certificates.all")]


def test_certificate_of_another_organization(sim):
    ident = ok(sim.base_url, "certificates.create", body=certificate_body("org1-cert"))["certificateId"]
    answer = call(sim.base_url, "certificates.one", key=SECOND_KEY, query={"certificateId": ident})
    assert (answer.status, answer.json()["message"]) == (401, "You are not allowed to access this certificate")
    assert ok(sim.base_url, "certificates.all", key=SECOND_KEY) == []
