"""Chromium and Firefox driven by Playwright, and WebKit where Playwright's own
WebKit build is installed (otherwise WebKit runs as WebKitGTK over WebDriver).

Never routes, intercepts or adds headers: any page.route/context.route makes
Playwright answer CORS preflights itself, and extra_http_headers changes what
is preflighted (docs/browsers.md). The fetch runs in the page; we only listen.
"""
from __future__ import annotations

import re
import threading
import time
from typing import Any

from e2e.engines.base import (Engine, Observation, ProbeSpec, endpoint_label, page_open_failure,
                              without_endpoint_secrets)
from e2e.engines.resolve import EngineBuild, resolve_playwright
from e2e import reasons
from e2e.errors import EnvironmentProblem

CHROMIUM_ARGS = [
    # Without these Chromium keeps trying to reach Google's hosts from a closed network.
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
    "--disable-gpu",
]
# How long to wait after the fetch settles for the engine's own events about it:
# Chromium sends Network.loadingFailed after the promise rejects.
EVIDENCE_WAIT_S = 2.0


# Chromium: Network.CorsError (CDP). Unknown values map to reasons.UNKNOWN.
CDP_CORS_ERRORS: dict[str, str] = {
    "DisallowedByMode": reasons.DISALLOWED_BY_MODE,
    "InvalidResponse": reasons.INVALID_RESPONSE,
    "WildcardOriginNotAllowed": reasons.WILDCARD_WITH_CREDENTIALS,
    "MissingAllowOriginHeader": reasons.MISSING_ALLOW_ORIGIN,
    "MultipleAllowOriginValues": reasons.MULTIPLE_ALLOW_ORIGIN,
    "InvalidAllowOriginValue": reasons.INVALID_ALLOW_ORIGIN,
    "AllowOriginMismatch": reasons.ALLOW_ORIGIN_MISMATCH,
    "InvalidAllowCredentials": reasons.INVALID_ALLOW_CREDENTIALS,
    "CorsDisabledScheme": reasons.CORS_DISABLED_SCHEME,
    "PreflightInvalidStatus": reasons.PREFLIGHT_STATUS,
    "PreflightDisallowedRedirect": reasons.PREFLIGHT_REDIRECT,
    "PreflightWildcardOriginNotAllowed": reasons.PREFLIGHT + reasons.WILDCARD_WITH_CREDENTIALS,
    "PreflightMissingAllowOriginHeader": reasons.PREFLIGHT + reasons.MISSING_ALLOW_ORIGIN,
    "PreflightMultipleAllowOriginValues": reasons.PREFLIGHT + reasons.MULTIPLE_ALLOW_ORIGIN,
    "PreflightInvalidAllowOriginValue": reasons.PREFLIGHT + reasons.INVALID_ALLOW_ORIGIN,
    "PreflightAllowOriginMismatch": reasons.PREFLIGHT + reasons.ALLOW_ORIGIN_MISMATCH,
    "PreflightInvalidAllowCredentials": reasons.PREFLIGHT + reasons.INVALID_ALLOW_CREDENTIALS,
    "InvalidAllowMethodsPreflightResponse": reasons.INVALID_ALLOW_METHODS,
    "InvalidAllowHeadersPreflightResponse": reasons.INVALID_ALLOW_HEADERS,
    "MethodDisallowedByPreflightResponse": reasons.METHOD_NOT_ALLOWED,
    "HeaderDisallowedByPreflightResponse": reasons.HEADER_NOT_ALLOWED,
    "RedirectContainsCredentials": reasons.REDIRECT_WITH_CREDENTIALS,
    "InsecureLocalNetwork": reasons.LOCAL_NETWORK_ACCESS,
    "InvalidLocalNetworkAccess": reasons.LOCAL_NETWORK_ACCESS,
    "LocalNetworkAccessPermissionDenied": reasons.LOCAL_NETWORK_ACCESS,
    "NoCorsRedirectModeNotFollow": reasons.DISALLOWED_BY_MODE,
}


def from_chromium(cors_error: str | None) -> str | None:
    if not cors_error:
        return None
    return CDP_CORS_ERRORS.get(cors_error, reasons.UNKNOWN)


# Firefox's English message texts, for when only the text reaches us.
FIREFOX_TEXTS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"CORS header .Access-Control-Allow-Origin. missing", re.I), reasons.MISSING_ALLOW_ORIGIN),
    (re.compile(r"CORS header .Access-Control-Allow-Origin. does not match", re.I),
     reasons.ALLOW_ORIGIN_MISMATCH),
    (re.compile(r"Multiple CORS header .Access-Control-Allow-Origin. not allowed", re.I),
     reasons.MULTIPLE_ALLOW_ORIGIN),
    (re.compile(r"Credential is not supported if the CORS header .Access-Control-Allow-Origin. is .\*.",
                re.I), reasons.WILDCARD_WITH_CREDENTIALS),
    (re.compile(r"expected .true. in CORS header .Access-Control-Allow-Credentials.", re.I),
     reasons.INVALID_ALLOW_CREDENTIALS),
    (re.compile(r"Did not find method in CORS header .Access-Control-Allow-Methods.", re.I),
     reasons.METHOD_NOT_ALLOWED),
    (re.compile(r"header .[^']*. is not allowed according to header .Access-Control-Allow-Headers.",
                re.I), reasons.HEADER_NOT_ALLOWED),
    (re.compile(r"missing token .[^']*. in CORS header .Access-Control-Allow-Headers.", re.I),
     reasons.HEADER_NOT_ALLOWED),
    (re.compile(r"CORS preflight response did not succeed", re.I), reasons.PREFLIGHT_STATUS),
    (re.compile(r"CORS request did not succeed", re.I), reasons.CONNECTION_FAILED),
]


class _SharedPlaywright(threading.local):
    """One Playwright driver per thread: a second sync_playwright() on a thread
    that already has one fails, so engines on the same thread share it."""

    instance: Any = None
    users: int = 0

    def acquire(self) -> Any:
        from playwright.sync_api import sync_playwright

        if self.instance is None:
            self.instance = sync_playwright().start()
        self.users += 1
        return self.instance

    def release(self) -> None:
        self.users -= 1
        if self.users <= 0 and self.instance is not None:
            instance, self.instance, self.users = self.instance, None, 0
            instance.stop()


_SHARED = _SharedPlaywright()


class PlaywrightEngine(Engine):
    def __init__(self, name: str, *, connect: str | None = None, build: EngineBuild | None = None,
                 ignore_https_errors: bool = False, extra_args: list[str] | None = None,
                 firefox_prefs: dict[str, Any] | None = None, trace: bool = False,
                 proxy: str | None = None) -> None:
        self._proxy = proxy
        self._trace = trace
        self._tracing = False
        self._extra_args = list(extra_args or [])
        self._firefox_prefs = dict(firefox_prefs or {})
        self.name = name
        self._connect = connect
        self._build = build
        self._ignore_https_errors = ignore_https_errors
        self._pw: Any = None
        self._browser: Any = None
        self._context: Any = None
        self._pages: dict[str, Any] = {}
        self._cdp: dict[str, Any] = {}
        self._network: dict[str, dict[str, Any]] = {}   # Chromium requestId -> what CDP said
        self._console: list[str] = []
        self._failures: list[tuple[str, str]] = []        # (url, failure text), other engines
        self._responses: list[tuple[str, int]] = []       # (url, status), other engines
        self._version = ""

    # -- life cycle ----------------------------------------------------------
    def start(self) -> None:
        from playwright.sync_api import Error as PlaywrightError

        self._pw = _SHARED.acquire()
        browser_type = getattr(self._pw, self.name)
        try:
            if self._connect:
                self._browser = browser_type.connect(self._connect, timeout=15000)
                label = f"via remote Playwright server {endpoint_label(self._connect)}"
            else:
                build = self._build or resolve_playwright(self.name, browser_type)
                kwargs = build.launch_kwargs(CHROMIUM_ARGS + self._extra_args)
                if self.name == "firefox" and self._firefox_prefs:
                    kwargs["firefox_user_prefs"] = self._firefox_prefs
                if self._proxy:
                    # Impersonated origins through the origin server; loopback (the API, the stub) direct.
                    kwargs["proxy"] = {"server": self._proxy, "bypass": "localhost,127.0.0.1,::1"}
                self._browser = browser_type.launch(**kwargs)
                label = build.label
        except PlaywrightError as exc:
            self.close()
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            where = self.name
            if self._connect:
                where = endpoint_label(self._connect)
                first = without_endpoint_secrets(first, self._connect)
            raise EnvironmentProblem(f"{self.name}: cannot start ({where}): {first}") from None
        pretty = {"chromium": "Chromium", "firefox": "Firefox", "webkit": "WebKit"}[self.name]
        self._version = f"{pretty} {self._browser.version} {label}"
        self._context = self._browser.new_context(ignore_https_errors=self._ignore_https_errors)
        if self._trace:
            try:
                self._context.tracing.start(snapshots=True, screenshots=False)
                self._tracing = True
            except PlaywrightError:
                self._tracing = False  # not every engine or driver records traces

    @property
    def version(self) -> str:
        return self._version

    def close(self) -> None:
        for closer in (lambda: self._context and self._context.close(),
                       lambda: self._browser and self._browser.close(),
                       lambda: self._pw and _SHARED.release()):
            try:
                closer()
            except Exception:  # noqa: BLE001 - closing must go on whatever state the browser is in
                pass
        self._context = self._browser = self._pw = None
        self._pages.clear()
        self._cdp.clear()

    def reset_state(self) -> None:
        self._context.clear_cookies()

    def begin_cell(self) -> None:
        if self._tracing:
            self._context.tracing.start_chunk()

    def capture_evidence(self, page_url: str, directory: str, stem: str, keep: bool) -> dict[str, str]:
        from playwright.sync_api import Error as PlaywrightError

        saved: dict[str, str] = {}
        if self._tracing:
            try:
                if keep:
                    self._context.tracing.stop_chunk(path=f"{directory}/{stem}.trace.zip")
                    saved["trace"] = f"{stem}.trace.zip"
                else:
                    self._context.tracing.stop_chunk()
            except PlaywrightError:
                pass
        page = self._pages.get(page_url)
        if keep and page is not None:
            try:
                page.screenshot(path=f"{directory}/{stem}.png")
                saved["screenshot"] = f"{stem}.png"
            except PlaywrightError:
                pass
        return saved

    # -- pages ---------------------------------------------------------------
    def _page(self, page_url: str) -> Any:
        page = self._pages.get(page_url)
        if page is not None:
            return page
        page = self._context.new_page()
        page.on("console", lambda msg: self._console.append(msg.text))
        # Firefox over BiDi reports its CORS messages ("The Same Origin Policy
        # disallows reading the remote resource at URL. (Reason: ...)") as page errors.
        page.on("pageerror", lambda err: self._console.append(str(err)))
        page.on("requestfailed", lambda req: self._failures.append((req.url, req.failure or "")))
        page.on("response", lambda resp: self._responses.append((resp.url, resp.status)))
        if self.name == "chromium":
            cdp = self._context.new_cdp_session(page)
            for event in ("Network.requestWillBeSent", "Network.responseReceived",
                          "Network.responseReceivedExtraInfo", "Network.loadingFailed",
                          "Network.loadingFinished"):
                cdp.on(event, lambda params, event=event: self._on_cdp(event, params))
            cdp.send("Network.enable")
            self._cdp[page_url] = cdp
        from playwright.sync_api import Error as PlaywrightError

        try:
            page.goto(page_url, wait_until="load")
            page.wait_for_function("window.corsProbeReady === true")
        except PlaywrightError as exc:
            page.close()
            raise page_open_failure(self.name, page_url, str(exc)) from None
        self._pages[page_url] = page
        return page

    def _on_cdp(self, event: str, params: dict[str, Any]) -> None:
        entry = self._network.setdefault(params["requestId"], {})
        if event == "Network.requestWillBeSent":
            entry["url"] = params["request"]["url"]
            entry["method"] = params["request"]["method"]
            entry["type"] = params.get("type")
        elif event == "Network.responseReceived":
            entry["status"] = params["response"]["status"]
            entry["response_type"] = params.get("type")
            entry.setdefault("headers", params["response"].get("headers", {}))
        elif event == "Network.responseReceivedExtraInfo":
            # Raw headers as on the wire: repeated headers arrive joined by "\n".
            entry["headers"] = params.get("headers", {})
            entry.setdefault("status", params.get("statusCode"))
        elif event == "Network.loadingFailed":
            entry["failed"] = params.get("errorText")
            entry["cors"] = params.get("corsErrorStatus")
            entry["done"] = True
        elif event == "Network.loadingFinished":
            entry["done"] = True

    # -- one cell ------------------------------------------------------------
    def probe(self, page_url: str, spec: ProbeSpec) -> Observation:
        page = self._page(page_url)
        self._network.clear()
        self._console.clear()
        self._failures.clear()
        self._responses.clear()
        result = page.evaluate("spec => window.corsProbe(spec)", spec.to_js())
        obs = Observation(probe=result)
        if self.name == "chromium" and page_url in self._cdp:
            self._chromium_evidence(page, spec, obs)
        else:
            self._generic_evidence(page, spec, obs)
        return obs

    def _wait(self, page: Any, done: Any) -> None:
        deadline = time.monotonic() + EVIDENCE_WAIT_S
        while not done() and time.monotonic() < deadline:
            page.wait_for_timeout(10)  # lets Playwright dispatch pending events

    def _chromium_evidence(self, page: Any, spec: ProbeSpec, obs: Observation) -> None:
        def main_request() -> dict[str, Any] | None:
            for entry in self._network.values():
                if entry.get("url") == spec.url and entry.get("type") != "Preflight" \
                        and entry.get("method", "").upper() == spec.method.upper() \
                        and entry.get("response_type") != "Preflight":
                    return entry
            return None

        def settled() -> bool:
            entry = main_request()
            return entry is not None and bool(entry.get("done"))

        if obs.outcome != "timeout":
            self._wait(page, settled)
        entry = main_request() or {}
        preflights = [e for e in self._network.values()
                      if e.get("url") == spec.url and e.get("method") == "OPTIONS"
                      and (e.get("response_type") == "Preflight" or e.get("type") in ("Preflight", "Other"))
                      and e is not entry]
        obs.preflight = bool(preflights)
        cors = entry.get("cors") or None
        if cors:
            obs.cors_error = cors.get("corsError")
            obs.failed_parameter = cors.get("failedParameter") or None
        elif entry.get("failed"):
            obs.network_error = entry["failed"]
        if "status" in entry:
            obs.response_status = entry["status"]
            obs.response_headers = _split_cdp_headers(entry.get("headers", {}))
        obs.console = [m for m in self._console if spec.url in m]

    def _generic_evidence(self, page: Any, spec: ProbeSpec, obs: Observation) -> None:
        if obs.outcome == "rejected":
            # Firefox reports the CORS message just after the promise rejects.
            self._wait(page, lambda: any(spec.url in m for m in self._console))
        obs.console = [m for m in self._console if spec.url in m]
        failures = [text for url, text in self._failures if url == spec.url]
        if failures and obs.outcome == "rejected":
            failure = failures[-1]
            if failure == FIREFOX_CORS_FAILURE:
                obs.cors_error = failure  # CORS, not the network; the message says which check
            else:
                obs.network_error = failure
        statuses = [status for url, status in self._responses if url == spec.url]
        if statuses:
            obs.response_status = statuses[-1]


# What Firefox's requestfailed event says when CORS (not the network) failed.
FIREFOX_CORS_FAILURE = "NS_ERROR_DOM_BAD_URI"


def _split_cdp_headers(headers: dict[str, str]) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for name, value in headers.items():
        for part in str(value).split("\n"):
            out.append((name, part))
    return out
