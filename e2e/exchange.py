"""The raw HTTP exchange a server saw: the one record type shared by the local
gateway, the scripted server and the remote replayer.

Headers are kept as an ordered list of (name, value) pairs, exactly as sent, so
duplicates (two Access-Control-Allow-Origin lines) and casing survive.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, unquote_plus

Headers = list[tuple[str, str]]

# The query parameter that tags every request of one cell. Each cell gets a
# unique value, which keeps cells apart in the browsers' preflight caches and
# lets a server's log be matched to the cell that caused it.
CELL_PARAM = "cors-e2e-cell"
# Marks the no-cors GET a page sends, for a deployed API only, after a rejected
# fetch to learn whether the server was reachable (see ProbeSpec.reach_url).
REACH_PARAM = "cors-e2e-reach"
# Tags every cell of one ordered group in one engine (scenario ``ordered: true``):
# a caching front in front of the API keys its cache on it, so the group's
# cells share cache entries and no other run's cells do.
GROUP_PARAM = "cors-e2e-group"

# Which layer of an API Gateway + Lambda stack produced a response.
LAYER_OPTIONS_METHOD = "gateway-options-method"   # REST API MOCK OPTIONS method
LAYER_LAMBDA = "lambda"                           # the Lambda's own response
LAYER_GATEWAY_ERROR = "gateway-error"             # a response API Gateway generated
LAYER_HTTP_API_CORS = "http-api-cors"             # HTTP API corsConfiguration answered
LAYER_SCRIPTED = "scripted"                       # the scripted test server
LAYER_REMOTE = "remote"                           # a deployed API: layer not known
LAYER_CDN = "cdn"                                 # a CDN / proxy in front of the API (CloudFront)

REDACTED = "<redacted>"
SECRET_HEADERS = frozenset(
    {"authorization", "cookie", "set-cookie", "x-api-key", "x-amz-security-token",
     "proxy-authorization"}
)
URL_HEADERS = frozenset({"referer", "location", "content-location"})  # their URLs go through redact_url
# Query parameters whose values are secrets, by name (case-insensitive, "-" read
# as "_"): exactly these short ones, and any name ending in one of the suffixes
# (access_token, id_token, X-Amz-Security-Token, X-Amz-Signature,
# X-Amz-Credential, client_secret, api_key, ...).
SECRET_PARAMS = frozenset({"key", "code", "sig"})
SECRET_PARAM_SUFFIXES = ("token", "secret", "password", "passwd", "signature", "credential", "credentials",
                         "apikey", "api_key")
_URL_IN_TEXT = re.compile(r"\b[A-Za-z][A-Za-z0-9+.-]*://[^\s'\"<>`]*[^\s'\"<>`.,;:)\]]")


def header_values(headers: Headers, name: str) -> list[str]:
    """All values of a header, in order, matched case-insensitively."""
    lname = name.lower()
    return [v for k, v in headers if k.lower() == lname]


def header_value(headers: Headers, name: str) -> str | None:
    """The values of a header combined as the Fetch standard does (", "), or None."""
    values = header_values(headers, name)
    return ", ".join(values) if values else None


def redact_headers(headers: Headers) -> Headers:
    """Copy of headers with secret values replaced; Set-Cookie keeps the cookie's
    attributes (they matter for CORS debugging) but not its value."""
    out: Headers = []
    for k, v in headers:
        lk = k.lower()
        if lk == "set-cookie":
            name, _, rest = v.partition("=")
            _, _, attrs = rest.partition(";")
            out.append((k, f"{name}={REDACTED}" + (f";{attrs}" if attrs else "")))
        elif lk in SECRET_HEADERS:
            out.append((k, REDACTED))
        elif lk in URL_HEADERS:
            out.append((k, redact_url(v)))
        else:
            out.append((k, v))
    return out


def is_secret_param(name: str) -> bool:
    lname = unquote_plus(name).strip().lower().replace("-", "_")
    return lname in SECRET_PARAMS or lname.endswith(SECRET_PARAM_SUFFIXES)


def redact_query(query: str) -> str:
    """A query string (or a fragment of name=value pairs) with the values of
    secret parameters replaced; everything else kept as written."""
    pieces = []
    for piece in query.split("&"):
        name, eq, _ = piece.partition("=")
        pieces.append(f"{name}={REDACTED}" if eq and is_secret_param(name) else piece)
    return "&".join(pieces)


def redact_url(url: str) -> str:
    """The URL to show or save: the userinfo (user:password@) and the values of
    secret query parameters replaced, in the query and in the fragment (OAuth's
    implicit flow puts access_token there). Never raises, whatever the text; the
    URL a browser fetches is the original, never this one."""
    rest, hash_, fragment = url.partition("#")
    rest, qmark, query = rest.partition("?")
    scheme, sep, after = rest.partition("://")
    if sep:
        authority, slash, path = after.partition("/")
        if "@" in authority:
            authority = f"{REDACTED}@{authority.rpartition('@')[2]}"
        rest = f"{scheme}{sep}{authority}{slash}{path}"
    return rest + qmark + redact_query(query) + hash_ + redact_query(fragment)


def redact_urls_in(text: str) -> str:
    """Free text (a console message, an error) with every URL in it redacted."""
    return _URL_IN_TEXT.sub(lambda m: redact_url(m.group(0)), text)


@dataclass
class Exchange:
    """One request a server received and the response it sent."""

    method: str
    path: str                      # path as requested, without the query string
    query: str                     # raw query string, without "?"
    request_headers: Headers
    status: int
    response_headers: Headers
    body: str = ""                 # response body excerpt (at most a few KiB)
    layer: str = LAYER_REMOTE      # one of the LAYER_* constants
    api: str | None = None         # name of the local API that answered
    detail: str | None = None      # e.g. the gateway response type, "MISSING_AUTHENTICATION_TOKEN"
    time: float = 0.0              # time.time() when the response was sent
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def is_preflight(self) -> bool:
        from e2e.oracle import is_preflight_request  # the oracle imports this module

        return is_preflight_request(self.method, self.request_headers)

    def to_json(self) -> dict[str, Any]:
        """JSON form with secrets redacted."""
        return {
            "method": self.method,
            "path": self.path,
            "query": redact_query(self.query),
            "request_headers": [list(h) for h in redact_headers(self.request_headers)],
            "status": self.status,
            "response_headers": [list(h) for h in redact_headers(self.response_headers)],
            "body": self.body[:2048],
            "layer": self.layer,
            "detail": self.detail,
        }


def with_query_param(exchanges: list[Exchange], name: str, value: str | None = None) -> list[Exchange]:
    """The exchanges whose query string has ``name`` (= ``value`` when given),
    in their order: how a server's log is matched to one cell (CELL_PARAM)."""
    return [ex for ex in exchanges
            if any(k == name and (value is None or v == value)
                   for k, v in parse_qsl(ex.query, keep_blank_values=True))]
