"""What every browser engine driver provides to the runner.

A driver opens one page per origin, keeps it (or, once the runner retires it,
navigates it to the next origin), and runs each cell's fetch in it
through the probe script (frontend_stub/static/probe.js). It reports what the
page saw (the probe's result) and whatever the engine itself tells about the
request: a CORS error code, a network error, whether a preflight went out,
console messages. e2e.decide turns that into the cell's decision.
"""
from __future__ import annotations

import abc
from dataclasses import dataclass, field
from typing import Any

from e2e.errors import EnvironmentProblem


def endpoint_label(url: str) -> str:
    """A remote browser endpoint as it may be shown: without user:key@ and
    query (grid and cloud services carry their credentials there)."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    try:
        port = parts.port
    except ValueError:
        port = None
    netloc = f"{host}:{port}" if port else host
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


def without_endpoint_secrets(text: str, url: str) -> str:
    """text (an error message) with url's credentials and query blanked out,
    wherever a library quoted them."""
    from urllib.parse import unquote, urlsplit

    parts = urlsplit(url)
    text = text.replace(url, endpoint_label(url))
    for secret in (parts.query, parts.password, parts.username):
        if secret:
            text = text.replace(secret, "<redacted>").replace(unquote(secret), "<redacted>")
    return text


def page_open_failure(engine: str, page_url: str, error_text: str) -> EnvironmentProblem:
    """One line for a stub page that an engine could not open: the URL and the
    engine's own reason, never a bare protocol error. Playwright's Firefox
    (BiDi) says only "unknown error" on its first line and the reason
    (NS_ERROR_CONNECTION_REFUSED, ...) on a "Message:" line; its call log is dropped."""
    lines = [line.strip() for line in error_text.strip().splitlines()]
    if "Call log:" in lines:
        lines = lines[:lines.index("Call log:")]
    message = next((line[len("Message:"):].strip() for line in lines if line.startswith("Message:")), "")
    reason = message or next((line for line in lines if line), "") or "no reason given"
    for prefix in ("Error: ", "Page.goto: "):
        reason = reason.removeprefix(prefix)
    reason = reason.removesuffix(f" at {page_url}")
    return EnvironmentProblem(f"{engine}: cannot open the page {page_url}: {reason}")


@dataclass
class ProbeSpec:
    """The fetch a cell describes; passed verbatim to corsProbe() in the page."""

    url: str
    method: str
    headers: dict[str, str]
    body: str | None
    credentials: str
    timeout_ms: int = 10000
    session_url: str | None = None   # fetched first, credentials included, to set a cookie
    # Where there is no server log to tell a CORS block from an unreachable
    # server (a deployed API), the page asks this URL with a no-cors GET after a
    # rejection: an opaque answer means the server was there.
    reach_url: str | None = None

    def to_js(self) -> dict[str, Any]:
        return {"url": self.url, "method": self.method, "headers": self.headers,
                "body": self.body, "credentials": self.credentials, "timeoutMs": self.timeout_ms,
                "sessionUrl": self.session_url, "reachUrl": self.reach_url}


@dataclass
class Observation:
    """What one engine observed for one cell."""

    probe: dict[str, Any]                 # corsProbe()'s result
    cors_error: str | None = None         # the engine's own code (Chromium corsError, Firefox key)
    failed_parameter: str | None = None   # Chromium's failedParameter
    network_error: str | None = None      # e.g. net::ERR_CONNECTION_REFUSED
    preflight: bool | None = None         # None: the engine does not say
    console: list[str] = field(default_factory=list)   # the engine's messages about this request
    response_status: int | None = None    # what the engine saw on the wire, even when blocked
    response_headers: list[tuple[str, str]] | None = None

    @property
    def outcome(self) -> str:
        return str(self.probe.get("outcome"))


class Engine(abc.ABC):
    """A browser engine driver. Created, used and closed on one thread."""

    name: str

    @abc.abstractmethod
    def start(self) -> None:
        """Launch the browser (raises EnvironmentProblem when it cannot)."""

    @property
    @abc.abstractmethod
    def version(self) -> str:
        """The exact build that runs, e.g. "Chromium 156.0.8078.108 (/usr/bin/chromium)"."""

    @abc.abstractmethod
    def probe(self, page_url: str, spec: ProbeSpec) -> Observation:
        """Run one fetch from the page at page_url (opened once, then reused)."""

    # Whether a cell since the last reset_state() could have stored a cookie.
    # A fetch with credentials "omit" stores none (the Fetch standard ignores
    # its Set-Cookie) and the stub pages set none, so after such a cell the
    # runner skips the reset: one round trip to the browser less per cell.
    cookies_may_be_set: bool = True

    def retire_page(self, page_url: str) -> None:
        """This lane is done with the page at page_url: the engine may navigate
        it to the next page it opens instead of opening another (measured
        here: a new tab and its load 0.48 s in Firefox and 0.14 s in Chromium,
        a navigation of an open one 0.11 s and 0.08 s). Asking for page_url
        again opens it again."""

    @abc.abstractmethod
    def reset_state(self) -> None:
        """Forget cookies, so one cell cannot affect the next."""

    def begin_cell(self) -> None:
        """Called before each cell when evidence is kept (e.g. to start a trace chunk)."""

    def capture_evidence(self, page_url: str, directory: str, stem: str, keep: bool) -> dict[str, str]:
        """Save what the engine can show of the cell just run (screenshot, trace)
        into directory when keep is true; returns {kind: file name}."""
        return {}

    @abc.abstractmethod
    def close(self) -> None:
        """Close the browser and everything it started; safe to call twice."""

    def __enter__(self) -> "Engine":
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
