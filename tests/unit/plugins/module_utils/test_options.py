"""The connection options' table (plugins/module_utils/_options.py): environment variables, headers, missing requests.

Empty environment variables count as unset (AWX renders "" for an optional credential input), for modules and
plugins alike; DOKPLOY_CUSTOM_HEADERS holds a JSON object whose values are secrets.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

import pytest
from ansible.module_utils.errors import AnsibleFallbackNotFound
from tests.unit.plugins.module_utils.module_args import patch_module_args

from ansible_collections.community.dokploy.plugins.module_utils import _base
from ansible_collections.community.dokploy.plugins.module_utils._base import DokployModule
from ansible_collections.community.dokploy.plugins.module_utils._client import DokployError
from ansible_collections.community.dokploy.plugins.module_utils._options import (
    CONNECTION_OPTIONS,
    OptionAdapter,
    connection_argument_spec,
    environment_fallback,
    environment_setting,
    normalize_settings,
    secret_values,
)

KEY = "options-secret-key-5"
ARGS = {"api_url": "https://dokploy.example", "api_key": KEY}
PROXY_ID = "options-proxy-id.access"
PROXY_SECRET = "options-proxy-secret-Zx9"
PROXY_HEADERS = {"CF-Access-Client-Id": PROXY_ID, "CF-Access-Client-Secret": PROXY_SECRET}
ENVIRONMENT = sorted(set(env for dummy, names in CONNECTION_OPTIONS.values() for env in names))


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch):
    for name in ENVIRONMENT:
        monkeypatch.delenv(name, raising=False)


def module(args=None, capsys=None):
    """A DokployModule built from ``args``; with ``capsys``, the failure it ends with (as a dict)."""
    with patch_module_args(dict(ARGS) if args is None else args):
        if capsys is None:
            return DokployModule(argument_spec={}, supports_check_mode=True)
        with pytest.raises(SystemExit):
            DokployModule(argument_spec={}, supports_check_mode=True)
    return json.loads(capsys.readouterr().out)


def test_every_connection_option_falls_back_to_its_variables_through_one_function():
    spec = connection_argument_spec()
    for name, (dummy, env_names) in CONNECTION_OPTIONS.items():
        assert spec[name]["fallback"] == (environment_fallback, env_names), name


@pytest.mark.parametrize("value", ["", "   ", "\n"])
def test_an_empty_variable_is_no_fallback(monkeypatch, value):
    monkeypatch.setenv("DOKPLOY_CA_PATH", value)
    with pytest.raises(AnsibleFallbackNotFound):
        environment_fallback("DOKPLOY_CA_PATH")


def test_an_empty_variable_gives_way_to_the_next_one(monkeypatch):
    monkeypatch.setenv("DOKPLOY_API_KEY", "")
    monkeypatch.setenv("DOKPLOY_AUTH_TOKEN", KEY)
    assert environment_fallback("DOKPLOY_API_KEY", "DOKPLOY_AUTH_TOKEN") == KEY


def test_a_module_takes_empty_variables_as_unset(monkeypatch):
    """As AWX renders an optional credential input it was not given: no int("") failure, no CA path of the cwd."""
    for name in ("DOKPLOY_CA_PATH", "DOKPLOY_TIMEOUT", "DOKPLOY_VALIDATE_CERTS", "DOKPLOY_CUSTOM_HEADERS"):
        monkeypatch.setenv(name, "")
    monkeypatch.setenv("DOKPLOY_URL", "https://env.example")
    monkeypatch.setenv("DOKPLOY_API_KEY", KEY)
    dokploy = module({})
    assert dokploy.params["ca_path"] is None
    assert dokploy.params["timeout"] == 30
    assert dokploy.params["validate_certs"] is True
    assert dokploy.params["headers"] is None
    assert dokploy.client.verify is True and dokploy.client.timeout == 30


def test_set_variables_still_count(monkeypatch, tmp_path):
    ca = tmp_path / "ca.pem"
    ca.write_text("not checked here")
    monkeypatch.setenv("DOKPLOY_CA_PATH", str(ca))
    monkeypatch.setenv("DOKPLOY_TIMEOUT", "45")
    dokploy = module()
    assert dokploy.client.verify == str(ca) and dokploy.client.timeout == 45


def test_a_plugin_takes_empty_variables_as_unset_too(monkeypatch):
    class Plugin:
        @staticmethod
        def get_option(name):
            return None
    for name in ("DOKPLOY_CA_PATH", "DOKPLOY_TIMEOUT", "DOKPLOY_VALIDATE_CERTS", "DOKPLOY_CUSTOM_HEADERS", "DOKPLOY_URL"):
        monkeypatch.setenv(name, "")
    monkeypatch.setenv("DOKPLOY_AUTH_TOKEN", KEY)
    options = OptionAdapter.from_plugin(Plugin())
    assert dict((name, options.get(name)) for name in CONNECTION_OPTIONS) == {
        "api_url": None, "api_key": KEY, "validate_certs": None, "ca_path": None, "timeout": None, "headers": None}


def test_a_plugin_reads_typed_values_from_the_environment(monkeypatch):
    monkeypatch.setenv("DOKPLOY_TIMEOUT", "90")
    monkeypatch.setenv("DOKPLOY_VALIDATE_CERTS", "no")
    monkeypatch.setenv("DOKPLOY_CA_PATH", "~/ca.pem")
    monkeypatch.setenv("HOME", "/home/someone")
    monkeypatch.setenv("DOKPLOY_CUSTOM_HEADERS", json.dumps(PROXY_HEADERS))
    assert environment_setting("timeout") == 90
    assert environment_setting("validate_certs") is False
    assert environment_setting("ca_path") == "/home/someone/ca.pem"
    assert environment_setting("headers") == PROXY_HEADERS


def test_a_plugins_own_option_wins_over_the_environment(monkeypatch):
    monkeypatch.setenv("DOKPLOY_TIMEOUT", "90")

    class Plugin:
        @staticmethod
        def get_option(name):
            return 5 if name == "timeout" else None
    assert OptionAdapter.from_plugin(Plugin()).get("timeout") == 5


# -- headers --------------------------------------------------------------------------------------------------------

def test_headers_from_the_environment_reach_the_client_and_are_secrets(monkeypatch):
    monkeypatch.setenv("DOKPLOY_CUSTOM_HEADERS", json.dumps(PROXY_HEADERS))
    dokploy = module()
    assert dokploy.params["headers"] == PROXY_HEADERS
    for name, value in PROXY_HEADERS.items():
        assert dokploy.client.session.headers[name] == value
        # Ansible masks each value (not only the JSON text it fell back to), and so do messages.
        assert value in dokploy.module.no_log_values
        assert dokploy.client.redact("quoted: %s" % value) == "quoted: ********"


def test_headers_of_the_task_win_over_the_environment(monkeypatch):
    monkeypatch.setenv("DOKPLOY_CUSTOM_HEADERS", "{not json")
    dokploy = module(dict(ARGS, headers={"X-Proxy": PROXY_SECRET}))
    assert dokploy.client.session.headers["X-Proxy"] == PROXY_SECRET
    assert "CF-Access-Client-Id" not in dokploy.client.session.headers


@pytest.mark.parametrize("text", [
    "{not json " + PROXY_SECRET,
    "CF-Access-Client-Secret=" + PROXY_SECRET,
    json.dumps([PROXY_SECRET]),
    json.dumps(PROXY_SECRET),
])
def test_bad_json_in_the_variable_names_the_variable_not_the_value(monkeypatch, capsys, text):
    monkeypatch.setenv("DOKPLOY_CUSTOM_HEADERS", text)
    result = module(capsys=capsys)
    assert result["failed"] is True
    assert result["msg"].startswith("DOKPLOY_CUSTOM_HEADERS: is not a JSON object of header names to values"), result
    assert PROXY_SECRET not in json.dumps(result)


def test_the_variable_may_not_replace_the_api_key_header(monkeypatch, capsys):
    monkeypatch.setenv("DOKPLOY_CUSTOM_HEADERS", json.dumps({"X-Api-Key": PROXY_SECRET}))
    result = module(capsys=capsys)
    assert result["msg"].startswith("DOKPLOY_CUSTOM_HEADERS: may not set X-Api-Key"), result
    assert PROXY_SECRET not in json.dumps(result)


@pytest.mark.parametrize("name", ["x-api-key", "Content-Type", "ACCEPT"])
def test_the_option_may_not_replace_the_clients_own_headers(capsys, name):
    result = module(dict(ARGS, headers={name: PROXY_SECRET}), capsys=capsys)
    assert result["msg"].startswith("option headers: may not set %s" % name), result
    assert PROXY_SECRET not in json.dumps(result)


def test_a_bad_timeout_variable_names_the_variable(monkeypatch, capsys):
    monkeypatch.setenv("DOKPLOY_TIMEOUT", "soon")
    result = module(capsys=capsys)
    assert result["msg"] == "DOKPLOY_TIMEOUT: is not a whole number", result


def test_a_failure_before_the_client_exists_masks_the_header_values(monkeypatch, capsys):
    monkeypatch.setenv("DOKPLOY_CUSTOM_HEADERS", json.dumps(PROXY_HEADERS))
    result = module(dict(ARGS, timeout=0), capsys=capsys)
    assert result["msg"] == "option timeout: must be a positive number of seconds"
    assert PROXY_SECRET not in json.dumps(result) and PROXY_ID not in json.dumps(result)


def test_a_profile_may_set_headers():
    settings = normalize_settings({"url": "https://p.example", "token": KEY, "headers": PROXY_HEADERS}, "profile 'p'")
    assert settings["headers"] == PROXY_HEADERS
    assert secret_values(settings) == {KEY, PROXY_ID, PROXY_SECRET}
    # No headers at all is a choice too: the environment's are then not added by a module.
    assert normalize_settings({"url": "https://p.example", "token": KEY, "headers": {}}, "p")["headers"] == {}


@pytest.mark.parametrize("headers, message", [
    ({"x-api-key": PROXY_SECRET}, "profile 'p': setting headers: may not set x-api-key"),
    ({"X-Proxy": 5}, "profile 'p': setting headers: the value of header X-Proxy must be a string"),
    ("X-Proxy=" + PROXY_SECRET, "profile 'p': setting headers has a value of the wrong type (expected dict)"),
])
def test_bad_headers_in_a_profile_name_the_profile(headers, message):
    with pytest.raises(DokployError) as caught:
        normalize_settings({"url": "https://p.example", "token": KEY, "headers": headers}, "profile 'p'")
    assert str(caught.value).startswith(message), str(caught.value)
    assert PROXY_SECRET not in str(caught.value)


# -- requests missing -----------------------------------------------------------------------------------------------

def test_missing_requests_says_how_to_fix_the_interpreter(monkeypatch, capsys):
    monkeypatch.setattr(_base, "HAS_REQUESTS", False)
    monkeypatch.setattr(_base, "REQUESTS_IMPORT_ERROR", "Traceback: No module named 'requests'")
    result = module(capsys=capsys)
    assert result["failed"] is True
    assert result["msg"].startswith("Failed to import the required Python library (requests)"), result
    assert ("for hosts: localhost, set ansible_python_interpreter to {{ ansible_playbook_python }}"
            in result["msg"]), result
    assert "install requests (pip install 'requests>=2.25') for the interpreter Ansible uses" in result["msg"]
