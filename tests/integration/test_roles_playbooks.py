"""The shipped playbooks and roles, run by ansible-playbook against the simulator."""

import json
import uuid

import pytest

from ansible_collections.community.dokploy.plugins.module_utils._client import DokployClient
from tests.conftest import API_KEY, SECOND_ORG_KEY

CLIENT_SECRET = "client-Secret-73"


@pytest.mark.second_org
def test_clients_playbook_converges_each_organization_and_then_changes_nothing(sim, run_playbook, tmp_path):
    acme, globex = "acme-%s" % uuid.uuid4().hex[:6], "globex-%s" % uuid.uuid4().hex[:6]
    variables = tmp_path / "clients.json"
    variables.write_text(json.dumps({
        "dokploy_profiles": {acme: {"api_url": sim.base_url, "api_key": API_KEY},
                             globex: {"api_url": sim.base_url, "api_key": SECOND_ORG_KEY}},
        "client_env": {acme: {"TOKEN": CLIENT_SECRET}, globex: {"MODE": "prod"}},
        "release": "1.27",
    }))
    first = run_playbook("playbooks/clients.yml", "-e", "@%s" % variables, "-v")
    assert first.rc == 0, first
    assert first.stdout.count("TASK [community.dokploy.app_stack : Deploy web]") == 2
    assert CLIENT_SECRET not in first.output

    for key, project, other in ((API_KEY, acme, globex), (SECOND_ORG_KEY, globex, acme)):
        names = [p["name"] for p in DokployClient(sim.base_url, key).query("project.all")]
        assert project in names and other not in names

    sim.reset_log()
    second = run_playbook("playbooks/clients.yml", "-e", "@%s" % variables)
    assert second.rc == 0 and second.recap["localhost"]["changed"] == 0, second
    assert [r for r in sim.requests() if r["method"] == "POST"] == []
    assert "skipping: [localhost]" in second.stdout  # the deploys
