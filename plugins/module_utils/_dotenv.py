# -*- coding: utf-8 -*-
# Copyright (c) community.dokploy contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Env blobs as Dokploy reads them, and per-key edits that leave every other byte alone.

Dokploy parses env blobs with the npm package ``dotenv`` 16.4.5 (``parse``), so
that grammar is the reference: this is a Python rendering of its line
expression with JavaScript's meaning of ``\\s``, ``\\w``, ``.``, ``^`` and ``$``
spelled out. The test suite runs generated blobs through the real package
under Node and through :func:`parse`, and requires the same answers.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.community.dokploy.plugins.module_utils._client import DokployError

# JavaScript's whitespace and line terminators: what its \s matches and String.trim() removes.
JS_SPACE = (u"\t\n\v\f\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
            u"\u2028\u2029\u202f\u205f\u3000\ufeff")
_S = u"[" + re.escape(JS_SPACE) + u"]"
_TERMINATOR = u"[\n\r\u2028\u2029]"
_LINE_START = u"(?:(?<=" + _TERMINATOR + u")|\\A)"   # ^ under JavaScript's m flag
_LINE_END = u"(?=" + _TERMINATOR + u"|\\Z)"          # $ under JavaScript's m flag
_DOT = u"[^\n\r\u2028\u2029]"

LINE = re.compile(
    _LINE_START + _S + u"*(?:export" + _S + u"+)?"
    u"(?P<key>[A-Za-z0-9_.-]+)"
    u"(?P<sep>" + _S + u"*=" + _S + u"*?|:" + _S + u"+?)"
    u"(?P<value>" + _S + u"*'(?:\\\\'|[^'])*'|" + _S + u"*\"(?:\\\\\"|[^\"])*\"|" + _S + u"*`(?:\\\\`|[^`])*`|[^#\r\n]+)?"
    + _S + u"*(?:#" + _DOT + u"*)?" + _LINE_END
)
KEY = re.compile(r"^[A-Za-z0-9_.-]+$")
QUOTES = u"'\"`"
# A JavaScript object silently drops this key.
IGNORED_KEYS = ("__proto__",)


def js_trim(text):
    return text.strip(JS_SPACE)


class Entry:
    """One ``KEY=value`` the parser reads, with its place in the original text."""

    def __init__(self, key, value, line_start, line_end, value_start, value_end):
        self.key = key
        self.value = value
        self.line_start = line_start    # start of the line holding the key
        self.line_end = line_end        # after the terminator of the line where the value ends
        self.value_start = value_start  # the value as written, without surrounding spaces
        self.value_end = value_end


def _normalize(text):
    """dotenv's \\r\\n and \\r -> \\n, with each normalized offset's place in ``text``."""
    chars, places = [], []
    index = 0
    while index < len(text):
        places.append(index)
        if text[index] == u"\r":
            chars.append(u"\n")
            index += 2 if text[index + 1:index + 2] == u"\n" else 1
        else:
            chars.append(text[index])
            index += 1
    places.append(len(text))
    return u"".join(chars), places


def _value_of(raw):
    value = js_trim(raw or u"")
    quote = value[:1]
    if len(value) >= 2 and quote in QUOTES and value[-1] == quote:
        value = value[1:-1]
    if quote == u'"':
        value = value.replace(u"\\n", u"\n").replace(u"\\r", u"\r")
    return value


def _line_bounds(text, start, end):
    """The whole lines of ``text`` covering [start, end), with the last one's terminator."""
    line_start = max(text.rfind(u"\n", 0, start), text.rfind(u"\r", 0, start)) + 1
    breaks = [i for i in (text.find(u"\n", end), text.find(u"\r", end)) if i >= 0]
    if not breaks:
        return line_start, len(text)
    line_end = min(breaks)
    return line_start, line_end + (2 if text[line_end:line_end + 2] == u"\r\n" else 1)


def entries(text):
    """Every ``KEY=value`` of ``text`` in order, duplicates included."""
    normalized, places = _normalize(text)
    found = []
    for match in LINE.finditer(normalized):
        key = match.group("key")
        if match.group("value") is None:
            value_start = value_end = match.end("sep")
        else:
            raw = match.group("value")
            value_start = match.start("value") + (len(raw) - len(raw.lstrip(JS_SPACE)))
            value_end = match.end("value") - (len(raw) - len(raw.rstrip(JS_SPACE)))
            value_end = max(value_end, value_start)
        line_start, line_end = _line_bounds(text, places[match.start("key")], places[value_end])
        found.append(Entry(key, _value_of(match.group("value")), line_start, line_end,
                           places[value_start], places[value_end]))
    return found


def parse(text):
    """What ``dotenv.parse`` answers for ``text``: the last value of each key, in first-seen order."""
    values = {}
    order = []
    for entry in entries(text):
        if entry.key in IGNORED_KEYS:
            continue
        if entry.key not in values:
            order.append(entry.key)
        values[entry.key] = entry.value
    return dict((key, values[key]) for key in order)


def check_key(key, option="vars"):
    if not KEY.match(key) or key in IGNORED_KEYS:
        raise DokployError("option %s: %r is not a key Dokploy reads; use letters, digits, _, . and -" % (option, key))


def serialize(key, value):
    """``value`` written so that :func:`parse` reads it back exactly, quoted only when needed."""
    if value == u"":
        return value
    plain = (value == js_trim(value) and value[0] not in QUOTES
             and not any(c in value for c in u"#\n\r\u2028\u2029"))
    if plain:
        return value
    # A final backslash would escape the closing quote, whichever quote it is.
    if value.endswith(u"\\"):
        raise DokployError("option vars: the value of %s needs quotes (it has #, a line break or spaces around it) "
                           "and ends with a backslash, which would escape the closing quote" % key)
    # A carriage return survives only as the \r escape of double quotes (dotenv turns a raw one into \n).
    escapable = u'"' not in value and u"\\n" not in value and u"\\r" not in value
    if u"\r" in value:
        if escapable:
            return u'"%s"' % value.replace(u"\r", u"\\r")
    elif u"'" not in value:
        return u"'%s'" % value
    elif escapable:
        return u'"%s"' % value
    elif u"`" not in value:
        return u"`%s`" % value
    raise DokployError("option vars: the value of %s cannot be written so that Dokploy reads it back unchanged "
                       "(it mixes quotes, backslash escapes or carriage returns)" % key)


def line_ending(text):
    return u"\r\n" if u"\r\n" in text else u"\n"


def merge(text, updates, remove=(), exclusive=False):
    """Set ``updates`` (key -> value), remove ``remove``, and with ``exclusive`` every other key too.

    A changed key keeps its place (its last line, which is the one that counts),
    a new key is appended (or put first when the last line's open quote would
    swallow it), a removed key loses every line that defines it;
    every other byte of ``text`` stays as it was. Returns the new text and the
    names of the keys added, changed and removed.
    """
    found = entries(text)
    current = parse(text)
    for key in updates:
        check_key(key)
    doomed = set(k for k in remove if k in current)
    if exclusive:
        doomed |= set(k for k in current if k not in updates)
    last = dict((entry.key, entry) for entry in found)
    edits = []  # (start, end, replacement), applied from the end
    changed, added = [], []
    for key, value in updates.items():
        if key in current:
            if current[key] != value:
                entry = last[key]
                edits.append((entry.value_start, entry.value_end, serialize(key, value)))
                changed.append(key)
        else:
            added.append(key)
    for entry in found:
        if entry.key in doomed:
            edits.append((entry.line_start, entry.line_end, u""))
    result = text
    for start, end, replacement in sorted(edits, key=lambda edit: edit[0], reverse=True):
        result = result[:start] + replacement + result[end:]
    expected = dict((k, v) for k, v in current.items() if k not in doomed)
    expected.update(updates)
    newline = line_ending(text)
    new_lines = u"".join(u"%s=%s%s" % (key, serialize(key, updates[key]), newline) for key in added)
    candidates = [result]
    if added:
        separator = newline if result and not result.endswith((u"\n", u"\r")) else u""
        # Appended; or first, when an unterminated quote on the last line would swallow them.
        candidates = [result + separator + new_lines, new_lines + result]
    for candidate in candidates:
        if parse(candidate) == expected:
            return candidate, added, changed, sorted(doomed)
    # Never write a blob that Dokploy would read differently from what was asked.
    raise DokployError("option vars: the merged env would not read back as intended (keys %s); nothing was changed"
                       % ", ".join(sorted(set(added) | set(changed) | doomed)))


def duplicates(text):
    """Keys defined more than once (the last definition wins, as in Docker)."""
    seen = {}
    for entry in entries(text):
        seen[entry.key] = seen.get(entry.key, 0) + 1
    return sorted(key for key, count in seen.items() if count > 1)
