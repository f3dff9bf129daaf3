"""Serve a HAR's recorded responses locally, so a customer's CORS failure
reproduces in real browsers without access to the customer's API.

This is :class:`e2e.scripted.ScriptedServer` (loopback, port 0, every
exchange recorded) scripted from a :class:`~e2e.repro.har.HarCase`:
:func:`respond_for_case` turns the case into the server's ``respond`` mapping,
at the same path as the HAR's URL:

* ``actual``: the recorded status, headers and body. Header lines are sent as
  recorded, duplicates included, except the ones that describe the recorded
  connection rather than the response (hop-by-hop headers, Content-Length,
  Content-Encoding: the body in a HAR is already decoded); the server frames
  the body itself.
* ``preflight``: the recorded preflight when the HAR has one; otherwise, when
  the request needs one, the assumed passing preflight (see
  :mod:`e2e.repro.har`), whose Allow-Origin echoes the Origin the browser
  sends (so it passes from whatever origin the page is served at).

Limitations: header lines are grouped by name (the order of different names
and of one name's values is kept; the interleaving of two names is not; CORS
does not depend on it); a recorded value containing one of the scripted
server's placeholders (``{origin}``, ``{host}`` ...) would be filled in, so
such a case is refused; redirects are served as recorded, their targets are
not replayed; a path serves one case at a time.
"""
from __future__ import annotations

import re
from typing import Any

from e2e import oracle
from e2e.errors import BadInput
from e2e.exchange import Headers, redact_url
from e2e.repro.har import HarCase, RecordedResponse
from e2e.repro.request import ParsedRequest
from e2e.scripted import ScriptedServer

# RFC 9110 section 7.6.1 connection-specific fields, and the framing of the
# recorded body, which this server recomputes.
NOT_REPLAYED = frozenset({"connection", "keep-alive", "proxy-connection", "transfer-encoding", "te",
                          "trailer", "upgrade", "content-length", "content-encoding"})
# The placeholders e2e.scripted fills in header values and bodies.
_SCRIPTED_PLACEHOLDER = re.compile(r"\{(origin|origin_host_upper|origin_port_plus_one|query|host|alt_host)\}")


def replayed_headers(headers: Headers) -> Headers:
    """The recorded header lines a replay sends: without connection-specific
    ones (and those a Connection header names), pseudo-headers or framing."""
    named = {token.strip().lower() for name, value in headers if name.lower() == "connection"
             for token in value.split(",")}
    return [(n, v) for n, v in headers
            if n.lower() not in NOT_REPLAYED and n.lower() not in named and not n.startswith(":")]


def _part(response: RecordedResponse) -> dict[str, Any]:
    grouped: dict[str, list[str]] = {}
    for name, value in replayed_headers(response.headers):
        grouped.setdefault(name, []).append(value)
    for text in [response.body, *(v for vs in grouped.values() for v in vs)]:
        found = _SCRIPTED_PLACEHOLDER.search(text)
        if found:
            raise BadInput(f"the recorded response contains {found.group(0)}, which the replay server "
                           f"would fill in; replay it with --live")
    return {"status": response.status,
            "headers": {name: values if len(values) > 1 else values[0] for name, values in grouped.items()},
            "body": response.body}


def assumed_preflight(request: ParsedRequest) -> dict[str, Any]:
    """The preflight replay assumes when the HAR has none: it passes for
    exactly this request, echoing the page's Origin."""
    headers: dict[str, Any] = {oracle.ALLOW_ORIGIN: "{origin}",
                               oracle.ALLOW_METHODS: oracle.normalize_method(request.method)}
    names = oracle.unsafe_request_header_names(request.headers)
    if names:
        headers[oracle.ALLOW_HEADERS] = ",".join(names)
    if request.credentials == "include":
        headers[oracle.ALLOW_CREDENTIALS] = "true"
    headers["Vary"] = "Origin"
    return {"status": 204, "headers": headers, "body": ""}


def respond_for_case(case: HarCase) -> dict[str, Any]:
    """The ScriptedServer ``respond`` mapping that replays ``case``."""
    if case.recorded_response is None:
        raise BadInput(f"log.entries[{case.index}]: the HAR recorded no response for "
                       f"{case.request.method} {redact_url(case.request.url)}; replay has nothing to serve: use --live")
    respond: dict[str, Any] = {"actual": _part(case.recorded_response)}
    if case.recorded_preflight is not None:
        respond["preflight"] = _part(case.recorded_preflight)
    elif case.request.needs_preflight:
        respond["preflight"] = assumed_preflight(case.request)
    return respond


class ReplayServer(ScriptedServer):
    """A loopback server replaying HAR cases; use as a context manager.

    ``replay(case)`` scripts the case's path and returns the URL to fetch
    (this server's address, the HAR's path and query). Exchanges are recorded
    as the scripted server records them (``exchanges()``, ``all_exchanges()``)."""

    def replay(self, case: HarCase) -> str:
        request = case.request
        path = request.path.split("?", 1)[0]
        self.script(path, respond_for_case(case))
        return self.base_url + request.path
