"""dokploy_project tags: tag.assignToProject is not repeatable, so a lost answer is looked for, never resent blindly."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import contextlib

from ansible_collections.community.dokploy.plugins.module_utils._client import WriteOutcomeUnknown
from ansible_collections.community.dokploy.plugins.module_utils._resources.project import Project

TAG = {"tagId": "t1", "name": "client-acme", "color": None}


class FakeClient:
    """One project; the first assignToProject's answer is lost, after it landed (``landed``) or not."""

    backoff_factor = 0
    base_url = "https://unit.example/api"

    def __init__(self, landed):
        self.landed = landed
        self.links = []
        self.writes = []
        self.lost = False

    def project(self):
        return {"projectId": "p1", "name": "acme", "description": None, "environments": [],
                "projectTags": [dict(link, tag=TAG) for link in self.links]}

    def query_list(self, procedure, **params):
        return {"project.all": [self.project()], "tag.all": [TAG]}[procedure]

    def query_object(self, procedure, **params):
        assert procedure == "project.one" and params == {"projectId": "p1"}
        return self.project()

    def mutate(self, procedure, body):
        self.writes.append(procedure)
        assert procedure == "tag.assignToProject"
        if not self.lost:
            self.lost = True
            if self.landed:
                self.links.append({"id": "l1", "projectId": "p1", "tagId": "t1"})
            raise WriteOutcomeUnknown("tag.assignToProject: reset; the request may have been applied")
        link = {"id": "l2", "projectId": "p1", "tagId": "t1"}
        self.links.append(link)
        return link


class FakeModule:
    check_mode = False


class FakeDokploy:
    def __init__(self, client):
        self.client = client
        self.module = FakeModule()
        self.params = dict(name="acme", description=None, state="present", force=False, tags=["client-acme"],
                           tags_exclusive=False)


def run(client):
    project = Project(FakeDokploy(client))
    project.serialized = contextlib.nullcontext
    return project.run()


def test_a_lost_assign_that_landed_is_not_sent_again():
    client = FakeClient(landed=True)
    result = run(client)
    assert client.writes == ["tag.assignToProject"]
    assert [link["tagId"] for link in client.links] == ["t1"]
    assert result["changed"] is True and result["diff"]["after"] == {"tags": ["client-acme"]}


def test_a_lost_assign_that_did_not_land_is_sent_again():
    client = FakeClient(landed=False)
    result = run(client)
    assert client.writes == ["tag.assignToProject", "tag.assignToProject"]
    assert [link["tagId"] for link in client.links] == ["t1"]
    assert result["project"]["projectTags"][0]["tagId"] == "t1"
