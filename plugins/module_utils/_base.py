# -*- coding: utf-8 -*-
# Copyright (c) community.dokploy contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""What every module of this collection shares: options, client, failure reporting."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import traceback

from ansible.module_utils.basic import AnsibleModule, missing_required_lib

from ansible_collections.community.dokploy.plugins.module_utils._client import (
    HAS_REQUESTS,
    REQUESTS_IMPORT_ERROR,
    DokployError,
)
from ansible_collections.community.dokploy.plugins.module_utils._options import (
    OptionAdapter,
    connection_argument_spec,
)


class DokployModule:
    """An AnsibleModule with the connection options and a ready Dokploy client.

    Every failure inside :meth:`run` that is a :class:`DokployError` ends the
    task with one clear line. Anything else is a bug of this collection (or an
    answer it did not expect): it is reported as such, with its type and message,
    and the traceback goes where Ansible shows it at -vvv, never hidden.
    """

    def __init__(self, argument_spec, **kwargs):
        spec = connection_argument_spec()
        spec.update(argument_spec)
        self.module = AnsibleModule(argument_spec=spec, **kwargs)
        if not HAS_REQUESTS:
            self.module.fail_json(msg=missing_required_lib("requests"), exception=REQUESTS_IMPORT_ERROR)
        if self.params["timeout"] <= 0:
            self.module.fail_json(msg="option timeout: must be a positive number of seconds")
        try:
            self.client = OptionAdapter.from_module(self.module).client()
        except DokployError as exc:
            self.fail(exc)

    @property
    def params(self):
        return self.module.params

    def fail(self, error, **result):
        """End the task with ``error`` (a :class:`DokployError`)."""
        failure = error.to_result()
        failure.update(result)
        self.module.fail_json(**failure)

    def run(self, action):
        """Call ``action()`` and exit with the dict it returns."""
        try:
            result = action()
        except DokployError as exc:
            self.fail(exc)
        except Exception as exc:  # pylint: disable=broad-exception-caught
            self.module.fail_json(
                msg="community.dokploy could not handle Dokploy's answer (please report this): %s: %s"
                    % (type(exc).__name__, self.client.redact(exc)),
                exception=traceback.format_exc())
        self.module.exit_json(**result)
