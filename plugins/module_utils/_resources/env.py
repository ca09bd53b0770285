# -*- coding: utf-8 -*-
# Copyright (c) community.dokploy contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The environment variables resource of dokploy_env: its fields, writers, checks and the module's options.

Imported by dokploy_env and by the modules that converge several objects at once, which validate
an entry against exactly the options of the single module.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.common.text.converters import to_text

from ansible_collections.community.dokploy.plugins.module_utils._client import SECRET_MASK, DokployError
from ansible_collections.community.dokploy.plugins.module_utils._dotenv import check_key, duplicates, merge, parse
from ansible_collections.community.dokploy.plugins.module_utils._env import (
    TARGET_RULES,
    EnvTarget,
    target_argument_spec,
)
from ansible_collections.community.dokploy.plugins.module_utils._validate import read_text_file


class EnvVars(EnvTarget):

    def validate(self):
        super(EnvVars, self).validate()
        if any(not key.strip() for key in self.params["keys"] or []):
            raise DokployError("option keys: a key must not be empty or only spaces")
        if self.params["state"] == "present" and self.params["keys"]:
            raise DokployError("option keys: only used with state: absent; set values with vars")
        if self.params["state"] == "absent" and (self.params["src"] or self.params["exclusive"]):
            raise DokployError("option %s: only used with state: present"
                               % ("src" if self.params["src"] else "exclusive"))

    def wanted(self):
        """The keys and values to set (or remove), from vars and src."""
        wanted = {}
        if self.params["src"]:
            from_file = parse(read_text_file(self.params["src"], "src"))
            for key in from_file:
                check_key(key, "src")
            wanted.update(from_file)
        for key, value in (self.params["vars"] or {}).items():
            if isinstance(value, bool):
                raise DokployError("option vars: the value of %s is a boolean; quote it (\"true\", \"yes\") so that "
                                   "it is written as you mean it" % key)
            if value is None or isinstance(value, (dict, list)):
                raise DokployError("option vars: the value of %s must be a string or a number" % key)
            wanted[str(key)] = to_text(value)
        for key in self.params["vars"] or {}:
            check_key(str(key))
        return wanted

    def run(self):
        self.check_input()
        wanted = self.wanted()  # before any request: a bad value fails first
        if self.params["exclusive"] and not wanted and not self.params["allow_empty"]:
            raise DokployError("option %s: holds no key, and exclusive: true would remove every key of the target; "
                               "set allow_empty: true if that is what you mean"
                               % ("src" if self.params["src"] else "vars"))
        with self.serialized():
            current = self.find()
            old = self.blob(current)
            new, added, changed, removed = self.merged(old, wanted)
            for key in duplicates(old):
                self.dokploy.warn("%s defines %s more than once; the last definition counts" % (self.label, key))
            self.changed = new != old
            self.before, self.after = self.diff_text(old, ()), self.diff_text(new, changed)
            if self.changed and not self.check_mode:
                self.save_merged(current, new, lambda stored: self.merged(stored, wanted)[0])
        result = dict(changed=self.changed, diff=dict(before=self.before, after=self.after), target=self.label,
                      keys_added=added, keys_changed=changed, keys_removed=removed)
        result.update(self.extra)
        return result

    def merged(self, old, wanted):
        """This task's change applied to the blob ``old``: (new blob, keys added, changed, removed)."""
        if self.params["state"] == "absent":
            return merge(old, {}, remove=list(wanted) + list(self.params["keys"] or []))
        return merge(old, wanted, exclusive=self.params["exclusive"])

    def diff_text(self, blob, changed):
        lines = []
        for key, value in parse(blob).items():
            shown = value if self.params["show_values"] else SECRET_MASK
            lines.append("%s=%s%s" % (key, shown, "  # changed" if key in changed else ""))
        return "".join(line + "\n" for line in lines)


def argument_spec():
    """The options of dokploy_env."""
    spec = target_argument_spec()
    spec.update(
        vars=dict(type="dict", no_log=True),
        keys=dict(type="list", elements="str", no_log=False),
        src=dict(type="path"),
        state=dict(type="str", choices=["present", "absent"], default="present"),
        exclusive=dict(type="bool", default=False),
        allow_empty=dict(type="bool", default=False),
        show_values=dict(type="bool", default=False),
    )
    return spec


MODULE_RULES = dict(required_one_of=[("vars", "keys", "src")], **TARGET_RULES)
