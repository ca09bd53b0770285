"""dokploy_registry, and the registry option of dokploy_app, against the simulator.

The simulator models Dokploy's docker login: a ``simulator-fail`` word in the name, URL or user name makes it
fail (docker's 401 output); any other remote host logs in without touching the network.
"""

import uuid

import pytest

from ansible_collections.community.dokploy.plugins.module_utils._client import DokployClient
from tests.conftest import API_KEY
from tests.integration.lifecycle import MAX_READS_PER_TASK, assert_no_secret, check_lifecycle

PASSWORD = "reg-Secret-pw-4821"
OTHER_PASSWORD = "reg-Other-pw-9315"


def unique(prefix):
    return "%s-%s" % (prefix, uuid.uuid4().hex[:8])


def registry_args(**extra):
    return dict({"name": unique("reg"), "url": "registry.example.com:5000", "username": "bot",
                 "password": PASSWORD, "image_prefix": "acme"}, **extra)


def stored(sim, registry_id):
    """The registry as registry.all lists it (with its password)."""
    listed = DokployClient(sim.base_url, API_KEY).query_list("registry.all")
    return next((r for r in listed if r["registryId"] == registry_id), None)


def test_registry_lifecycle(run_module):
    check_lifecycle(run_module, "dokploy_registry", registry_args(), {"image_prefix": "acme2"}, "registry",
                    secrets=[PASSWORD])


def test_create_update_check_mode_and_result(sim, run_module):
    args = registry_args()
    created = run_module("dokploy_registry", args)
    assert created.changed is True and created.writes == ["registry.create"], created
    registry = created.result["registry"]
    assert registry["registryName"] == args["name"] and registry["registryUrl"] == "registry.example.com:5000"
    assert registry["registryType"] == "cloud" and registry["imagePrefix"] == "acme"
    assert created.result["diff"]["after"]["password"] == "********"
    assert stored(sim, created.result["id"])["password"] == PASSWORD

    again = run_module("dokploy_registry", args)
    assert again.changed is False and again.writes == [] and len(again.reads) <= MAX_READS_PER_TASK, again

    dry = run_module("dokploy_registry", dict(args, username="bot2", url="ghcr.io"), check=True)
    assert dry.changed is True and dry.writes == [], dry
    assert dry.result["diff"] == {"before": {"username": "bot", "url": "registry.example.com:5000"},
                                  "after": {"username": "bot2", "url": "ghcr.io"}}, dry
    assert stored(sim, created.result["id"])["username"] == "bot"

    changed = run_module("dokploy_registry", dict(args, username="bot2", url="ghcr.io"))
    assert changed.changed is True and changed.writes == ["registry.update"], changed
    assert changed.result["registry"]["username"] == "bot2" and changed.result["registry"]["registryUrl"] == "ghcr.io"

    by_id = run_module("dokploy_registry", {"name": created.result["id"], "image_prefix": ""})
    assert by_id.changed is True and by_id.writes == ["registry.update"], by_id
    assert by_id.result["registry"]["registryName"] == args["name"]  # named by its id: not renamed
    for run in (created, again, dry, changed, by_id):
        assert_no_secret(run, [PASSWORD])


def test_password_compared_through_registry_all(sim, run_module):
    args = registry_args()
    created = run_module("dokploy_registry", args)
    assert "registry.all" in run_module("dokploy_registry", args).reads

    rotated = run_module("dokploy_registry", dict(args, password=OTHER_PASSWORD))
    assert rotated.changed is True and rotated.writes == ["registry.update"], rotated
    assert rotated.result["diff"] == {"before": {"password": "********"}, "after": {"password": "********"}}
    assert stored(sim, created.result["id"])["password"] == OTHER_PASSWORD
    same = run_module("dokploy_registry", dict(args, password=OTHER_PASSWORD))
    assert same.changed is False and same.writes == [], same
    for run in (created, rotated, same):
        assert_no_secret(run, [PASSWORD, OTHER_PASSWORD])


def test_update_password_on_create(sim, run_module):
    args = registry_args(update_password="on_create")
    created = run_module("dokploy_registry", args)
    assert created.changed is True, created
    kept = run_module("dokploy_registry", dict(args, password=OTHER_PASSWORD))
    assert kept.changed is False and kept.writes == [], kept
    assert stored(sim, created.result["id"])["password"] == PASSWORD
    other = run_module("dokploy_registry", dict(args, password=OTHER_PASSWORD, image_prefix="other"))
    assert other.changed is True and other.writes == ["registry.update"], other
    assert "password" not in other.result["diff"]["after"]
    assert stored(sim, created.result["id"])["password"] == PASSWORD
    for run in (created, kept, other):
        assert_no_secret(run, [PASSWORD, OTHER_PASSWORD])


@pytest.mark.simulator_only("a simulator-fail word makes the simulated docker login fail")
def test_failed_login_at_create_stores_nothing(sim, run_module):
    args = registry_args(username="simulator-fail-bot")
    failed = run_module("dokploy_registry", args)
    assert failed.failed and failed.writes == ["registry.create"], failed
    msg = failed.result["msg"]
    assert "registry %r was not created" % args["name"] in msg and "login failed" in msg, msg
    assert "401 Unauthorized" in msg, msg
    assert not [r for r in DokployClient(sim.base_url, API_KEY).query_list("registry.all")
                if r["registryName"] == args["name"]]
    assert_no_secret(failed, [PASSWORD])


@pytest.mark.simulator_only("a simulator-fail word makes the simulated docker login fail")
def test_failed_login_at_update_is_stored_and_fails(sim, run_module):
    args = registry_args()
    created = run_module("dokploy_registry", args)
    failed = run_module("dokploy_registry", dict(args, url="simulator-fail.example.com", password=OTHER_PASSWORD))
    assert failed.failed and failed.changed is True and failed.writes == ["registry.update"], failed
    msg = failed.result["msg"]
    assert "WAS changed (password, url)" in msg and "docker login" in msg and "401 Unauthorized" in msg, msg
    assert failed.result["id"] == created.result["id"]
    assert failed.result["diff"]["after"] == {"url": "simulator-fail.example.com", "password": "********"}
    record = stored(sim, created.result["id"])
    assert record["registryUrl"] == "simulator-fail.example.com" and record["password"] == OTHER_PASSWORD
    assert_no_secret(failed, [PASSWORD, OTHER_PASSWORD])
    # The change is stored: the next run has nothing to write.
    again = run_module("dokploy_registry", dict(args, url="simulator-fail.example.com", password=OTHER_PASSWORD))
    assert again.changed is False and again.writes == [], again


@pytest.mark.simulator_only("a simulator-fail word makes the simulated docker login fail")
def test_short_password_redacted_in_login_failure(sim, run_module):
    # Dokploy masks the password as *** in docker's message; the module's own redaction must hold as well.
    args = registry_args(username="simulator-fail-bot", password="pass")
    failed = run_module("dokploy_registry", args)
    assert failed.failed, failed
    assert "'pass'" not in failed.output


def test_duplicate_names_fail_closed(sim, run_module):
    name = unique("dup")
    client = DokployClient(sim.base_url, API_KEY)
    body = {"registryName": name, "username": "bot", "password": PASSWORD, "registryUrl": "ghcr.io",
            "registryType": "cloud", "imagePrefix": None}
    ids = [client.mutate("registry.create", body)["registryId"] for _copy in range(2)]
    ambiguous = run_module("dokploy_registry", {"name": name, "image_prefix": "x"})
    assert ambiguous.failed and ambiguous.writes == [], ambiguous
    assert "option name: 2 registries are named %r" % name in ambiguous.result["msg"]
    by_id = run_module("dokploy_registry", {"name": ids[1], "state": "absent"})
    assert by_id.changed is True and by_id.writes == ["registry.remove"], by_id
    assert_no_secret(ambiguous, [PASSWORD])


def test_create_needs_credentials(run_module):
    missing = run_module("dokploy_registry", {"name": unique("reg"), "url": "ghcr.io", "username": "bot"})
    assert missing.failed and missing.writes == [], missing
    assert missing.result["msg"].startswith("option password: required to create a registry"), missing


BAD = [
    ({"url": "https://ghcr.io"}, "url"),
    ({"url": "ghcr.io/acme"}, "url"),
    ({"url": "registry.example.com:70000"}, "url"),
    ({"url": "registry.example.com:0"}, "url"),
    ({"url": "ghcr io"}, "url"),
    ({"username": ""}, "username"),
    ({"username": " bot"}, "username"),
    ({"password": ""}, "password"),
    ({"name": "  "}, "name"),
    ({"image_prefix": "acme\nx"}, "image_prefix"),
]


@pytest.mark.parametrize("bad,option", BAD, ids=["%s=%r" % next(iter(b.items())) for b, _o in BAD])
def test_bad_input_refused_before_any_request(run_module, bad, option):
    for check in (False, True):
        run = run_module("dokploy_registry", registry_args(**bad), check=check)
        assert run.failed and run.writes == [] and run.reads == [], run
        assert run.result["msg"].startswith("option %s:" % option), run
        assert_no_secret(run, [PASSWORD])


# -- dokploy_app: registry -----------------------------------------------------------------------------------------


def make_registry(sim, name=None):
    body = {"registryName": name or unique("reg"), "username": "bot", "password": PASSWORD, "registryUrl": "ghcr.io",
            "registryType": "cloud", "imagePrefix": None}
    return DokployClient(sim.base_url, API_KEY).mutate("registry.create", body)


def test_app_uses_a_registry_by_name_or_id(sim, run_module):
    first, second = make_registry(sim), make_registry(sim)
    # A registry is where Dokploy pushes the image it builds (and deploys from): an application built from Git.
    args = {"project": unique("regproj"), "create_project": True, "name": "web", "git_url": "https://github.com/acme/web.git", "git_branch": "main",
            "registry": first["registryName"]}
    dry = run_module("dokploy_app", args, check=True)
    assert dry.changed is True and dry.writes == [], dry
    created = run_module("dokploy_app", args)
    assert created.changed is True and "application.update" in created.writes, created
    assert created.result["app"]["registryId"] == first["registryId"]
    again = run_module("dokploy_app", args)
    assert again.changed is False and again.writes == [] and len(again.reads) <= MAX_READS_PER_TASK, again

    switched = run_module("dokploy_app", dict(args, registry=second["registryId"]))
    assert switched.changed is True and switched.writes == ["application.update"], switched
    assert switched.result["diff"] == {"before": {"registry": first["registryId"]},
                                       "after": {"registry": second["registryId"]}}, switched
    assert switched.result["app"]["registryId"] == second["registryId"]
    for run in (dry, created, again, switched):
        assert_no_secret(run, [PASSWORD])


def test_app_registry_missing(sim, run_module):
    project = unique("regproj")
    base = {"project": project, "create_project": True, "name": "web", "git_url": "https://github.com/acme/web.git", "git_branch": "main"}
    assert not run_module("dokploy_app", base).failed
    name = unique("nope")
    missing = run_module("dokploy_app", dict(base, registry=name))
    assert missing.failed and missing.writes == [], missing
    assert missing.result["msg"] == "option registry: no registry is named %r or has that id" % name, missing
    # In check mode, an earlier task of the play would create it (a check-mode dokploy_registry creates nothing).
    dry = run_module("dokploy_app", dict(base, registry=name), check=True)
    assert not dry.failed and dry.changed is True and dry.writes == [], dry
    assert "registry %r does not exist yet" % name in dry.result["missing_parent"], dry
    # ... also when the project does not exist yet either.
    fresh = run_module("dokploy_app", dict(base, project=unique("regproj"), registry=name), check=True)
    assert not fresh.failed and fresh.changed is True and fresh.writes == [], fresh


def test_app_registry_duplicate_names_fail_closed(sim, run_module):
    name = unique("dup")
    make_registry(sim, name)
    make_registry(sim, name)
    run = run_module("dokploy_app", {"project": unique("regproj"), "create_project": True, "name": "web",
                                     "registry": name})
    assert run.failed and run.writes == [], run
    assert "option registry: 2 registries are named %r" % name in run.result["msg"], run


APP_BAD = [
    ({"registry": "ghcr", "registry_url": "ghcr.io"}, "registry"),
    ({"registry": "ghcr", "registry_username": "bot"}, "registry"),
    ({"registry": "ghcr", "registry_password": PASSWORD}, "registry"),
    ({"registry": ""}, "registry"),
    ({"registry": "  "}, "registry"),
    ({"registry": "ghcr", "docker_image": "nginx:1.27"}, "registry|docker_image"),
]


@pytest.mark.parametrize("bad,option", APP_BAD, ids=["-".join(sorted(b)) + "-%d" % i for i, (b, _o) in enumerate(APP_BAD)])
def test_app_registry_bad_input(run_module, bad, option):
    args = dict({"project": unique("regproj"), "create_project": True, "name": "web"}, **bad)
    run = run_module("dokploy_app", args)
    assert run.failed and run.writes == [] and run.reads == [], run
    assert option in run.result["msg"], run
    assert_no_secret(run, [PASSWORD])


def test_check_mode_play_registry_then_app(sim, run_playbook, tmp_path):
    registry, project = unique("reg"), unique("regproj")
    playbook = tmp_path / "registry-app.yml"
    playbook.write_text("""
- hosts: localhost
  gather_facts: false
  tasks:
    - community.dokploy.dokploy_registry:
        name: %s
        url: ghcr.io
        username: bot
        password: "%s"
    - community.dokploy.dokploy_app:
        project: %s
        create_project: true
        name: web
        git_url: https://github.com/acme/web.git
        git_branch: main
        registry: %s
""" % (registry, PASSWORD, project, registry))
    sim.reset_log()
    run = run_playbook(str(playbook), "--check", "--diff", env={"DOKPLOY_URL": sim.base_url, "DOKPLOY_API_KEY": API_KEY})
    assert run.rc == 0 and run.recap["localhost"]["changed"] == 2, run
    assert [r for r in sim.requests() if r["method"] == "POST"] == [], run
    assert PASSWORD not in run.output


def test_removing_a_used_registry_warns_naming_the_applications(sim, run_module):
    registry = make_registry(sim)
    args = {"project": unique("regproj"), "create_project": True, "name": "web",
            "git_url": "https://github.com/acme/web.git", "git_branch": "main", "registry": registry["registryName"]}
    assert not run_module("dokploy_app", args).failed
    absent = {"name": registry["registryName"], "state": "absent"}
    dry = run_module("dokploy_registry", absent, check=True)
    assert dry.changed is True and dry.writes == [], dry
    assert dry.result["detached_applications"] == ["web (project %s, environment production)" % args["project"]], dry
    assert "would be removed while used by applications web" in dry.text
    removed = run_module("dokploy_registry", absent)
    assert removed.changed is True and removed.writes == ["registry.remove"], removed
    assert "was removed while used by applications web" in removed.output
    app = run_module("dokploy_app", dict(args, registry=None))
    assert app.result["app"]["registryId"] is None
    assert_no_secret(removed, [PASSWORD])
