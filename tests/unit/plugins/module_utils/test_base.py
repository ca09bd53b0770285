"""DokployModule: how a module run ends, whatever goes wrong."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

import pytest
from tests.unit.plugins.module_utils.module_args import patch_module_args

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


def test_an_answer_of_another_shape_is_one_line_without_the_key(capsys):
    def action():
        raise KeyError("applicationId missing for " + KEY)
    result = finish(action, capsys)
    assert result["msg"].startswith("Dokploy's answer to (no request) did not have the expected shape (KeyError: ")
    assert "applicationId missing for" in result["msg"]
    assert "exception" not in result
    assert KEY not in json.dumps(result)


def test_an_unexpected_error_is_reported_as_such_without_the_key(capsys):
    def action():
        raise RuntimeError("broken for " + KEY)
    result = finish(action, capsys)
    assert result["msg"].startswith("community.dokploy could not handle Dokploy's answer (please report this): "
                                    "RuntimeError: broken for ********")
    assert KEY not in json.dumps(result)


def test_every_message_is_redacted_of_every_secret_seen(capsys):
    """Secrets learned from answers never leave in msg, warnings or any string of a failure."""
    def action():
        module.client.secrets.learn({"databasePassword": "Seen-In-An-Answer-1", "env": "API=env-secret-22"})
        module.warn("a warning quoting Seen-In-An-Answer-1")
        raise DokployError("mongosh -p 'Seen-In-An-Answer-1' failed, env-secret-22",
                           field_errors={"password": ["was Seen-In-An-Answer-1"]})
    with patch_module_args(ARGS):
        module = DokployModule(argument_spec={}, supports_check_mode=True)
        with pytest.raises(SystemExit):
            module.run(action)
    out = capsys.readouterr().out
    assert "Seen-In-An-Answer-1" not in out and "env-secret-22" not in out
    result = json.loads(out)
    assert result["msg"] == "mongosh -p '********' failed, ********"
    assert result["field_errors"] == {"password": ["was ********"]}


def test_a_non_positive_timeout_names_the_option(capsys):
    with patch_module_args(dict(ARGS, timeout=0)):
        with pytest.raises(SystemExit):
            DokployModule(argument_spec={}, supports_check_mode=True)
    assert json.loads(capsys.readouterr().out)["msg"] == "option timeout: must be a positive number of seconds"
