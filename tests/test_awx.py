"""What AWX needs: the execution environment, the "Dokploy API" credential type, the playbook that registers it.

The credential type is extensions/awx/credential_type.yml. AWX validates a custom credential type when it is saved and
renders its injectors when a job starts (awx/main/fields.py: CredentialTypeInputField, CredentialTypeInjectorField;
awx/main/models/credential.py: CredentialType.inject_credential; awx/main/constants.py: ENV_BLOCKLIST; AWX 24.6).
The rules below restate what those do, as checks of our own, so a mistake in the file shows here and not in AWX.
"""

import json
import os
import re
import shutil
import subprocess
import tarfile
from types import SimpleNamespace
from unittest import mock

import pytest
import yaml
from jinja2 import Environment, StrictUndefined, nodes
from jinja2.sandbox import ImmutableSandboxedEnvironment

from ansible_collections.community.dokploy.plugins.module_utils._options import CONNECTION_OPTIONS, environment_setting
from tests.conftest import API_KEY, BIN, ROOT, ansible_env, rst_code_blocks

AWX = ROOT / "extensions" / "awx"
CREDENTIAL_TYPE = AWX / "credential_type.yml"

# AWX's rules for a custom credential type.
MODULE_OPTIONS = {"name", "description", "kind", "inputs", "injectors"}  # awx.awx.credential_type's, minus state
CUSTOM_KINDS = {"cloud", "net"}  # the API refuses any other kind for a type it does not manage itself
NAME = re.compile(r"^[a-zA-Z_]+[a-zA-Z0-9_]*$")  # a field id, and an environment variable's name
FIELD_KEYS = {"id", "type", "label", "help_text", "format", "choices", "multiline", "secret", "ask_at_runtime",
              "default"}
FIELD_TYPES = {"string": str, "boolean": bool}
STRING_ONLY_KEYS = {"choices", "multiline", "format", "secret"}
FORMATS = {"ssh_private_key", "url"}
INJECTOR_KINDS = {"env", "extra_vars", "file"}
FILE_TEMPLATE = re.compile(r"^template(\.[a-zA-Z_]+[a-zA-Z0-9_]*)?$")
RESERVED_ENV = {"VIRTUAL_ENV", "PATH", "PYTHONPATH", "JOB_ID", "INVENTORY_ID", "INVENTORY_SOURCE_ID",
                "INVENTORY_UPDATE_ID", "AD_HOC_COMMAND_ID", "REST_API_URL", "REST_API_TOKEN", "MAX_EVENT_RES",
                "CALLBACK_QUEUE", "CALLBACK_CONNECTION", "CACHE", "JOB_CALLBACK_DEBUG", "INVENTORY_HOSTVARS",
                "AWX_HOST", "PROJECT_REVISION", "SUPERVISOR_CONFIG_PATH"}  # and every ANSIBLE_* name

MODULE_ENV = dict((env_name, option) for option, (entry, env_names) in CONNECTION_OPTIONS.items()
                  for env_name in env_names)

CA_PEM = "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUdokploy\n-----END CERTIFICATE-----\n"


def load_credential_type():
    return yaml.safe_load(CREDENTIAL_TYPE.read_text())


def fields(credential_type):
    return credential_type["inputs"]["fields"]


def file_labels(credential_type):
    """The names under tower.filename: "template.NAME" gives tower.filename.NAME, a lone "template" tower.filename."""
    return [label.partition(".")[2] for label in credential_type["injectors"].get("file", {})]


def templates(credential_type):
    """Every (injector kind, key, template) of the injectors, extra_vars walked down to its strings."""
    found = []

    def walk(kind, key, node):
        if isinstance(node, dict):
            for name, value in node.items():
                if kind == "extra_vars":
                    found.append((kind, key, name))
                walk(kind, name, value)
        elif isinstance(node, list):
            for value in node:
                walk(kind, key, value)
        else:
            found.append((kind, key, node))

    for kind, injector in credential_type["injectors"].items():
        walk(kind, None, injector)
    return found


def references(template):
    """The variables a template reads, dotted (api_url, tower.filename.ca_cert)."""
    found = set()

    def walk(node):
        chain = []
        inner = node
        while isinstance(inner, nodes.Getattr):
            chain.insert(0, inner.attr)
            inner = inner.node
        if isinstance(inner, nodes.Name) and inner.ctx == "load":
            found.add(".".join([inner.name] + chain))
            return
        for child in node.iter_child_nodes():
            walk(child)

    walk(Environment().parse(template))
    return found


def inject(credential_type, inputs, private_dir):
    """The environment and the files a job gets from a credential with these inputs, rendered the way AWX does.

    AWX's namespace holds the inputs that are set (an empty string is not), false for a boolean the credential does
    not set (whatever the field's default), and tower.filename.NAME for each file, which it always writes, even
    empty. Undefined names render empty (no StrictUndefined at run time).
    """
    namespace = dict((k, v) for k, v in inputs.items() if isinstance(v, bool) or len(v))
    for field in fields(credential_type):
        if field.get("type", "string") == "boolean" and field["id"] not in inputs:
            namespace[field["id"]] = False
    sandbox = ImmutableSandboxedEnvironment()
    files = {}
    tower = SimpleNamespace(filename=SimpleNamespace())
    for label, template in credential_type["injectors"].get("file", {}).items():
        path = private_dir / ("awx-file-%s" % label)
        path.write_text(sandbox.from_string(template).render(**namespace))
        files[str(path)] = path.read_text()
        if label == "template":
            tower.filename = str(path)
        else:
            setattr(tower.filename, label.partition(".")[2], str(path))
    namespace["tower"] = tower
    env = dict((name, sandbox.from_string(template).render(**namespace))
               for name, template in credential_type["injectors"].get("env", {}).items())
    return env, files


def module_settings(env):
    """The connection settings the modules take from that environment (an empty variable counts as unset), read by
    the function the modules' fallbacks use."""
    with mock.patch.dict(os.environ, env):
        settings = dict((name, environment_setting(name)) for name in CONNECTION_OPTIONS)
    return dict((name, value) for name, value in settings.items() if value is not None)


# The shipped file, checked against AWX's rules.

def test_credential_type_file_holds_the_options_of_awx_credential_type():
    credential_type = load_credential_type()
    assert set(credential_type) == MODULE_OPTIONS
    assert credential_type["name"] == "Dokploy API"
    assert credential_type["kind"] in CUSTOM_KINDS
    assert credential_type["kind"] == "cloud"
    assert isinstance(credential_type["description"], str) and credential_type["description"]


def test_credential_type_inputs_follow_awx_rules():
    credential_type = load_credential_type()
    assert set(credential_type["inputs"]) <= {"fields", "required"}, "AWX refuses dependencies in a custom type"
    ids = [field["id"] for field in fields(credential_type)]
    assert len(ids) == len(set(ids)), "field ids must be unique"
    for field in fields(credential_type):
        assert set(field) <= FIELD_KEYS, field
        assert {"id", "label"} <= set(field), field
        assert NAME.match(field["id"]) and field["id"] != "tower", field
        kind = field.get("type", "string")
        assert kind in FIELD_TYPES, field
        if "default" in field:
            assert isinstance(field["default"], FIELD_TYPES[kind]), field
        if kind != "string":
            assert not STRING_ONLY_KEYS & set(field), field
        if "format" in field:
            assert field["format"] in FORMATS, field
        for key in ("multiline", "secret", "ask_at_runtime"):
            assert isinstance(field.get(key, False), bool), field
        for key in ("label", "help_text"):
            assert isinstance(field.get(key, ""), str), field
    assert set(credential_type["inputs"]["required"]) <= set(ids)
    assert credential_type["inputs"]["required"] == ["api_url", "api_key"]


def test_credential_type_injectors_follow_awx_rules():
    credential_type = load_credential_type()
    injectors = credential_type["injectors"]
    assert set(injectors) <= INJECTOR_KINDS
    labels = list(injectors.get("file", {}))
    assert all(FILE_TEMPLATE.match(label) for label in labels), labels
    assert "template" not in labels or len(labels) == 1, "several files take the template.NAME form"
    for name, template in injectors.get("env", {}).items():
        assert NAME.match(name), name
        assert not name.startswith("ANSIBLE_") and name not in RESERVED_ENV, name
        assert isinstance(template, str) and template.isascii(), name
    for kind, key, template in templates(credential_type):
        assert isinstance(template, str), (kind, key)


def test_injectors_read_only_declared_inputs_and_files():
    credential_type = load_credential_type()
    ids = set(field["id"] for field in fields(credential_type))
    labels = file_labels(credential_type)
    allowed = ids | set("tower.filename.%s" % label for label in labels if label)
    if "" in labels:
        allowed.add("tower.filename")
    for kind, key, template in templates(credential_type):
        assert references(template) <= allowed, (kind, key, references(template) - allowed)
    # What AWX does when the type is saved: render every template with each input set and undefined names fatal.
    namespace = dict((field_id, "EXAMPLE") for field_id in ids)
    filename = SimpleNamespace(**dict((label, "EXAMPLE_FILENAME") for label in labels if label))
    namespace["tower"] = SimpleNamespace(filename="EXAMPLE_FILENAME" if "" in labels else filename)
    sandbox = ImmutableSandboxedEnvironment(undefined=StrictUndefined)
    for kind, key, template in templates(credential_type):
        sandbox.from_string(template).render(namespace)


def test_the_secrets_are_used_only_in_the_environment():
    credential_type = load_credential_type()
    assert [field["id"] for field in fields(credential_type) if field.get("secret")] == ["api_key", "custom_headers"]
    for kind, key, template in templates(credential_type):
        if "api_key" in references(template):
            assert (kind, key) == ("env", "DOKPLOY_API_KEY")
        if "custom_headers" in references(template):
            assert (kind, key) == ("env", "DOKPLOY_CUSTOM_HEADERS")
    assert [field["id"] for field in fields(credential_type) if field.get("multiline")] == ["ca_cert"]
    assert [field.get("format") for field in fields(credential_type) if field["id"] == "api_url"] == ["url"]


def test_the_environment_is_the_modules_one_option_by_option():
    """Each connection option gets exactly one of its environment variables, and nothing else is injected."""
    env = load_credential_type()["injectors"]["env"]
    assert set(env) <= set(MODULE_ENV)
    assert sorted(MODULE_ENV[name] for name in env) == sorted(CONNECTION_OPTIONS)


def test_a_credential_with_every_input_configures_the_modules(tmp_path):
    inputs = {"api_url": "https://dokploy.example.com", "api_key": "key-1", "ca_cert": CA_PEM,
              "skip_tls_verify": False, "timeout": "45", "custom_headers": '{"CF-Access-Client-Id": "id-1"}'}
    env, files = inject(load_credential_type(), inputs, tmp_path)
    assert set(env) == {"DOKPLOY_URL", "DOKPLOY_API_KEY", "DOKPLOY_VALIDATE_CERTS", "DOKPLOY_CA_PATH",
                        "DOKPLOY_TIMEOUT", "DOKPLOY_CUSTOM_HEADERS"}
    assert files[env["DOKPLOY_CA_PATH"]] == CA_PEM
    assert module_settings(env) == {"api_url": "https://dokploy.example.com", "api_key": "key-1",
                                    "validate_certs": True, "ca_path": env["DOKPLOY_CA_PATH"], "timeout": 45,
                                    "headers": {"CF-Access-Client-Id": "id-1"}}


def test_skip_tls_verify_turns_verification_off(tmp_path):
    inputs = {"api_url": "https://dokploy.example.com", "api_key": "key-1", "skip_tls_verify": True}
    env, files = inject(load_credential_type(), inputs, tmp_path)
    assert module_settings(env)["validate_certs"] is False


@pytest.mark.parametrize("extra", [{}, {"ca_cert": "", "timeout": ""}], ids=["unset", "empty"])
def test_a_credential_with_url_and_key_only_leaves_the_rest_to_the_modules(tmp_path, extra):
    """No CA: DOKPLOY_CA_PATH is empty, never the empty file AWX writes anyway. A credential that does not set the
    boolean gets false from AWX, whatever the field's default: that must mean "verify"."""
    inputs = dict({"api_url": "https://dokploy.example.com", "api_key": "key-1"}, **extra)
    env, files = inject(load_credential_type(), inputs, tmp_path)
    assert env["DOKPLOY_CA_PATH"] == ""
    assert list(files.values()) == [""]
    assert env["DOKPLOY_TIMEOUT"] == ""
    assert env["DOKPLOY_VALIDATE_CERTS"] == "true"
    assert module_settings(env) == {"api_url": "https://dokploy.example.com", "api_key": "key-1",
                                    "validate_certs": True}


@pytest.mark.parametrize("inputs", [
    {"ca_cert": CA_PEM, "skip_tls_verify": False, "timeout": "45"},
    {},
], ids=["every-input", "url-and-key-only"])
def test_a_module_runs_with_the_injected_environment(sim, run_module, tmp_path, inputs):
    """A job's environment from a credential: dokploy_info reads the simulator with it. The simulator speaks http, so
    the CA file is checked for existence but requests has no TLS to verify with it."""
    inputs = dict({"api_url": sim.base_url, "api_key": API_KEY}, **inputs)
    env, files = inject(load_credential_type(), inputs, tmp_path)
    run = run_module("dokploy_info", {"project": "awx-credential-no-such-project"}, env=env)
    assert not run.failed, run
    assert run.result["projects"] == []
    assert run.reads[0] == "project.all"


# The playbook that registers the type, run against a stand-in for awx.awx that records what its modules receive.

STUB_MODULE = """#!/usr/bin/python
import json
import os

from ansible.module_utils.basic import AnsibleModule


def main():
    module = AnsibleModule(argument_spec=dict(
        name=dict(type="str", required=True), description=dict(type="str"), kind=dict(type="str"),
        inputs=dict(type="dict"), injectors=dict(type="dict"), organization=dict(type="str"),
        credential_type=dict(type="str"), state=dict(type="str", default="present")))
    with open(os.environ["AWX_STUB_LOG"], "a") as log:
        log.write(json.dumps({"module": "%s", "params": module.params}) + "\\n")
    module.exit_json(changed=True)


main()
"""


@pytest.fixture
def awx_stub(tmp_path):
    """A collection awx.awx whose credential_type and credential only log their parameters; returns the log."""
    modules = tmp_path / "stub" / "ansible_collections" / "awx" / "awx" / "plugins" / "modules"
    modules.mkdir(parents=True)
    for name in ("credential_type", "credential"):
        (modules / ("%s.py" % name)).write_text(STUB_MODULE % name)
    return tmp_path / "stub", tmp_path / "awx-calls.jsonl"


def run_awx_setup(tmp_path, awx_stub, extra_vars=None):
    stub, log = awx_stub
    collections = os.pathsep.join([str(stub), os.environ.get("ANSIBLE_COLLECTIONS_PATH", str(ROOT / "collections"))])
    command = [str(BIN / "ansible-playbook"), "-i", "localhost,", str(ROOT / "playbooks" / "awx_setup.yml")]
    if extra_vars:
        command += ["-e", json.dumps(extra_vars)]
    completed = subprocess.run(command, capture_output=True, text=True, check=False, timeout=120, env=ansible_env(
        tmp_path, {"ANSIBLE_COLLECTIONS_PATH": collections, "AWX_STUB_LOG": str(log)}))
    assert completed.returncode == 0, completed.stdout + completed.stderr
    return [json.loads(line) for line in log.read_text().splitlines()]


def test_awx_setup_reads_the_credential_type_from_the_shipped_file():
    """No second copy of the type in the playbook: its task takes every option from the file."""
    [play] = yaml.safe_load((ROOT / "playbooks" / "awx_setup.yml").read_text())
    assert "extensions/awx/credential_type.yml" in play["vars"]["dokploy_credential_type"]
    [task] = [t for t in play["tasks"] if "awx.awx.credential_type" in t]
    expected = dict((option, "{{ dokploy_credential_type.%s }}" % option) for option in MODULE_OPTIONS)
    expected["state"] = "present"
    assert task["awx.awx.credential_type"] == expected
    assert "DOKPLOY_" not in (ROOT / "playbooks" / "awx_setup.yml").read_text()


def test_awx_setup_registers_the_file_as_it_is(tmp_path, awx_stub):
    [call] = run_awx_setup(tmp_path, awx_stub)
    assert call["module"] == "credential_type"
    expected = load_credential_type()
    # Templates untouched: the injectors reach AWX with their {{ }}, not rendered by this playbook.
    assert dict((option, call["params"][option]) for option in MODULE_OPTIONS) == expected
    assert call["params"]["state"] == "present"


def test_awx_setup_creates_one_credential_per_profile(tmp_path, awx_stub):
    ca_path = tmp_path / "acme-ca.pem"
    ca_path.write_text(CA_PEM)
    profiles = {
        "acme": {"api_url": "https://acme.example.com", "api_key": "key-acme", "ca_path": str(ca_path),
                 "timeout": 45},
        # The Dokploy CLI's names, and verification off.
        "globex": {"url": "https://globex.example.com", "token": "key-globex", "validate_certs": False},
    }
    calls = run_awx_setup(tmp_path, awx_stub, {"dokploy_profiles": profiles, "awx_organization": "Clients"})
    assert [call["module"] for call in calls] == ["credential_type", "credential", "credential"]
    credentials = dict((call["params"]["name"], call["params"]) for call in calls[1:])
    assert sorted(credentials) == ["Dokploy acme", "Dokploy globex"]
    for credential in credentials.values():
        assert credential["credential_type"] == "Dokploy API"
        assert credential["organization"] == "Clients"
    assert credentials["Dokploy acme"]["inputs"] == {
        "api_url": "https://acme.example.com", "api_key": "key-acme", "skip_tls_verify": False, "ca_cert": CA_PEM,
        "timeout": "45"}
    assert credentials["Dokploy globex"]["inputs"] == {
        "api_url": "https://globex.example.com", "api_key": "key-globex", "skip_tls_verify": True}
    # Every input the playbook sets is one the type declares, of its type.
    declared = dict((field["id"], FIELD_TYPES[field["type"]]) for field in fields(load_credential_type()))
    for credential in credentials.values():
        for key, value in credential["inputs"].items():
            assert isinstance(value, declared[key]), key


# The guide.

def test_the_guide_shows_the_shipped_files():
    """docs/docsite/rst/awx.rst shows the EE file and the type's inputs and injectors (to paste into the UI): the
    collection's docsite cannot include files from outside it, so the copies are checked here."""
    blocks = rst_code_blocks("awx.rst")
    assert (AWX / "execution-environment.yml").read_text() in blocks
    parsed = [yaml.safe_load(block) for block in blocks]
    assert load_credential_type()["inputs"] in parsed
    assert load_credential_type()["injectors"] in parsed
    text = (ROOT / "docs" / "docsite" / "rst" / "awx.rst").read_text()
    assert "coming with" not in text and "community.dokploy.dokploy_deploy" in text


# The execution environment.

def test_ansible_builder_finds_the_python_requirements():
    completed = subprocess.run(
        [str(BIN / "ansible-builder"), "introspect", "--sanitize", str(ROOT / "collections")],
        capture_output=True, text=True, check=False)
    assert completed.returncode == 0, completed.stderr
    python = yaml.safe_load(completed.stdout.split("---", 1)[1])["python"]
    assert any(line.startswith("requests") and "community.dokploy" in line for line in python), python


def run_tool(command, tmp_path, cwd=None, env=None):
    completed = subprocess.run([str(c) for c in command], cwd=cwd, env=ansible_env(tmp_path, env),
                               capture_output=True, text=True, check=False, timeout=120)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    return completed.stdout


def test_execution_environment_builds_from_a_local_tarball(tmp_path):
    """ansible-builder create on the shipped example, beside a freshly built tarball; then what the image build does
    with the context, without a container engine: the galaxy stage's install from /build (the context's _build) and
    the builder stage's introspection, which finds requests."""
    work = tmp_path / "ee"
    work.mkdir()
    run_tool([BIN / "ansible-galaxy", "collection", "build", "--output-path", work, ROOT], tmp_path)
    [built] = work.glob("community-dokploy-*.tar.gz")
    with tarfile.open(built) as archive:
        members = archive.getnames()
    for shipped in ("extensions/awx/credential_type.yml", "extensions/awx/execution-environment.yml",
                    "playbooks/awx_setup.yml"):
        assert shipped in members, "galaxy.yml's build_ignore leaves out %s" % shipped
    tarball = built.rename(work / "community-dokploy.tar.gz")
    shutil.copy(AWX / "execution-environment.yml", work)

    run_tool([BIN / "ansible-builder", "create", "--file", work / "execution-environment.yml",
              "--context", work / "context", "--output-filename", "Containerfile"], tmp_path)
    build = work / "context" / "_build"
    assert (build / "collections" / "community-dokploy.tar.gz").read_bytes() == tarball.read_bytes()
    requirements = yaml.safe_load((build / "requirements.yml").read_text())
    assert requirements == {"collections": [{"name": "collections/community-dokploy.tar.gz", "type": "file"}]}
    containerfile = (work / "context" / "Containerfile").read_text()
    assert "COPY _build /build\nWORKDIR /build\n" in containerfile
    assert re.search(r"^RUN .*ansible-galaxy collection install .*-r requirements.yml", containerfile, re.M)

    installed = work / "installed"
    # Only the image's collections: the checkout's (ANSIBLE_COLLECTIONS_PATH) would count as installed already.
    run_tool([BIN / "ansible-galaxy", "collection", "install", "-r", "requirements.yml", "-p", installed], tmp_path,
             cwd=build, env={"ANSIBLE_COLLECTIONS_PATH": str(installed)})
    collection = installed / "ansible_collections" / "community" / "dokploy"
    assert (collection / "extensions" / "awx" / "credential_type.yml").read_text() == CREDENTIAL_TYPE.read_text()
    introspected = run_tool([BIN / "ansible-builder", "introspect", "--sanitize", installed], tmp_path)
    python = yaml.safe_load(introspected.split("---", 1)[1])["python"]
    assert any(line.startswith("requests") and "community.dokploy" in line for line in python), python
