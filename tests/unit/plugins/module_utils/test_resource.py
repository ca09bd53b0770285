"""The resource base's pure parts: conversions, comparison, masking, and a vanished object."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.community.dokploy.plugins.module_utils._client import DokployError, WriteOutcomeUnknown
from ansible_collections.community.dokploy.plugins.module_utils._resource import (
    Field,
    Resource,
    check_password,
    cpus_from_api,
    cpus_to_api,
    mask,
    memory_from_api,
    memory_to_api,
    same,
)


@pytest.mark.parametrize("given, expected", [
    ("512M", "536870912"), ("1G", "1073741824"), ("1g", "1073741824"), ("268435456", "268435456"),
    (268435456, "268435456"), ("256Mi", "268435456"), ("1.5G", "1610612736"), ("6144k", "6291456"),
])
def test_memory_sizes(given, expected):
    assert memory_to_api(given, "memory_limit") == expected


@pytest.mark.parametrize("bad", ["lots", "12X", "", "-1G", "0", "512", "5M", "64k"])
def test_bad_memory_sizes_name_the_option(bad):
    with pytest.raises(DokployError, match="^option memory_limit: "):
        memory_to_api(bad, "memory_limit")


@pytest.mark.parametrize("stored, shown", [("268435456", "256M"), ("1073741824", "1G"), ("6291457", "6291457"),
                                           ("6291456", "6M"), (None, None)])
def test_stored_sizes_show_in_the_options_units(stored, shown):
    assert memory_from_api(stored) == shown


@pytest.mark.parametrize("stored, shown", [("500000000", 0.5), ("2000000000", 2), ("250000000", 0.25)])
def test_stored_nano_cpus_show_as_cpus(stored, shown):
    assert cpus_from_api(stored) == shown


@pytest.mark.parametrize("given, expected", [(0.5, "500000000"), ("2", "2000000000"), (0.25, "250000000")])
def test_cpus_become_nano_cpus(given, expected):
    assert cpus_to_api(given, "cpu_limit") == expected


@pytest.mark.parametrize("bad", ["half", 0, -1])
def test_bad_cpus_name_the_option(bad):
    with pytest.raises(DokployError, match="^option cpu_limit: "):
        cpus_to_api(bad, "cpu_limit")


@pytest.mark.parametrize("password", ["s3cret-Pass_1", "a@b#c%d^e&f*(g)[h]{i}|j;k:l,m.n<o>p?q~r`"])
def test_passwords_dokploy_accepts(password):
    assert check_password(password, "database_password") == password


@pytest.mark.parametrize("password", ["with space", "dollar$", "bang!", "quote'", 'dq"', "slash/", "back\\"])
def test_passwords_dokploy_refuses_are_refused_without_echo(password):
    with pytest.raises(DokployError) as caught:
        check_password(password, "database_password")
    assert str(caught.value).startswith("option database_password: ")
    assert password not in str(caught.value)


@pytest.mark.parametrize("current, wanted, equal", [
    (None, "", True), ("", None, True), (None, None, True), ([], None, True),
    ("268435456", "268435456", True), (2, "2", True), (3000, 3000, True),
    (True, True, True), (False, None, False), (True, "true", False), ("a", "b", False), (0, "", False),
])
def test_same(current, wanted, equal):
    assert same(current, wanted) is equal


def test_mask_hides_secrets_at_any_depth_and_keeps_empty_ones_visible():
    answer = {"name": "web", "env": "A=1", "password": None, "buildSecrets": "",
              "security": [{"username": "u", "password": "p"}], "environment": {"env": "B=2", "name": "prod"}}
    assert mask(answer) == {"name": "web", "env": "********", "password": None, "buildSecrets": "",
                            "security": [{"username": "u", "password": "********"}],
                            "environment": {"env": "********", "name": "prod"}}


class FakeClient:
    """Answers reads from a dict; every write fails as Dokploy does for an id it does not know."""

    def __init__(self, objects, write_error):
        self.objects = objects
        self.write_error = write_error

    def query(self, procedure, **params):
        object_id = list(params.values())[0]
        if object_id not in self.objects:
            raise DokployError("%s: HTTP 404 NOT_FOUND: not found" % procedure, status=404, code="NOT_FOUND")
        return self.objects[object_id]

    query_object = query

    def mutate(self, procedure, body):
        raise self.write_error


class FakeModule:
    check_mode = False


class FakeDokploy:
    def __init__(self, client):
        self.client = client
        self.params = {"name": "web", "description": "x", "state": "present"}
        self.module = FakeModule()


class Thing(Resource):
    kind = "application"
    result_key = "app"
    id_field = "applicationId"
    read_procedure = "application.one"
    writers = {"update": ("application.update", ())}
    fields = (Field("name", "name", writer=None), Field("description", "description"))


def test_an_object_removed_between_read_and_write_is_named():
    error = DokployError("application.update: HTTP 400 BAD_REQUEST: Error updating application", status=400)
    thing = Thing(FakeDokploy(FakeClient({}, error)))
    with pytest.raises(DokployError, match="^application app-1 no longer exists: it was removed while this task ran"):
        thing.update({"applicationId": "app-1", "description": "old"}, {"description": "x"})


def test_a_400_on_an_existing_object_names_the_options_at_fault():
    error = DokployError("application.update: Input validation failed", status=400,
                         field_errors={"description": ["Too long"]})
    thing = Thing(FakeDokploy(FakeClient({"app-1": {"applicationId": "app-1"}}, error)))
    with pytest.raises(DokployError, match="^option description: Too long$"):
        thing.update({"applicationId": "app-1", "description": "old"}, {"description": "x"})


def test_basic_auth_never_lets_the_raw_sql_error_through():
    from ansible_collections.community.dokploy.plugins.module_utils._resources.basic_auth import BasicAuth

    raw = DokployError('security.create: HTTP 400 BAD_REQUEST: Failed query: insert into "security" ... '
                       "params: id,admin,leaked-Pass-1,2026-11-22,app-1", status=400, code="BAD_REQUEST")
    auth = BasicAuth(FakeDokploy(FakeClient({}, raw)))
    auth.parent_label = "application web"
    with pytest.raises(DokployError) as caught:
        auth.write("security.create", {"applicationId": "app-1", "username": "admin", "password": "leaked-Pass-1"})
    assert str(caught.value) == "option username: application web already has a basic auth user named 'admin'"


class ScriptedClient:
    """Answers each write from a script (a value, or an exception to raise); reads from a dict."""

    backoff_factor = 0
    base_url = "https://unit.example/api"

    def __init__(self, objects, script):
        self.objects = objects
        self.script = list(script)
        self.writes = []

    def query_object(self, procedure, **params):
        return self.objects[list(params.values())[0]]

    query = query_object

    def query_list(self, procedure, **params):
        return []

    def mutate(self, procedure, body):
        self.writes.append(procedure)
        answer = self.script.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer


class Created(Thing):
    create_procedure = "application.create"
    delete_procedure = "application.delete"
    fields = (Field("name", "name", writer=None), Field("description", "description", on_create=False))

    def find(self):
        return None

    def create_body(self, desired):
        return desired


def test_a_create_whose_next_step_fails_is_removed_and_the_error_says_so():
    failure = DokployError("application.update: HTTP 500 INTERNAL_SERVER_ERROR: boom", status=500)
    client = ScriptedClient({"app-1": {"applicationId": "app-1", "name": "web"}},
                            [{"applicationId": "app-1"}, failure, True])
    with pytest.raises(DokployError) as caught:
        Created(FakeDokploy(client)).run()
    assert client.writes == ["application.create", "application.update", "application.delete"]
    assert str(caught.value).endswith("this task removed what it had created (application app-1)")


def test_what_cannot_be_removed_is_named():
    failure = DokployError("application.update: HTTP 500 INTERNAL_SERVER_ERROR: boom", status=500)
    client = ScriptedClient({"app-1": {"applicationId": "app-1", "name": "web"}},
                            [{"applicationId": "app-1"}, failure, DokployError("delete failed", status=500)])
    with pytest.raises(DokployError, match="left behind, remove by hand: application app-1$"):
        Created(FakeDokploy(client)).run()


def test_a_lost_create_that_landed_is_taken_not_sent_again():
    class FoundAfterLoss(Created):
        looks = 0

        def find(self):
            FoundAfterLoss.looks += 1
            return None if self.looks == 1 else {"applicationId": "app-1", "name": "web", "description": "x"}

    lost = WriteOutcomeUnknown("application.create: reset; the request may have been applied")
    client = ScriptedClient({}, [lost])
    result = FoundAfterLoss(FakeDokploy(client)).run()
    assert client.writes == ["application.create"]
    assert result["id"] == "app-1" and result["changed"] is True


def test_a_lost_create_that_did_not_land_is_sent_again():
    lost = WriteOutcomeUnknown("application.create: HTTP 502; the request may have been applied", status=502)
    client = ScriptedClient({"app-2": {"applicationId": "app-2", "name": "web"}},
                            [lost, {"applicationId": "app-2"}, True])
    result = Created(FakeDokploy(client)).run()
    assert client.writes == ["application.create", "application.create", "application.update"]
    assert result["id"] == "app-2"


class _Listed(object):
    """A client answering one list procedure and one read procedure."""

    def __init__(self, rows):
        self.rows = rows
        self.calls = []

    def query_list(self, procedure, **params):
        self.calls.append(procedure)
        return list(self.rows)

    def query_object(self, procedure, **params):
        self.calls.append(procedure)
        return dict(next(r for r in self.rows if r["registryId"] == params["registryId"]), full=True)


def _listed_resource(rows):
    from ansible_collections.community.dokploy.plugins.module_utils._resource import Resource

    class Registry(Resource):
        kind = "registry"
        id_field = "registryId"
        list_procedure = "registry.all"
        read_procedure = "registry.one"
        name_field = "registryName"

        def __init__(self, client):  # no module needed to look things up
            self.client = client

        def read(self, object_id):
            return self.client.query_object(self.read_procedure, registryId=object_id)

    return Registry(_Listed(rows))


def test_find_listed_takes_an_id_or_the_one_name_and_reads_it_in_full():
    rows = [{"registryId": "r1", "registryName": "hub", "createdAt": "t1"},
            {"registryId": "r2", "registryName": "ghcr", "createdAt": "t2"}]
    resource = _listed_resource(rows)
    assert resource.find_listed("ghcr") == dict(rows[1], full=True)
    assert resource.find_listed("r1") == dict(rows[0], full=True)
    assert resource.find_listed("quay") is None
    assert resource.client.calls == ["registry.all", "registry.one", "registry.all", "registry.one", "registry.all"]


def test_find_listed_refuses_a_name_several_objects_share():
    from ansible_collections.community.dokploy.plugins.module_utils._client import DokployError

    rows = [{"registryId": "r1", "registryName": "hub", "createdAt": "t1"},
            {"registryId": "r2", "registryName": "hub", "createdAt": "t2"}]
    with pytest.raises(DokployError) as failure:
        _listed_resource(rows).find_listed("hub", option="registry")
    assert str(failure.value).startswith("option registry: 2 registries are named 'hub' (ids: r1 created t1, r2 created t2)")
