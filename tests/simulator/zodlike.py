"""Input validation with the error bodies of Dokploy's zod v4 schemas.

Dokploy validates every procedure input with zod v4 and answers a 400 whose
body carries zod's issues. The request schemas in openapi.json are the JSON
Schema rendering of those zod schemas, so walking them reproduces zod's
issues (codes, key order, messages) for the cases clients hit: missing or
wrongly typed fields, enums, string lengths, numeric bounds and patterns.
"""

import copy
import math
import re

# Patterns whose zod schema carries its own message (packages/server/src/db/schema/utils.ts).
PATTERN_MESSAGES = {
    r"^[a-zA-Z0-9@#%^&*()_+\-=[\]{}|;:,.<>?~`]*$":
        "Password contains invalid characters. Please avoid: $ ! ' \" \\ / and space "
        "characters for database compatibility",
    r"^[a-zA-Z0-9._-]+$":
        "App name can only contain letters, numbers, dots, underscores and hyphens",
    r"^[a-zA-Z0-9][a-zA-Z0-9_.-]*$":
        "Volume name must start with a letter or number and contain only letters, "
        "numbers, dots, underscores and hyphens",
    r"^--[a-zA-Z0-9-]+(=[a-zA-Z0-9._:/@-]+)?$":  # destination additionalFlags
        "Invalid flag format. Must start with -- (e.g. --s3-sign-accept-encoding=false)",
}


def received_type(value):
    """zod's name for the type of a JSON value."""
    if value is UNDEFINED:
        return "undefined"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "NaN" if isinstance(value, float) and math.isnan(value) else "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


class _Undefined:
    def __repr__(self):
        return "undefined"


UNDEFINED = _Undefined()


def non_null_branches(schema):
    return [s for s in schema.get("anyOf", []) if s.get("type") != "null"]


def is_nullable(schema):
    return any(s.get("type") == "null" for s in schema.get("anyOf", []))


def expected_name(schema):
    """The `expected` zod reports for a schema (first non-null branch)."""
    if "anyOf" in schema:
        branches = non_null_branches(schema)
        return expected_name(branches[0]) if branches else "null"
    kind = schema.get("type")
    if kind == "integer":
        return "number"  # z.number().int(): the type check comes first
    return kind or "object"


def _type_issue(schema, value, path):
    expected = expected_name(schema)
    issue = {"expected": expected, "code": "invalid_type"}
    if received_type(value) == "NaN":
        issue["received"] = "NaN"  # zod names it only for NaN (a coerced number that did not parse)
    issue.update(path=path, message=f"Invalid input: expected {expected}, received {received_type(value)}")
    return issue


def _enum_issue(values, path):
    if len(values) == 1:
        message = f"Invalid input: expected {_js(values[0])}"
    else:
        message = "Invalid option: expected one of " + "|".join(_js(v) for v in values)
    return {"code": "invalid_value", "values": list(values), "path": path, "message": message}


def _js(value):
    return f'"{value}"' if isinstance(value, str) else str(value).lower()


def validate(schema, value, path=()):
    """Return zod-like issues for `value` against a JSON schema (the whole input: after
    coerce_numbers, which may rewrite number texts inside it)."""
    if path == ():
        coerce_numbers(schema, value)
    path = list(path)
    if "anyOf" in schema:
        if value is None and is_nullable(schema):
            return []
        branches = non_null_branches(schema)
        if len(branches) == 1:
            return validate(branches[0], value, path)
        for branch in branches:
            if not validate(branch, value, path):
                return []
        if value is None or value is UNDEFINED:
            return [_type_issue(schema, value, path)]
        return [{"code": "invalid_union", "errors": [], "path": path, "message": "Invalid input"}]
    if "enum" in schema:
        if value not in schema["enum"] or isinstance(value, bool):
            return [_enum_issue(schema["enum"], path)]
        return []
    kind = schema.get("type")
    checker = _CHECKERS.get(kind)
    return checker(schema, value, path) if checker else []


def _check_string(schema, value, path):
    if not isinstance(value, str):
        return [_type_issue(schema, value, path)]
    issues = []
    if "minLength" in schema and len(value) < schema["minLength"]:
        issues.append({
            "origin": "string", "code": "too_small", "minimum": schema["minLength"],
            "inclusive": True, "path": path,
            "message": f"Too small: expected string to have >={schema['minLength']} characters",
        })
    if "maxLength" in schema and len(value) > schema["maxLength"]:
        issues.append({
            "origin": "string", "code": "too_big", "maximum": schema["maxLength"],
            "inclusive": True, "path": path,
            "message": f"Too big: expected string to have <={schema['maxLength']} characters",
        })
    pattern = schema.get("pattern")
    if pattern is not None and not re.search(_python_regex(pattern), value):
        # z.string().email() shows in the document as format "email" plus its pattern.
        email = schema.get("format") == "email"
        issues.append({
            "origin": "string", "code": "invalid_format", "format": "email" if email else "regex",
            "pattern": f"/{pattern}/", "path": path,
            "message": "Invalid email address" if email else PATTERN_MESSAGES.get(
                pattern, f"Invalid string: must match pattern /{pattern}/"),
        })
    return issues


def _python_regex(pattern):
    # JavaScript allows an unescaped "[" inside a character class; Python warns about it.
    return pattern.replace("=[\\]", "=\\[\\]")


def _check_number(schema, value, path):
    if isinstance(value, bool) or not isinstance(value, (int, float)) or (
            isinstance(value, float) and math.isnan(value)):
        return [_type_issue(schema, value, path)]
    if schema.get("type") == "integer" and float(value) != int(value):
        return [{"expected": "int", "format": "safeint", "code": "invalid_type", "path": path,
                 "message": "Invalid input: expected int, received number"}]
    issues = []
    if "minimum" in schema and value < schema["minimum"]:
        issues.append({
            "origin": "number", "code": "too_small", "minimum": schema["minimum"],
            "inclusive": True, "path": path,
            "message": f"Too small: expected number to be >={schema['minimum']}",
        })
    if "maximum" in schema and value > schema["maximum"]:
        issues.append({
            "origin": "number", "code": "too_big", "maximum": schema["maximum"],
            "inclusive": True, "path": path,
            "message": f"Too big: expected number to be <={schema['maximum']}",
        })
    return issues


def _check_boolean(schema, value, path):
    return [] if isinstance(value, bool) else [_type_issue(schema, value, path)]


def _check_array(schema, value, path):
    if not isinstance(value, list):
        return [_type_issue(schema, value, path)]
    issues = []
    items = schema.get("items")
    if items:
        for index, item in enumerate(value):
            issues += validate(items, item, path + [index])
    if "minItems" in schema and len(value) < schema["minItems"]:
        issues.append({
            "origin": "array", "code": "too_small", "minimum": schema["minItems"],
            "inclusive": True, "path": path,
            "message": f"Too small: expected array to have >={schema['minItems']} items",
        })
    return issues


def _check_object(schema, value, path):
    if not isinstance(value, dict):
        return [_type_issue(schema, value, path)]
    issues = []
    required = set(schema.get("required", ()))
    properties = schema.get("properties", {})
    # A schema built with zod's .required() lists every property as required;
    # its formerly optional fields then report "expected nonoptional".
    all_required = bool(properties) and required >= set(properties)
    for name, field in properties.items():
        if name not in value:
            # nonoptional(x.default(d)) passes: apply_defaults fills it in
            if name in required and _default_of(field) is UNDEFINED:
                issues.append(_missing_issue(field, path + [name], all_required))
            continue
        issues += validate(field, value[name], path + [name])
    extra = [key for key in value if key not in properties]
    rule = schema.get("additionalProperties")
    if rule is False and extra:  # a z.strictObject / .strict()
        issues.append({"code": "unrecognized_keys", "keys": extra, "path": path,
                       "message": f"Unrecognized key{'s' if len(extra) > 1 else ''}: "
                                  + ", ".join(f'"{key}"' for key in extra)})
    elif isinstance(rule, dict):  # a z.record: every value follows one schema
        for key in extra:
            issues += validate(rule, value[key], path + [key])
    return issues


def _missing_issue(field, path, all_required):
    # A required nullable field is one that .required() wrapped in nonoptional (drizzle-zod makes
    # nullable columns optional too); so is one with a default, the booleans of an all-required schema,
    # and the fields a router names in NONOPTIONAL (routers/__init__.py).
    if field.get("x-nonoptional") or is_nullable(field) or "default" in field or (
            all_required and field.get("type") == "boolean"):
        return {
            "code": "invalid_type", "expected": "nonoptional", "path": path,
            "message": "Invalid input: expected nonoptional, received undefined",
        }
    if "enum" in field:
        return _enum_issue(field["enum"], path)
    return _type_issue(field, UNDEFINED, path)


_CHECKERS = {
    "string": _check_string,
    "number": _check_number,
    "integer": _check_number,
    "boolean": _check_boolean,
    "array": _check_array,
    "object": _check_object,
}


def coerce_numbers(schema, value):
    """Read number texts of optional fields like JavaScript's Number() does, in place.

    Dokploy's OpenAPI adapter sets zod's `coerce` on every number field it can unwrap from
    optional/nullable/default, recursing into objects; a `.required()` schema wraps its fields
    in nonoptional, which it does not unwrap. So `keepLatestCount: "3"` is read as 3 and
    `stopGracePeriodSwarm: "30s"` as NaN, while a required `port: "22"` stays a string (all
    three as recorded)."""
    if not isinstance(value, dict):
        return
    required = set(schema.get("required", ()))
    for name, field in schema.get("properties", {}).items():
        if name in required or name not in value:
            continue
        inner = _unwrap_nullable(field)
        if inner.get("type") == "number" and isinstance(value[name], str):
            value[name] = js_number(value[name])
        elif inner.get("type") == "object":
            coerce_numbers(inner, value[name])


def _unwrap_nullable(schema):
    """The schema under its `anyOf [x, null]` wrappings."""
    while "anyOf" in schema and len(non_null_branches(schema)) == 1:
        schema = non_null_branches(schema)[0]
    return schema


JS_DECIMAL = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
JS_RADIX = re.compile(r"0(?:[xX][0-9a-fA-F]+|[oO][0-7]+|[bB][01]+)")


def js_number(text):
    """JavaScript's Number(text): trimmed, "" is 0, decimal or 0x/0o/0b literals, else NaN."""
    text = text.strip()
    if not text:
        return 0
    if JS_DECIMAL.fullmatch(text):
        number = float(text)
    elif JS_RADIX.fullmatch(text):
        number = float(int(text, 0))
    else:
        return float("nan")
    return int(number) if number.is_integer() else number


def apply_defaults(schema, value):
    """Fill top-level defaults the way zod's .default() does."""
    if not isinstance(value, dict):
        return value
    for name, field in schema.get("properties", {}).items():
        if name not in value and _default_of(field) is not UNDEFINED:
            value[name] = copy.deepcopy(_default_of(field))  # stored records must not share the schema's
    return value


def _default_of(field):
    """A field's zod default, also one under its nullable/optional wrapping; else UNDEFINED."""
    if "default" in field:
        return field["default"]
    for branch in field.get("anyOf", ()):
        found = _default_of(branch)
        if found is not UNDEFINED:
            return found
    return UNDEFINED


def flatten(issues):
    """zod's error.flatten(): formErrors and fieldErrors."""
    form_errors, field_errors = [], {}
    for issue in issues:
        if issue["path"]:
            field_errors.setdefault(str(issue["path"][0]), []).append(issue["message"])
        else:
            form_errors.append(issue["message"])
    return {"formErrors": form_errors, "fieldErrors": field_errors}


def coerce_query(schema, params):
    """Turn query-string values into the types the schema asks for.

    Dokploy's OpenAPI adapter (@dokploy/trpc-openapi) coerces query
    parameters like z.coerce: numbers are parsed as JavaScript's Number()
    does (an unparsable one becomes NaN, which zod rejects) and booleans are
    Boolean(text), so any non-empty text, "false" included, is true.
    """
    out = {}
    for name, raw in params.items():
        if raw == "":
            continue  # the adapter reads an empty value as missing (recorded: `search=`, `id=`)
        field = schema.get("properties", {}).get(name)
        kind = expected_name(field) if field else "string"
        if kind == "number":
            out[name] = js_number(raw)
        elif kind == "boolean":
            out[name] = raw != ""
        else:
            out[name] = raw
    return out
