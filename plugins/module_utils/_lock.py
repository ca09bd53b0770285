# -*- coding: utf-8 -*-
# Copyright (c) community.dokploy contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""A lock on the machine the modules run on, so that forks of one play do not race each other.

Dokploy has no conditional writes: two forks that both find a project absent both create
it, and two forks that each read an env blob, merge their key and save it lose one of the
keys. Forks run their modules on one machine (the controller, for these API modules), so
an exclusive file lock keyed by the API URL and the project serializes exactly the
find-or-create and read-merge-write steps that race. Several controllers are not covered:
see docs/docsite/rst/reliability.rst.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import hashlib
import os
import tempfile
import time

try:
    import fcntl
except ImportError:  # not a POSIX system: no lock, as before
    fcntl = None

from ansible_collections.community.dokploy.plugins.module_utils._client import DokployError

DEFAULT_WAIT = 600
POLL = 0.05


def lock_directory():
    return os.path.join(tempfile.gettempdir(), "community.dokploy-locks-%d" % os.getuid())


class ProjectLock:
    """``with ProjectLock(base_url, project):`` holds an exclusive lock on that project of that server."""

    def __init__(self, base_url, project, wait=DEFAULT_WAIT):
        # Hashed: the file name shows neither the URL nor the project.
        digest = hashlib.sha256(("%s\0%s" % (base_url, project)).encode("utf-8")).hexdigest()[:32]
        self.path = os.path.join(lock_directory(), digest + ".lock")
        self.wait = wait
        self.handle = None

    def __enter__(self):
        if fcntl is None:
            return self
        directory = os.path.dirname(self.path)
        if not os.path.isdir(directory):
            try:
                os.makedirs(directory, 0o700)
            except OSError:
                if not os.path.isdir(directory):
                    raise
        self.handle = open(self.path, "a")
        deadline = time.time() + self.wait
        while True:
            try:
                fcntl.flock(self.handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return self
            except (IOError, OSError):
                if time.time() >= deadline:
                    self.handle.close()
                    self.handle = None
                    raise DokployError("another task on this machine held the lock on this project for %d seconds "
                                       "(%s); is a task stuck?" % (self.wait, self.path))
                time.sleep(POLL)

    def __exit__(self, *exc):
        if self.handle is not None:
            fcntl.flock(self.handle, fcntl.LOCK_UN)
            self.handle.close()
            self.handle = None
        return False
