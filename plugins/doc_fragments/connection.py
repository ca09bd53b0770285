# -*- coding: utf-8 -*-
# Copyright (c) community.dokploy contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment:
    # The connection options of every module.
    DOCUMENTATION = r"""
requirements:
  - "requests >= 2.25 (Python library) for the Python that runs the module, which for C(hosts: localhost) is
    C(ansible_python_interpreter); set it to C({{ ansible_playbook_python }}) to use the Python that runs Ansible."
notes:
  - An environment variable of a connection option (E(DOKPLOY_URL), E(DOKPLOY_TIMEOUT), E(DOKPLOY_CA_PATH), ...)
    that is set to an empty string counts as unset, as AWX renders an optional credential input that was not given.
options:
  api_url:
    description:
      - URL of the Dokploy server, for example V(https://dokploy.example.com).
      - The panel URL and the API URL (ending in C(/api)) are both accepted, with or without a trailing slash.
      - If not set, the profile's URL when O(profile) is set, else the environment variable E(DOKPLOY_URL).
      - To target several servers or organizations from one playbook, set O(profile) on each task (or on a
        block through C(module_defaults)), or set the connection options of a task block with
        P(community.dokploy.profile#lookup) in C(module_defaults).
    type: str
    required: true
  api_key:
    description:
      - API key of a Dokploy user, sent in the C(x-api-key) header.
      - A key belongs to one organization; use one key (one profile) per organization.
      - If not set, the profile's key when O(profile) is set, else the environment variable E(DOKPLOY_API_KEY),
        then E(DOKPLOY_AUTH_TOKEN) (the name the official Dokploy CLI uses).
      - Never printed, not in results, diffs, errors or warnings.
    type: str
    required: true
  validate_certs:
    description:
      - Whether to verify the server's TLS certificate.
      - Set to V(false) only for test servers; prefer O(ca_path) for a private CA.
      - If not set, the environment variable E(DOKPLOY_VALIDATE_CERTS) is used.
    type: bool
    default: true
  ca_path:
    description:
      - Path to a PEM file of CA certificates to verify the server's certificate with.
      - If not set, the environment variable E(DOKPLOY_CA_PATH) is used.
    type: path
  timeout:
    description:
      - Seconds to wait for each answer from the server.
      - Reads (GET) that fail to connect or answer HTTP 429, 502, 503 or 504 are retried
        up to 3 times with backoff; writes (POST) are never retried automatically.
      - If not set, the environment variable E(DOKPLOY_TIMEOUT) is used.
    type: int
    default: 30
  headers:
    description:
      - Extra HTTP headers sent with every request, a mapping of header name to value, for a panel behind an
        access proxy such as Cloudflare Access (C(CF-Access-Client-Id) and C(CF-Access-Client-Secret) of a service
        token).
      - They cannot replace the headers the collection sets itself, C(x-api-key) (set O(api_key)), C(Content-Type)
        and C(Accept); values must be strings.
      - The values are secrets, like O(api_key). Never printed, not in results, diffs, errors or warnings, even when
        Dokploy or the proxy quotes one.
      - 'If not set, the profile''s headers when O(profile) is set, else the environment variable
        E(DOKPLOY_CUSTOM_HEADERS), which holds a JSON object, as for Dokploy''s MCP server, for example
        C({"CF-Access-Client-Id": "....access", "CF-Access-Client-Secret": "..."}).'
      - "A profile without headers gets those of E(DOKPLOY_CUSTOM_HEADERS); give it C(headers: {}) to send none."
    type: dict
  profile:
    description:
      - Name of a named profile whose connection settings (O(api_url), O(api_key), O(validate_certs), O(ca_path),
        O(timeout), O(headers)) this task uses.
      - "Found exactly as P(community.dokploy.profile#lookup) finds a name, first match wins: the variable
        C(dokploy_profiles) (keep it in a vault-encrypted vars file; it is decrypted on the controller), then the
        Dokploy CLI's config file (the variable C(dokploy_config_file), E(DOKPLOY_CONFIG), else
        C(~/.dokploy/config.json), else the installed CLI's own C(config.json), see
        P(community.dokploy.profile#lookup))."
      - Connection options set on the task (or by C(module_defaults)) win over the profile's settings; the
        profile's settings win over the environment variables (E(DOKPLOY_URL), E(DOKPLOY_API_KEY), ...).
      - An unknown name fails before any request, listing the known profile names (never a key).
      - Resolved on the controller by the action plugin that runs in front of every module of this collection;
        the module itself only receives the resolved connection options.
      - Can be set for a whole block with C(module_defaults) of the group C(group/community.dokploy.dokploy).
    type: str
"""

    # The same options for plugins (the profile lookup, the inventory plugin). Their environment variables are read by
    # plugins/module_utils/_options.py, as the modules' are (an empty one counts as unset), not declared with env:
    # ansible-core's own reading would turn an empty DOKPLOY_CA_PATH into the current folder and quote a bad value.
    PLUGINS = r"""
requirements:
  - requests >= 2.25 (Python library) for the Python that runs Ansible on the controller, for the inventory plugin,
    which talks to Dokploy; the profile lookup sends no request.
notes:
  - An environment variable of a connection option set to an empty string counts as unset.
options:
  api_url:
    description:
      - URL of the Dokploy server, for example V(https://dokploy.example.com).
      - If not set, the environment variable E(DOKPLOY_URL).
      - The lookup uses it for the unnamed profile made of the environment variables.
      - Set in an inventory file, it wins over the profile's URL.
    type: str
  api_key:
    description:
      - API key of a Dokploy user.
      - If not set, the environment variable E(DOKPLOY_API_KEY), then E(DOKPLOY_AUTH_TOKEN).
      - The lookup uses it for the unnamed profile made of the environment variables.
      - Set in an inventory file (encrypt it with C(ansible-vault encrypt_string)), it wins over the profile's key.
      - Never printed.
    type: str
  validate_certs:
    description:
      - Whether to verify the server's TLS certificate (default V(true)).
      - If not set, the environment variable E(DOKPLOY_VALIDATE_CERTS).
    type: bool
  ca_path:
    description:
      - Path to a PEM file of CA certificates to verify the server's certificate with.
      - If not set, the environment variable E(DOKPLOY_CA_PATH).
    type: path
  timeout:
    description:
      - Seconds to wait for each answer from the server (default V(30)).
      - If not set, the environment variable E(DOKPLOY_TIMEOUT).
    type: int
  headers:
    description:
      - Extra HTTP headers sent with every request, a mapping of header name to value (for a panel behind an access
        proxy such as Cloudflare Access); they cannot replace C(x-api-key), C(Content-Type) or C(Accept).
      - If not set, the environment variable E(DOKPLOY_CUSTOM_HEADERS), a JSON object of header names to values.
      - The values are secrets, never printed; set in an inventory file, encrypt them with
        C(ansible-vault encrypt_string).
    type: dict
"""
