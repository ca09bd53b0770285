"""Input validation with the error bodies of Dokploy's zod v4 schemas.

Dokploy validates every procedure input with zod v4 and answers a 400 whose
body carries zod's issues. The request schemas in openapi.json are the JSON
Schema rendering of those zod schemas, so walking them reproduces zod's
issues (codes, key order, messages) for the cases clients hit: missing or
wrongly typed fields, enums, string lengths, numeric bounds and patterns.
"""

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


def js_number(text):
    """JavaScript's Number(text): blank is 0, anything unparsable NaN."""
    try:
        number = float(text) if text.strip() else 0.0
    except ValueError:
        return float("nan")
    return int(number) if number.is_integer() else number


def _enum_issue(values, path):
    if len(values) == 1:
        message = f"Invalid input: expected {_js(values[0])}"
    else:
        message = "Invalid option: expected one of " + "|".join(_js(v) for v in values)
    return {"code": "invalid_value", "values": list(values), "path": path, "message": message}


def _js(value):
    return f'"{value}"' if isinstance(value, str) else str(value).lower()


def validate(schema, value, path=()):
    """Return zod-like issues for `value` against a JSON schema."""
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
        issues.append({
            "origin": "string", "code": "invalid_format", "format": "regex",
            "pattern": f"/{pattern}/", "path": path,
            "message": PATTERN_MESSAGES.get(pattern, f"Invalid string: must match pattern /{pattern}/"),
        })
    return issues


def _python_regex(pattern):
    # JavaScript allows an unescaped "[" inside a character class; Python warns about it.
    return pattern.replace("=[\\]", "=\\[\\]")


def _check_number(schema, value, path):
    if isinstance(value, str) and schema.get("type") == "number":
        # Dokploy's plain z.number() inputs coerce JSON strings ("3" is 3, "30s" NaN); integer ones do not.
        value = js_number(value)
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
            if name in required:
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
    optional_before = is_nullable(field) or "default" in field or (
        all_required and field.get("type") == "boolean")
    if optional_before and all_required:
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


def apply_defaults(schema, value):
    """Fill top-level defaults the way zod's .default() does."""
    if not isinstance(value, dict):
        return value
    for name, field in schema.get("properties", {}).items():
        if name not in value and "default" in field:
            value[name] = field["default"]
    return value


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
        field = schema.get("properties", {}).get(name)
        kind = expected_name(field) if field else "string"
        if kind == "number":
            out[name] = js_number(raw)
        elif kind == "boolean":
            out[name] = raw != ""
        else:
            out[name] = raw
    return out
