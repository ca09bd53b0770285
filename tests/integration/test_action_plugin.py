"""The action plugin in front of every module (plugins/plugin_utils/_action.py), against the simulator.

``profile:`` on a task (resolved on the controller: vaulted variables, the CLI's config file; task options win) and
``src`` files of the controller (a role's files/, the playbook's folder, vault-encrypted files) for dokploy_env and
dokploy_compose.
"""

import json
import subprocess
import uuid

import pytest

from ansible_collections.community.dokploy.plugins.module_utils._client import DokployClient
from tests.conftest import API_KEY, BIN
from tests.integration.lifecycle import default_environment

VAULT_PASSWORD = "action-vault-pw"
DEAD_URL = "http://127.0.0.1:9"
WRONG_KEY = "wrong-key-Vb6t2Lq0"
STACK = "services:\n  web:\n    image: nginx:1.27\n"


def unique(prefix):
    return "%s-%s" % (prefix, uuid.uuid4().hex[:8])


def vault(path, password_file):
    subprocess.run([str(BIN / "ansible-vault"), "encrypt", "--vault-password-file", str(password_file), str(path)],
                   check=True, capture_output=True)


def project_of(client, name):
    """The project named ``name`` in the tree, or None."""
    found = [p for p in client.query("project.all") if p["name"] == name]
    return found[0] if found else None


def write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def remote_tmp(tmp_path):
    """The environment that makes the target's temporary folder one of the test's own."""
    return {"ANSIBLE_REMOTE_TMP": str(tmp_path / "remote-tmp")}


def leftovers(tmp_path):
    """What the runs left in the target's temporary folder (REMOTE_TMP)."""
    folder = tmp_path / "remote-tmp"
    assert folder.is_dir(), "ANSIBLE_REMOTE_TMP was not used"
    return sorted(p.name for p in folder.iterdir())


@pytest.fixture
def client(sim):
    return DokployClient(sim.base_url, API_KEY)


@pytest.fixture
def password_file(tmp_path):
    return write(tmp_path / "vault-pw", VAULT_PASSWORD)


def test_profile_from_a_vaulted_vars_file_and_task_options_win(sim, client, run_playbook, tmp_path, password_file):
    names = [unique("prof"), unique("prof"), unique("prof")]
    profiles = write(tmp_path / "profiles.yml", (
        "dokploy_profiles:\n"
        "  acme: {api_url: %s, api_key: %s, timeout: 20}\n"
        "  stale: {api_url: %s, api_key: %s}\n" % (sim.base_url, API_KEY, DEAD_URL, API_KEY)))
    vault(profiles, password_file)
    assert API_KEY not in profiles.read_text()
    playbook = write(tmp_path / "play.yml", """
- hosts: localhost
  gather_facts: false
  vars_files: [profiles.yml]
  tasks:
    - name: The profile alone
      community.dokploy.dokploy_project:
        profile: acme
        name: %s
    - name: The task's api_url wins over the profile's
      community.dokploy.dokploy_project:
        profile: stale
        api_url: %s
        name: %s
    - name: A profile for a block through module_defaults
      module_defaults:
        group/community.dokploy.dokploy:
          profile: acme
      block:
        - name: Made with the block's profile
          community.dokploy.dokploy_project:
            name: %s
""" % (names[0], sim.base_url, names[1], names[2]))
    # The environment names another server and key: the profile wins over them.
    run = run_playbook(str(playbook), "-vvv", "--vault-password-file", str(password_file),
                       env=dict(remote_tmp(tmp_path), DOKPLOY_URL=DEAD_URL, DOKPLOY_API_KEY=WRONG_KEY))
    assert run.rc == 0, run
    assert run.recap["localhost"]["changed"] == 3, run
    for name in names:
        assert project_of(client, name) is not None, name
    # The module received the resolved options, the profile's timeout among them (ansible-core 2.21 no longer
    # shows a module's invocation).
    if '"invocation"' in run.output:
        assert run.output.count('"profile": null') == 3 and run.output.count('"timeout": 20') == 2, run
    assert API_KEY not in run.output
    assert leftovers(tmp_path) == []


def test_profile_from_the_cli_config_file_wins_over_the_environment(sim, client, run_module, tmp_path):
    # ansible_env makes tmp_path the home directory: this is ~/.dokploy/config.json.
    write(tmp_path / ".dokploy" / "config.json", json.dumps({
        "currentProfile": "elsewhere",
        "profiles": {"sim": {"url": sim.base_url, "token": API_KEY},
                     "elsewhere": {"url": DEAD_URL, "token": WRONG_KEY}}}))
    name = unique("cfg")
    env = {"DOKPLOY_URL": DEAD_URL, "DOKPLOY_API_KEY": WRONG_KEY}
    planned = run_module("dokploy_project", {"profile": "sim", "name": name}, check=True, env=env)
    assert planned.changed is True and planned.writes == [], planned
    made = run_module("dokploy_project", {"profile": "sim", "name": name}, env=env)
    assert made.changed is True and made.writes == ["project.create"], made
    again = run_module("dokploy_project", {"profile": "sim", "name": name}, env=env)
    assert again.changed is False and again.writes == [] and len(again.reads) <= 3, again
    assert project_of(client, name) is not None

    # DOKPLOY_CONFIG names another file: its profiles, and only those.
    other = write(tmp_path / "other.json", json.dumps({"profiles": {"other": {"url": sim.base_url, "token": API_KEY}}}))
    elsewhere = run_module("dokploy_info", {"profile": "other", "project": name}, env=dict(env, DOKPLOY_CONFIG=str(other)))
    assert not elsewhere.failed, elsewhere
    assert [p["name"] for p in elsewhere.result["projects"]] == [name]
    for run in (planned, made, again, elsewhere):
        assert API_KEY not in run.output and WRONG_KEY not in run.output, run
        assert "'profile'" not in json.dumps(run.result.get("invocation", {})), run


@pytest.mark.parametrize("profile, message", [
    ("nope", "option profile: unknown Dokploy profile 'nope'; known profiles: acme, broken"),
    ("broken", "option profile: profile 'broken' (from variable dokploy_profiles): setting api_key is missing"),
])
def test_an_unusable_profile_fails_naming_the_option_before_any_request(sim, run_playbook, tmp_path, profile, message):
    playbook = write(tmp_path / "play.yml", """
- hosts: localhost
  gather_facts: false
  vars:
    dokploy_profiles:
      acme: {api_url: %s, api_key: %s}
      broken: {api_url: %s}
  tasks:
    - community.dokploy.dokploy_project:
        profile: %s
        name: never-made
""" % (sim.base_url, API_KEY, sim.base_url, profile))
    sim.reset_log()
    run = run_playbook(str(playbook), "-vvv")
    assert run.rc == 2, run
    assert message in run.output, run
    assert sim.requests() == []
    assert API_KEY not in run.output


@pytest.mark.parametrize("profile, message", [
    ("ghost", "option profile: unknown Dokploy profile 'ghost'; known profiles: none"),
    ("", "option profile: is empty; give the name of a profile, or leave profile out"),
    ("  ", "option profile: is empty; give the name of a profile, or leave profile out"),
    (["acme"], "option profile: must be the name of a profile (a string)"),
])
def test_a_bad_profile_in_an_ad_hoc_run_sends_nothing(run_module, profile, message):
    run = run_module("dokploy_env", {"profile": profile, "project": "p", "vars": {"A": "1"}}, check=True)
    assert run.failed and run.requests == [], run
    assert run.result["msg"] == message, run


@pytest.fixture
def world(sim, client):
    """A project with a compose stack."""
    name = unique("src")
    created = client.mutate("project.create", {"name": name})
    client.mutate("compose.create", {"name": "stack", "environmentId": created["environment"]["environmentId"]})
    return name


def compose_file(client, project):
    stack = default_environment(project_of(client, project))["compose"][0]
    return client.query("compose.one", composeId=stack["composeId"])["composeFile"]


def test_src_from_a_role_files_and_from_the_playbook_folder(sim, client, world, run_playbook, tmp_path, password_file):
    write(tmp_path / "roles" / "pusher" / "files" / "app.env", "FROM_ROLE=1\nTOKEN=role-Secret-5\n")
    write(tmp_path / "roles" / "pusher" / "files" / "stack.yml", STACK)
    # A file of the same name next to the playbook: the role's own files/ come first, as for ansible.builtin.copy.
    write(tmp_path / "files" / "app.env", "FROM_PLAYBOOK_FILES=1\n")
    write(tmp_path / "roles" / "pusher" / "tasks" / "main.yml", """
- name: Push the role's env file
  community.dokploy.dokploy_env:
    project: "{{ target }}"
    src: app.env
- name: Push the role's compose file
  community.dokploy.dokploy_compose:
    project: "{{ target }}"
    name: stack
    src: stack.yml
""")
    vault(write(tmp_path / "secret.env", "VAULTED=vault-Secret-7\n"), password_file)
    playbook = write(tmp_path / "play.yml", """
- hosts: localhost
  gather_facts: false
  module_defaults:
    group/community.dokploy.dokploy: {api_url: %s, api_key: %s}
  vars:
    target: %s
  roles: [pusher]
  tasks:
    - name: A file of the playbook's files/ folder
      community.dokploy.dokploy_env:
        project: "{{ target }}"
        src: files/app.env
    - name: A vault-encrypted file next to the playbook, decrypted on the controller
      community.dokploy.dokploy_env:
        project: "{{ target }}"
        src: secret.env
""" % (sim.base_url, API_KEY, world))
    run = run_playbook(str(playbook), "-vvv", "--vault-password-file", str(password_file), env=remote_tmp(tmp_path))
    assert run.rc == 0, run
    assert run.recap["localhost"]["changed"] == 4, run
    env = project_of(client, world)["env"]
    assert env == "FROM_ROLE=1\nTOKEN=role-Secret-5\nFROM_PLAYBOOK_FILES=1\nVAULTED=vault-Secret-7\n", env
    assert compose_file(client, world) == STACK
    for secret in (API_KEY, "role-Secret-5", "vault-Secret-7"):
        assert secret not in run.output, secret
    assert leftovers(tmp_path) == []

    # The same run again: nothing to do, and nothing sent.
    sim.reset_log()
    again = run_playbook(str(playbook), "--vault-password-file", str(password_file))
    assert again.rc == 0 and again.recap["localhost"]["changed"] == 0, again
    assert sim.writes() == []


@pytest.mark.parametrize("module, args", [
    ("dokploy_env", {"vars": None}),
    ("dokploy_compose", {"name": "stack"}),
])
def test_a_missing_src_fails_naming_it_before_any_request(sim, world, run_playbook, tmp_path, module, args):
    task = dict((k, v) for k, v in dict(args, project=world, src="missing.file").items() if v is not None)
    playbook = write(tmp_path / "play.yml", json.dumps([{
        "hosts": "localhost", "gather_facts": False,
        "module_defaults": {"group/community.dokploy.dokploy": {"api_url": sim.base_url, "api_key": API_KEY}},
        "tasks": [{"community.dokploy.%s" % module: task}]}]))
    sim.reset_log()
    run = run_playbook(str(playbook), "--check")
    assert run.rc == 2, run
    assert "option src: cannot read missing.file: no such file in the role's files/ folder or relative to the " \
           "playbook" in run.output, run
    assert sim.requests() == []


def test_a_src_error_of_the_module_names_the_controller_file(sim, world, run_module, tmp_path):
    empty = write(tmp_path / "empty.yml", "")
    run = run_module("dokploy_compose", {"project": world, "name": "stack", "src": str(empty)}, env=remote_tmp(tmp_path))
    assert run.failed and run.writes == [], run
    assert run.result["msg"].startswith("option src: %s is empty" % empty), run
    if "invocation" in run.result:  # not shown by ansible-core 2.21
        assert run.result["invocation"]["module_args"]["src"] == str(empty), run
    assert leftovers(tmp_path) == []
