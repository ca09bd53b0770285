"""community.dokploy.profile: where a profile comes from, in which order, and what never leaks."""

import json

import pytest
from ansible.errors import AnsibleError
from ansible.parsing.dataloader import DataLoader
from ansible.parsing import vault
from ansible.parsing.vault import VaultLib, VaultSecret
from ansible.plugins.loader import lookup_loader
from ansible.template import Templar

from ansible_collections.community.dokploy.plugins.plugin_utils import _profiles

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
                 "DOKPLOY_VALIDATE_CERTS", "DOKPLOY_CA_PATH", "DOKPLOY_TIMEOUT", "DOKPLOY_CUSTOM_HEADERS"):
        monkeypatch.delenv(name, raising=False)
    # The default config file lives in the home directory: keep the real one out.
    monkeypatch.setenv("HOME", str(tmp_path))
    # And the machine's Dokploy CLI: an empty folder as the CLI's, npm never asked (the tests of npm undo this).
    monkeypatch.setenv("DOKPLOY_CLI_ROOT", str(tmp_path / "no-dokploy-cli"))
    monkeypatch.setattr(_profiles, "_NPM_ROOT", {})


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


# -- headers ---------------------------------------------------------------------------------------------------------

PROXY_SECRET = "lookup-proxy-secret-Hh7"


def test_a_profile_with_headers_returns_them(lookup):
    profiles = {"cf": {"api_url": "https://cf.example", "api_key": ACME_KEY,
                       "headers": {"CF-Access-Client-Id": "id.access", "CF-Access-Client-Secret": PROXY_SECRET}}}
    assert lookup("cf", variables={"dokploy_profiles": profiles})["headers"] == {
        "CF-Access-Client-Id": "id.access", "CF-Access-Client-Secret": PROXY_SECRET}


def test_the_environment_profile_takes_dokploy_custom_headers(lookup, monkeypatch):
    monkeypatch.setenv("DOKPLOY_URL", "https://env.example")
    monkeypatch.setenv("DOKPLOY_API_KEY", ENV_KEY)
    monkeypatch.setenv("DOKPLOY_CUSTOM_HEADERS", json.dumps({"X-Proxy": PROXY_SECRET}))
    assert lookup()["headers"] == {"X-Proxy": PROXY_SECRET}


def test_bad_dokploy_custom_headers_names_the_variable_not_the_value(lookup, monkeypatch):
    monkeypatch.setenv("DOKPLOY_URL", "https://env.example")
    monkeypatch.setenv("DOKPLOY_API_KEY", ENV_KEY)
    monkeypatch.setenv("DOKPLOY_CUSTOM_HEADERS", "{'X-Proxy': '%s'}" % PROXY_SECRET)
    with pytest.raises(AnsibleError) as caught:
        lookup()
    assert "DOKPLOY_CUSTOM_HEADERS: is not a JSON object of header names to values" in str(caught.value)
    assert PROXY_SECRET not in str(caught.value)


def test_a_profile_header_may_not_replace_the_api_key(lookup):
    profiles = {"cf": {"api_url": "https://cf.example", "api_key": ACME_KEY, "headers": {"x-api-key": PROXY_SECRET}}}
    with pytest.raises(AnsibleError) as caught:
        lookup("cf", variables={"dokploy_profiles": profiles})
    assert "profile 'cf' (from variable dokploy_profiles): setting headers: may not set x-api-key" in str(caught.value)
    assert PROXY_SECRET not in str(caught.value)


def test_empty_variables_count_as_unset_for_the_environment_profile(lookup, monkeypatch):
    monkeypatch.setenv("DOKPLOY_URL", "https://env.example")
    monkeypatch.setenv("DOKPLOY_API_KEY", "")
    monkeypatch.setenv("DOKPLOY_AUTH_TOKEN", ENV_KEY)
    for name in ("DOKPLOY_TIMEOUT", "DOKPLOY_CA_PATH", "DOKPLOY_VALIDATE_CERTS", "DOKPLOY_CUSTOM_HEADERS",
                 "DOKPLOY_CONFIG", "DOKPLOY_PROFILE"):
        monkeypatch.setenv(name, "")
    assert lookup() == {"api_url": "https://env.example", "api_key": ENV_KEY}


# -- where the released Dokploy CLI keeps its config: config.json beside its installed package --------------------

CLI_TOKEN = "released-cli-token-8"


def released_cli(folder, url="https://released.example"):
    """A fake global node_modules folder holding @dokploy/cli as npm installs it, configured by `dokploy auth`."""
    package = folder / "@dokploy" / "cli"
    (package / "dist").mkdir(parents=True)
    (package / "package.json").write_text(json.dumps({"name": "@dokploy/cli", "bin": {"dokploy": "./dist/index.js"}}))
    # src/client.ts: path.join(__dirname, "..", "config.json") from dist/, written as {url, token}.
    (package / "config.json").write_text(json.dumps({"url": url, "token": CLI_TOKEN}, indent=2))
    return package


@pytest.fixture
def fake_npm(tmp_path, monkeypatch):
    """An npm on PATH (and nothing else) whose ``root -g`` prints a temporary global folder; counts its runs."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    modules = tmp_path / "npm-global" / "lib" / "node_modules"
    modules.mkdir(parents=True)
    calls = tmp_path / "npm-calls"
    npm = bin_dir / "npm"
    npm.write_text('#!/bin/sh\necho "$@" >> %s\nif [ "$1 $2" = "root -g" ]; then echo %s; exit 0; fi\nexit 1\n'
                   % (calls, modules))
    npm.chmod(0o755)
    monkeypatch.setenv("PATH", str(bin_dir))
    monkeypatch.delenv("DOKPLOY_CLI_ROOT")

    class Npm:
        root = modules

        @staticmethod
        def runs():
            return calls.read_text().splitlines() if calls.exists() else []
    return Npm


def test_the_released_clis_config_is_found_through_npm_root(lookup, fake_npm):
    package = released_cli(fake_npm.root)
    assert lookup() == {"api_url": "https://released.example", "api_key": CLI_TOKEN}
    assert lookup("default")["api_key"] == CLI_TOKEN
    assert fake_npm.runs() == ["root -g"]
    listing = lookup(list=True)
    assert listing == [{"name": "default", "api_url": "https://released.example",
                        "source": "Dokploy CLI config file %s" % (package / "config.json")}]
    assert CLI_TOKEN not in json.dumps(listing)


def test_npm_runs_once_per_process(lookup, fake_npm):
    released_cli(fake_npm.root)
    for dummy in range(3):
        lookup()
    lookup(list=True)
    assert fake_npm.runs() == ["root -g"]


def test_the_home_layout_wins_over_the_released_clis_file(lookup, fake_npm, tmp_path):
    released_cli(fake_npm.root)
    (tmp_path / ".dokploy").mkdir()
    home = tmp_path / ".dokploy" / "config.json"
    home.write_text(json.dumps(
        {"currentProfile": "home", "profiles": {"home": {"url": "https://home.example", "token": CLI_KEY}}}))
    assert lookup()["api_url"] == "https://home.example"
    assert [p["source"] for p in lookup(list=True)] == ["config file %s" % home]
    with pytest.raises(AnsibleError, match="unknown Dokploy profile 'default'; known profiles: home"):
        lookup("default")
    assert fake_npm.runs() == [], "npm is not asked when ~/.dokploy/config.json exists"


def test_a_named_file_is_the_only_one_read(lookup, fake_npm, tmp_path, monkeypatch):
    released_cli(fake_npm.root)
    monkeypatch.setenv("DOKPLOY_CONFIG", str(tmp_path / "missing.json"))
    with pytest.raises(AnsibleError, match="no Dokploy profile selected.*known profiles: none"):
        lookup()
    assert lookup(list=True) == []
    assert fake_npm.runs() == []


def test_an_empty_dokploy_config_counts_as_unset(lookup, fake_npm, monkeypatch):
    released_cli(fake_npm.root)
    monkeypatch.setenv("DOKPLOY_CONFIG", "")
    assert lookup()["api_key"] == CLI_TOKEN


def test_dokploy_cli_root_names_the_clis_folder_without_asking_npm(lookup, fake_npm, tmp_path, monkeypatch):
    package = released_cli(tmp_path / "elsewhere", url="https://elsewhere.example")
    monkeypatch.setenv("DOKPLOY_CLI_ROOT", str(package))
    assert lookup()["api_url"] == "https://elsewhere.example"
    assert fake_npm.runs() == []


def test_npm_is_not_asked_for_a_profile_of_the_variable(lookup, fake_npm):
    released_cli(fake_npm.root)
    assert lookup("acme", variables={"dokploy_profiles": VAR_PROFILES})["api_key"] == ACME_KEY
    assert lookup(variables={"dokploy_profiles": VAR_PROFILES, "dokploy_profile": "globex"})["api_key"] == GLOBEX_KEY
    assert fake_npm.runs() == []


def test_without_npm_there_is_no_cli_file_and_no_failure(lookup, tmp_path, monkeypatch):
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    monkeypatch.delenv("DOKPLOY_CLI_ROOT")
    with pytest.raises(AnsibleError, match="no Dokploy profile selected.*known profiles: none"):
        lookup()
    assert lookup("acme", variables={"dokploy_profiles": VAR_PROFILES})["api_key"] == ACME_KEY


@pytest.mark.parametrize("script", [
    "#!/bin/sh\necho 'npm ERR! broken' >&2\nexit 1\n",
    "#!/bin/sh\necho 'not a path'\n",
    "#!/bin/sh\nexec sleep 30\n",
])
def test_a_failing_npm_means_no_cli_file(lookup, tmp_path, monkeypatch, script):
    bin_dir = tmp_path / "bad-bin"
    bin_dir.mkdir()
    (bin_dir / "npm").write_text(script)
    (bin_dir / "npm").chmod(0o755)
    monkeypatch.setenv("PATH", "%s:/bin:/usr/bin" % bin_dir)
    monkeypatch.delenv("DOKPLOY_CLI_ROOT")
    monkeypatch.setattr(_profiles, "NPM_TIMEOUT", 1)
    assert _profiles.npm_global_root() is None
    with pytest.raises(AnsibleError, match="no Dokploy profile selected"):
        lookup()
