"""DokployModule: how a module run ends, whatever goes wrong."""

import json

import pytest
from ansible.module_utils.testing import patch_module_args

from ansible_collections.community.dokploy.plugins.module_utils._base import DokployModule
from ansible_collections.community.dokploy.plugins.module_utils._client import DokployError

KEY = "base-secret-key-11"
ARGS = {"api_url": "https://dokploy.example", "api_key": KEY}


def finish(action, capsys):
    with patch_module_args(ARGS):
        module = DokployModule(argument_spec={}, supports_check_mode=True)
        with pytest.raises(SystemExit):
            module.run(action)
    return json.loads(capsys.readouterr().out)


def test_a_dokploy_error_ends_in_one_line_with_its_details(capsys):
    def action():
        raise DokployError("option name: 2 projects are named 'x' (ids: a, b)", status=None)
    result = finish(action, capsys)
    assert result["failed"] is True
    assert result["msg"] == "option name: 2 projects are named 'x' (ids: a, b)"
    assert "exception" not in result


def test_an_unexpected_answer_is_reported_as_such_without_the_key(capsys):
    def action():
        raise KeyError("applicationId missing for " + KEY)
    result = finish(action, capsys)
    assert result["msg"].startswith("community.dokploy could not handle Dokploy's answer (please report this): "
                                    "KeyError: ")
    # The traceback goes to fail_json's exception, shown as ansible-core's traceback settings say.
    assert "applicationId missing for" in result["msg"]
    assert KEY not in json.dumps(result)


def test_a_non_positive_timeout_names_the_option(capsys):
    with patch_module_args(dict(ARGS, timeout=0)):
        with pytest.raises(SystemExit):
            DokployModule(argument_spec={}, supports_check_mode=True)
    assert json.loads(capsys.readouterr().out)["msg"] == "option timeout: must be a positive number of seconds"
