"""Replay a recorded Dokploy transcript against a server and compare the answers.

A transcript (transcripts/*.json) holds the steps recorded against a real
Dokploy v0.30.2: request, status, content type, body kind, response, and
`saved` (dotted paths into the response whose values later requests reuse).

Comparison rules:
  * status code, content type and body kind must match; text bodies exactly;
  * JSON objects must have the same key sets, recursively;
  * values must match, except for values that differ on every run: ids
    (keys ending in `Id`, and serial `uniqueConfigKey`s), timestamps,
    generated `appName`s, `refreshToken`s, `certificatePath`s and process ids (`pid`), docker's Go pointers, a password the server
    generated, and the id a failed insert generated for its row (first of
    the `params:` of a raw SQL error). Recorded ids and appNames are mapped
    to the replayed ones as they appear, and that mapping is applied inside text values too (a
    volume name or an error message holding an appName);
  * lists of objects with an id are matched by (mapped) id; an element
    whose id has never been seen is paired with the next unmatched one.
    Elements left over in the recording that the replay cannot have (other
    projects that existed on the recording server) are ignored.
"""

import json
import re
import urllib.error
import urllib.parse
import urllib.request

TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}[T:]\d{2}[:-]\d{2}[:-]\d{2}([.-]\d{3}Z)?")
TIMESTAMP_KEYS = {"createdAt", "startedAt", "finishedAt", "updatedAt"}
GENERATED_KEYS = {"appName", "refreshToken", "uniqueConfigKey", "certificatePath", "pid"}


def is_id_key(key):
    return isinstance(key, str) and (key.endswith("Id") or key == "id")


class Replayer:
    """Replays the steps of one transcript; `keys` maps the transcript's api_key tokens."""

    def __init__(self, base_url, keys, timeout=30):
        self.base_url = base_url.rstrip("/")
        self.keys = keys
        self.timeout = timeout
        self.mapping = {}  # recorded value -> replayed value (ids, appNames)
        self.sent_strings = set()

    # ---- requests -------------------------------------------------------------

    def substitute(self, value):
        if isinstance(value, str):
            if value in self.mapping:
                return self.mapping[value]
            for old, new in self.mapping.items():
                if len(old) >= 8 and old in value:
                    value = value.replace(old, new)
            return value
        if isinstance(value, list):
            return [self.substitute(v) for v in value]
        if isinstance(value, dict):
            return {k: self.substitute(v) for k, v in value.items()}
        return value

    def send(self, request):
        method = request["method"]
        path = self.substitute(request["path"])
        headers = {}
        key = self.keys[request.get("api_key", "<default>")]
        if key is not None:
            headers["x-api-key"] = key
        data = None
        payload = request.get("query") if "query" in request else request.get("body")
        payload = self.substitute(payload)
        self._remember_sent(payload)
        if method == "GET":
            if payload:
                path += "?" + urllib.parse.urlencode({k: _query_text(v) for k, v in payload.items()})
        elif payload is not None:
            data = (payload if isinstance(payload, str) else json.dumps(payload)).encode()
            headers["content-type"] = "application/json"
        req = urllib.request.Request(self.base_url + path, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as answer:
                return answer.status, answer.headers.get("Content-Type") or "", answer.read()
        except urllib.error.HTTPError as error:
            return error.code, error.headers.get("Content-Type") or "", error.read()

    def _remember_sent(self, payload):
        if isinstance(payload, dict):
            for value in payload.values():
                if isinstance(value, str):
                    self.sent_strings.add(value)

    # ---- one step ------------------------------------------------------------

    def run_step(self, step):
        """Send the step's request; return the list of differences (empty = identical)."""
        status, content_type, raw = self.send(step["request"])
        diffs = []
        if status != step["status"]:
            diffs.append(f"status {status} != recorded {step['status']}")
        if content_type != step["content_type"]:
            diffs.append(f"content type {content_type!r} != recorded {step['content_type']!r}")
        kind = step["body_kind"]
        if kind == "empty":
            if raw:
                diffs.append(f"body {raw[:200]!r} where the recording has an empty body")
            return diffs
        if kind == "text":
            text = raw.decode("utf-8", "replace")
            if text != step["response"]:
                diffs.append(f"text {text!r} != recorded {step['response']!r}")
            return diffs
        try:
            actual = json.loads(raw)
        except ValueError:
            return diffs + [f"not JSON: {raw[:200]!r}"]
        expected = step["response"]
        self._learn_saved(step, expected, actual)
        diffs += self.compare(expected, actual, "$")
        self._learn_saved(step, expected, actual)
        return diffs

    def _learn_saved(self, step, expected, actual):
        for dotted in (step.get("saved") or {}).values():
            old, new = dig(expected, dotted), dig(actual, dotted)
            if isinstance(old, str) and isinstance(new, str):
                self.mapping[old] = new

    # ---- comparison ------------------------------------------------------------

    def compare(self, expected, actual, where, key=None):
        if key in TIMESTAMP_KEYS:
            return [] if type(expected) is type(actual) else [f"{where}: {actual!r} is not like {expected!r}"]
        if is_id_key(key) or key in GENERATED_KEYS:
            if isinstance(expected, str) and isinstance(actual, str):
                known = self.mapping.setdefault(expected, actual)
                # A reference must point where the replay's own ids point.
                return [] if known == actual else [f"{where}: {actual!r} is not the replayed {known!r}"]
            if type(expected) is type(actual) and (expected is None or key == "uniqueConfigKey"):
                return []
            return [] if expected == actual else [f"{where}: {actual!r} != recorded {expected!r}"]
        if key == "databasePassword" and isinstance(expected, str) and expected not in self.sent_strings:
            return [] if isinstance(actual, str) and actual else [f"{where}: no generated password"]
        if isinstance(expected, dict):
            return self._compare_dicts(expected, actual, where)
        if isinstance(expected, list):
            return self._compare_lists(expected, actual, where)
        if isinstance(expected, str) and isinstance(actual, str):
            wanted = normalize(self.substitute(expected))
            return [] if wanted == normalize(actual) else [f"{where}: {actual!r} != recorded {expected!r}"]
        if expected == actual and type(expected) is type(actual):
            return []
        return [f"{where}: {actual!r} != recorded {expected!r}"]

    def _compare_dicts(self, expected, actual, where):
        if not isinstance(actual, dict):
            return [f"{where}: {type(actual).__name__} where the recording has an object"]
        diffs = []
        missing, extra = set(expected) - set(actual), set(actual) - set(expected)
        if missing:
            diffs.append(f"{where}: missing keys {sorted(missing)}")
        if extra:
            diffs.append(f"{where}: extra keys {sorted(extra)}")
        # Ids and generated names first, so that the mapping is known when text values are compared.
        for name in sorted(set(expected) & set(actual), key=lambda k: (not (is_id_key(k) or k in GENERATED_KEYS), k)):
            diffs += self.compare(expected[name], actual[name], f"{where}.{name}", key=name)
        return diffs

    def _compare_lists(self, expected, actual, where):
        if not isinstance(actual, list):
            return [f"{where}: {type(actual).__name__} where the recording has a list"]
        id_key = object_id_key(expected) or object_id_key(actual)
        if id_key is None:
            if len(expected) != len(actual):
                return [f"{where}: {len(actual)} elements where the recording has {len(expected)}"]
            diffs = []
            for index, (old, new) in enumerate(zip(expected, actual)):
                diffs += self.compare(old, new, f"{where}[{index}]")
            return diffs
        return self._compare_by_id(expected, actual, where, id_key)

    def _compare_by_id(self, expected, actual, where, id_key):
        by_id = {item.get(id_key): item for item in actual if isinstance(item, dict)}
        unmatched = [item for item in actual if isinstance(item, dict)]
        pairs, leftovers = [], []
        for old in expected:
            new = by_id.get(self.mapping.get(old.get(id_key)))
            if new is not None and new in unmatched:
                unmatched.remove(new)
                pairs.append((old, new))
            else:
                leftovers.append(old)
        diffs = []
        for old in leftovers:
            if old.get(id_key) in self.mapping:
                diffs.append(f"{where}: element {id_key}={old.get(id_key)} is missing")
            elif unmatched:
                pairs.append((old, unmatched.pop(0)))
            # else: recorded on a server holding more than this scenario created
        for old, new in pairs:
            diffs += self.compare(old, new, f"{where}[{id_key}={old.get(id_key)}]")
        for new in unmatched:
            diffs.append(f"{where}: unexpected element {json.dumps(new)[:200]}")
        return diffs


def object_id_key(items):
    first = next((item for item in items if isinstance(item, dict)), None)
    if first is None:
        return None
    return next((k for k in first if is_id_key(k)), None)


# A failed insert's raw SQL error lists its params, the first being the id generated for the row.
FAILED_INSERT_ID = re.compile(r"(?<=\nparams: )[\w-]{21}(?=,)")
# docker's Go error texts print a pointer that differs on every run.
GO_POINTER = re.compile(r"0xc[0-9a-f]{9}")


def normalize(text):
    return GO_POINTER.sub("0x<ptr>", FAILED_INSERT_ID.sub("<id>", TIMESTAMP.sub("<time>", text)))


def dig(value, dotted):
    for part in dotted.split("."):
        if isinstance(value, list):
            value = value[int(part)] if part.isdigit() and int(part) < len(value) else None
        elif isinstance(value, dict):
            value = value.get(part)
        else:
            return None
    return value


def _query_text(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
