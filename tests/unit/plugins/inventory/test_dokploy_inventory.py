"""community.dokploy.dokploy inventory: host names that do not depend on the order Dokploy lists servers in."""

import itertools

from ansible_collections.community.dokploy.plugins.inventory.dokploy import host_names

SERVERS = [
    {"serverId": "id-b", "name": "web"},
    {"serverId": "id-a", "name": "web"},
    {"serverId": "id-c", "name": "db"},
    {"serverId": "id-d", "name": ""},
]


def test_a_shared_name_takes_the_id_and_a_unique_one_stays():
    assert host_names(SERVERS) == {"id-a": "web_id-a", "id-b": "web_id-b", "id-c": "db", "id-d": "id-d"}


def test_names_do_not_depend_on_the_listing_order():
    expected = host_names(SERVERS)
    for order in itertools.permutations(SERVERS):
        assert host_names(list(order)) == expected


def test_a_plain_name_equal_to_another_servers_suffixed_name_takes_its_id_too():
    servers = [{"serverId": "x", "name": "web"}, {"serverId": "y", "name": "web"}, {"serverId": "z", "name": "web_x"}]
    names = host_names(servers)
    assert len(set(names.values())) == 3
    assert names["z"] == "web_x_z"
