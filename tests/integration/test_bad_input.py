"""Bad input is refused before any request, in every module, in check mode too.

Each case runs one module with one bad option against a project that holds what the module needs (an application
``web``, a compose stack ``stack``, a postgres database ``db``), so that the refusal is the module's own and not
"project not found". It must fail with one line starting ``option <name>:``, without a traceback, and without
sending anything: not a write, and not even a read.
"""

import uuid

import pytest

from ansible_collections.community.dokploy.plugins.module_utils._client import DokployClient
from tests.conftest import API_KEY

PROJECT = "<project>"      # replaced by the fixture's project
EMPTY_FILE = "<empty-file>"  # replaced by an empty file of the test's own
BINARY_FILE = "<binary-file>"  # replaced by a file that is not UTF-8 text
MISSING = "/nonexistent-dokploy-test/dir/file"

APP = {"project": PROJECT, "app": "web"}
COMPOSE = {"project": PROJECT, "name": "stack"}
DB = {"project": PROJECT, "type": "postgres", "name": "db"}
DOMAIN = dict(APP, host="shop.example.com")
MOUNT = dict(APP, type="volume", volume_name="data", mount_path="/data")
PORT = dict(APP, published_port=8080, target_port=80)
REDIRECT = dict(APP, regex="^/old/(.*)", replacement="/new/$1")
AUTH = dict(APP, username="reviewer", password="auth-Secret-1")
GIT = {"git_url": "https://git.example/acme/stack.git", "git_branch": "main"}


def case(module, option, args, base=None):
    """One bad input: ``args`` on top of ``base``; ``option`` is the option the message must name."""
    return pytest.param(module, option, dict(base or {}, **args), id="%s-%s-%s" % (
        module.replace("dokploy_", ""), option, "-".join("%s=%r" % item for item in sorted(args.items()))[:40]))


CASES = [
    # dokploy_project
    case("dokploy_project", "name", {"name": ""}),
    case("dokploy_project", "name", {"name": "   "}),
    case("dokploy_project", "name", {"name": "\t"}),
    case("dokploy_project", "name", {"name": "acme\nprod"}),
    case("dokploy_project", "name", {"name": "", "state": "absent"}),
    # dokploy_environment
    case("dokploy_environment", "name", {"project": PROJECT, "name": ""}),
    case("dokploy_environment", "name", {"project": PROJECT, "name": "  "}),
    case("dokploy_environment", "name", {"project": PROJECT, "name": "stag\ning"}),
    case("dokploy_environment", "name", {"project": PROJECT, "name": "", "state": "absent"}),
    case("dokploy_environment", "project", {"project": "", "name": "staging"}),
    case("dokploy_environment", "project", {"project": " ", "name": "staging"}),
    # dokploy_app: an empty name with create_project used to leave a half-made project behind
    case("dokploy_app", "name", {"project": "never-made", "create_project": True, "name": "",
                                 "docker_image": "nginx"}),
    case("dokploy_app", "environment", {"project": "never-made", "environment": "", "create_project": True,
                                        "name": "web", "docker_image": "nginx"}),
    case("dokploy_app", "name", {"project": PROJECT, "name": "   ", "docker_image": "nginx"}),
    case("dokploy_app", "project", {"project": "", "name": "web"}),
    case("dokploy_app", "docker_image", {"project": PROJECT, "name": "web", "docker_image": ""}),
    case("dokploy_app", "docker_image", {"project": PROJECT, "name": "web", "docker_image": "nginx latest"}),
    case("dokploy_app", "git_url", {"project": PROJECT, "name": "web", "git_url": " ", "git_branch": "main"}),
    case("dokploy_app", "git_branch", {"project": PROJECT, "name": "web", "git_url": GIT["git_url"],
                                       "git_branch": "my branch"}),
    case("dokploy_app", "git_branch", {"project": PROJECT, "name": "web", "git_url": GIT["git_url"],
                                       "git_branch": ""}),
    case("dokploy_app", "replicas", {"project": PROJECT, "name": "web", "replicas": -1}),
    # dokploy_compose: a Git stack without compose_path deploys nothing
    case("dokploy_compose", "name", {"name": ""}, COMPOSE),
    case("dokploy_compose", "compose_path", GIT, COMPOSE),
    case("dokploy_compose", "compose_path", dict(GIT, compose_path=""), COMPOSE),
    case("dokploy_compose", "git_branch", dict(GIT, git_branch="a b", compose_path="./c.yml"), COMPOSE),
    case("dokploy_compose", "git_url", dict(GIT, git_url="", compose_path="./c.yml"), COMPOSE),
    case("dokploy_compose", "src", {"src": MISSING}, COMPOSE),
    case("dokploy_compose", "src", {"src": EMPTY_FILE}, COMPOSE),
    case("dokploy_compose", "src", {"src": BINARY_FILE}, COMPOSE),
    case("dokploy_compose", "compose_file", {"compose_file": ""}, COMPOSE),
    # dokploy_db
    case("dokploy_db", "name", {"name": " "}, DB),
    case("dokploy_db", "external_port", {"external_port": 0}, DB),
    case("dokploy_db", "external_port", {"external_port": 65536}, DB),
    case("dokploy_db", "database_name", {"database_name": ""}, DB),
    case("dokploy_db", "database_user", {"database_user": "  "}, DB),
    case("dokploy_db", "database_password", {"database_password": ""}, DB),
    case("dokploy_db", "database_password", {"database_password": "with space"}, DB),
    case("dokploy_db", "docker_image", {"docker_image": ""}, DB),
    # dokploy_domain
    case("dokploy_domain", "host", {"host": ""}, DOMAIN),
    case("dokploy_domain", "host", {"host": "shop example.com"}, DOMAIN),
    case("dokploy_domain", "port", {"port": 0}, DOMAIN),
    case("dokploy_domain", "port", {"port": 65536}, DOMAIN),
    case("dokploy_domain", "path", {"path": "api"}, DOMAIN),
    case("dokploy_domain", "path", {"path": ""}, DOMAIN),
    case("dokploy_domain", "internal_path", {"internal_path": "v1"}, DOMAIN),
    case("dokploy_domain", "app", {"app": ""}, DOMAIN),
    case("dokploy_domain", "service_name", {"project": PROJECT, "compose": "stack", "service_name": " ",
                                            "host": "shop.example.com"}),
    # dokploy_env
    case("dokploy_env", "src", {"src": MISSING}, APP),
    case("dokploy_env", "src", {"src": BINARY_FILE}, APP),
    case("dokploy_env", "vars", {"vars": {"DEBUG": True}}, APP),
    case("dokploy_env", "vars", {"vars": {"BAD KEY": "x"}}, APP),
    case("dokploy_env", "keys", {"keys": ["A"]}, APP),
    case("dokploy_env", "keys", {"keys": [""], "state": "absent"}, APP),
    case("dokploy_env", "app", {"app": " ", "vars": {"A": "1"}}, APP),
    case("dokploy_env", "project", {"project": "", "vars": {"A": "1"}}),
    case("dokploy_env", "kind", {"project": PROJECT, "compose": "stack", "kind": "build_args",
                                 "vars": {"A": "1"}}),
    # dokploy_env_info: a dest in a folder that does not exist is one line, not a traceback
    case("dokploy_env_info", "dest", {"dest": MISSING}, APP),
    case("dokploy_env_info", "dest", {"dest": "/tmp"}, APP),
    case("dokploy_env_info", "project", {"project": ""}),
    case("dokploy_env_info", "app", {"app": ""}, APP),
    case("dokploy_env_info", "kind", {"project": PROJECT, "compose": "stack", "kind": "build_secrets"}),
    case("dokploy_env_info", "database_type", {"project": PROJECT, "database_type": "postgres"}),
    # dokploy_deploy: every case would deploy if it were not refused
    case("dokploy_deploy", "wait_timeout", {"wait_timeout": 0}, APP),
    case("dokploy_deploy", "poll_interval", {"poll_interval": 0}, APP),
    case("dokploy_deploy", "poll_interval", {"poll_interval": -1.5}, APP),
    case("dokploy_deploy", "log_lines", {"log_lines": 0}, APP),
    case("dokploy_deploy", "log_lines", {"log_lines": 20000}, APP),
    case("dokploy_deploy", "action", {"project": PROJECT, "database": "db", "database_type": "postgres",
                                      "action": "redeploy"}),
    case("dokploy_deploy", "app", {"app": ""}, APP),
    # dokploy_mount
    case("dokploy_mount", "mount_path", {"mount_path": "data"}, MOUNT),
    case("dokploy_mount", "mount_path", {"mount_path": ""}, MOUNT),
    case("dokploy_mount", "file_path", {"type": "file", "content": "x=1\n", "volume_name": None}, MOUNT),
    case("dokploy_mount", "file_path", {"type": "file", "content": "x", "file_path": "/etc/app.conf",
                                        "volume_name": None}, MOUNT),
    case("dokploy_mount", "file_path", {"type": "file", "content": "x", "file_path": "../app.conf",
                                        "volume_name": None}, MOUNT),
    case("dokploy_mount", "file_path", {"type": "file", "content": "x", "file_path": "conf/",
                                        "volume_name": None}, MOUNT),
    case("dokploy_mount", "volume_name", {"volume_name": "my data"}, MOUNT),
    case("dokploy_mount", "host_path", {"type": "bind", "host_path": "srv/data", "volume_name": None}, MOUNT),
    case("dokploy_mount", "content", {"content": "x"}, MOUNT),
    # dokploy_port
    case("dokploy_port", "published_port", {"published_port": 0}, PORT),
    case("dokploy_port", "published_port", {"published_port": 65536}, PORT),
    case("dokploy_port", "target_port", {"target_port": 0}, PORT),
    case("dokploy_port", "target_port", {"target_port": 70000}, PORT),
    case("dokploy_port", "target_port", {"target_port": -80, "state": "absent"}, PORT),
    case("dokploy_port", "app", {"app": ""}, PORT),
    # dokploy_redirect
    case("dokploy_redirect", "regex", {"regex": "(unclosed"}, REDIRECT),
    case("dokploy_redirect", "regex", {"regex": "^/[a-"}, REDIRECT),
    case("dokploy_redirect", "regex", {"regex": "^/(?!admin)"}, REDIRECT),
    case("dokploy_redirect", "regex", {"regex": "^/(a)\\1"}, REDIRECT),
    case("dokploy_redirect", "regex", {"regex": ""}, REDIRECT),
    case("dokploy_redirect", "replacement", {"replacement": ""}, REDIRECT),
    case("dokploy_redirect", "app", {"app": "  "}, REDIRECT),
    # dokploy_basic_auth
    case("dokploy_basic_auth", "username", {"username": "team:lead"}, AUTH),
    case("dokploy_basic_auth", "username", {"username": ""}, AUTH),
    case("dokploy_basic_auth", "username", {"username": "   "}, AUTH),
    case("dokploy_basic_auth", "username", {"username": "two\nlines"}, AUTH),
    case("dokploy_basic_auth", "password", {"password": ""}, AUTH),
    case("dokploy_basic_auth", "app", {"app": ""}, AUTH),
    # dokploy_info: an empty filter would return the whole organization
    case("dokploy_info", "project", {"project": ""}),
    case("dokploy_info", "project", {"project": "  "}),
    case("dokploy_info", "project", {"project": "\t"}),
    case("dokploy_info", "project", {"project": "acme\nprod"}),
    case("dokploy_info", "project", {"project": "acme\x7f"}),
    case("dokploy_info", "timeout", {"timeout": 0}),
]


@pytest.fixture(scope="module")
def parents(simulator):
    """A project with an application ``web``, a compose stack ``stack`` and a postgres database ``db``."""
    client = DokployClient(simulator.base_url, API_KEY)
    name = "bad-input-%s" % uuid.uuid4().hex[:8]
    environment = client.mutate("project.create", {"name": name})["environment"]["environmentId"]
    client.mutate("application.create", {"name": "web", "environmentId": environment})
    client.mutate("compose.create", {"name": "stack", "environmentId": environment})
    client.mutate("postgres.create", {"name": "db", "environmentId": environment, "databaseName": "app",
                                      "databaseUser": "app", "databasePassword": "db-Secret-1"})
    return name


def concrete(args, project, tmp_path):
    empty, binary = tmp_path / "empty.yml", tmp_path / "latin1.txt"
    empty.write_text("")
    binary.write_bytes(b"A=caf\xe9\n")
    replace = {PROJECT: project, EMPTY_FILE: str(empty), BINARY_FILE: str(binary)}
    return dict((k, replace.get(v, v) if isinstance(v, str) else v) for k, v in args.items() if v is not None)


def first_cases_of_each_module(cases, count=2):
    taken = {}
    for param in cases:
        module_cases = taken.setdefault(param.values[0], [])
        if len(module_cases) < count:
            module_cases.append(param)
    return [param for module_cases in taken.values() for param in module_cases]


def assert_refused(refused, option):
    assert refused.failed, refused
    message = refused.result.get("msg", "")
    assert message.startswith("option %s:" % option), refused
    assert "\n" not in message, refused
    assert "Traceback" not in refused.output, refused
    assert refused.writes == [], refused
    assert refused.requests == [], refused


@pytest.mark.parametrize("module, option, args", CASES)
def test_bad_input_is_refused_before_any_request(run_module, parents, tmp_path, module, option, args):
    assert_refused(run_module(module, concrete(args, parents, tmp_path)), option)


# validate() runs before anything that depends on check mode: a few cases of each module show it.
@pytest.mark.parametrize("module, option, args", first_cases_of_each_module(CASES))
def test_bad_input_is_refused_in_check_mode(run_module, parents, tmp_path, module, option, args):
    assert_refused(run_module(module, concrete(args, parents, tmp_path), check=True), option)


def test_an_app_refused_with_create_project_leaves_no_project(sim, run_module):
    """The refusal comes before create_project's project.create: no half-made project is left behind."""
    project = "never-made-%s" % uuid.uuid4().hex[:8]
    refused = run_module("dokploy_app", {"project": project, "create_project": True, "name": " ",
                                         "docker_image": "nginx:1.27"})
    assert refused.failed and refused.requests == [], refused
    assert project not in [p["name"] for p in DokployClient(sim.base_url, API_KEY).query("project.all")]
