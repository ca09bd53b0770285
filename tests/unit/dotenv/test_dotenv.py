"""_dotenv.py: the dotenv 16.4.5 grammar, quoting on write, and merges that leave other bytes alone.

The differential tests run the same blobs through the real ``dotenv@16.4.5``
under Node (installed by ``make test`` into .build/node) and require the same
answers as ours.
"""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ansible_collections.community.dokploy.plugins.module_utils._client import DokployError
from ansible_collections.community.dokploy.plugins.module_utils._dotenv import (
    duplicates,
    entries,
    merge,
    parse,
    serialize,
)

ROOT = Path(__file__).resolve().parents[3]
NODE_PREFIX = ROOT / ".build" / "node"
SCRIPT = Path(__file__).resolve().parent / "parse_with_dotenv.js"

# Characters that make dotenv's grammar interesting.
TRICKY = ("A", "b", "_", ".", "-", "=", ":", " ", "\t", "#", "'", '"', "`", "\\", "n", "r", "\n", "\r",
          "\u00a0", "\u2028", "\ufeff", "\u00e9", "x", "1", "export ")
KEYS = st.from_regex(r"\A[A-Za-z_][A-Za-z0-9_.-]{0,6}\Z").filter(lambda k: k != "__proto__")
VALUES = st.text(alphabet=st.sampled_from(TRICKY[:-1]), max_size=12) | st.text(max_size=8)
COMMENT = st.builds(lambda text: "#" + text, st.text(alphabet=st.sampled_from(TRICKY[:21]), max_size=8))


def fragments(size):
    return st.lists(st.sampled_from(TRICKY), max_size=size).map("".join)


@st.composite
def lines(draw):
    """One line as people write them, well-formed or not."""
    key = draw(KEYS)
    value = draw(VALUES)
    kind = draw(st.sampled_from(["plain", "single", "double", "backtick", "comment", "blank", "garbage", "empty"]))
    prefix = draw(st.sampled_from(["", "export ", "  ", "\t"]))
    separator = draw(st.sampled_from(["=", " = ", "= ", ": ", "="]))
    tail = draw(st.sampled_from(["", " # note", "#x", "  "]))
    if kind == "plain":
        return prefix + key + separator + value.replace("\n", "").replace("\r", "") + tail
    if kind in ("single", "double", "backtick"):
        quote = {"single": "'", "double": '"', "backtick": "`"}[kind]
        return prefix + key + separator + quote + value + quote + tail
    if kind == "comment":
        return draw(COMMENT)
    if kind == "blank":
        return ""
    if kind == "garbage":
        return draw(fragments(10))
    return prefix + key + separator.rstrip() + tail


BLOBS = st.builds(lambda parts, newline: newline.join(parts), st.lists(lines(), max_size=8),
                  st.sampled_from(["\n", "\r\n", "\r"])) | fragments(40)


@pytest.fixture(scope="module")
def node_dotenv():
    """The real dotenv.parse, as a co-process answering one blob per line."""
    node = shutil.which("node")
    installed = (NODE_PREFIX / "node_modules" / "dotenv" / "package.json").exists()
    if not node or not installed:
        if os.environ.get("CI"):
            pytest.fail("node and dotenv@16.4.5 are required in CI (make test installs dotenv into .build/node)")
        pytest.skip("node or dotenv@16.4.5 is not installed; `make test` installs it into .build/node")
    version = json.loads((NODE_PREFIX / "node_modules" / "dotenv" / "package.json").read_text())["version"]
    assert version == "16.4.5"
    process = subprocess.Popen([node, str(SCRIPT), str(NODE_PREFIX)], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, text=True, encoding="utf-8")

    def parse_with_node(blob):
        process.stdin.write(json.dumps(blob) + "\n")
        process.stdin.flush()
        return dict(json.loads(process.stdout.readline()))

    yield parse_with_node
    process.stdin.close()
    process.wait(timeout=10)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(blob=BLOBS)
def test_same_answers_as_dotenv_16_4_5(node_dotenv, blob):
    assert parse(blob) == node_dotenv(blob)


@settings(max_examples=300, deadline=None)
@given(key=KEYS, value=st.text(max_size=20))
def test_serialized_values_read_back_identically_here_and_in_dotenv(node_dotenv, key, value):
    try:
        written = serialize(key, value)
    except DokployError:
        return
    line = "%s=%s" % (key, written)
    assert parse(line) == {key: value}
    assert node_dotenv(line) == {key: value}


def open_quotes(blob):
    """Whether a line holds an odd number of some quote: dotenv may then read across lines."""
    return any(line.count(quote) % 2 for line in blob.splitlines() for quote in "'\"`")


def writable(key, value):
    try:
        serialize(key, value)
    except DokployError:
        return False
    return True


@settings(max_examples=300, deadline=None)
@given(blob=BLOBS, updates=st.dictionaries(KEYS, st.text(alphabet=st.sampled_from(TRICKY[:-1]), max_size=10),
                                           max_size=3))
def test_merge_reads_back_as_asked_and_keeps_untouched_bytes(blob, updates):
    before = parse(blob)
    updates = dict((k, v) for k, v in updates.items() if writable(k, v))
    try:
        result, added, changed, removed = merge(blob, updates)
    except DokployError:
        # Refusing is right only where lines interact; a well-formed blob always merges.
        assert open_quotes(blob)
        return
    expected = dict(before, **updates)
    assert parse(result) == expected
    assert removed == []
    assert sorted(added) == sorted(k for k in updates if k not in before)
    assert sorted(changed) == sorted(k for k in updates if k in before and before[k] != updates[k])
    if not changed:
        # Only new keys: the old blob is still there, byte for byte, at the start (or, rarely, the end).
        assert blob in result


@settings(max_examples=300, deadline=None)
@given(blob=BLOBS, data=st.data())
def test_removing_a_key_removes_only_its_lines(blob, data):
    before = parse(blob)
    if not before:
        return
    key = data.draw(st.sampled_from(sorted(before)))
    try:
        result, added, changed, removed = merge(blob, {}, remove=[key])
    except DokployError:
        assert open_quotes(blob)
        return
    assert removed == [key] and added == [] and changed == []
    assert parse(result) == dict((k, v) for k, v in before.items() if k != key)
    kept = [e for e in entries(blob) if e.key != key]
    for entry in kept:
        assert blob[entry.line_start:entry.line_end] in result


CRAFTED = (
    "# Production settings\r\n"
    "export DATABASE_URL=postgres://db:5432/app\r\n"
    "\r\n"
    "GREETING='hello world'   # quoted on purpose\r\n"
    "MULTI=\"line one\nline two\"\r\n"
    "SPACED = x y z\r\n"
    "EMPTY=\r\n"
    "KEEP=`back ticks`\r\n"
)


def test_changing_one_key_keeps_every_other_byte():
    result, added, changed, removed = merge(CRAFTED, {"SPACED": "new value"})
    assert changed == ["SPACED"] and added == [] and removed == []
    assert result == CRAFTED.replace("SPACED = x y z", "SPACED = new value")


def test_new_keys_are_appended_with_the_blobs_line_ending():
    result = merge(CRAFTED, {"NEW": "a b", "HASH": "x#y"})[0]
    assert result == CRAFTED + "NEW=a b\r\nHASH='x#y'\r\n"
    assert merge("A=1", {"B": "2"})[0] == "A=1\nB=2\n"


def test_removing_a_multi_line_value_removes_all_its_lines():
    result = merge(CRAFTED, {}, remove=["MULTI"])[0]
    assert result == CRAFTED.replace("MULTI=\"line one\nline two\"\r\n", "")


def test_exclusive_keeps_comments_and_only_the_listed_keys():
    result = merge(CRAFTED, {"KEEP": "back ticks"}, exclusive=True)[0]
    assert result == "# Production settings\r\n\r\nKEEP=`back ticks`\r\n"


def test_the_last_duplicate_counts_and_every_copy_is_removed():
    blob = "A=1\nB=2\nA=3\n"
    assert parse(blob) == {"A": "3", "B": "2"} and duplicates(blob) == ["A"]
    assert merge(blob, {"A": "4"})[0] == "A=1\nB=2\nA=4\n"
    assert merge(blob, {}, remove=["A"])[0] == "B=2\n"


@pytest.mark.parametrize("value, written", [
    ("plain", "plain"), ("two words", "two words"), ("", ""), (" padded", "' padded'"), ("a#b", "'a#b'"),
    ("it's", "it's"), ("'quoted'", "\"'quoted'\""), ("line\nbreak", "'line\nbreak'"),
    ("it's a \\n", "it's a \\n"), ("\" it's", "`\" it's`"), ("a\rb", '"a\\rb"'), ("a\r\nb", '"a\\r\nb"'),
])
def test_values_are_quoted_only_when_needed(value, written):
    assert serialize("K", value) == written
    assert parse("K=" + written) == {"K": value}


@pytest.mark.parametrize("value", ["'\"`", "\"\r"])
def test_a_value_dotenv_cannot_read_back_is_refused_by_key_name(value):
    with pytest.raises(DokployError, match="the value of K cannot be written"):
        serialize("K", value)


@pytest.mark.parametrize("key", ["has space", "é", "__proto__", "a=b", ""])
def test_keys_dokploy_cannot_read_are_refused(key):
    with pytest.raises(DokployError, match="^option vars: "):
        merge("", {key: "x"})
