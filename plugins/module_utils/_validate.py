# -*- coding: utf-8 -*-
# Copyright (c) community.dokploy contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Small checks of option values, run before any request.

Each check takes the value and the option's name, raises a DokployError whose
message starts with ``option <name>:`` and returns the value unchanged. A
value of None (the option is not set) always passes.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import re

from ansible_collections.community.dokploy.plugins.module_utils._client import DokployError

# The options naming where a service lives and which service: names or ids, never empty.
PLACEMENT_OPTIONS = ("project", "environment", "app", "compose", "database")

# Dokploy's rule for Git branches (application.saveGitProvider's customGitBranch).
GIT_BRANCH = re.compile(r"^[a-zA-Z0-9._\-/#]+$")

_CONTROL = re.compile(u"[\x00-\x1f\x7f]")
_LOOKAROUND = ("(?=", "(?!", "(?<=", "(?<!")
_OCTAL = re.compile(r"[0-7]{3}")


def error(option, message):
    """The error to raise: ``option <option>: <message>``."""
    return DokployError("option %s: %s" % (option, message))


def check_name(value, option):
    """A name (or id): not empty, not only spaces, one line."""
    if value is None:
        return value
    if not value.strip():
        raise error(option, "must not be empty or only spaces")
    if _CONTROL.search(value):
        raise error(option, "%r must be one line, without tabs or other control characters" % value)
    return value


def check_names(params, options=PLACEMENT_OPTIONS):
    """check_name on each of ``options`` that is in ``params``."""
    for option in options:
        check_name(params.get(option), option)


def check_not_empty(value, option):
    if value is not None and not value.strip():
        raise error(option, "must not be empty or only spaces")
    return value


def check_no_space(value, option, what):
    """Not empty and without whitespace: an image reference, a URL."""
    check_not_empty(value, option)
    if value is not None and re.search(r"\s", value):
        raise error(option, "%r is not %s: it must not contain spaces" % (value, what))
    return value


def check_port(value, option):
    if value is not None and not 1 <= value <= 65535:
        raise error(option, "%d is not a port number (1-65535)" % value)
    return value


def check_range(value, option, minimum=None, maximum=None):
    """``minimum <= value <= maximum`` (either bound may be None)."""
    if value is None:
        return value
    if minimum is not None and value < minimum:
        raise error(option, "must be %s or more" % minimum)
    if maximum is not None and value > maximum:
        raise error(option, "must be %s or less" % maximum)
    return value


def check_positive(value, option):
    if value is not None and value <= 0:
        raise error(option, "must be more than 0")
    return value


def check_branch(value, option):
    if value is not None and not GIT_BRANCH.match(value):
        raise error(option, "%r is not a branch name Dokploy accepts (letters, digits, ._-/#)" % value)
    return value


def check_absolute_path(value, option):
    if value is not None and not value.startswith("/"):
        raise error(option, "%r must be an absolute path, starting with /" % value)
    return value


def check_relative_file(value, option):
    """A file name inside a folder Dokploy keeps: relative, not leaving the folder, not a folder."""
    if value is None:
        return value
    check_not_empty(value, option)
    parts = value.split("/")
    if value.startswith("/") or ".." in parts or value.endswith("/") or _CONTROL.search(value):
        raise error(option, "%r must be a relative file name such as app.conf or conf/app.conf, without a "
                            "leading /, a trailing / or .." % value)
    return value


def check_regex(value, option):
    """Compile with Python's re, whose syntax is close to, not identical with, Go's (RE2) that Traefik uses."""
    if value is None:
        return value
    check_not_empty(value, option)
    try:
        re.compile(value)
    except re.error as exc:
        raise error(option, "%r is not a valid regular expression (%s; checked with Python's re, whose syntax is "
                            "close to, not identical with, the Go syntax Traefik uses)" % (value, exc))
    escaped = False
    for index, char in enumerate(value):
        if escaped:
            escaped = False
            if char in "123456789" and not _OCTAL.match(value, index):
                raise error(option, "%r uses a backreference (\\%s), which Traefik's Go regular expressions do "
                                    "not support" % (value, char))
        elif char == "\\":
            escaped = True
        elif char == "(" and value.startswith(_LOOKAROUND, index):
            raise error(option, "%r uses a lookahead or lookbehind, which Traefik's Go regular expressions do "
                                "not support" % value)
    return value


def read_text_file(path, option):
    """The content of a local UTF-8 text file, or one line saying why it cannot be used."""
    try:
        with open(path, "rb") as handle:
            content = handle.read()
    except (IOError, OSError) as exc:
        raise error(option, "cannot read %s: %s" % (path, exc.strerror or exc))
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise error(option, "%s is not UTF-8 text (byte %d)" % (path, exc.start))


def check_writable_dest(path, option):
    """A file path whose folder exists and can be written to, and that is not a folder itself."""
    if path is None:
        return path
    folder = os.path.dirname(path) or "."
    if os.path.isdir(path):
        raise error(option, "%s is a folder; give a file name" % path)
    if not os.path.isdir(folder):
        raise error(option, "the folder %s does not exist" % folder)
    if not os.access(folder, os.W_OK | os.X_OK):
        raise error(option, "the folder %s is not writable" % folder)
    return path


# The five fields of a cron expression: (name, lowest, highest, names allowed in place of numbers).
_CRON_FIELDS = (
    ("minute", 0, 59, ()),
    ("hour", 0, 23, ()),
    ("day of month", 1, 31, ()),
    ("month", 1, 12, ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")),
    ("day of week", 0, 7, ("sun", "mon", "tue", "wed", "thu", "fri", "sat")),
)
_CRON_ITEM = re.compile(r"^(\*|\?|[0-9a-z]+(?:-[0-9a-z]+)?)(?:/(\d+))?$")


def _cron_value(text, field):
    name, lowest, highest, names = field
    if text in names:
        return names.index(text) + lowest
    if not text.isdigit() or not lowest <= int(text) <= highest:
        raise ValueError("%s %r is not %d-%d" % (name, text, lowest, highest))
    return int(text)


def check_cron(value, option):
    """Five cron fields as Dokploy's scheduler (node-schedule) runs them.

    Dokploy stores any text and its scheduler silently never runs one it cannot parse, so a typo would mean
    backups that never happen: refused here, before any request.
    """
    if value is None:
        return value
    parts = value.strip().lower().split()
    if len(parts) != 5:
        raise error(option, "%r is not a cron expression of five fields (minute hour day-of-month month "
                            "day-of-week, for example '0 3 * * *' for 03:00 every day)" % value)
    for part, field in zip(parts, _CRON_FIELDS):
        for item in part.split(","):
            match = _CRON_ITEM.match(item)
            last_or_nth = field[0] in ("day of month", "day of week") and re.match(r"^(?:\d*l|\d#[1-5]|l?w|\d+w)$", item)
            try:
                if last_or_nth:
                    continue
                if not match:
                    raise ValueError("%s %r is not a number, range, list or step" % (field[0], item))
                if match.group(2) is not None and int(match.group(2)) == 0:
                    raise ValueError("%s %r steps by 0" % (field[0], item))
                if match.group(1) not in ("*", "?"):
                    bounds = [_cron_value(v, field) for v in match.group(1).split("-")]
                    if len(bounds) == 2 and bounds[0] > bounds[1]:
                        raise ValueError("%s range %r runs backwards" % (field[0], item))
            except ValueError as exc:
                raise error(option, "%r is not a valid cron expression: %s" % (value, exc))
    return value
