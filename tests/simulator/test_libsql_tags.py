"""The simulator's libsql and tag routers beyond what the transcripts check.

libsql: create answers `true` (found through environment.one), the data mount, update's default for a
missing `enableNamespaces`, deploys that succeed by default and fail on request (--fail-deploys or the
env marker), saveExternalPorts storing the ports although the redeploy fails, removal with the project.
tag: per-organization unique names answered with raw SQL, links shown in project.one/all, bulkAssign
replacing the set (and changing nothing when a tag is unknown), idempotent unlinking, cascades.
"""

import pytest

from tests.simulator.apitest import KEY, SECOND_KEY, call, default_env, new_project, ok
from tests.simulator.harness import Simulator

PASSWORD = "pw-libsql-1"


@pytest.fixture(scope="module")
def base_url():
    with Simulator() as sim:
        sim.start(KEY, second_org_key=SECOND_KEY, extra_args=("--deploy-seconds", "0"), request_log=False)
        yield sim.base_url


@pytest.fixture(scope="module")
def failing_url():
    with Simulator() as sim:
        sim.start(KEY, extra_args=("--fail-deploys", "--deploy-seconds", "0"), request_log=False)
        yield sim.base_url


def libsql_body(environment_id, name="edge", **extra):
    return {"name": name, "appName": name, "environmentId": environment_id, "description": "",
            "databaseUser": "admin", "databasePassword": PASSWORD, "sqldNode": "primary",
            "sqldPrimaryUrl": None, "serverId": None, "enableNamespaces": False,
            "dockerImage": "ghcr.io/tursodatabase/libsql-server:v0.24.32", **extra}


def new_libsql(base_url, environment_id, name="edge", **extra):
    """Create one and find it again: create answers only `true`."""
    assert ok(base_url, "libsql.create", body=libsql_body(environment_id, name, **extra)) is True
    listed = ok(base_url, "environment.one", query={"environmentId": environment_id})["libsql"]
    found = [item for item in listed if item["name"] == name]
    assert len(found) == 1, listed
    return ok(base_url, "libsql.one", query={"libsqlId": found[0]["libsqlId"]})


# --------------------------------------------------------------------------
# libsql
# --------------------------------------------------------------------------

def test_libsql_create_answers_true_and_is_listed_with_its_data_mount(base_url):
    project, env = new_project(base_url, "libsql-create")
    libsql = new_libsql(base_url, env["environmentId"])
    assert libsql["appName"].startswith("edge-") and len(libsql["appName"]) == len("edge-") + 6
    assert libsql["databasePassword"] == PASSWORD  # in clear, as Dokploy answers it
    assert (libsql["applicationStatus"], libsql["enableNamespaces"]) == ("idle", False)
    assert libsql["dockerImage"] == "ghcr.io/tursodatabase/libsql-server:v0.24.32"
    [mount] = libsql["mounts"]
    assert (mount["volumeName"], mount["mountPath"], mount["serviceType"]) == (
        f"{libsql['appName']}-data", "/var/lib/sqld", "libsql")
    assert ok(base_url, "mounts.one", query={"mountId": mount["mountId"]})["libsql"]["appName"] == libsql["appName"]
    one = ok(base_url, "project.one", query={"projectId": project["projectId"]})
    assert [item["libsqlId"] for item in default_env(one)["libsql"]] == [libsql["libsqlId"]]
    listed = next(p for p in ok(base_url, "project.all") if p["projectId"] == project["projectId"])
    assert default_env(listed)["libsql"] == [{"libsqlId": libsql["libsqlId"]}]


def test_libsql_create_checks_the_replica_url_and_the_environment(base_url):
    _project, env = new_project(base_url, "libsql-checks")
    replica = call(base_url, "libsql.create", body=libsql_body(env["environmentId"], sqldNode="replica"))
    assert replica.status == 400
    assert replica.json()["data"]["zodError"]["fieldErrors"] == {
        "sqldPrimaryUrl": ["sqldPrimaryUrl is required when sqldNode is 'replica'."]}
    unknown = call(base_url, "libsql.create", body=libsql_body("doesnotexist000000000"))
    assert (unknown.status, unknown.json()["message"]) == (404, "Environment not found")
    other_org = call(base_url, "libsql.create", key=SECOND_KEY, body=libsql_body(env["environmentId"]))
    assert other_org.status == 401
    assert ok(base_url, "environment.one", query={"environmentId": env["environmentId"]})["libsql"] == []
    new_libsql(base_url, env["environmentId"], "replica", sqldNode="replica", sqldPrimaryUrl="http://primary:8080")


def test_libsql_update_without_enable_namespaces_turns_it_off(base_url):
    _project, env = new_project(base_url, "libsql-update")
    libsql = new_libsql(base_url, env["environmentId"], enableNamespaces=True)
    assert libsql["enableNamespaces"] is True
    ident = {"libsqlId": libsql["libsqlId"]}
    assert ok(base_url, "libsql.update", body={**ident, "description": "edge db"}) is True
    after = ok(base_url, "libsql.one", query=ident)
    assert (after["description"], after["enableNamespaces"]) == ("edge db", False)
    assert after["appName"] == libsql["appName"]
    unknown = call(base_url, "libsql.update", body={"libsqlId": "doesnotexist000000000"})
    assert (unknown.status, unknown.json()["message"]) == (400, "Error updating Libsql")


def test_libsql_deploys_succeed_by_default_and_fail_with_the_env_marker(base_url):
    _project, env = new_project(base_url, "libsql-deploy")
    libsql = new_libsql(base_url, env["environmentId"])
    ident = {"libsqlId": libsql["libsqlId"]}
    answered = ok(base_url, "libsql.deploy", body=ident)
    assert answered["applicationStatus"] == "idle"  # the record as it was before the deploy
    assert ok(base_url, "libsql.one", query=ident)["applicationStatus"] == "done"
    assert ok(base_url, "libsql.saveEnvironment", body={**ident, "env": "TZ=UTC\nSIMULATOR_DEPLOY_FAIL=1"}) is True
    failed = call(base_url, "libsql.deploy", body=ident)
    assert failed.status == 500 and failed.json()["message"].startswith("Error on deploy libsqlError: ")
    assert ok(base_url, "libsql.one", query=ident)["applicationStatus"] == "error"


def test_libsql_external_ports_are_stored_although_the_redeploy_fails(failing_url):
    _project, env = new_project(failing_url, "libsql-ports")
    libsql = new_libsql(failing_url, env["environmentId"])
    ident = {"libsqlId": libsql["libsqlId"]}
    ports = {"externalPort": 18080, "externalGRPCPort": 15001, "externalAdminPort": 19090}
    failed = call(failing_url, "libsql.saveExternalPorts", body={**ident, **ports})
    assert failed.status == 500 and "Cannot connect to the Docker daemon" in failed.json()["message"]
    after = ok(failing_url, "libsql.one", query=ident)
    assert {k: after[k] for k in ports} == ports and after["applicationStatus"] == "error"
    nulls = call(failing_url, "libsql.saveExternalPorts", body={**ident, **dict.fromkeys(ports)})
    assert nulls.status == 400
    assert call(failing_url, "libsql.start", body=ident).status == 500


def test_libsql_goes_with_its_project(base_url):
    project, env = new_project(base_url, "libsql-remove")
    libsql = new_libsql(base_url, env["environmentId"])
    ok(base_url, "project.remove", body={"projectId": project["projectId"]})
    gone = call(base_url, "libsql.one", query={"libsqlId": libsql["libsqlId"]})
    assert (gone.status, gone.json()["message"]) == (404, "Libsql not found")
    assert call(base_url, "mounts.one", query={"mountId": libsql["mounts"][0]["mountId"]}).status == 404


def test_libsql_remove_answers_the_record_and_refuses_another_organization(base_url):
    _project, env = new_project(base_url, "libsql-delete")
    libsql = new_libsql(base_url, env["environmentId"])
    ident = {"libsqlId": libsql["libsqlId"]}
    denied = call(base_url, "libsql.remove", key=SECOND_KEY, body=ident)
    assert (denied.status, denied.json()["message"]) == (401, "You are not authorized to delete this Libsql")
    assert ok(base_url, "libsql.remove", body=ident)["libsqlId"] == libsql["libsqlId"]
    assert call(base_url, "libsql.remove", body=ident).status == 404


# --------------------------------------------------------------------------
# tag
# --------------------------------------------------------------------------

def tags_of(base_url, project_id):
    project = ok(base_url, "project.one", query={"projectId": project_id})
    return [link["tag"]["name"] for link in project["projectTags"]]


def test_tag_names_are_unique_per_organization_with_raw_sql_errors(base_url):
    first = ok(base_url, "tag.create", body={"name": "unique-a", "color": "#ff0000"})
    second = ok(base_url, "tag.create", body={"name": "unique-b"})
    duplicate = call(base_url, "tag.create", body={"name": "unique-a"})
    assert duplicate.status == 400
    message = duplicate.json()["message"]
    assert message.startswith('Error creating tag: Failed query: insert into "tag" ')
    assert "values ($1, $2, default, $3, $4)" in message  # no color given: the column default
    rename = call(base_url, "tag.update", body={"tagId": second["tagId"], "name": "unique-a"})
    assert rename.status == 400
    assert rename.json()["message"] == (
        'Error updating tag: Failed query: update "tag" set "name" = $1 where "tag"."tagId" = $2 returning '
        f'"tagId", "name", "color", "createdAt", "organizationId"\nparams: unique-a,{second["tagId"]}')
    assert ok(base_url, "tag.one", query={"tagId": second["tagId"]})["name"] == "unique-b"
    # Another organization may use the same name, and does not see the first one's tags.
    assert ok(base_url, "tag.create", key=SECOND_KEY, body={"name": "unique-a"})["name"] == "unique-a"
    assert call(base_url, "tag.one", key=SECOND_KEY, query={"tagId": first["tagId"]}).status == 404
    assert first["tagId"] not in [t["tagId"] for t in ok(base_url, "tag.all", key=SECOND_KEY)]


def test_tag_update_keeps_missing_keys_and_needs_something_to_set(base_url):
    tag = ok(base_url, "tag.create", body={"name": "update-me", "color": "#ff0000"})
    assert ok(base_url, "tag.update", body={"tagId": tag["tagId"], "name": "updated"})["color"] == "#ff0000"
    assert ok(base_url, "tag.update", body={"tagId": tag["tagId"], "color": None})["color"] is None
    empty = call(base_url, "tag.update", body={"tagId": tag["tagId"]})
    assert (empty.status, empty.json()["message"]) == (400, "Error updating tag: No values to set")


def test_tag_links_show_in_projects_and_duplicates_are_raw_sql(base_url):
    project, _env = new_project(base_url, "tagged")
    tag = ok(base_url, "tag.create", body={"name": "link-a"})
    link = ok(base_url, "tag.assignToProject", body={"projectId": project["projectId"], "tagId": tag["tagId"]})
    assert (link["projectId"], link["tagId"], set(link)) == (project["projectId"], tag["tagId"],
                                                             {"id", "projectId", "tagId"})
    again = call(base_url, "tag.assignToProject", body={"projectId": project["projectId"], "tagId": tag["tagId"]})
    assert again.status == 400 and 'insert into "project_tag"' in again.json()["message"]
    listed = next(p for p in ok(base_url, "project.all") if p["projectId"] == project["projectId"])
    assert [(t["id"], t["tag"]["name"]) for t in listed["projectTags"]] == [(link["id"], "link-a")]
    for _attempt in range(2):  # idempotent
        assert ok(base_url, "tag.removeFromProject",
                  body={"projectId": project["projectId"], "tagId": tag["tagId"]}) == {"success": True}
    assert tags_of(base_url, project["projectId"]) == []


def test_bulk_assign_replaces_the_set_and_changes_nothing_on_an_unknown_tag(base_url):
    project, _env = new_project(base_url, "bulk")
    pid = project["projectId"]
    a, b, c = (ok(base_url, "tag.create", body={"name": f"bulk-{n}"})["tagId"] for n in "abc")
    assert ok(base_url, "tag.bulkAssign", body={"projectId": pid, "tagIds": [a, b]}) == {"success": True}
    assert tags_of(base_url, pid) == ["bulk-a", "bulk-b"]
    ok(base_url, "tag.bulkAssign", body={"projectId": pid, "tagIds": [c]})
    assert tags_of(base_url, pid) == ["bulk-c"]
    unknown = call(base_url, "tag.bulkAssign", body={"projectId": pid, "tagIds": [a, "doesnotexist000000000"]})
    assert (unknown.status, unknown.json()["message"]) == (404, "One or more tags not found in your organization")
    assert tags_of(base_url, pid) == ["bulk-c"]
    # A tag twice: the old links were deleted before the insert failed (no transaction).
    twice = call(base_url, "tag.bulkAssign", body={"projectId": pid, "tagIds": [a, a]})
    assert twice.status == 400 and "values ($1, $2, $3), ($4, $5, $6)" in twice.json()["message"]
    assert tags_of(base_url, pid) == []
    ok(base_url, "tag.bulkAssign", body={"projectId": pid, "tagIds": [a]})
    ok(base_url, "tag.bulkAssign", body={"projectId": pid, "tagIds": []})
    assert tags_of(base_url, pid) == []


def test_removing_a_tag_or_a_project_drops_their_links(base_url):
    project, _env = new_project(base_url, "cascade")
    pid = project["projectId"]
    keep, drop = (ok(base_url, "tag.create", body={"name": f"cascade-{n}"})["tagId"] for n in ("keep", "drop"))
    ok(base_url, "tag.bulkAssign", body={"projectId": pid, "tagIds": [keep, drop]})
    assert ok(base_url, "tag.remove", body={"tagId": drop}) == {"success": True}
    assert tags_of(base_url, pid) == ["cascade-keep"]
    gone = call(base_url, "tag.remove", body={"tagId": drop})
    assert (gone.status, gone.json()["message"]) == (404, "Tag not found or you don't have permission to delete it")
    ok(base_url, "project.remove", body={"projectId": pid})
    # The project's link went with it: a new project can take the tag and shows only its own link.
    other, _env = new_project(base_url, "cascade-2")
    ok(base_url, "tag.assignToProject", body={"projectId": other["projectId"], "tagId": keep})
    assert tags_of(base_url, other["projectId"]) == ["cascade-keep"]
    assert ok(base_url, "tag.remove", body={"tagId": keep}) == {"success": True}
