"""The raw HTTP exchange a server saw: the one record type shared by the local
gateway, the scripted server and the remote replayer.

Headers are kept as an ordered list of (name, value) pairs, exactly as sent, so
duplicates (two Access-Control-Allow-Origin lines) and casing survive.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

Headers = list[tuple[str, str]]

# The query parameter that tags every request of one cell. Each cell gets a
# unique value, which keeps cells apart in the browsers' preflight caches and
# lets a server's log be matched to the cell that caused it.
CELL_PARAM = "cors-e2e-cell"
# Marks the no-cors GET a page sends, for a deployed API only, after a rejected
# fetch to learn whether the server was reachable (see ProbeSpec.reach_url).
REACH_PARAM = "cors-e2e-reach"

# Which layer of an API Gateway + Lambda stack produced a response.
LAYER_OPTIONS_METHOD = "gateway-options-method"   # REST API MOCK OPTIONS method
LAYER_LAMBDA = "lambda"                           # the Lambda's own response
LAYER_GATEWAY_ERROR = "gateway-error"             # a response API Gateway generated
LAYER_HTTP_API_CORS = "http-api-cors"             # HTTP API corsConfiguration answered
LAYER_SCRIPTED = "scripted"                       # the scripted test server
LAYER_REMOTE = "remote"                           # a deployed API: layer not known

REDACTED = "<redacted>"
SECRET_HEADERS = frozenset(
    {"authorization", "cookie", "set-cookie", "x-api-key", "x-amz-security-token",
     "proxy-authorization"}
)


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
        else:
            out.append((k, v))
    return out


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
        return self.method == "OPTIONS" and any(
            k.lower() == "access-control-request-method" for k, _ in self.request_headers
        )

    def to_json(self) -> dict[str, Any]:
        """JSON form with secrets redacted."""
        return {
            "method": self.method,
            "path": self.path,
            "query": self.query,
            "request_headers": [list(h) for h in redact_headers(self.request_headers)],
            "status": self.status,
            "response_headers": [list(h) for h in redact_headers(self.response_headers)],
            "body": self.body[:2048],
            "layer": self.layer,
            "detail": self.detail,
        }
