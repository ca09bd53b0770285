# -*- coding: utf-8 -*-
# Copyright (c) community.dokploy contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: profile
short_description: Connection settings of a named Dokploy profile, ready for C(module_defaults)
version_added: 0.1.0
author:
  - community.dokploy maintainers (@community-dokploy)
description:
  - Returns the connection options (O(api_url), O(api_key), and O(validate_certs), O(ca_path), O(timeout),
    O(headers) where the profile sets them) of one Dokploy server and organization, as a dict meant for
    C(module_defaults) of the group C(group/community.dokploy.dokploy).
  - "A profile is found by name in these sources, first match wins: the variable C(dokploy_profiles)
    (O(profiles)), then the Dokploy CLI config file O(config_file)."
  - "Without a name, the active profile is used: E(DOKPLOY_PROFILE) (O(profile)), else the variable
    C(dokploy_profile) (O(default_profile)), else the config file's C(currentProfile) (or its only profile
    in the legacy single-server format), else an unnamed profile made of E(DOKPLOY_URL) and E(DOKPLOY_API_KEY)
    (and the other connection options' environment variables)."
  - An unknown profile is an error that lists the known profile names, never their keys.
  - With O(list=true) the lookup returns the known profiles' names, URLs and sources instead, without keys;
    the source of a profile of a config file names the file it was found in.
options:
  _terms:
    description:
      - Name of the profile. At most one. Without it, the active profile is used.
    type: list
    elements: str
    required: false
  profiles:
    description:
      - Profiles by name. Each profile is a mapping of the modules' own connection options
        C(api_url), C(api_key), C(validate_certs), C(ca_path), C(timeout), C(headers).
      - Keep it in a vault-encrypted vars file, or encrypt each C(api_key) (and each header value) with C(!vault).
    type: dict
    default: {}
    vars:
      - name: dokploy_profiles
  profile:
    description:
      - Name of the active profile, used when no term is given. Wins over O(default_profile),
        so a job can switch profile without editing the playbook.
    type: str
    env:
      - name: DOKPLOY_PROFILE
  default_profile:
    description:
      - Name of the active profile when no term is given and E(DOKPLOY_PROFILE) is not set.
    type: str
    vars:
      - name: dokploy_profile
  config_file:
    description:
      - Path of the Dokploy CLI's JSON config file.
      - "If not set, the environment variable E(DOKPLOY_CONFIG), else the first of these files that exists:
        C(~/.dokploy/config.json), then the config file of the installed Dokploy CLI (npm package C(@dokploy/cli)),
        C(config.json) in the folder the CLI is installed in: E(DOKPLOY_CLI_ROOT) when set, else
        C(@dokploy/cli) under the folder C(npm root -g) prints (npm is asked once, when npm is on E(PATH))."
      - "Format: C({\"currentProfile\": \"acme\", \"profiles\": {\"acme\": {\"url\": \"https://...\", \"token\": \"...\"}}}),
        or the single-server C({\"url\": \"https://...\", \"token\": \"...\"}) that the released CLI writes
        (C(dokploy auth)), which is the profile C(default)."
      - A profile there may also use the modules' option names (C(api_url), C(api_key), C(validate_certs), ...).
      - A missing file is not an error; it then provides no profile. A file named by this option or
        E(DOKPLOY_CONFIG) is the only one read.
      - An empty E(DOKPLOY_CONFIG) or E(DOKPLOY_CLI_ROOT) counts as unset.
    type: path
    vars:
      - name: dokploy_config_file
  list:
    description:
      - Return the list of known profiles (C(name), C(api_url), C(source)) instead of one profile's settings.
    type: bool
    default: false
extends_documentation_fragment:
  - community.dokploy.connection.PLUGINS
notes:
  - The returned dict holds the API key (and any header values) in clear; pass it to C(module_defaults) (where
    every module treats C(api_key) and C(headers) as C(no_log)), do not print it.
seealso:
  - name: Dokploy CLI issue 44, named profiles
    description: The multi-profile config file format this lookup reads.
    link: https://github.com/Dokploy/cli/issues/44
  - name: Dokploy CLI
    description: The released CLI, whose C(dokploy auth) writes the single-server config file.
    link: https://github.com/Dokploy/cli
"""

EXAMPLES = r"""
# group_vars/all/vault.yml (ansible-vault encrypted):
# dokploy_profiles:
#   acme:   {api_url: https://panel.acme.example, api_key: "..."}
#   globex: {api_url: https://paas.example.net, api_key: "...", timeout: 60}
#   initech:   # a panel behind Cloudflare Access: its service token in every request
#     api_url: https://dokploy.initech.example
#     api_key: "..."
#     headers: {CF-Access-Client-Id: "....access", CF-Access-Client-Secret: "..."}

- name: Converge one client's Dokploy
  module_defaults:
    group/community.dokploy.dokploy: "{{ lookup('community.dokploy.profile', 'acme') }}"
  block:
    - name: Read acme's tree
      community.dokploy.dokploy_info:
      register: acme_tree

- name: Use the active profile (DOKPLOY_PROFILE, dokploy_profile, the CLI's currentProfile, or DOKPLOY_URL/DOKPLOY_API_KEY)
  community.dokploy.dokploy_info:
  module_defaults:
    group/community.dokploy.dokploy: "{{ lookup('community.dokploy.profile') }}"

- name: Show which profiles exist (names and URLs only)
  ansible.builtin.debug:
    msg: "{{ lookup('community.dokploy.profile', list=true) }}"
"""

RETURN = r"""
_raw:
  description:
    - The profile's connection settings, keyed by the modules' option names; only the options the profile sets
      (C(api_url) and C(api_key) always).
    - With O(list=true), a list of C({name, api_url, source}) instead. C(source) is C(variable dokploy_profiles),
      C(config file PATH) (the file O(config_file) or E(DOKPLOY_CONFIG) names, or C(~/.dokploy/config.json)), or
      C(Dokploy CLI config file PATH) (the installed CLI's file).
  type: list
  elements: dict
"""

from ansible.errors import AnsibleLookupError
from ansible.plugins.lookup import LookupBase

from ansible_collections.community.dokploy.plugins.module_utils._client import DokployError
from ansible_collections.community.dokploy.plugins.module_utils._options import CONNECTION_OPTIONS, OptionAdapter
from ansible_collections.community.dokploy.plugins.plugin_utils._profiles import ProfileCatalog

NOTHING_SELECTED = (
    "no Dokploy profile selected: pass a profile name, set DOKPLOY_PROFILE or the variable "
    "dokploy_profile, set currentProfile in the Dokploy config file, or set DOKPLOY_URL and DOKPLOY_API_KEY")


class LookupModule(LookupBase):

    def run(self, terms, variables=None, **kwargs):
        self.set_options(var_options=variables, direct=kwargs)
        if len(terms) > 1:
            raise AnsibleLookupError("community.dokploy.profile takes at most one profile name, got %d" % len(terms))
        try:
            profiles = self.get_option("profiles") or {}
            if isinstance(profiles, dict) and profiles and self._templar is not None:
                # Before ansible-core 2.19, lookups receive variables untemplated.
                profiles = self._templar.template(profiles)
            catalog = ProfileCatalog(profiles, self.get_option("config_file"))
            if self.get_option("list"):
                return [catalog.listing()]
            options = OptionAdapter.from_plugin(self)
            settings, dummy = catalog.resolve(
                terms[0] if terms else None,
                active=(self.get_option("profile"), self.get_option("default_profile")),
                environment=lambda: dict((name, options.get(name)) for name in CONNECTION_OPTIONS),
                unselected=NOTHING_SELECTED)
            return [settings]
        except DokployError as exc:
            raise AnsibleLookupError(str(exc))
