# -*- coding: utf-8 -*-
# Copyright (c) community.dokploy contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The one HTTP client every module and plugin of this collection talks to Dokploy through.

Private to the collection (hence the leading underscore): its API may change
between minor releases.

Dokploy's transport (see docs/docsite/rst/api_notes.rst):
* every procedure is ``/api/<router>.<procedure>``;
* queries are GET with their input as query parameters, mutations are POST
  with a JSON body;
* the API key travels in the ``x-api-key`` header; the option ``headers`` adds headers of the user's
  (an access proxy's, such as Cloudflare Access), which may not replace the client's own.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import re
import sys
import time
import traceback

REQUESTS_IMPORT_ERROR = None
try:
    import requests
    from requests.adapters import HTTPAdapter
except ImportError:
    REQUESTS_IMPORT_ERROR = traceback.format_exc()
    HAS_REQUESTS = False
else:
    HAS_REQUESTS = True

from ansible_collections.community.dokploy.plugins.module_utils._secrets import SECRET_MASK, Secrets

USER_AGENT = "community.dokploy/0.1.0"
__all__ = ["SECRET_MASK", "DokployClient", "DokployError", "WriteOutcomeUnknown", "check_headers"]

# What a user who lacks requests can do: it is missing where Ansible runs the module, which is rarely the Python
# that runs Ansible itself unless ansible_python_interpreter says so.
REQUESTS_HINT = (
    "; for hosts: localhost, set ansible_python_interpreter to {{ ansible_playbook_python }} (the Python that runs "
    "Ansible) or install requests (pip install 'requests>=2.25') for the interpreter Ansible uses")

# Headers the client sets itself: the option headers may not replace them (the header names, lower case).
RESERVED_HEADERS = ("x-api-key", "content-type", "accept")
# A header name is an RFC 9110 token.
HEADER_NAME = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")

# Statuses after which the request was not applied and may simply be sent again.
NOT_APPLIED_STATUSES = (429,)
# Statuses a reverse proxy answers when Dokploy is restarting or slow: the request may or may not
# have reached Dokploy.
UNKNOWN_OUTCOME_STATUSES = (502, 503, 504)
DEFAULT_RETRIES = 3
DEFAULT_BACKOFF = 0.5
MAX_RETRY_AFTER = 30

# Writes that must never be sent twice blindly: a second create makes a second object, a second
# trigger a second run. Every other write (update, save*, remove, delete, changePassword...) leaves
# the same state when repeated, so it is retried like a read.
ONCE_PREFIXES = ("create", "deploy", "redeploy", "start", "stop", "reload", "saveExternalPort", "manualBackup",
                 "runManually", "duplicate", "generate", "assign", "bulkAssign", "setup", "test", "cancel",
                 "import", "copy")

UNAUTHORIZED_HINT = (
    "the API key is wrong, revoked, belongs to another organization, "
    "or its rate limit is used up"
)


def repeatable(procedure):
    """Whether sending this write twice leaves the same state as sending it once."""
    name = procedure.rsplit(".", 1)[-1]
    return not name.startswith(ONCE_PREFIXES)


def option_name(field):
    """``publishedPort`` -> ``published_port``: how an API field reads as a module option."""
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", field).lower()


def check_headers(headers, where="option headers"):
    """The extra headers of the option ``headers`` as a dict of str to str, or an error naming ``where``.

    Header names are named in messages, their values never (they are credentials: an access proxy's token).
    """
    if headers is None:
        return {}
    if not isinstance(headers, dict):
        raise DokployError("%s: must be a mapping of header names to values" % where)
    checked = {}
    seen = {}
    for name, value in headers.items():
        if not isinstance(name, str) or not HEADER_NAME.match(name):
            # Not quoted: a mistyped name may hold a value ("CF-Access-Client-Secret: ...").
            raise DokployError("%s: a header name is not valid (a header name is made of letters, digits and "
                               "!#$%%&'*+-.^_`|~ only)" % where)
        if name.lower() in RESERVED_HEADERS:
            hint = " (set api_key instead)" if name.lower() == "x-api-key" else ""
            raise DokployError("%s: may not set %s, a header the client sets itself%s" % (where, name, hint))
        if name.lower() in seen:
            raise DokployError("%s: names the header %s twice (%s and %s; header names ignore case)"
                               % (where, name, seen[name.lower()], name))
        seen[name.lower()] = name
        if not isinstance(value, str):
            raise DokployError("%s: the value of header %s must be a string" % (where, name))
        if value != value.strip() or any(ord(c) < 32 or ord(c) == 127 or ord(c) > 255 for c in value):
            raise DokployError("%s: the value of header %s starts or ends with whitespace, or holds a line break, "
                               "a control character or a character beyond Latin-1, which HTTP headers cannot carry"
                               % (where, name))
        checked[name] = value
    return checked


class DokployError(Exception):
    """Any failure talking to Dokploy: transport, HTTP status or Dokploy's own error.

    ``status`` is the HTTP status (None when no answer came), ``code`` Dokploy's
    error code (``BAD_REQUEST``, ``NOT_FOUND``...), ``message`` one line for a
    human, ``field_errors`` the zod validation errors by option name.
    """

    def __init__(self, message, status=None, code=None, procedure=None, field_errors=None):
        super(DokployError, self).__init__(message)
        self.message = message
        self.status = status
        self.code = code
        self.procedure = procedure
        self.field_errors = field_errors or {}

    def __str__(self):
        return self.message

    def with_option_names(self, field_to_option):
        """Rename zod field errors to the module option names that produced them.

        ``field_to_option`` maps API field names (``dockerImage``) to option
        names (``docker_image``); unmapped fields read as options too
        (``publishedPort`` -> ``published_port``).
        Returns a new error whose message names the options at fault.
        """
        renamed = {}
        for field, errors in self.field_errors.items():
            renamed[field_to_option.get(field) or option_name(field)] = errors
        message = self.message
        if renamed:
            message = "; ".join(
                "option %s: %s" % (name, "; ".join(errors)) for name, errors in sorted(renamed.items())
            )
        return type(self)(message, status=self.status, code=self.code,
                          procedure=self.procedure, field_errors=renamed)

    def to_result(self):
        """The structured part of a failure, for ``fail_json``."""
        return {
            "msg": self.message,
            "status": self.status,
            "dokploy_code": self.code,
            "procedure": self.procedure,
            "field_errors": self.field_errors,
        }


class WriteOutcomeUnknown(DokployError):
    """A write whose answer was lost (reset, timeout, 502/503/504): it may or may not have been applied."""


def normalize_base_url(api_url):
    """Turn what a user types into the API root, ``https://host[/prefix]/api``.

    Accepts the panel URL or the API URL, with or without a trailing slash.
    """
    if not api_url or not isinstance(api_url, str):
        raise DokployError("option api_url: is required (or set DOKPLOY_URL), e.g. https://dokploy.example.com")
    url = api_url.strip().rstrip("/")
    if "://" not in url:
        raise DokployError("option api_url: %r is not an http(s) URL, e.g. https://dokploy.example.com" % api_url)
    scheme = url.split("://", 1)[0].lower()
    if scheme not in ("http", "https"):
        raise DokployError("option api_url: scheme %r is not http or https" % scheme)
    if url.endswith("/api"):
        url = url[:-len("/api")]
    return url + "/api"


def _cache_key(procedure, params):
    return procedure, tuple(sorted(params.items()))


def _query_value(value):
    """Query parameters are strings: render booleans as Dokploy's parser expects."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


class _Attempt(Exception):
    """One failed attempt: ``kind`` is "not_sent" (safe to resend), "unknown" (may have landed) or "busy"."""

    def __init__(self, kind, reason, status=None, retry_after=None):
        super(_Attempt, self).__init__(reason)
        self.kind = kind
        self.reason = reason
        self.status = status
        self.retry_after = retry_after


class DokployClient:
    """A session with one Dokploy server, authenticated with one API key.

    Reads and repeatable writes (see :func:`repeatable`) are retried on connection errors and
    429/502/503/504 with a bounded exponential backoff. A create or trigger whose answer was lost
    is never resent here: it raises :class:`WriteOutcomeUnknown` and the caller looks again.
    """

    def __init__(self, api_url, api_key, validate_certs=True, ca_path=None, timeout=30,
                 retries=DEFAULT_RETRIES, backoff_factor=DEFAULT_BACKOFF, secrets=None, headers=None):
        if not HAS_REQUESTS:
            raise DokployError("the Python library requests is required: install it (pip install 'requests>=2.25') "
                               "for the Python that runs Ansible, %s" % sys.executable)
        if not api_key:
            raise DokployError("option api_key: is required (or set DOKPLOY_API_KEY)")
        self.base_url = normalize_base_url(api_url)
        extra_headers = check_headers(headers)
        self.secrets = secrets if secrets is not None else Secrets()
        # The key and the extra headers' values are credentials: no message may quote them, even when Dokploy does.
        self.secrets.add(api_key)
        for value in extra_headers.values():
            self.secrets.add(value)
        self.timeout = timeout
        self.retries = max(0, retries)
        self.backoff_factor = backoff_factor
        if validate_certs and ca_path and not os.path.exists(ca_path):
            raise DokployError("option ca_path: %s does not exist (give the CA certificate file of the server, "
                               "in PEM)" % ca_path)
        # requests' ``verify`` takes either a bool or a CA bundle path. It is passed on every request
        # too: requests lets REQUESTS_CA_BUNDLE/CURL_CA_BUNDLE override a session's setting, not a
        # request's, and validate_certs/ca_path must mean exactly what they say.
        self.verify = ca_path if (validate_certs and ca_path) else bool(validate_certs)
        self.session = requests.Session()
        self.session.verify = self.verify
        self.session.headers.update({
            "x-api-key": api_key,
            "Accept": "application/json",
            "User-Agent": USER_AGENT,
        })
        self.session.headers.update(extra_headers)
        # Retries are this client's (see _request): urllib3 must not resend anything by itself.
        adapter = HTTPAdapter(max_retries=0)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)
        # Every request the client sent (retries included), in order: modules report them and tests count them.
        self.calls = []
        # Answers of reads, kept until the next write when a module reads one tree many times (see cache_reads).
        self.read_cache = None

    # -- public API ---------------------------------------------------------

    def query(self, procedure, **params):
        """Call a read procedure (HTTP GET); ``None`` parameters are left out."""
        clean = dict((k, _query_value(v)) for k, v in params.items() if v is not None)
        if self.read_cache is None:
            return self._request("GET", procedure, params=clean)
        key = _cache_key(procedure, clean)
        if key not in self.read_cache:
            # Kept as JSON: each caller gets its own copy to change, and loading is cheaper than deepcopy.
            self.read_cache[key] = json.dumps(self._request("GET", procedure, params=clean))
        return json.loads(self.read_cache[key])

    def cache_reads(self, enabled=True):
        """Answer a read sent again from memory until the next write (which may change any answer).

        For a module that converges many objects of one project, each reading the same tree and services;
        never while following a deployment, whose lists change without a write of this client.
        """
        self.read_cache = {} if enabled else None

    def known_answer(self, procedure, answer, **params):
        """Tell the cache the answer a read would give, when another read's answer holds it exactly."""
        if self.read_cache is not None:
            clean = dict((k, _query_value(v)) for k, v in params.items() if v is not None)
            self.read_cache[_cache_key(procedure, clean)] = json.dumps(answer)

    def query_object(self, procedure, **params):
        """A read that must answer one object (a JSON object)."""
        return self.expect(self.query(procedure, **params), dict, procedure)

    def query_list(self, procedure, **params):
        """A read that must answer a list (``null`` reads as an empty one)."""
        return self.expect(self.query(procedure, **params) or [], list, procedure)

    def mutate(self, procedure, body=None, repeatable_write=None):
        """Call a write procedure (HTTP POST with a JSON body).

        Retried on transient faults only when repeating it is harmless (``repeatable_write``,
        by default as :func:`repeatable` classifies the procedure).
        """
        if repeatable_write is None:
            repeatable_write = repeatable(procedure)
        body = body if body is not None else {}
        self.secrets.learn(body)
        if self.read_cache is not None:
            self.read_cache.clear()
        return self._request("POST", procedure, json_body=body, resend_unknown=repeatable_write)

    def expect(self, answer, kind, procedure):
        """``answer`` when it is a ``kind`` (dict or list), else an error naming the procedure."""
        if not isinstance(answer, kind):
            raise DokployError(
                "%s: Dokploy answered %s where %s was expected; is api_url (%s) a Dokploy v0.30 server?"
                % (procedure, _describe(answer), "an object" if kind is dict else "a list", self.base_url),
                procedure=procedure)
        return answer

    @property
    def writes(self):
        """The write procedures this client sent, in order."""
        return [procedure for method, procedure in self.calls if method == "POST"]

    def redact(self, text):
        """Remove every secret seen in this run (the API key first of all) from a text that may leave the module."""
        return self.secrets.redact(text)

    # -- internals ----------------------------------------------------------

    def _request(self, method, procedure, params=None, json_body=None, resend_unknown=True):
        url = "%s/%s" % (self.base_url, procedure)
        started = time.time()
        attempt = 0
        while True:
            try:
                return self._attempt(method, procedure, url, params, json_body)
            except _Attempt as failed:
                retry = failed.kind in ("not_sent", "busy") or resend_unknown
                if not retry or attempt >= self.retries:
                    raise self._gave_up(method, procedure, failed, attempt + 1, time.time() - started)
                delay = self.backoff_factor * (2 ** attempt)
                if failed.retry_after is not None:
                    delay = max(delay, min(failed.retry_after, MAX_RETRY_AFTER))
                time.sleep(delay)
                attempt += 1

    def _attempt(self, method, procedure, url, params, json_body):
        self.calls.append((method, procedure))
        try:
            response = self.session.request(
                method, url, params=params, json=json_body, timeout=self.timeout,
                allow_redirects=False, verify=self.verify,
            )
        except requests.exceptions.SSLError as exc:
            raise DokployError(self.redact(
                "%s: TLS verification of %s failed (set ca_path to the CA that signed it, or validate_certs: false "
                "for a test server): %s" % (procedure, self.base_url, _reason(exc))), procedure=procedure)
        except requests.exceptions.ConnectTimeout:
            raise _Attempt("not_sent", "no connection within %s seconds (option timeout)" % self.timeout)
        except requests.exceptions.ReadTimeout:
            raise _Attempt("unknown", "no answer within %s seconds (option timeout)" % self.timeout)
        except requests.exceptions.ConnectionError as exc:
            raise _Attempt("not_sent" if _never_sent(exc) else "unknown", _reason(exc))
        except requests.exceptions.RequestException as exc:
            raise DokployError(self.redact("%s: request to %s failed: %s" % (procedure, self.base_url, _reason(exc))),
                               procedure=procedure)
        status = response.status_code
        if status in NOT_APPLIED_STATUSES:
            raise _Attempt("busy", "HTTP %s (rate limited)" % status, status, _retry_after(response))
        if status in UNKNOWN_OUTCOME_STATUSES:
            raise _Attempt("unknown", "HTTP %s %s" % (status, response.reason or ""), status, _retry_after(response))
        return self._parse(procedure, response)

    def _gave_up(self, method, procedure, failed, attempts, elapsed):
        tries = "" if attempts == 1 else " (%d attempts in %.0f s)" % (attempts, elapsed)
        if failed.kind == "unknown" and method == "POST":
            message = ("%s: %s: %s%s; the request may have been applied: check the object in Dokploy, or run the "
                       "task again (it looks the object up before writing)"
                       % (procedure, self.base_url, failed.reason, tries))
            return WriteOutcomeUnknown(self.redact(message), status=failed.status, procedure=procedure)
        if failed.kind == "not_sent":
            message = "%s: cannot reach %s: %s%s" % (procedure, self.base_url, failed.reason, tries)
        else:
            message = "%s: %s kept failing: %s%s" % (procedure, self.base_url, failed.reason, tries)
        return DokployError(self.redact(message), status=failed.status, procedure=procedure)

    def _parse(self, procedure, response):
        text = response.text
        status = response.status_code
        if 300 <= status < 400:
            raise DokployError(self.redact(
                "%s: %s answered HTTP %s, a redirect to %s: set api_url to the address Dokploy answers on itself "
                "(a redirect here usually means http instead of https, or a login page in front of Dokploy)"
                % (procedure, self.base_url, status, response.headers.get("Location") or "(no Location)")),
                status=status, procedure=procedure)
        looks_html = text.lstrip()[:1] == "<"
        if 200 <= status < 300:
            if not text.strip():
                return None
            try:
                answer = response.json()
            except ValueError:
                what = "an HTML page" if looks_html else "a body that is not JSON"
                raise DokployError(self.redact(
                    "%s: %s answered %s, not Dokploy's API: check api_url (the panel URL, for example "
                    "https://dokploy.example.com)" % (procedure, self.base_url, what)),
                    status=status, procedure=procedure)
            self.secrets.learn(answer)
            return answer
        if status == 404 and not _is_json(text):
            what = "an HTML page" if looks_html else "a body that is not JSON"
            raise DokployError(self.redact(
                "%s: no Dokploy API at %s (HTTP 404 with %s): check api_url (the panel URL, for example "
                "https://dokploy.example.com)" % (procedure, self.base_url, what)),
                status=status, code="NOT_FOUND", procedure=procedure)
        raise self._http_error(procedure, status, text)

    def _http_error(self, procedure, status, text):
        try:
            body = json.loads(text) if text.strip() else {}
        except ValueError:
            body = text
        if not isinstance(body, dict):
            body = {"message": _shorten(str(body))}
        data = body.get("data") if isinstance(body.get("data"), dict) else {}
        code = body.get("code") or data.get("code")
        message = body.get("message") or "HTTP %s" % status
        zod = data.get("zodError") if isinstance(data.get("zodError"), dict) else {}
        field_errors = dict((k, list(v)) for k, v in (zod.get("fieldErrors") or {}).items())
        if status == 401:
            detail = "" if message == "Unauthorized" else " (Dokploy says: %s)" % message
            line = "%s: HTTP 401 Unauthorized: %s%s" % (procedure, UNAUTHORIZED_HINT, detail)
        elif field_errors:
            line = "%s: %s: %s" % (procedure, message, "; ".join(
                "%s: %s" % (field, "; ".join(errs)) for field, errs in sorted(field_errors.items())))
        else:
            line = "%s: HTTP %s %s: %s" % (procedure, status, code or "", message)
        field_errors = dict((k, [self.redact(e) for e in v]) for k, v in field_errors.items())
        return DokployError(self.redact(" ".join(line.split())), status=status, code=code,
                            procedure=procedure, field_errors=field_errors)


def _never_sent(exc):
    """Whether a connection error happened before the request left (refused, unknown host)."""
    reason = exc.args[0] if exc.args else None
    reason = getattr(reason, "reason", reason)
    text = "%s %s" % (type(reason).__name__, reason)
    return ("NewConnectionError" in text or "NameResolutionError" in text or "Connection refused" in text
            or "Failed to resolve" in text)


def _retry_after(response):
    try:
        return float(response.headers.get("Retry-After"))
    except (TypeError, ValueError):
        return None


def _is_json(text):
    try:
        json.loads(text)
    except ValueError:
        return False
    return True


def _describe(answer):
    if answer is None:
        return "nothing"
    if isinstance(answer, bool):
        return "%s" % str(answer).lower()
    if isinstance(answer, list):
        return "a list"
    if isinstance(answer, dict):
        return "an object"
    return "a %s" % type(answer).__name__


def _reason(exc):
    """The innermost cause of a requests exception, on one line, without the URL's query."""
    reason = exc
    while getattr(reason, "reason", None) is not None and reason.reason is not reason:
        reason = reason.reason
    for arg in getattr(exc, "args", ()):
        if hasattr(arg, "reason") and arg.reason is not None:
            reason = arg.reason
    return " ".join(str(reason).split())


def _shorten(text, limit=300):
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit] + "..."
