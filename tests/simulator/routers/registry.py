"""`registry.*`: container registries, and the `docker login` Dokploy runs for them.

- `create` inserts and logs in inside one transaction: a failed login answers 400 with the
  command's error text and stores nothing. `update` (dialect B, answers `true`) writes first,
  then logs in with the stored values: a failed login answers 400 and the change stays; with
  nothing to write, 400 `No values to set`.
  Both replace every occurrence of the password in the message by `***` (Dokploy's
  sanitizer: a short password mangles the text). `testRegistry` and `testRegistryById` run
  docker with the password on stdin: their 400 quotes docker's stderr, unmasked
  (`testRegistryById` answers every failure as a 400, `Registry not found` too).
- `one` omits the password; `create`, `all` and `remove` answer it in clear. `remove`
  unlinks the registry from applications (registryId, buildRegistryId, rollbackRegistryId).
- How a login ends (the docker CLI logs in by itself, no daemon needed, so `--fail-deploys`
  does not fail logins):
  * a registryUrl (or registryName, username) containing `simulator-fail`: the registry
    rejects the credentials (docker's `401 Unauthorized` output);
  * a loopback registryUrl with a port (`127.x.x.x:P`, `localhost:P`): the simulator
    really tries it the way docker does for an insecure registry: https, then http,
    `GET /v2/` with Basic auth. Nothing listening: docker's `connection refused` output;
    a plain-HTTP server: the TLS line, then 200 = logged in, else `failed with status`;
  * anything else (a remote host, Docker Hub `""`): logged in, without touching the network.
- With a `serverId` (not "none") the login runs on that server over SSH: unknown server 400
  `Server not found`; no key 400 `No SSH key available for this server`; SSH fails when
  `api.external_fails(server name)` (`SSH connection error: connect ECONNREFUSED ip:port`);
  a rejected login there answers `Remote command failed with exit code 1`.
  registry.json was recorded against such a loopback stub (its `stubs.registry` port): replaying
  it needs one listening there (see test_registry_certificates.py, LoopbackRegistry).
- Not modelled: `update` of `organizationId` (ignored).
"""

import base64
import datetime
import http.client
import re
import secrets
import ssl

from simcore import FAIL_WORD, bad_request, new_id, not_found, now_iso, unauthorized

UNAUTHORIZED_STATUS = "401 Unauthorized"
LOOPBACK_HOST = re.compile(r"^(?:127(?:\.\d{1,3}){3}|localhost)$")
DIAL_SECONDS = 3
DOCKER_HUB = "registry-1.docker.io"
# Docker does not verify the certificate of an insecure (loopback) registry (no CA store to load: loading the
# system's costs every simulator start ~50 ms).
INSECURE_TLS = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
INSECURE_TLS.check_hostname = False
INSECURE_TLS.verify_mode = ssl.CERT_NONE

# Dokploy's registryUrl schema (db/schema/registry.ts): hostname[:port] or "" (Docker Hub).
REGISTRY_URL = re.compile(r"^[a-zA-Z0-9]([a-zA-Z0-9._-]*[a-zA-Z0-9])?(:\d{1,5})?$")
BAD_REGISTRY_URL = ("Registry URL must be a valid hostname or hostname:port "
                    "(e.g. registry.example.com or localhost:5000)")
RECORD_FIELDS = ("registryId", "registryName", "imagePrefix", "username", "password", "registryUrl",
                 "createdAt", "registryType", "organizationId")
UPDATABLE = ("registryName", "imagePrefix", "username", "password", "registryUrl", "createdAt",
             "registryType")


# --------------------------------------------------------------------------
# docker login
# --------------------------------------------------------------------------

def shell_quote(text):
    """Dokploy's shEscape: single quotes, '' for an empty text."""
    return "'" + (text or "").replace("'", "'\\''") + "'"


def login_command(url, username, password):
    return (f"printf %s {shell_quote(password)} | docker login {shell_quote(url)} "
            f"-u {shell_quote(username)} --password-stdin")


def docker_login(url, username, password, texts):
    """Run (or model) `docker login`; answers None when logged in, else docker's stderr."""
    if any(FAIL_WORD in (text or "").lower() for text in texts):
        return docker_output([(scheme, host_of(url), f"login attempt to {scheme}://{host_of(url)}/v2/ "
                                                     f"failed with status: {UNAUTHORIZED_STATUS}")
                              for scheme in endpoint_schemes(url)])
    host, _colon, port = url.partition(":")
    if not (LOOPBACK_HOST.match(host) and port):
        return None
    attempts = []
    for scheme in endpoint_schemes(url):
        error = try_endpoint(scheme, host, int(port), url, username, password)
        if error is None:
            return None
        attempts.append((scheme, url, error))
    return docker_output(attempts)


def host_of(url):
    return url or DOCKER_HUB


def endpoint_schemes(url):
    # Docker treats loopback registries as insecure: it falls back to plain http for them.
    return ("https", "http") if LOOPBACK_HOST.match(url.partition(":")[0]) else ("https",)


def try_endpoint(scheme, host, port, url, username, password):
    """One endpoint of docker's login loop against a loopback registry: None = logged in."""
    address = "127.0.0.1" if host == "localhost" else host
    if scheme == "https":
        connection = http.client.HTTPSConnection(address, port, timeout=DIAL_SECONDS, context=INSECURE_TLS)
    else:
        connection = http.client.HTTPConnection(address, port, timeout=DIAL_SECONDS)
    credentials = base64.b64encode(f"{username}:{password}".encode()).decode()
    try:
        connection.request("GET", "/v2/", headers={"Host": url, "Authorization": f"Basic {credentials}"})
        answer = connection.getresponse()
        answer.read()
    except ConnectionRefusedError:
        return f'Get "{scheme}://{url}/v2/": dial tcp {address}:{port}: connect: connection refused'
    except ssl.SSLError:
        return f'Get "{scheme}://{url}/v2/": tls: first record does not look like a TLS handshake'
    except TimeoutError:
        return f'Get "{scheme}://{url}/v2/": dial tcp {address}:{port}: i/o timeout'
    except OSError as error:
        return f'Get "{scheme}://{url}/v2/": {error.strerror or error}'
    finally:
        connection.close()
    if answer.status == 200:
        return None
    return f"login attempt to {scheme}://{url}/v2/ failed with status: {answer.status} {answer.reason}"


def docker_output(attempts):
    """docker's stderr after every endpoint failed: one info line per endpoint, then the last error."""
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    pointer = f"0xc000{secrets.token_hex(3)}"  # the TLS config's address in docker's endpoint dump
    lines = []
    for scheme, host, error in attempts:
        quoted = error.replace('"', '\\"')
        lines.append(f'time="{stamp}" level=info msg="Error logging in to endpoint, trying next endpoint" '
                     f'endpoint="{{false {scheme}://{host} false false false {pointer}}}" error="{quoted}"')
    lines.append(attempts[-1][2])
    return "\n".join(lines) + "\n"


def remote_login(api, server_id, texts):
    """`docker login` over SSH on a server: None when logged in, else the error message."""
    server = api.store.get("server", server_id)
    if server is None:
        return "Server not found"
    if not server.get("sshKeyId"):
        return "No SSH key available for this server"
    if api.external_fails(server.get("name")):
        return f"SSH connection error: connect ECONNREFUSED {server.get('ipAddress')}:{server.get('port')}"
    if any(FAIL_WORD in (text or "").lower() for text in texts):
        return "Remote command failed with exit code 1"
    return None


def shell_login_error(api, server_id, registry):
    """The error text of Dokploy's shell login (create, update), password not yet masked."""
    if server_id and server_id != "none":
        return remote_login(api, server_id, login_texts(registry))
    url, username, password = registry["registryUrl"], registry["username"], registry["password"]
    stderr = docker_login(url, username, password, login_texts(registry))
    if stderr is None:
        return None
    return f"Command execution failed: Command failed: {login_command(url, username, password)}\n{stderr}"


def masked(message, password):
    return message.replace(password, "***") if password else message


def tested_login(api, server_id, registry):
    """testRegistry*: docker with the password on stdin; the 400 quotes docker's stderr."""
    if server_id and server_id != "none":
        error = remote_login(api, server_id, login_texts(registry))
    else:
        stderr = docker_login(registry["registryUrl"], registry["username"], registry["password"],
                              login_texts(registry))
        error = stderr and f"Command failed with code 1. Stderr: {stderr}"
    if error:
        raise bad_request(error)
    return True


# --------------------------------------------------------------------------
# Procedures
# --------------------------------------------------------------------------

def find_registry(api, ctx, registry_id, denied):
    return api.owned(ctx, "registry", registry_id, not_found("Registry not found"),
                     unauthorized(f"You are not allowed to {denied} this registry"))


def login_texts(registry):
    """The texts where `simulator-fail` makes the login fail."""
    return registry.get("registryName"), registry["registryUrl"], registry["username"]


def without_password(registry):
    return {k: v for k, v in registry.items() if k != "password"}


def registry_create(api, ctx, data):
    registry = dict.fromkeys(RECORD_FIELDS)
    registry.update({k: data[k] for k in RECORD_FIELDS if k in data})
    registry.update(registryId=new_id(), username=data["username"].strip(), createdAt=now_iso(),
                    organizationId=ctx.org)
    error = shell_login_error(api, data.get("serverId"), registry)
    if error:  # the transaction is rolled back: nothing stored
        raise bad_request(masked(error, registry["password"]))
    return api.store.insert("registry", registry)


def registry_update(api, ctx, data):
    registry = find_registry(api, ctx, data["registryId"], "update")
    changes = {k: data[k] for k in UPDATABLE if k in data}
    if "username" in changes:
        changes["username"] = changes["username"].strip()
    if not changes:
        raise bad_request("No values to set")
    registry.update(changes)  # written before the login: kept when it fails
    error = shell_login_error(api, data.get("serverId"), registry)
    if error:
        raise bad_request(masked(error, registry["password"]))
    return True


def registry_remove(api, ctx, data):
    registry = find_registry(api, ctx, data["registryId"], "delete")
    del api.store.tables["registry"][registry["registryId"]]
    for app in api.store.tables["application"].values():  # the foreign keys are ON DELETE SET NULL
        for field in ("registryId", "buildRegistryId", "rollbackRegistryId"):
            if app.get(field) == registry["registryId"]:
                app[field] = None
    return registry


def registry_all(api, ctx, data):
    return [r for r in api.store.tables["registry"].values() if r["organizationId"] == ctx.org]


def registry_one(api, ctx, data):
    return without_password(find_registry(api, ctx, data["registryId"], "access"))


def registry_test(api, ctx, data):
    return tested_login(api, data.get("serverId"), {**data, "username": data["username"].strip()})


def registry_test_by_id(api, ctx, data):
    # Inside the procedure's try: every failure, a missing registry too, becomes a 400.
    registry = api.owned(ctx, "registry", data.get("registryId") or "", bad_request("Registry not found"),
                         bad_request("You are not allowed to test this registry"))
    return tested_login(api, data.get("serverId"), registry)


# --------------------------------------------------------------------------
# Input rules beyond openapi.json
# --------------------------------------------------------------------------

def registry_issues(data):
    """registryUrl's hostname[:port] check; username is trimmed before its min(1)."""
    if not isinstance(data, dict):
        return []
    issues = []
    username = data.get("username")
    if isinstance(username, str) and username and not username.strip():
        issues.append({"origin": "string", "code": "too_small", "minimum": 1, "inclusive": True,
                       "path": ["username"], "message": "Too small: expected string to have >=1 characters"})
    url = data.get("registryUrl")
    if isinstance(url, str) and url and not REGISTRY_URL.match(url):
        issues.append({"code": "custom", "path": ["registryUrl"], "message": BAD_REGISTRY_URL})
    return issues


REFINEMENTS = {"registry.create": registry_issues, "registry.update": registry_issues,
               "registry.testRegistry": registry_issues}

ROUTES = {
    "registry.create": ("POST", registry_create),
    "registry.update": ("POST", registry_update),
    "registry.remove": ("POST", registry_remove),
    "registry.all": ("GET", registry_all),
    "registry.one": ("GET", registry_one),
    "registry.testRegistry": ("POST", registry_test),
    "registry.testRegistryById": ("POST", registry_test_by_id),
}
