"""dokploy_info returns each project's environments in a documented order, whatever order Dokploy lists them in."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import itertools

import pytest

from ansible_collections.community.dokploy.plugins.modules.dokploy_info import read_tree

ENVIRONMENTS = [
    {"environmentId": "id-prod", "name": "production", "isDefault": True},
    {"environmentId": "id-zeta", "name": "zeta", "isDefault": False},
    {"environmentId": "id-alpha", "name": "alpha", "isDefault": False},
    {"environmentId": "id-b2", "name": "beta", "isDefault": False},
    {"environmentId": "id-b1", "name": "beta", "isDefault": False},
    {"environmentId": "id-0", "name": "0-preview"},  # no isDefault at all reads as not the default
]
EXPECTED = ["id-prod", "id-0", "id-alpha", "id-b1", "id-b2", "id-zeta"]


class FakeClient:
    """Answers project.all with one project whose environments are listed in the given order."""

    def __init__(self, environments):
        self.environments = environments

    def query_list(self, procedure, **params):
        assert procedure == "project.all" and not params
        return [{"projectId": "p1", "name": "shop", "environments": [dict(e) for e in self.environments]}]

    def query_object(self, procedure, **params):
        raise AssertionError("no environment holds databases: %s must not be read" % procedure)


def environment_ids(environments):
    [project] = read_tree(FakeClient(environments), servers=[])
    return [e["id"] for e in project["environments"]]


@pytest.mark.parametrize("order", list(itertools.permutations(range(len(ENVIRONMENTS))))[::37])
def test_default_first_then_by_name_then_by_id_in_any_listed_order(order):
    assert environment_ids([ENVIRONMENTS[i] for i in order]) == EXPECTED


def test_a_default_environment_named_last_still_comes_first():
    environments = [{"environmentId": "a", "name": "alpha"}, {"environmentId": "z", "name": "zz-main", "isDefault": True}]
    assert environment_ids(environments) == ["z", "a"]


def test_is_default_is_reported_with_each_environment():
    [project] = read_tree(FakeClient(list(reversed(ENVIRONMENTS))), servers=[])
    assert [e["is_default"] for e in project["environments"]] == [True, False, False, False, False, False]
    assert [e["name"] for e in project["environments"]] == ["production", "0-preview", "alpha", "beta", "beta", "zeta"]
