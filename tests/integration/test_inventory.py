"""The inventory plugin community.dokploy.dokploy, run by ansible-inventory against the simulator."""

import json
import shutil
import subprocess
import uuid

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519

from ansible_collections.community.dokploy.plugins.module_utils._client import DokployClient
from tests.conftest import API_KEY, BIN, ansible_env, unwrapped

VAULT_PASSWORD = "inventory-vault-pw"


def unique(prefix):
    return "%s-%s" % (prefix, uuid.uuid4().hex[:8])


class Placed:
    """An SSH key, a deploy and a build server, and a project with services on the deploy server and off it."""

    def __init__(self, client):
        self.client = client
        key = ed25519.Ed25519PrivateKey.generate()
        public = key.public_key().public_bytes(serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH)
        self.private_key = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.OpenSSH,
                                             serialization.NoEncryption()).decode()
        key_name = unique("invkey")
        client.mutate("sshKey.create", {"name": key_name, "publicKey": public.decode() + " inv@test",
                                        "privateKey": self.private_key, "organizationId": ""})
        self.key_id = [k for k in client.query_list("sshKey.all") if k["name"] == key_name][0]["sshKeyId"]
        self.deploy = self.server(unique("inv-deploy"), "deploy", "192.0.2.10", 2222, "deployer")
        self.build = self.server(unique("inv-build"), "build", "192.0.2.11", 22, "root")
        self.project = unique("invproj")
        created = client.mutate("project.create", {"name": self.project})
        self.project_id = created["project"]["projectId"]
        production = created["environment"]["environmentId"]
        client.mutate("application.create", {"name": "web", "environmentId": production,
                                             "serverId": self.deploy["serverId"]})
        client.mutate("postgres.create", {"name": "pg", "environmentId": production, "databaseName": "app",
                                          "databaseUser": "app", "databasePassword": "inv-pg-pw-1",
                                          "dockerImage": "postgres:16", "serverId": self.deploy["serverId"]})
        client.mutate("application.create", {"name": "local", "environmentId": production})
        self.servers = [self.deploy, self.build]

    def server(self, name, kind, address, port, user):
        return self.client.mutate("server.create", {
            "name": name, "description": "%s host" % kind, "ipAddress": address, "port": port, "username": user,
            "sshKeyId": self.key_id, "serverType": kind, "enableDockerCleanup": False})

    def remove(self):
        self.client.mutate("project.remove", {"projectId": self.project_id})
        for server in self.servers:
            self.client.mutate("server.remove", {"serverId": server["serverId"]})
        self.client.mutate("sshKey.remove", {"sshKeyId": self.key_id})


@pytest.fixture(scope="module")
def placed(simulator):
    made = Placed(DokployClient(simulator.base_url, API_KEY))
    yield made
    made.remove()


def plain(value):
    """ansible-inventory's JSON without ansible-core 2.19's {"__ansible_unsafe": ...} marks (Dokploy's data is unsafe)."""
    if isinstance(value, dict):
        if set(value) == {"__ansible_unsafe"}:
            return value["__ansible_unsafe"]
        return dict((k, plain(v)) for k, v in value.items())
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


class InventoryRun:
    def __init__(self, completed):
        self.rc = completed.returncode
        self.stdout = completed.stdout
        self.stderr = completed.stderr
        self.output = completed.stdout + completed.stderr
        self.text = unwrapped(self.output)

    def data(self):
        return plain(json.JSONDecoder().raw_decode(self.stdout[self.stdout.index("{"):])[0])

    def hostvars(self, host):
        return self.data()["_meta"]["hostvars"][host]

    def group(self, name):
        return sorted(self.data().get(name, {}).get("hosts", []))

    def __repr__(self):
        return "InventoryRun(rc=%s)\n%s\n%s" % (self.rc, self.stdout[-4000:], self.stderr[-3000:])


@pytest.fixture
def inventory(tmp_path):
    """Write an inventory source and run ansible-inventory on it (--list unless told otherwise)."""

    def run(text, *args, env=None, name="test.dokploy.yml"):
        source = tmp_path / name
        source.write_text(text)
        command = [str(BIN / "ansible-inventory"), "-i", str(source)] + list(args or ["--list"])
        extra = dict({"ANSIBLE_INVENTORY_UNPARSED_FAILED": "1"}, **(env or {}))
        completed = subprocess.run(command, env=ansible_env(tmp_path, extra), capture_output=True, text=True,
                                   timeout=300, check=False)
        return InventoryRun(completed)

    return run


def connection(sim):
    return {"DOKPLOY_URL": sim.base_url, "DOKPLOY_API_KEY": API_KEY}


def reads(sim):
    requests = sim.requests()
    assert [r for r in requests if r["method"] != "GET"] == [], requests
    return [r["procedure"] for r in requests]


def projects_with_services(sim):
    count = 0
    for project in DokployClient(sim.base_url, API_KEY).query_list("project.all"):
        if any(env[key] for env in project["environments"] for key in
               ("applications", "compose", "postgres", "mysql", "mariadb", "mongo", "redis", "libsql")):
            count += 1
    sim.reset_log()
    return count


def test_servers_become_hosts_with_their_services_groups_and_constructed_vars(sim, placed, inventory):
    deploy, build = placed.deploy["name"], placed.build["name"]
    expected_project_reads = projects_with_services(sim)
    run = inventory(
        "plugin: community.dokploy.dokploy\n"
        "keyed_groups:\n"
        "  - key: dokploy_server_status\n"
        "    prefix: status\n"
        "  - key: dokploy_services | map(attribute='project') | unique\n"
        "    prefix: project\n"
        "groups:\n"
        "  hosting: dokploy_services | length > 0\n"
        "compose:\n"
        "  service_count: dokploy_services | length\n"
        "  ansible_ssh_private_key_file: \"'~/.ssh/dokploy_' ~ dokploy_ssh_key_id\"\n",
        env=connection(sim))
    assert run.rc == 0, run
    procedures = reads(sim)
    assert procedures.count("server.all") == 1 and procedures.count("project.all") == 1, procedures
    assert procedures.count("project.one") == expected_project_reads, procedures
    assert set(procedures) == {"server.all", "project.all", "project.one"}, procedures

    host = run.hostvars(deploy)
    assert (host["ansible_host"], host["ansible_port"], host["ansible_user"]) == ("192.0.2.10", 2222, "deployer")
    assert host["dokploy_server_id"] == placed.deploy["serverId"] and host["dokploy_server_name"] == deploy
    assert (host["dokploy_server_type"], host["dokploy_server_status"]) == ("deploy", "active")
    assert host["dokploy_ssh_key_id"] == placed.key_id and host["dokploy_description"] == "deploy host"
    services = host["dokploy_services"]
    assert [(s["kind"], s["name"]) for s in services] == [("application", "web"), ("postgres", "pg")], services
    for service in services:
        assert (service["project"], service["project_id"]) == (placed.project, placed.project_id)
        assert service["environment"] == "production" and service["environment_id"] and service["id"]
    assert int(host["service_count"]) == 2  # a string before ansible-core 2.19, whose compose keeps native types
    assert host["ansible_ssh_private_key_file"] == "~/.ssh/dokploy_%s" % placed.key_id

    other = run.hostvars(build)
    assert (other["ansible_host"], other["ansible_port"], other["ansible_user"]) == ("192.0.2.11", 22, "root")
    assert other["dokploy_server_type"] == "build" and other["dokploy_services"] == []

    assert deploy in run.group("dokploy_deploy") and build not in run.group("dokploy_deploy")
    assert build in run.group("dokploy_build") and deploy not in run.group("dokploy_build")
    assert {deploy, build} <= set(run.group("status_active"))
    assert deploy in run.group("hosting") and build not in run.group("hosting")
    project_group = "project_" + placed.project.replace("-", "_")
    assert run.group(project_group) == [deploy], run
    children = run.data()["dokploy"]["children"]
    assert "dokploy_deploy" in children and "dokploy_build" in children

    graph = inventory("plugin: community.dokploy.dokploy\n", "--graph", env=connection(sim))
    assert graph.rc == 0, graph
    assert "@dokploy_deploy:" in graph.stdout and "|--%s" % deploy in graph.stdout.replace(" ", "")
    assert "@dokploy_build:" in graph.stdout and "|--%s" % build in graph.stdout.replace(" ", "")


def test_server_types_and_services_false_read_server_all_only(sim, placed, inventory):
    run = inventory("plugin: community.dokploy.dokploy\nserver_types: [build]\nservices: false\ngroup: paas\n",
                    env=connection(sim))
    assert run.rc == 0, run
    assert reads(sim) == ["server.all"]
    hosts = run.data()["_meta"]["hostvars"]
    assert placed.build["name"] in hosts and placed.deploy["name"] not in hosts
    assert all(h["dokploy_server_type"] == "build" for h in hosts.values())
    assert "dokploy_services" not in hosts[placed.build["name"]]
    assert placed.build["name"] in run.group("paas_build") and run.group("paas_deploy") == []


def test_servers_sharing_a_name_get_their_id_appended(sim, placed, inventory):
    name = unique("inv-twin")
    twins = [placed.server(name, "deploy", "192.0.2.%d" % n, 22, "root") for n in (20, 21)]
    placed.servers.extend(twins)
    run = inventory("plugin: community.dokploy.dokploy\nservices: false\n", env=connection(sim))
    assert run.rc == 0, run
    hosts = run.data()["_meta"]["hostvars"]
    assert name not in hosts
    for twin in twins:
        host = hosts["%s_%s" % (name, twin["serverId"])]
        assert host["dokploy_server_id"] == twin["serverId"] and host["dokploy_server_name"] == name


def test_named_profile_from_the_cli_config_and_the_file_wins(sim, placed, inventory, tmp_path):
    # ansible_env makes tmp_path the home directory: this is ~/.dokploy/config.json.
    (tmp_path / ".dokploy").mkdir()
    (tmp_path / ".dokploy" / "config.json").write_text(json.dumps({
        "currentProfile": "elsewhere",
        "profiles": {"sim": {"url": sim.base_url, "token": API_KEY},
                     "elsewhere": {"url": "http://127.0.0.1:9", "token": "not-this-one"}}}))
    named = inventory("plugin: community.dokploy.dokploy\nprofile: sim\nservices: false\n")
    assert named.rc == 0, named
    assert placed.deploy["name"] in named.data()["_meta"]["hostvars"]

    # The active profile (DOKPLOY_PROFILE) when the file names no connection at all.
    active = inventory("plugin: community.dokploy.dokploy\nservices: false\n", env={"DOKPLOY_PROFILE": "sim"})
    assert active.rc == 0, active
    assert placed.deploy["name"] in active.data()["_meta"]["hostvars"]

    # The file's api_url wins over the profile's URL (the profile's key is kept).
    overridden = inventory("plugin: community.dokploy.dokploy\nprofile: elsewhere\napi_key: %s\napi_url: %s\n"
                           "services: false\n" % (API_KEY, sim.base_url))
    assert overridden.rc == 0, overridden
    assert placed.build["name"] in overridden.data()["_meta"]["hostvars"]

    # A file that sets api_url (or api_key) and no profile uses no profile at all, whatever DOKPLOY_PROFILE says.
    direct = inventory("plugin: community.dokploy.dokploy\napi_url: %s\nservices: false\n" % sim.base_url,
                       env={"DOKPLOY_PROFILE": "elsewhere", "DOKPLOY_API_KEY": API_KEY})
    assert direct.rc == 0, direct
    assert placed.deploy["name"] in direct.data()["_meta"]["hostvars"]

    unknown = inventory("plugin: community.dokploy.dokploy\nprofile: nope\n")
    assert unknown.rc != 0
    assert "unknown Dokploy profile 'nope'; known profiles: elsewhere, sim" in unknown.text, unknown
    for run in (named, active, overridden, direct, unknown):
        assert API_KEY not in run.output and "not-this-one" not in run.output


def encrypt_string(text, password_file, name=None):
    command = [str(BIN / "ansible-vault"), "encrypt_string", "--vault-password-file", str(password_file), text]
    if name:
        command += ["--name", name]
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout


def test_vault_encrypted_key_in_the_file_and_profiles_from_vaulted_extra_vars(sim, placed, inventory, tmp_path):
    password_file = tmp_path / "vault-pw"
    password_file.write_text(VAULT_PASSWORD)
    in_file = inventory("plugin: community.dokploy.dokploy\nservices: false\napi_url: %s\n%s"
                        % (sim.base_url, encrypt_string(API_KEY, password_file, name="api_key")),
                        "--list", "-vvv", "--vault-password-file", str(password_file))
    assert in_file.rc == 0, in_file
    assert placed.deploy["name"] in in_file.data()["_meta"]["hostvars"]

    vars_file = tmp_path / "profiles.yml"
    vars_file.write_text("dokploy_profiles:\n  vaulted:\n    api_url: %s\n    api_key: %s\n"
                         % (sim.base_url, encrypt_string(API_KEY, password_file).strip().replace("\n", "\n      ")))
    profiled = inventory("plugin: community.dokploy.dokploy\nprofile: vaulted\nservices: false\n",
                         "--list", "-vvv", "--vault-password-file", str(password_file), "-e", "@%s" % vars_file)
    assert profiled.rc == 0, profiled
    assert placed.build["name"] in profiled.data()["_meta"]["hostvars"]

    templated = inventory("plugin: community.dokploy.dokploy\nservices: false\napi_url: %s\n"
                          "api_key: \"{{ my_key }}\"\n" % sim.base_url,
                          "--list", "--vault-password-file", str(password_file),
                          "-e", "@%s" % write(tmp_path / "key.yml", encrypt_string(API_KEY, password_file, "my_key")))
    assert templated.rc == 0, templated
    assert placed.build["name"] in templated.data()["_meta"]["hostvars"]
    for run in (in_file, profiled, templated):
        assert API_KEY not in run.output
        assert placed.private_key.splitlines()[1] not in run.output


def write(path, text):
    path.write_text(text)
    return path


def test_the_api_key_and_private_key_never_show(sim, placed, inventory):
    run = inventory("plugin: community.dokploy.dokploy\n", "--list", "-vvv", env=connection(sim))
    assert run.rc == 0, run
    assert API_KEY not in run.output
    for line in placed.private_key.splitlines()[1:-1]:
        assert line not in run.output
    assert "metricsConfig" not in run.output and "token" not in json.dumps(run.data()["_meta"])


@pytest.mark.parametrize("text, env, message", [
    ("plugin: community.dokploy.dokploy\n", {}, "option api_url is required"),
    ("plugin: community.dokploy.dokploy\napi_key: %s\n" % API_KEY, {}, "option api_url is required"),
    ("plugin: community.dokploy.dokploy\napi_url: ftp://dokploy.example.com\n", {"DOKPLOY_API_KEY": API_KEY},
     "option api_url: scheme 'ftp' is not http or https"),
    ("plugin: community.dokploy.dokploy\napi_url: https://dokploy.example.com\n", {}, "option api_key is required"),
])
def test_a_missing_or_bad_connection_names_the_option(sim, inventory, text, env, message):
    run = inventory(text, "--list", "-vvv", env=env)
    assert run.rc != 0, run
    assert message in run.text, run
    assert "community.dokploy.dokploy inventory" in run.text
    assert API_KEY not in run.output
    assert sim.requests() == []


def test_a_wrong_key_is_a_clear_error_without_the_key(sim, inventory):
    wrong = "wrong-key-Xy7Qp2"
    run = inventory("plugin: community.dokploy.dokploy\n", "--list", "-vvv",
                    env={"DOKPLOY_URL": sim.base_url, "DOKPLOY_API_KEY": wrong})
    assert run.rc != 0, run
    assert "server.all: HTTP 401 Unauthorized" in run.text, run
    assert wrong not in run.output


def inventory_help():
    return subprocess.run([str(BIN / "ansible-inventory"), "--help"], capture_output=True, text=True, check=True).stdout


def test_a_fresh_cache_sends_no_request(sim, placed, inventory, tmp_path):
    text = ("plugin: community.dokploy.dokploy\ncache: true\ncache_plugin: ansible.builtin.jsonfile\n"
            "cache_connection: %s\nkeyed_groups:\n  - key: dokploy_server_type\n    prefix: kind\n"
            % (tmp_path / "inventory-cache"))
    first = inventory(text, env=connection(sim))
    assert first.rc == 0, first
    assert "server.all" in reads(sim)
    cached = list((tmp_path / "inventory-cache").iterdir())
    assert cached and API_KEY not in "".join(p.read_text() for p in cached)
    sim.reset_log()

    second = inventory(text, env=connection(sim))
    assert second.rc == 0, second
    assert sim.requests() == []
    assert second.data()["_meta"] == first.data()["_meta"]
    assert placed.deploy["name"] in second.group("kind_deploy")

    # Without a connection at all, the cache still answers.
    offline = inventory(text)
    assert offline.rc == 0 and sim.requests() == [], offline

    if "--flush-cache" in inventory_help():
        flushed = inventory(text, "--list", "--flush-cache", env=connection(sim))
    else:  # ansible-inventory of ansible-core 2.16 has no --flush-cache: removing the cache is the way there
        shutil.rmtree(tmp_path / "inventory-cache")
        flushed = inventory(text, env=connection(sim))
    assert flushed.rc == 0, flushed
    assert "server.all" in reads(sim)


def test_the_file_name_must_end_with_dokploy_yml(sim, inventory):
    run = inventory("plugin: community.dokploy.dokploy\n", env=connection(sim), name="servers.yml")
    assert run.rc != 0
    assert sim.requests() == []
