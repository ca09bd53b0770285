"""The arguments a module under test reads, on every ansible-core this collection supports."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import contextlib
import json

try:
    from ansible.module_utils import testing  # ansible-core 2.19 and newer

    patch_module_args = testing.patch_module_args
except ImportError:  # older releases read the serialized arguments from basic._ANSIBLE_ARGS
    from ansible.module_utils import basic

    @contextlib.contextmanager
    def patch_module_args(args=None):
        saved = basic._ANSIBLE_ARGS
        basic._ANSIBLE_ARGS = json.dumps({"ANSIBLE_MODULE_ARGS": args or {}}).encode()
        try:
            yield
        finally:
            basic._ANSIBLE_ARGS = saved
