"""community.dokploy.profile: where a profile comes from, in which order, and what never leaks."""

import json

import pytest
from ansible.errors import AnsibleError
from ansible.parsing.dataloader import DataLoader
from ansible.parsing import vault
from ansible.parsing.vault import VaultLib, VaultSecret
from ansible.plugins.loader import lookup_loader
from ansible.template import Templar

VAULT_PASSWORD = b"unit-vault-password"
ACME_KEY = "acme-secret-key-1"
GLOBEX_KEY = "globex-secret-key-2"
CLI_KEY = "cli-secret-token-3"
ENV_KEY = "env-secret-key-4"

VAR_PROFILES = {
    "acme": {"api_url": "https://panel.acme.example", "api_key": ACME_KEY},
    "globex": {"api_url": "https://paas.example.net", "api_key": GLOBEX_KEY, "timeout": 60,
               "validate_certs": False},
}


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch, tmp_path):
    for name in ("DOKPLOY_URL", "DOKPLOY_API_KEY", "DOKPLOY_AUTH_TOKEN", "DOKPLOY_PROFILE", "DOKPLOY_CONFIG",
                 "DOKPLOY_VALIDATE_CERTS", "DOKPLOY_CA_PATH", "DOKPLOY_TIMEOUT"):
        monkeypatch.delenv(name, raising=False)
    # The default config file lives in the home directory: keep the real one out.
    monkeypatch.setenv("HOME", str(tmp_path))


@pytest.fixture
def loader(monkeypatch):
    secrets = [("default", VaultSecret(VAULT_PASSWORD))]
    data_loader = DataLoader()
    data_loader.set_vault_secrets(secrets)
    if hasattr(vault, "VaultSecretsContext"):
        # ansible-core 2.19+ decrypts through a process-wide context that the CLI sets up.
        monkeypatch.setattr(vault.VaultSecretsContext, "_current", vault.VaultSecretsContext(secrets))
    return data_loader


@pytest.fixture
def lookup(loader):
    def run(*terms, variables=None, **kwargs):
        plugin = lookup_loader.get("community.dokploy.profile", loader=loader, templar=Templar(loader=loader))
        return plugin.run(list(terms), variables=variables or {}, **kwargs)[0]
    return run


@pytest.fixture
def cli_config(tmp_path):
    path = tmp_path / "cli.json"
    path.write_text(json.dumps({
        "currentProfile": "cli-current",
        "profiles": {
            "cli-current": {"url": "https://cli.example.org", "token": CLI_KEY},
            "acme": {"url": "https://acme-from-cli.example", "token": "shadowed-by-the-variable"},
        },
    }))
    return str(path)


def test_named_profile_from_the_variable(lookup):
    assert lookup("acme", variables={"dokploy_profiles": VAR_PROFILES}) == {
        "api_url": "https://panel.acme.example", "api_key": ACME_KEY}


def test_profile_settings_are_typed(lookup):
    assert lookup("globex", variables={"dokploy_profiles": VAR_PROFILES}) == {
        "api_url": "https://paas.example.net", "api_key": GLOBEX_KEY, "timeout": 60, "validate_certs": False}


def test_variable_wins_over_the_config_file_for_the_same_name(lookup, cli_config):
    result = lookup("acme", variables={"dokploy_profiles": VAR_PROFILES, "dokploy_config_file": cli_config})
    assert result["api_url"] == "https://panel.acme.example"


def test_config_file_profile_uses_the_cli_names(lookup, cli_config):
    assert lookup("cli-current", config_file=cli_config) == {"api_url": "https://cli.example.org", "api_key": CLI_KEY}


def test_config_file_path_from_the_environment(lookup, cli_config, monkeypatch):
    monkeypatch.setenv("DOKPLOY_CONFIG", cli_config)
    assert lookup("cli-current")["api_key"] == CLI_KEY


def test_default_config_file_is_in_the_home_directory(lookup, tmp_path):
    (tmp_path / ".dokploy").mkdir()
    (tmp_path / ".dokploy" / "config.json").write_text(json.dumps(
        {"currentProfile": "home", "profiles": {"home": {"url": "https://home.example", "token": CLI_KEY}}}))
    assert lookup()["api_url"] == "https://home.example"


def test_legacy_single_server_file_is_the_default_profile(lookup, tmp_path):
    legacy = tmp_path / "legacy.json"
    legacy.write_text(json.dumps({"url": "https://legacy.example", "token": CLI_KEY}))
    assert lookup(config_file=str(legacy)) == {"api_url": "https://legacy.example", "api_key": CLI_KEY}
    assert lookup("default", config_file=str(legacy))["api_url"] == "https://legacy.example"


# The active profile without a term: DOKPLOY_PROFILE, then dokploy_profile, then currentProfile, then the env pair.

def active_setup(monkeypatch, cli_config, env_profile=False, var_profile=False, current=False, env_pair=False):
    variables = {"dokploy_profiles": VAR_PROFILES}
    if env_profile:
        monkeypatch.setenv("DOKPLOY_PROFILE", "globex")
    if var_profile:
        variables["dokploy_profile"] = "acme"
    variables["dokploy_config_file"] = cli_config if current else "/nonexistent/config.json"
    if env_pair:
        monkeypatch.setenv("DOKPLOY_URL", "https://env.example")
        monkeypatch.setenv("DOKPLOY_API_KEY", ENV_KEY)
    return variables


def test_active_profile_order_env_profile_first(lookup, monkeypatch, cli_config):
    variables = active_setup(monkeypatch, cli_config, env_profile=True, var_profile=True, current=True, env_pair=True)
    assert lookup(variables=variables)["api_url"] == "https://paas.example.net"


def test_active_profile_order_variable_second(lookup, monkeypatch, cli_config):
    variables = active_setup(monkeypatch, cli_config, var_profile=True, current=True, env_pair=True)
    assert lookup(variables=variables)["api_url"] == "https://panel.acme.example"


def test_active_profile_order_config_current_third(lookup, monkeypatch, cli_config):
    variables = active_setup(monkeypatch, cli_config, current=True, env_pair=True)
    assert lookup(variables=variables)["api_url"] == "https://cli.example.org"


def test_active_profile_order_environment_pair_last(lookup, monkeypatch, cli_config):
    variables = active_setup(monkeypatch, cli_config, env_pair=True)
    assert lookup(variables=variables) == {"api_url": "https://env.example", "api_key": ENV_KEY}


def test_a_term_wins_over_every_active_profile_setting(lookup, monkeypatch, cli_config):
    variables = active_setup(monkeypatch, cli_config, env_profile=True, var_profile=True, current=True, env_pair=True)
    assert lookup("cli-current", variables=variables)["api_url"] == "https://cli.example.org"


def test_environment_pair_accepts_the_cli_token_name(lookup, monkeypatch):
    monkeypatch.setenv("DOKPLOY_URL", "https://env.example")
    monkeypatch.setenv("DOKPLOY_AUTH_TOKEN", ENV_KEY)
    monkeypatch.setenv("DOKPLOY_TIMEOUT", "90")
    result = lookup()
    assert result["api_key"] == ENV_KEY and result["timeout"] == 90


def test_nothing_selected_explains_every_way(lookup):
    with pytest.raises(AnsibleError, match="no Dokploy profile selected.*DOKPLOY_PROFILE.*dokploy_profile"):
        lookup()


def test_unknown_profile_lists_names_never_keys(lookup, cli_config):
    with pytest.raises(AnsibleError) as caught:
        lookup("initech", variables={"dokploy_profiles": VAR_PROFILES, "dokploy_config_file": cli_config})
    message = str(caught.value)
    assert "unknown Dokploy profile 'initech'" in message
    assert "acme, cli-current, globex" in message
    for key in (ACME_KEY, GLOBEX_KEY, CLI_KEY):
        assert key not in message


def test_list_shows_names_urls_and_sources_without_keys(lookup, cli_config):
    listing = lookup(list=True, variables={"dokploy_profiles": VAR_PROFILES, "dokploy_config_file": cli_config})
    assert sorted((p["name"], p["api_url"]) for p in listing) == [
        ("acme", "https://panel.acme.example"),
        ("cli-current", "https://cli.example.org"),
        ("globex", "https://paas.example.net"),
    ]
    assert {p["source"] for p in listing} == {"variable dokploy_profiles", "config file %s" % cli_config}
    for key in (ACME_KEY, GLOBEX_KEY, CLI_KEY):
        assert key not in json.dumps(listing)


def test_vault_encrypted_value_resolves(lookup, loader):
    encrypted = VaultLib([("default", VaultSecret(VAULT_PASSWORD))]).encrypt(ACME_KEY).decode()
    indented = "\n".join("        " + line for line in encrypted.splitlines())
    profiles = loader.load(
        "dokploy_profiles:\n"
        "  acme:\n"
        "    api_url: https://panel.acme.example\n"
        "    api_key: !vault |\n" + indented + "\n"
    )
    assert not isinstance(profiles["dokploy_profiles"]["acme"]["api_key"], str)  # still encrypted
    result = lookup("acme", variables=profiles)
    assert result["api_key"] == ACME_KEY
    assert isinstance(result["api_key"], str)


def test_typo_in_a_profile_names_the_setting_not_the_values(lookup):
    with pytest.raises(AnsibleError) as caught:
        lookup("bad", variables={"dokploy_profiles": {"bad": {"api_url": "https://x", "apikey": ACME_KEY}}})
    assert "unknown setting 'apikey'" in str(caught.value)
    assert ACME_KEY not in str(caught.value)


def test_missing_key_in_a_profile(lookup):
    with pytest.raises(AnsibleError, match="profile 'nokey' .*setting api_key is missing"):
        lookup("nokey", variables={"dokploy_profiles": {"nokey": {"api_url": "https://x"}}})


def test_broken_config_file_names_the_file(lookup, tmp_path):
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    with pytest.raises(AnsibleError, match="cannot read the Dokploy config file %s" % broken):
        lookup("x", config_file=str(broken))


def test_more_than_one_term_is_refused(lookup):
    with pytest.raises(AnsibleError, match="at most one profile name"):
        lookup("a", "b", variables={"dokploy_profiles": VAR_PROFILES})
