"""A cell's verdict from what the page saw, what the engine said, and what the
server recorded (``classify``); e2e.decide calls it, and settles the rest of
the cell's decision there.

- ``allowed``: the fetch resolved; the page could read the response.
- ``blocked``: the fetch rejected and the server answered (or the engine named
  a CORS failure): CORS withheld the response.
- ``network-error``: the fetch rejected and nothing shows the server was
  reached (connection refused, DNS, TLS): never reported as a CORS block.
- ``timeout``: the probe aborted the fetch after the cell's timeout.
"""
from __future__ import annotations

from dataclasses import dataclass
from e2e import reasons
from e2e.engines.base import Observation
# Each engine's own words are mapped by tables that live with its driver.
from e2e.engines.playwright_engine import FIREFOX_TEXTS, from_chromium
from e2e.engines.webdriver_engine import WEBKIT_TEXTS
from e2e.exchange import Exchange
from e2e.oracle import mixed_content

ALLOWED = "allowed"
BLOCKED = "blocked"
NETWORK_ERROR = "network-error"
TIMEOUT = "timeout"


@dataclass
class Verdict:
    verdict: str
    reason: str | None
    engine_detail: str | None
    status: int | None        # the status the page could read
    preflight: bool | None


def engine_reason(engine: str, obs: Observation) -> tuple[str | None, str | None]:
    """(reason code, the engine's own words) from what the engine reported.

    Chromium names the failed check (CDP corsError). Firefox and WebKit say it
    in a message; Firefox follows a failed preflight with "CORS request did not
    succeed", which alone means the network failed.
    """
    if engine == "chromium" and obs.cors_error:
        detail = obs.cors_error + (f" ({obs.failed_parameter})" if obs.failed_parameter else "")
        return from_chromium(obs.cors_error), detail
    table = FIREFOX_TEXTS if engine == "firefox" else WEBKIT_TEXTS
    found = [(reasons.from_text(m, table), m) for m in obs.console]
    for code, message in found:
        if code is not None and code != reasons.CONNECTION_FAILED:
            return code, message
    for code, message in found:
        if code == reasons.CONNECTION_FAILED:
            return code, message
    if obs.cors_error:
        return None, obs.cors_error   # a CORS failure the engine did not explain
    return None, None


def classify(engine: str, obs: Observation, exchanges: list[Exchange] | None, url: str,
             page_origin: str | None = None) -> Verdict:
    """Decide one cell's verdict.

    ``exchanges`` is what the server recorded for this cell, or None when the
    server's log is out of reach (a deployed API).
    """
    preflight = obs.preflight
    if preflight is None and exchanges is not None:
        preflight = any(e.is_preflight for e in exchanges)

    if obs.outcome == "resolved":
        return Verdict(ALLOWED, None, None, obs.probe.get("status"), preflight)
    if obs.outcome == "timeout":
        return Verdict(TIMEOUT, reasons.TIMEOUT, None, None, preflight)

    if not exchanges and mixed_content(engine, page_origin, url):
        return Verdict(NETWORK_ERROR, reasons.MIXED_CONTENT,
                       f"an https page cannot fetch {url.split('?')[0]} (mixed content)", None, preflight)
    code, detail = engine_reason(engine, obs)
    if code == reasons.CONNECTION_FAILED and not exchanges:
        return Verdict(NETWORK_ERROR, code, detail, None, preflight)
    if code == reasons.CONNECTION_FAILED:
        code = None  # the server did answer: not the network; the exchange tells why
    if code is not None or obs.cors_error:
        return Verdict(BLOCKED, code, detail, None, preflight)
    if exchanges:
        # The server answered, yet the page got nothing: CORS withheld it. The
        # engine gave no reason; e2e.explain derives one from the exchange.
        return Verdict(BLOCKED, None, obs.network_error or _first(obs.console), None, preflight)
    if exchanges is None and not obs.network_error and obs.probe.get("reachable") is True:
        # A deployed API: the page's own no-cors GET reached the server.
        return Verdict(BLOCKED, None, _first(obs.console), None, preflight)
    return Verdict(NETWORK_ERROR, reasons.CONNECTION_FAILED,
                   obs.network_error or obs.probe.get("errorMessage"), None, preflight)


def _first(items: list[str]) -> str | None:
    return items[0] if items else None
