# -*- coding: utf-8 -*-
# Copyright (c) community.dokploy contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The one HTTP client every module and plugin of this collection talks to Dokploy through.

Private to the collection (hence the leading underscore): its API may change
between minor releases.

Dokploy's transport (see docs/api-notes in this repository):
* every procedure is ``/api/<router>.<procedure>``;
* queries are GET with their input as query parameters, mutations are POST
  with a JSON body;
* the API key travels in the ``x-api-key`` header.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import traceback

REQUESTS_IMPORT_ERROR = None
try:
    import requests
    from requests.adapters import HTTPAdapter
    from urllib3.util.retry import Retry
except ImportError:
    REQUESTS_IMPORT_ERROR = traceback.format_exc()
    HAS_REQUESTS = False

    class Retry:  # pylint: disable=too-few-public-methods
        """Stand-in so this file imports without requests; never used then."""
else:
    HAS_REQUESTS = True

USER_AGENT = "community.dokploy/0.1.0"
SECRET_MASK = "********"

# Statuses a reverse proxy or the server answers when a retry may succeed.
RETRY_STATUSES = (429, 502, 503, 504)
DEFAULT_RETRIES = 3
DEFAULT_BACKOFF = 0.5

UNAUTHORIZED_HINT = (
    "the API key is wrong, revoked, belongs to another organization, "
    "or its rate limit is used up"
)


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
        names (``docker_image``); unmapped fields keep their API name.
        Returns a new error whose message names the options at fault.
        """
        renamed = {}
        for field, errors in self.field_errors.items():
            renamed[field_to_option.get(field, field)] = errors
        message = self.message
        if renamed:
            message = "; ".join(
                "option %s: %s" % (name, "; ".join(errors)) for name, errors in sorted(renamed.items())
            )
        return DokployError(message, status=self.status, code=self.code,
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


def _query_value(value):
    """Query parameters are strings: render booleans as Dokploy's parser expects."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


class GetOnlyRetry(Retry):
    """urllib3's Retry, restricted so that a request other than GET is never sent twice.

    urllib3 retries connection errors whatever the method; a POST that may
    have reached Dokploy must not be repeated behind the user's back.
    """

    def increment(self, method=None, url=None, *args, **kwargs):  # pylint: disable=arguments-differ
        if method is not None and method.upper() not in (self.allowed_methods or ()):
            return Retry(total=0, raise_on_redirect=False).increment(method, url, *args, **kwargs)
        return super(GetOnlyRetry, self).increment(method, url, *args, **kwargs)


class DokployClient:
    """A session with one Dokploy server, authenticated with one API key."""

    def __init__(self, api_url, api_key, validate_certs=True, ca_path=None, timeout=30,
                 retries=DEFAULT_RETRIES, backoff_factor=DEFAULT_BACKOFF):
        if not HAS_REQUESTS:
            raise DokployError("the Python library requests is required")
        if not api_key:
            raise DokployError("option api_key: is required (or set DOKPLOY_API_KEY)")
        self.base_url = normalize_base_url(api_url)
        self._api_key = api_key
        self.timeout = timeout
        self.session = requests.Session()
        self.session.headers.update({
            "x-api-key": api_key,
            "Accept": "application/json",
            "User-Agent": USER_AGENT,
        })
        # requests' ``verify`` takes either a bool or a CA bundle path.
        self.session.verify = ca_path if (validate_certs and ca_path) else bool(validate_certs)
        retry = GetOnlyRetry(
            total=retries, connect=retries, read=retries, status=retries, other=0,
            allowed_methods=frozenset(["GET"]),
            status_forcelist=RETRY_STATUSES,
            backoff_factor=backoff_factor,
            raise_on_status=False,
            respect_retry_after_header=True,
        )
        adapter = HTTPAdapter(max_retries=retry)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)
        # Every procedure the client called, in order: modules report them
        # and tests count them.
        self.calls = []

    # -- public API ---------------------------------------------------------

    def query(self, procedure, **params):
        """Call a read procedure (HTTP GET); ``None`` parameters are left out."""
        clean = dict((k, _query_value(v)) for k, v in params.items() if v is not None)
        return self._request("GET", procedure, params=clean)

    def mutate(self, procedure, body=None):
        """Call a write procedure (HTTP POST with a JSON body). Never retried."""
        return self._request("POST", procedure, json_body=body if body is not None else {})

    @property
    def writes(self):
        """The write procedures this client sent, in order."""
        return [procedure for method, procedure in self.calls if method == "POST"]

    def redact(self, text):
        """Remove the API key from any text that may leave the module."""
        if text is None:
            return text
        text = str(text)
        if self._api_key:
            text = text.replace(self._api_key, SECRET_MASK)
        return text

    # -- internals ----------------------------------------------------------

    def _request(self, method, procedure, params=None, json_body=None):
        url = "%s/%s" % (self.base_url, procedure)
        self.calls.append((method, procedure))
        try:
            response = self.session.request(
                method, url, params=params, json=json_body, timeout=self.timeout,
                allow_redirects=False,
            )
        except requests.exceptions.SSLError as exc:
            raise self._transport_error(
                procedure,
                "TLS verification of %s failed (set ca_path to the CA that signed it, "
                "or validate_certs: false for a test server): %s" % (self.base_url, _reason(exc)))
        except requests.exceptions.RetryError as exc:
            raise self._transport_error(procedure, "%s kept failing: %s" % (self.base_url, _reason(exc)))
        except (requests.exceptions.Timeout, requests.exceptions.ConnectionError) as exc:
            # After retries, urllib3 reports a timeout as a connection error: look inside.
            if isinstance(exc, requests.exceptions.Timeout) or "timed out" in _reason(exc):
                raise self._transport_error(
                    procedure, "no answer from %s within %s seconds (option timeout)" % (self.base_url, self.timeout))
            raise self._transport_error(procedure, "cannot reach %s: %s" % (self.base_url, _reason(exc)))
        except requests.exceptions.RequestException as exc:
            raise self._transport_error(procedure, "request to %s failed: %s" % (self.base_url, _reason(exc)))
        return self._parse(procedure, response)

    def _transport_error(self, procedure, message):
        return DokployError(self.redact("%s: %s" % (procedure, message)), procedure=procedure)

    def _parse(self, procedure, response):
        text = response.text
        if 200 <= response.status_code < 300:
            if not text.strip():
                return None
            try:
                return response.json()
            except ValueError:
                raise DokployError(
                    "%s: Dokploy answered HTTP %s with a body that is not JSON: %s"
                    % (procedure, response.status_code, _shorten(self.redact(text))),
                    status=response.status_code, procedure=procedure)
        raise self._http_error(procedure, response.status_code, text)

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
        return DokployError(self.redact(" ".join(line.split())), status=status, code=code,
                            procedure=procedure, field_errors=field_errors)


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
