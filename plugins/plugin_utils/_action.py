# -*- coding: utf-8 -*-
# Copyright (c) community.dokploy contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The controller side of every community.dokploy module: the one action plugin class they share.

Every module ``plugins/modules/<name>.py`` has its action plugin ``plugins/action/<name>.py``, a
subclass of :class:`DokployAction` and nothing else (tests/test_collection.py checks it). One file per
module rather than one action plugin that meta/runtime.yml redirects every module to: ansible-core
honours such redirects, but ansible-test's sanity test action-plugin-docs refuses an action plugin
without a module of the same name. Before the module runs on the target, this class does what only
the controller can do:

- ``profile``: the named profile, found exactly as the ``community.dokploy.profile`` lookup finds it
  (the variable ``dokploy_profiles``, decrypted here when it is vaulted, then the Dokploy CLI's config
  file), fills the connection options the task does not set; the module never sees the name.
- ``src`` of the modules that read a local file (dokploy_env, dokploy_compose): the file is found as
  ``ansible.builtin.copy`` finds it (a role's ``files/``, then relative to the playbook), decrypted when
  vault-encrypted, and copied into the target's temporary directory; the module reads that copy.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

from ansible.errors import AnsibleError, AnsibleFileNotFound
from ansible.module_utils.common.parameters import remove_values
from ansible.plugins.action import ActionBase
from ansible.plugins.loader import lookup_loader
from ansible.utils.vars import merge_hash

from ansible_collections.community.dokploy.plugins.module_utils._options import CONNECTION_OPTIONS, secret_values

COLLECTION = "community.dokploy"
PROFILE_LOOKUP = "community.dokploy.profile"
# Modules whose ``src`` is a file of the controller, read by the module on the target.
SRC_MODULES = ("dokploy_env", "dokploy_compose")


class ProfileError(AnsibleError):
    """A task option that cannot be resolved on the controller; its message starts with ``option <name>:``."""


class DokployAction(ActionBase):
    """The action plugin of every module of this collection."""

    _supports_check_mode = True
    _supports_async = True

    def run(self, tmp=None, task_vars=None):
        result = super(DokployAction, self).run(tmp, task_vars)
        del tmp  # tmp no longer has any effect
        task_vars = task_vars or {}
        module_args = dict(self._task.args)
        secrets = set()
        copies = {}
        wrap_async = self._task.async_val and not self._connection.has_native_async
        try:
            try:
                profile = module_args.pop("profile", None)
                if profile is not None:
                    module_args = self._apply_profile(profile, module_args, task_vars, secrets)
                if self._module_name() in SRC_MODULES and module_args.get("src"):
                    found, module_args["src"] = self._transfer_src(module_args["src"])
                    copies[module_args["src"]] = found
            except ProfileError as exc:
                result.update(failed=True, changed=False, msg=exc.message)
                return self._scrub(result, secrets)
            result = merge_hash(result, self._execute_module(
                module_name=self._task.action, module_args=module_args, task_vars=task_vars, wrap_async=wrap_async))
        finally:
            if not wrap_async:
                self._remove_tmp_path(self._connection._shell.tmpdir)
        # The module names the file it read: the controller's file, not its temporary copy on the target.
        return self._scrub(_replace_text(result, copies), secrets)

    def _module_name(self):
        """The module's short name when it is one of this collection's, else the task's action as written.

        The task's action as written (a short name with the ``collections`` keyword, else the FQCN).
        """
        action = self._task.action
        collection, dummy, name = action.rpartition(".")
        return name if collection in ("", COLLECTION) else action

    def _apply_profile(self, profile, module_args, task_vars, secrets):
        """``module_args`` with the options the task does not set taken from the named profile."""
        if not isinstance(profile, str):
            raise ProfileError("option profile: must be the name of a profile (a string)")
        if not profile.strip():
            raise ProfileError("option profile: is empty; give the name of a profile, or leave profile out")
        lookup = lookup_loader.get(PROFILE_LOOKUP, loader=self._loader, templar=self._templar)
        if lookup is None:
            raise ProfileError("option profile: the lookup %s is missing from this installation" % PROFILE_LOOKUP)
        try:
            settings = lookup.run([profile], variables=task_vars)[0]
        except AnsibleError as exc:
            raise ProfileError("option profile: %s" % _message(exc)) from None
        secrets.update(secret_values(settings))
        resolved = dict(module_args)
        for name in CONNECTION_OPTIONS:
            if resolved.get(name) is None and name in settings:
                resolved[name] = settings[name]
        return resolved

    def _transfer_src(self, src):
        """The controller's file ``src`` (as found) and the path of its copy on the target."""
        try:
            found = self._find_needle("files", src)
        except AnsibleFileNotFound:
            raise ProfileError("option src: cannot read %s: no such file in the role's files/ folder or relative to "
                               "the playbook" % src) from None
        if os.path.isdir(found):
            raise ProfileError("option src: %s is a folder; give a file" % found)
        try:
            real = self._loader.get_real_file(found, decrypt=True)
        except AnsibleError as exc:
            raise ProfileError("option src: cannot read %s: %s" % (found, _message(exc))) from None
        try:
            if self._connection._shell.tmpdir is None:
                self._make_tmp_path()
            tmpdir = self._connection._shell.tmpdir
            remote = self._connection._shell.join_path(tmpdir, "source")
            self._transfer_file(real, remote)
            self._fixup_perms2((tmpdir, remote))
        finally:
            self._loader.cleanup_tmp_file(real)
        return found, remote

    @staticmethod
    def _scrub(result, secrets):
        """The result with no secret this plugin brought in (the module masks them already; this is the backstop)."""
        return remove_values(result, secrets) if secrets else result


def _replace_text(value, replacements):
    """``value`` (a result) with each key of ``replacements`` replaced by its value in every string."""
    if not replacements:
        return value
    if isinstance(value, dict):
        return dict((key, _replace_text(item, replacements)) for key, item in value.items())
    if isinstance(value, list):
        return [_replace_text(item, replacements) for item in value]
    if isinstance(value, str):
        for old, new in replacements.items():
            value = value.replace(old, new)
    return value


def _message(exc):
    return getattr(exc, "message", None) or str(exc)
