"""Replaying a cell's requests from outside the browser, for targets whose
server log we cannot read (a deployed API).

The browser hides a blocked response from the page; to explain the block we
need the headers the API actually sent. So the same preflight (when the Fetch
standard calls for one) and the same request are sent again with the page's
Origin, and the answers recorded as exchanges. This never decides a verdict:
the verdict is the browser's. It only supplies the raw exchange.
"""
from __future__ import annotations

import http.client
import ssl
from urllib.parse import urlsplit

from e2e import oracle
from e2e.engines.base import ProbeSpec
from e2e.exchange import LAYER_REMOTE, Exchange, Headers

TIMEOUT_S = 10.0
BODY_EXCERPT = 2048


def _send(url: str, method: str, headers: Headers, body: str | None) -> Exchange | None:
    parts = urlsplit(url)
    conn_cls = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    kwargs = {"timeout": TIMEOUT_S}
    if parts.scheme == "https":
        kwargs["context"] = ssl.create_default_context()  # type: ignore[assignment]
    conn = conn_cls(parts.hostname or "", parts.port, **kwargs)  # type: ignore[arg-type]
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    try:
        conn.putrequest(method, target, skip_accept_encoding=True)
        for name, value in headers:
            conn.putheader(name, value)
        data = body.encode() if body is not None else None
        if data is not None:
            conn.putheader("Content-Length", str(len(data)))
        conn.endheaders(data)
        resp = conn.getresponse()
        text = resp.read(BODY_EXCERPT).decode("utf-8", "replace")
        return Exchange(method=method, path=parts.path or "/", query=parts.query,
                        request_headers=list(headers), status=resp.status,
                        response_headers=list(resp.getheaders()), body=text, layer=LAYER_REMOTE)
    except (OSError, http.client.HTTPException):
        return None
    finally:
        conn.close()


def replay(spec: ProbeSpec, origin: str) -> list[Exchange]:
    """The preflight (if one is needed) and the actual request, as exchanges.

    When the preflight is refused the browser never sent the actual request,
    so neither do we.
    """
    headers = list(spec.headers.items())
    method = oracle.normalize_method(spec.method)
    out: list[Exchange] = []
    if oracle.needs_preflight(method, headers):
        pre_headers = oracle.preflight_request_headers(method, headers, origin)
        pre = _send(spec.url, "OPTIONS", list(pre_headers), None)
        if pre is None:
            return out
        out.append(pre)
        failed = oracle.preflight_check(method, oracle.unsafe_request_header_names(headers),
                                        pre.status, pre.response_headers, origin, spec.credentials)
        if failed is not None:
            return out
    actual = _send(spec.url, method, [("Origin", origin), *headers], spec.body)
    if actual is not None:
        out.append(actual)
    return out
