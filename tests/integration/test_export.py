"""dokploy_export against the simulator: what it reads back, dokploy_stack applies with zero writes."""

import os
import stat
import uuid

import yaml

from ansible_collections.community.dokploy.plugins.module_utils._client import DokployClient
from tests.conftest import API_KEY
from tests.integration.test_backup import make_destination
from tests.integration.lifecycle import assert_no_secret

DB_PASSWORD = "Export-Db-Pass-5521"
ENV_SECRET = "export-env-Secret-8830"
AUTH_PASSWORD = "Export-Auth-Pw-1177"
SECRETS = [DB_PASSWORD, ENV_SECRET, AUTH_PASSWORD]


def unique(prefix):
    return "%s-%s" % (prefix, uuid.uuid4().hex[:8])


def build_with_single_modules(run_module, project, sim):
    """A project made task by task, as a user of the single modules would."""
    destination = make_destination(DokployClient(sim.base_url, API_KEY), unique("dest"))
    steps = [
        ("dokploy_app", {"project": project, "create_project": True, "name": "web", "docker_image": "nginx:1.27",
                         "memory_limit": "256M", "cpu_limit": 0.5, "replicas": 2, "description": "the shop"}),
        ("dokploy_app", {"project": project, "name": "api", "git_url": "https://example.com/acme/api.git",
                         "git_branch": "main", "build_type": "dockerfile", "dockerfile": "Dockerfile"}),
        ("dokploy_env", {"project": project, "app": "web", "vars": {"TOKEN": ENV_SECRET, "MODE": "live"}}),
        ("dokploy_domain", {"project": project, "app": "web", "host": "%s.example" % project, "port": 80,
                            "https": True, "certificate": "letsencrypt"}),
        ("dokploy_mount", {"project": project, "app": "web", "mount_path": "/data", "type": "volume",
                           "volume_name": "%s-data-web" % project}),
        ("dokploy_port", {"project": project, "app": "web", "published_port": 0, "target_port": 8080}),
        ("dokploy_redirect", {"project": project, "app": "web", "regex": "^/old/(.*)", "replacement": "/new/$1"}),
        ("dokploy_basic_auth", {"project": project, "app": "web", "username": "admin", "password": AUTH_PASSWORD}),
        ("dokploy_db", {"project": project, "type": "postgres", "name": "db", "database_name": "shop",
                        "database_user": "shop", "database_password": DB_PASSWORD}),
        ("dokploy_mount", {"project": project, "database": "db", "database_type": "postgres",
                           "mount_path": "/etc/extra.conf", "type": "file", "content": "x=1\n",
                           "file_path": "extra.conf"}),
        ("dokploy_compose", {"project": project, "name": "queue",
                             "compose_file": "services:\n  worker:\n    image: busybox\n"}),
        ("dokploy_domain", {"project": project, "compose": "queue", "service_name": "worker",
                            "host": "queue.%s.example" % project, "port": 9000}),
        ("dokploy_backup", {"project": project, "database": "db", "database_type": "postgres",
                            "destination": destination, "prefix": "%s/db" % project, "schedule": "0 3 * * *",
                            "keep_latest": 7}),
        ("dokploy_volume_backup", {"project": project, "app": "web", "name": "data",
                                   "volume_name": "%s-data-web" % project, "prefix": "%s/web" % project,
                                   "schedule": "0 4 * * *", "destination": destination}),
        ("dokploy_environment", {"project": project, "name": "staging", "description": "tests"}),
        ("dokploy_db", {"project": project, "environment": "staging", "type": "redis", "name": "cache",
                        "database_password": DB_PASSWORD}),
    ]
    for module, args in steps:
        if module == "dokploy_port":
            args = dict(args, published_port=20000 + int(uuid.uuid4().int % 20000))
        run = run_module(module, args)
        assert not run.failed, run


def test_a_project_built_by_the_single_modules_round_trips_with_zero_writes(run_module, sim):
    project = unique("export")
    build_with_single_modules(run_module, project, sim)

    exported = run_module("dokploy_export", {"project": project})
    assert not exported.failed and exported.changed is False, exported
    assert exported.writes == [], exported
    assert_no_secret(exported, SECRETS)
    declaration = exported.result["declaration"]
    production = declaration["environments"]["production"]
    web = next(a for a in production["apps"] if a["name"] == "web")
    assert web["memory_limit"] == "256M" and web["cpu_limit"] == 0.5 and web["replicas"] == 2, web
    assert "env" not in web and web["domains"][0]["certificate"] == "letsencrypt", web
    api = next(a for a in production["apps"] if a["name"] == "api")
    assert api["git_url"] == "https://example.com/acme/api.git" and "docker_image" not in api, api
    assert declaration["environments"]["staging"]["databases"][0]["type"] == "redis"
    [backup] = production["databases"][0]["backups"]
    assert backup["keep_latest"] == 7 and backup["schedule"] == "0 3 * * *" and "database_type" not in backup, backup
    assert web["volume_backups"][0]["name"] == "data" and "service_name" not in web["volume_backups"][0], web
    web_path = "environments.production.apps[%d]" % production["apps"].index(web)
    db_path = "environments.production.databases[0]"
    fill = exported.result["secrets_to_fill"]
    assert set(fill) >= {web_path + ".env.TOKEN", web_path + ".env.MODE", web_path + ".basic_auth[0].password",
                         db_path + ".database_password"}, fill

    applied = run_module("dokploy_stack", dict(declaration, deploy="never"))
    assert not applied.failed and applied.changed is False, applied
    assert applied.writes == [] and applied.result["plan"] == [], applied

    # With prune too: nothing the project holds is missing from the export (env left out is left alone).
    pruned = run_module("dokploy_stack", dict(declaration, deploy="never", prune=True))
    assert pruned.writes == [] and pruned.result["plan"] == [], pruned


def test_secrets_go_to_dest_only(run_module, tmp_path, sim):
    project = unique("export")
    build_with_single_modules(run_module, project, sim)
    dest = tmp_path / "acme.yml"

    refused = run_module("dokploy_export", {"project": project, "include_secrets": True})
    assert refused.failed and refused.requests == [], refused
    assert refused.result["msg"].startswith("option include_secrets: needs dest"), refused

    dry = run_module("dokploy_export", {"project": project, "include_secrets": True, "dest": str(dest)}, check=True)
    assert dry.changed is True and not dest.exists(), dry

    written = run_module("dokploy_export", {"project": project, "include_secrets": True, "dest": str(dest)})
    assert not written.failed and written.changed is True, written
    assert_no_secret(written, SECRETS)
    assert stat.S_IMODE(os.stat(dest).st_mode) == 0o600
    from_file = yaml.safe_load(dest.read_text())
    web = next(a for a in from_file["environments"]["production"]["apps"] if a["name"] == "web")
    assert web["env"] == {"TOKEN": ENV_SECRET, "MODE": "live"}, web
    assert from_file["environments"]["production"]["databases"][0]["database_password"] == DB_PASSWORD

    again = run_module("dokploy_export", {"project": project, "include_secrets": True, "dest": str(dest)})
    assert again.changed is False, again

    # The file, with its secrets, is a declaration dokploy_stack applies without a write.
    applied = run_module("dokploy_stack", dict(from_file, deploy="never", prune=True))
    assert not applied.failed and applied.writes == [], applied
    assert_no_secret(applied, SECRETS)


def test_every_project_and_the_demo_round_trip(run_module, run_playbook, sim):
    demo = run_playbook("playbooks/demo.yml", env={"DOKPLOY_URL": sim.base_url, "DOKPLOY_API_KEY": API_KEY})
    assert demo.rc == 0, demo
    everything = run_module("dokploy_export", {"include_secrets": False})
    assert not everything.failed, everything
    declarations = everything.result["declaration"]
    assert isinstance(declarations, list) and any(d["project"] == "demo-shop" for d in declarations)
    assert all(path.startswith("[") for path in everything.result["secrets_to_fill"])
    shop = next(d for d in declarations if d["project"] == "demo-shop")
    applied = run_module("dokploy_stack", dict(shop, deploy="never"))
    assert not applied.failed and applied.writes == [], applied
