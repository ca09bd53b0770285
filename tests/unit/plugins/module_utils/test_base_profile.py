"""A module that receives profile was run without the action plugin that resolves it: it says so."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

import pytest
from tests.unit.plugins.module_utils.module_args import patch_module_args

from ansible_collections.community.dokploy.plugins.module_utils._base import DokployModule
from ansible_collections.community.dokploy.plugins.module_utils._options import connection_argument_spec


@pytest.mark.parametrize("args", [
    {"profile": "acme"},
    {"profile": "acme", "api_url": "https://dokploy.example"},
    {"profile": "acme", "api_url": "https://dokploy.example", "api_key": "profile-secret-key-3"},
])
def test_an_unresolved_profile_fails_naming_the_action_plugin(args, capsys):
    with patch_module_args(args):
        with pytest.raises(SystemExit):
            DokployModule(argument_spec={}, supports_check_mode=True)
    result = json.loads(capsys.readouterr().out)
    assert result["failed"] is True
    assert result["msg"].startswith("option profile: a profile is resolved on the controller by the module's action "
                                    "plugin, which did not run for this task"), result
    assert "profile-secret-key-3" not in json.dumps(result)


def test_without_profile_the_connection_options_stay_required(capsys):
    with patch_module_args({}):
        with pytest.raises(SystemExit):
            DokployModule(argument_spec={}, supports_check_mode=True)
    result = json.loads(capsys.readouterr().out)
    assert "missing required arguments: api_key, api_url" in result["msg"], result


def test_profile_is_a_plain_string_option_next_to_the_connection_options():
    spec = connection_argument_spec()
    assert spec["profile"] == {"type": "str"}
    assert spec["api_url"]["required"] is True and spec["api_key"]["required"] is True
