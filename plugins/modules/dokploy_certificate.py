#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) community.dokploy contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: dokploy_certificate
short_description: Create, update and remove Dokploy's custom TLS certificates
version_added: 0.1.0
author:
  - community.dokploy maintainers (@community-dokploy)
description:
  - Makes sure a custom TLS certificate (a certificate and its private key, served by Traefik) exists in the
    organization, or does not exist.
  - Dokploy does not check what it is given; this module does, before any request is sent. The certificate must be
    PEM that parses (a chain is accepted, the server's certificate first), the private key must be an unencrypted PEM
    key of that certificate, and the certificate must not be expired. A certificate that expires within 30 days is
    accepted with a warning.
  - The private key never appears in results, diffs or messages, although Dokploy sends it back in clear.
  - Certificate names are not unique in Dokploy; when several certificates have the name, the task fails listing their
    ids, and O(name) accepts an id instead.
requirements:
  - cryptography (Python library, on the host that runs the module) for O(state=present)
options:
  name:
    description:
      - Name of the certificate, or its id.
    type: str
    required: true
  certificate:
    description:
      - The certificate in PEM, followed by its intermediate certificates if any.
      - Required, with the private key, to create a certificate. On an existing certificate, a different one (other
        than in whitespace and line endings) replaces it.
      - Mutually exclusive with O(certificate_src).
    type: str
  certificate_src:
    description:
      - A PEM file on the host that runs the module, read instead of O(certificate).
    type: path
  private_key:
    description:
      - The certificate's private key in PEM, unencrypted.
      - Required together with the certificate. Compared with the stored key and replaced when it differs; the diff
        shows it masked.
      - Mutually exclusive with O(private_key_src).
    type: str
  private_key_src:
    description:
      - A PEM key file on the host that runs the module, read instead of O(private_key).
    type: path
  auto_renew:
    description:
      - Dokploy's C(autoRenew) flag of the certificate.
      - Set at creation only. Dokploy's C(certificates.update) does not take it, so changing it on an existing
        certificate fails before any request; remove the certificate and create it again to change it.
    type: bool
  server:
    description:
      - Name or id of the remote server whose Traefik serves the certificate; without it, the Dokploy server's own.
      - Set at creation only; a certificate cannot move to another server.
    type: str
  state:
    description:
      - V(present) creates or updates the certificate, V(absent) removes it.
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - community.dokploy.connection
  - community.dokploy.attributes
  - community.dokploy.attributes.ACTIONGROUP_DOKPLOY
"""

EXAMPLES = r"""
- name: The wildcard certificate of the agency
  community.dokploy.dokploy_certificate:
    name: wildcard-agency
    certificate: "{{ lookup('ansible.builtin.file', 'certs/wildcard.agency.example.pem') }}"
    private_key: "{{ vault_wildcard_agency_key }}"
  register: cert

- name: Say when it expires
  ansible.builtin.debug:
    msg: "{{ cert.subject }} expires on {{ cert.not_after }}"

- name: From files on the host that runs the module
  community.dokploy.dokploy_certificate:
    name: client-acme
    certificate_src: /etc/ssl/acme/fullchain.pem
    private_key_src: /etc/ssl/acme/privkey.pem
    server: client-acme-1

- name: Remove a certificate
  community.dokploy.dokploy_certificate:
    name: old-wildcard
    state: absent
"""

RETURN = r"""
certificate:
  description: The certificate as Dokploy returns it (C(certificates.one)), the private key masked; empty when absent
    or in check mode before creation.
  returned: always
  type: dict
  sample: {certificateId: 4hF2nP0cWq_Ej1sYbT7dL, name: wildcard-agency, certificateData: "-----BEGIN CERTIFICATE-----...",
           privateKey: "********", certificatePath: certificate-bold-river-3f9a1c, autoRenew: false, serverId: null}
id:
  description: The certificate's id; null when it does not exist (yet).
  returned: always
  type: str
  sample: 4hF2nP0cWq_Ej1sYbT7dL
subject:
  description: The subject of the certificate (of the server's certificate of a chain), as in RFC 4514.
  returned: when O(state=present)
  type: str
  sample: CN=*.agency.example,O=Agency
issuer:
  description: The issuer of the certificate, as in RFC 4514.
  returned: when O(state=present)
  type: str
  sample: CN=R11,O=Let's Encrypt,C=US
sans:
  description: The subject alternative names of the certificate (DNS names and IP addresses).
  returned: when O(state=present)
  type: list
  elements: str
  sample: ["*.agency.example", agency.example]
not_after:
  description: When the certificate expires, in ISO 8601 (UTC).
  returned: when O(state=present)
  type: str
  sample: "2026-03-01T12:00:00+00:00"
"""

import datetime
import re
import traceback

from ansible.module_utils.basic import missing_required_lib

from ansible_collections.community.dokploy.plugins.module_utils._base import DokployModule
from ansible_collections.community.dokploy.plugins.module_utils._client import DokployError
from ansible_collections.community.dokploy.plugins.module_utils._resource import Field, Resource
from ansible_collections.community.dokploy.plugins.module_utils._validate import error, read_text_file

try:
    from cryptography import x509
    from cryptography.exceptions import UnsupportedAlgorithm
    from cryptography.hazmat.primitives import serialization
    HAS_CRYPTOGRAPHY = True
    CRYPTOGRAPHY_IMPORT_ERROR = None
except ImportError:
    HAS_CRYPTOGRAPHY = False
    CRYPTOGRAPHY_IMPORT_ERROR = traceback.format_exc()

# A certificate expiring sooner than this is accepted with a warning.
WARN_DAYS = 30

PEM_FIELDS = ("certificateData", "privateKey")


def normalized(text):
    """PEM text without whitespace and line endings: two texts of the same PEM compare equal."""
    return re.sub(r"\s+", "", text) if isinstance(text, str) else text


def load_certificates(text, option):
    """The certificates of a PEM text, the server's first; an error naming ``option`` when it is not one."""
    try:
        certificates = x509.load_pem_x509_certificates(text.encode("utf-8"))
    except ValueError as exc:
        raise error(option, "is not a PEM certificate (-----BEGIN CERTIFICATE-----...) that parses: %s" % exc)
    return certificates


def load_private_key(text, option):
    try:
        return serialization.load_pem_private_key(text.encode("utf-8"), password=None)
    except TypeError:
        raise error(option, "is encrypted; Traefik needs the key without a passphrase (openssl pkey -in key.pem)")
    except (ValueError, UnsupportedAlgorithm) as exc:
        raise error(option, "is not a PEM private key that parses (%s)" % type(exc).__name__)


def public_der(public_key):
    return public_key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)


def validity(certificate):
    """(not_before, not_after) as aware UTC datetimes, whichever cryptography release is installed."""
    if hasattr(certificate, "not_valid_after_utc"):
        return certificate.not_valid_before_utc, certificate.not_valid_after_utc
    utc = datetime.timezone.utc
    return certificate.not_valid_before.replace(tzinfo=utc), certificate.not_valid_after.replace(tzinfo=utc)


def describe(certificate):
    """What the module returns about a certificate: subject, issuer, sans, not_after."""
    try:
        extension = certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        sans = [str(n.value) for n in extension if isinstance(n, (x509.DNSName, x509.IPAddress))]
    except x509.ExtensionNotFound:
        sans = []
    return dict(subject=certificate.subject.rfc4514_string(), issuer=certificate.issuer.rfc4514_string(), sans=sans,
                not_after=validity(certificate)[1].isoformat())


class Certificate(Resource):
    kind = "certificate"
    result_key = "certificate"
    id_field = "certificateId"
    read_procedure = "certificates.one"
    create_procedure = "certificates.create"
    delete_procedure = "certificates.remove"
    list_procedure = "certificates.all"
    # Dialect B: only the keys sent change. Only certificate and key are ever sent, so it never has "No values to set".
    writers = {"update": ("certificates.update", ())}
    fields = (
        Field("name", "name", writer=None),
        Field("certificate", "certificateData"),
        Field("private_key", "privateKey", secret=True),
        Field("auto_renew", "autoRenew", writer=None),
    )
    placed = True  # the option server: the remote server whose Traefik serves it, chosen at create (Resource.placement)
    required_to_create = ("certificate", "private_key")

    def __init__(self, dokploy):
        super(Certificate, self).__init__(dokploy)
        self.parsed = None

    def validate(self):
        params = self.params
        for option in ("certificate", "private_key"):
            path = params.get(option + "_src")
            if path is not None:
                params[option] = read_text_file(path, option + "_src")
                if option == "private_key":
                    # A key read from a file is as secret as the no_log option.
                    self.dokploy.module.secrets.add(params[option])
                    self.dokploy.module.no_log_values.add(params[option])
        if params["state"] == "absent":
            return
        if not HAS_CRYPTOGRAPHY:
            raise DokployError(missing_required_lib("cryptography"))
        given = [o for o in ("certificate", "private_key") if params.get(o) is not None]
        if len(given) == 1:
            other = "private_key" if given == ["certificate"] else "certificate"
            raise error(other, "required with %s: the key is checked against the certificate" % given[0])
        if not given:
            return
        certificates = load_certificates(params["certificate"], "certificate")
        key = load_private_key(params["private_key"], "private_key")
        server = certificates[0]
        if public_der(key.public_key()) != public_der(server.public_key()):
            raise error("private_key", "is not the key of the certificate (%s): their public keys differ"
                        % server.subject.rfc4514_string())
        self.parsed = server
        self.check_dates(server)

    def check_dates(self, certificate):
        not_before, not_after = validity(certificate)
        now = datetime.datetime.now(datetime.timezone.utc)
        subject = certificate.subject.rfc4514_string()
        if not_after <= now:
            raise error("certificate", "%s expired on %s" % (subject, not_after.isoformat()))
        if not_after - now < datetime.timedelta(days=WARN_DAYS):
            self.dokploy.warn("certificate %s expires in %d days, on %s; renew it"
                              % (subject, (not_after - now).days, not_after.isoformat()))
        if not_before > now:
            self.dokploy.warn("certificate %s is not valid before %s" % (subject, not_before.isoformat()))

    def find(self):
        return self.find_listed(self.params["name"])

    def changes(self, current, desired):
        """PEM compared without whitespace and line endings; a certificate without autoRenew has it off."""
        seen = dict(current)
        for api in PEM_FIELDS:
            if api in desired and normalized(current.get(api)) == normalized(desired[api]):
                seen[api] = desired[api]
        if seen.get("autoRenew") is None:
            seen["autoRenew"] = False
        return super(Certificate, self).changes(seen, desired)

    def create_body(self, desired):
        # organizationId is required by the schema; Dokploy uses the API key's organization.
        return dict(desired, organizationId="")

    def result(self, current):
        result = super(Certificate, self).result(current)
        if self.params["state"] == "absent":
            return result
        certificate = self.parsed
        if certificate is None and current is not None:
            try:
                certificate = x509.load_pem_x509_certificates((current.get("certificateData") or "").encode("utf-8"))[0]
            except ValueError:
                self.dokploy.warn("certificate %s: what Dokploy stores is not a PEM certificate" % current.get("name"))
        if certificate is not None:
            result.update(describe(certificate))
        return result


def main():
    dokploy = DokployModule(
        argument_spec=dict(
            name=dict(type="str", required=True),
            certificate=dict(type="str"),
            certificate_src=dict(type="path"),
            private_key=dict(type="str", no_log=True),
            private_key_src=dict(type="path"),
            auto_renew=dict(type="bool"),
            server=dict(type="str"),
            state=dict(type="str", choices=["present", "absent"], default="present"),
        ),
        mutually_exclusive=[("certificate", "certificate_src"), ("private_key", "private_key_src")],
        supports_check_mode=True,
    )
    if not HAS_CRYPTOGRAPHY and dokploy.params["state"] == "present":
        dokploy.module.fail_json(msg=missing_required_lib("cryptography"), exception=CRYPTOGRAPHY_IMPORT_ERROR)
    dokploy.run(Certificate(dokploy).run)


if __name__ == "__main__":
    main()
