"""dokploy_db with type libsql (sqld), and libsql as database_type of dokploy_deploy, dokploy_env and dokploy_mount."""

import uuid

import pytest

from tests.integration.lifecycle import assert_no_secret, check_lifecycle

DB_PASSWORD = "libsql-Secret-5p"
NEW_PASSWORD = "libsql-Secret-6q"


def unique(prefix):
    return "%s-%s" % (prefix, uuid.uuid4().hex[:8])


@pytest.fixture
def project(run_module):
    name = unique("proj")
    assert not run_module("dokploy_project", {"name": name}).failed
    return name


def primary(project, **extra):
    return dict({"type": "libsql", "project": project, "name": "edge", "database_user": "edge",
                 "database_password": DB_PASSWORD}, **extra)


def test_libsql_lifecycle(run_module, project):
    args = primary(project, enable_namespaces=True, description="edge cache", memory_limit="512M")
    check_lifecycle(run_module, "dokploy_db", args, {"memory_limit": "256M"}, "database", secrets=[DB_PASSWORD])


def test_libsql_create_and_update_keep_namespaces(run_module, project):
    created = run_module("dokploy_db", primary(project, enable_namespaces=True))
    assert created.writes == ["libsql.create"], created
    database = created.result["database"]
    assert (database["sqldNode"], database["sqldPrimaryUrl"], database["enableNamespaces"]) == ("primary", None, True)
    assert database["databasePassword"] == "********" and database["databaseUser"] == "edge"
    assert_no_secret(created, [DB_PASSWORD])
    # libsql.update writes enableNamespaces false when it is left out: an update sends it back as read.
    described = run_module("dokploy_db", primary(project, description="moved"))
    assert described.writes == ["libsql.update"] and described.result["database"]["enableNamespaces"] is True
    assert run_module("dokploy_db", primary(project, enable_namespaces=True)).writes == []


def test_libsql_replica(run_module, project):
    run_module("dokploy_db", primary(project))
    args = primary(project, name="edge-replica", sqld_node="replica", sqld_primary_url="http://edge:5001")
    created = run_module("dokploy_db", args)
    assert not created.failed and created.writes == ["libsql.create"], created
    assert created.result["database"]["sqldNode"] == "replica"
    assert created.result["database"]["sqldPrimaryUrl"] == "http://edge:5001"
    again = run_module("dokploy_db", args)
    assert again.changed is False and again.writes == [], again
    # A replica made a primary forgets its primary.
    promoted = run_module("dokploy_db", primary(project, name="edge-replica", sqld_node="primary"))
    assert promoted.writes == ["libsql.update"], promoted
    assert promoted.result["database"]["sqldPrimaryUrl"] is None


def test_primary_with_a_grpc_port_made_a_replica_keeps_its_other_ports_changeable(run_module, project):
    ports = primary(project, external_port=18180, external_grpc_port=15201)
    assert run_module("dokploy_db", ports).writes == ["libsql.create", "libsql.saveExternalPorts"]
    replica = primary(project, sqld_node="replica", sqld_primary_url="http://edge-main:5001", external_port=18180)
    demoted = run_module("dokploy_db", replica)
    assert not demoted.failed and sorted(demoted.writes) == ["libsql.saveExternalPorts", "libsql.update"], demoted
    database = demoted.result["database"]
    assert (database["sqldNode"], database["externalPort"], database["externalGRPCPort"]) == ("replica", 18180, None)
    assert demoted.result["diff"]["before"]["external_grpc_port"] == 15201, demoted
    assert demoted.result["diff"]["after"]["external_grpc_port"] is None, demoted
    assert run_module("dokploy_db", replica).writes == []
    # saveExternalPorts sends the three ports; a replica's gRPC port is always sent as null.
    moved = run_module("dokploy_db", dict(replica, external_port=18181))
    assert not moved.failed and moved.writes == ["libsql.saveExternalPorts"], moved


def test_replica_without_primary_url_is_refused_before_any_write(run_module, project):
    for check in (True, False):
        refused = run_module("dokploy_db", primary(project, sqld_node="replica"), check=check)
        assert refused.failed and refused.requests == [], refused
        assert refused.result["msg"].startswith("option sqld_primary_url: required for a replica")


def test_libsql_external_ports(run_module, project):
    args = primary(project)
    run_module("dokploy_db", args)
    ports = dict(args, external_port=18080, external_grpc_port=15001, external_admin_port=19090)
    exposed = run_module("dokploy_db", ports)
    assert exposed.writes == ["libsql.saveExternalPorts"] and exposed.result["redeployed"] is True, exposed
    database = exposed.result["database"]
    assert (database["externalPort"], database["externalGRPCPort"], database["externalAdminPort"]) == (
        18080, 15001, 19090)
    assert exposed.result["diff"]["after"] == {"external_port": 18080, "external_grpc_port": 15001,
                                               "external_admin_port": 19090}
    again = run_module("dokploy_db", ports)
    assert again.changed is False and again.writes == [], again
    # One port changed: the others go back as they are.
    moved = run_module("dokploy_db", dict(args, external_admin_port=19091))
    assert moved.writes == ["libsql.saveExternalPorts"], moved
    database = moved.result["database"]
    assert (database["externalPort"], database["externalGRPCPort"], database["externalAdminPort"]) == (
        18080, 15001, 19091)
    assert moved.result["diff"] == {"before": {"external_admin_port": 19090}, "after": {"external_admin_port": 19091}}


def test_libsql_ports_clash_with_other_services(run_module, project):
    run_module("dokploy_db", primary(project, external_grpc_port=15101))
    clash = run_module("dokploy_db", primary(project, name="other", external_admin_port=15101))
    assert clash.failed and clash.writes == [], clash
    assert clash.result["msg"].startswith("option external_admin_port: 15101 is already published by libsql "
                                          "database edge")
    redis = run_module("dokploy_db", {"type": "redis", "project": project, "name": "cache",
                                      "database_password": DB_PASSWORD, "external_port": 15101})
    assert redis.failed and redis.writes == [], redis
    assert "option external_port: 15101 is already published by libsql database edge" in redis.result["msg"]


def test_libsql_password_change_redeploys_a_database_that_ran(run_module, project):
    args = primary(project)
    run_module("dokploy_db", args)
    deployed = run_module("dokploy_deploy", {"project": project, "database": "edge", "database_type": "libsql"})
    assert not deployed.failed and deployed.writes == ["libsql.deploy"], deployed
    assert deployed.result["status"] == "done"
    changed = run_module("dokploy_db", dict(args, database_password=NEW_PASSWORD, update_password="always"))
    assert changed.writes == ["libsql.update", "libsql.deploy"], changed
    assert changed.result["redeployed"] is True and changed.result["password_changed_in_database"] is False
    assert changed.result["diff"] == {"before": {"database_password": "********"},
                                      "after": {"database_password": "********"}}
    assert_no_secret(changed, [DB_PASSWORD, NEW_PASSWORD])
    settled = run_module("dokploy_db", dict(args, database_password=NEW_PASSWORD, update_password="always"))
    assert settled.changed is False and settled.writes == [], settled


def test_libsql_env_and_data_volume(run_module, project):
    run_module("dokploy_db", primary(project))
    target = {"project": project, "database": "edge", "database_type": "libsql"}
    saved = run_module("dokploy_env", dict(target, vars={"TZ": "UTC"}))
    assert not saved.failed and saved.writes[-1:] == ["libsql.saveEnvironment"], saved
    # Dokploy made a data volume with the database: it is guarded like the other engines' ones.
    guarded = run_module("dokploy_mount", dict(target, mount_path="/var/lib/sqld", state="absent"))
    assert guarded.failed and guarded.writes == [], guarded
    assert guarded.result["msg"].startswith("option force: the volume ")


@pytest.mark.parametrize("args, message", [
    ({"external_port": 0}, "option external_port: 0 is not a port number"),
    ({"external_grpc_port": 70000}, "option external_grpc_port: 70000 is not a port number"),
    ({"external_admin_port": 0}, "option external_admin_port: 0 is not a port number"),
    ({"external_port": 18080, "external_admin_port": 18080}, "option external_admin_port: 18080 is also external_port"),
    ({"sqld_primary_url": "http://edge:5001"}, "option sqld_primary_url: only for a replica"),
    ({"sqld_node": "replica", "sqld_primary_url": "edge 5001"}, "option sqld_primary_url: 'edge 5001' is not a URL"),
    ({"sqld_node": "replica", "sqld_primary_url": "http://edge:5001", "external_grpc_port": 15001},
     "option external_grpc_port: a replica has no gRPC port"),
    ({"sqld_node": "secondary"}, "value of sqld_node must be one of"),
    ({"database_name": "x"}, "option database_name: a libsql database has no such setting"),
    ({"database_password": "bad pw$"}, "option database_password: Dokploy accepts only"),
    ({"type": "postgres", "sqld_node": "primary"}, "option sqld_node: a postgres database has no such setting"),
    ({"type": "mongo", "external_grpc_port": 15001}, "option external_grpc_port: a mongo database has no such"),
])
def test_libsql_bad_input_is_refused_before_any_request(run_module, args, message):
    refused = run_module("dokploy_db", primary("p", **args))
    assert refused.failed and refused.requests == [], refused
    assert message in refused.result["msg"]
    assert "Traceback" not in refused.output and "bad pw$" not in refused.output
