"""Chromium and Firefox driven by Playwright, and WebKit where Playwright's own
WebKit build is installed (otherwise WebKit runs as WebKitGTK over WebDriver).

Never routes, intercepts or adds headers: any page.route/context.route makes
Playwright answer CORS preflights itself, and extra_http_headers changes what
is preflighted (docs/browsers.md). The fetch runs in the page; we only listen.
"""
from __future__ import annotations

import asyncio
import re
import signal
import threading
import time
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from typing import Any, TypeVar

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
# How long a stub page may take to say it is ready (window.corsProbeReady).
PAGE_READY_MS = 30000
# True once the page is ready, false after the bound: checked every 5 ms in
# the page, so the driver makes one call.
_READY_JS = """ms => new Promise(resolve => {
  const until = Date.now() + ms;
  (function check() {
    if (window.corsProbeReady === true) return resolve(true);
    if (Date.now() > until) return resolve(false);
    setTimeout(check, 5);
  })();
})"""

T = TypeVar("T")


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


class _Driver:
    """One asyncio loop on a thread of its own, running Playwright's async API
    (a driver process of its own): every lane of one engine sends its work
    there, from whatever thread it runs on, so the lanes share one browser,
    each with a browser context of its own. Each engine has its own driver,
    so Chromium's events never queue behind Firefox's.

    Refcounted: the loop, the driver and each browser live while an engine
    uses them, and are stopped by the last one's close()."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._users = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self.playwright: Any = None
        self._browsers: dict[str, _SharedBrowser] = {}
        self._launching: dict[str, asyncio.Lock] = {}

    def acquire(self) -> None:
        with self._lock:
            if self._loop is None:
                self._begin()
            self._users += 1

    def _begin(self) -> None:
        from playwright.async_api import async_playwright

        loop = asyncio.new_event_loop()
        ready = threading.Event()

        def main() -> None:
            # The driver and the browsers it starts inherit this thread's mask:
            # they must get Ctrl-C as a user's browsers would.
            signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT, signal.SIGTERM})
            asyncio.set_event_loop(loop)
            loop.call_soon(ready.set)
            loop.run_forever()

        thread = threading.Thread(target=main, name="playwright-driver", daemon=True)
        thread.start()
        ready.wait()
        self._loop, self._thread = loop, thread
        try:
            self.playwright = self.call(async_playwright().start())
        except BaseException:
            self._end()
            raise

    def call(self, coro: Coroutine[Any, Any, T], timeout: float | None = None) -> T:
        """Run coro on the loop and wait for its result (or exception)."""
        assert self._loop is not None
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result(timeout)

    def release(self) -> None:
        with self._lock:
            self._users -= 1
            if self._users > 0 or self._loop is None:
                return
            if self.playwright is not None:
                try:
                    self.call(self._stop(), timeout=60)
                except Exception:  # noqa: BLE001 - a driver killed by Ctrl-C is already gone
                    pass
            self._end()

    async def _stop(self) -> None:
        for shared in list(self._browsers.values()):
            try:
                await shared.browser.close()
            except Exception:  # noqa: BLE001
                pass
        self._browsers.clear()
        await self.playwright.stop()

    def _end(self) -> None:
        loop, thread = self._loop, self._thread
        self._loop = self._thread = self.playwright = None
        self._users = 0
        self._launching.clear()
        if loop is not None:
            loop.call_soon_threadsafe(loop.stop)
        if thread is not None:
            thread.join(10)
        if loop is not None and not loop.is_running():
            loop.close()

    # -- browsers shared by engines with the same launch ------------------------
    async def browser(self, key: str, launch: Callable[[], Awaitable[tuple[Any, str]]]) -> tuple[Any, str]:
        """The browser for key, launched by the first engine that asks."""
        lock = self._launching.setdefault(key, asyncio.Lock())
        async with lock:
            shared = self._browsers.get(key)
            if shared is None or not shared.browser.is_connected():
                browser, label = await launch()
                shared = self._browsers[key] = _SharedBrowser(browser, label)
            shared.users += 1
            return shared.browser, shared.label

    async def release_browser(self, key: str) -> None:
        shared = self._browsers.get(key)
        if shared is None:
            return
        shared.users -= 1
        if shared.users <= 0:
            del self._browsers[key]
            await shared.browser.close()


@dataclass
class _SharedBrowser:
    browser: Any
    label: str
    users: int = 0


_DRIVERS = {name: _Driver() for name in ("chromium", "firefox", "webkit")}


class PlaywrightEngine(Engine):
    """One lane of a Playwright engine: a browser context of its own (its own
    cookies, cache and pages) in a browser that the engine's lanes share."""

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
        self._driver = _DRIVERS[name]
        self._acquired = False
        self._browser_key: str | None = None
        self._browser: Any = None
        self._context: Any = None
        self._pages: dict[str, Any] = {}
        self._cdp: dict[str, Any] = {}
        self._sessions: list[Any] = []   # every CDP session (pages' and frames'), kept alive
        self._spare: list[tuple[Any, Any]] = []   # retired pages (and their CDP sessions), to navigate
        self._version = ""
        # The cell in flight (touched on the driver's loop only).
        self._cell_url: str | None = None
        self._network: dict[str, dict[str, Any]] = {}   # Chromium requestId -> what CDP said
        self._console: list[str] = []
        self._failures: list[tuple[str, str]] = []        # (url, failure text), other engines
        self._responses: list[tuple[str, int]] = []       # (url, status), other engines
        self._changed: asyncio.Event | None = None        # set whenever evidence about the cell arrives

    # -- life cycle ----------------------------------------------------------
    def start(self) -> None:
        from playwright.async_api import Error as PlaywrightError

        self._driver.acquire()
        self._acquired = True
        try:
            self._driver.call(self._start())
        except PlaywrightError as exc:
            self.close()
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            where = self.name
            if self._connect:
                where = endpoint_label(self._connect)
                first = without_endpoint_secrets(first, self._connect)
            raise EnvironmentProblem(f"{self.name}: cannot start ({where}): {first}") from None
        except BaseException:
            self.close()
            raise

    def _launch_key(self) -> tuple[str, Callable[[], Awaitable[tuple[Any, str]]]]:
        browser_type = getattr(self._driver.playwright, self.name)
        if self._connect:
            async def connect() -> tuple[Any, str]:
                browser = await browser_type.connect(self._connect, timeout=15000)
                return browser, f"via remote Playwright server {endpoint_label(self._connect or '')}"
            return f"{self.name} connect {self._connect}", connect
        build = self._build or resolve_playwright(self.name, browser_type)
        kwargs = build.launch_kwargs(CHROMIUM_ARGS + self._extra_args)
        if self.name == "firefox" and self._firefox_prefs:
            kwargs["firefox_user_prefs"] = self._firefox_prefs
        if self._proxy:
            # Impersonated origins through the origin server; loopback (the API, the stub) direct.
            kwargs["proxy"] = {"server": self._proxy, "bypass": "localhost,127.0.0.1,::1"}

        async def launch() -> tuple[Any, str]:
            return await browser_type.launch(**kwargs), build.label
        return f"{self.name} {sorted(kwargs.items())!r}", launch

    async def _start(self) -> None:
        from playwright.async_api import Error as PlaywrightError

        key, launch = self._launch_key()
        self._browser, label = await self._driver.browser(key, launch)
        self._browser_key = key
        pretty = {"chromium": "Chromium", "firefox": "Firefox", "webkit": "WebKit"}[self.name]
        self._version = f"{pretty} {self._browser.version} {label}"
        self._changed = asyncio.Event()
        self._context = await self._browser.new_context(ignore_https_errors=self._ignore_https_errors)
        if self._trace:
            try:
                await self._context.tracing.start(snapshots=True, screenshots=False)
                self._tracing = True
            except PlaywrightError:
                self._tracing = False  # not every engine or driver records traces

    @property
    def version(self) -> str:
        return self._version

    def close(self) -> None:
        if not self._acquired:
            return
        self._acquired = False
        try:
            self._driver.call(self._close(), timeout=60)
        except Exception:  # noqa: BLE001 - closing must go on whatever state the browser is in
            pass
        self._context = self._browser = None
        self._pages.clear()
        self._cdp.clear()
        self._sessions.clear()
        self._spare.clear()
        self._driver.release()

    async def _close(self) -> None:
        if self._context is not None:
            try:
                await self._context.close()
            except Exception:  # noqa: BLE001
                pass
        if self._browser_key is not None:
            key, self._browser_key = self._browser_key, None
            try:
                await self._driver.release_browser(key)
            except Exception:  # noqa: BLE001
                pass

    def reset_state(self) -> None:
        self._driver.call(self._context.clear_cookies())

    def begin_cell(self) -> None:
        if self._tracing:
            self._driver.call(self._context.tracing.start_chunk())

    def capture_evidence(self, page_url: str, directory: str, stem: str, keep: bool) -> dict[str, str]:
        return self._driver.call(self._capture(page_url, directory, stem, keep))

    async def _capture(self, page_url: str, directory: str, stem: str, keep: bool) -> dict[str, str]:
        from playwright.async_api import Error as PlaywrightError

        saved: dict[str, str] = {}
        if self._tracing:
            try:
                if keep:
                    await self._context.tracing.stop_chunk(path=f"{directory}/{stem}.trace.zip")
                    saved["trace"] = f"{stem}.trace.zip"
                else:
                    await self._context.tracing.stop_chunk()
            except PlaywrightError:
                pass
        page = self._pages.get(page_url)
        if keep and page is not None:
            try:
                await page.screenshot(path=f"{directory}/{stem}.png")
                saved["screenshot"] = f"{stem}.png"
            except PlaywrightError:
                pass
        return saved

    def run_async(self, work: Callable[[Any], Awaitable[T]]) -> T:
        """work(browser) on the driver's loop: for measuring other ways to drive
        the same browser (e2e.bench)."""
        return self._driver.call(work(self._browser))

    # -- pages ---------------------------------------------------------------
    async def _page(self, page_url: str) -> Any:
        page = self._pages.get(page_url)
        if page is not None:
            return page
        if self._spare:
            # A page this lane is done with, navigated to the new origin: its
            # listeners and CDP session go with it.
            page, cdp = self._spare.pop()
        else:
            page = await self._context.new_page()
            page.on("console", lambda msg: self._on_console(msg.text))
            # Firefox over BiDi reports its CORS messages ("The Same Origin Policy
            # disallows reading the remote resource at URL. (Reason: ...)") as page errors.
            page.on("pageerror", lambda err: self._on_console(str(err)))
            page.on("requestfailed", lambda req: self._on_failed(req.url, req.failure or ""))
            page.on("response", lambda resp: self._on_response(resp.url, resp.status))
            cdp = await self._network_events(page) if self.name == "chromium" else None
        if cdp is not None:
            self._cdp[page_url] = cdp
        from playwright.async_api import Error as PlaywrightError

        try:
            await page.goto(page_url, wait_until="load")
            # The stub page is ready at load; the opaque page once its frame
            # says so. Checked in the page's own world: wait_for_function
            # injects Playwright's script into a new page first (~0.1 s each).
            ready = await page.evaluate(_READY_JS, PAGE_READY_MS)
        except PlaywrightError as exc:
            self._cdp.pop(page_url, None)
            await page.close()
            raise page_open_failure(self.name, page_url, str(exc)) from None
        if not ready:
            self._cdp.pop(page_url, None)
            await page.close()
            raise page_open_failure(self.name, page_url, f"the stub page was not ready in {PAGE_READY_MS} ms")
        if self.name == "chromium":
            # The opaque page's sandboxed frame runs in a process of its own
            # (site isolation), whose requests only its own CDP session sees.
            for frame in page.frames[1:]:
                try:
                    await self._network_events(frame)
                except PlaywrightError:
                    pass  # the frame shares the page's process: the page's session sees it
        self._pages[page_url] = page
        return page

    async def _network_events(self, target: Any) -> Any:
        """A CDP session on a page or an out-of-process frame, its Network events into _on_cdp."""
        cdp = await self._context.new_cdp_session(target)
        for event in ("Network.requestWillBeSent", "Network.responseReceived",
                      "Network.responseReceivedExtraInfo", "Network.loadingFailed",
                      "Network.loadingFinished"):
            cdp.on(event, lambda params, event=event: self._on_cdp(event, params))
        await cdp.send("Network.enable")
        self._sessions.append(cdp)
        return cdp

    def retire_page(self, page_url: str) -> None:
        page = self._pages.pop(page_url, None)
        if page is not None:
            self._spare.append((page, self._cdp.pop(page_url, None)))

    def _mark(self) -> None:
        if self._changed is not None:
            self._changed.set()

    def _on_console(self, text: str) -> None:
        self._console.append(text)
        if self._cell_url and self._cell_url in text:
            self._mark()

    def _on_failed(self, url: str, failure: str) -> None:
        self._failures.append((url, failure))
        if url == self._cell_url:
            self._mark()

    def _on_response(self, url: str, status: int) -> None:
        self._responses.append((url, status))
        if url == self._cell_url:
            self._mark()

    def _on_cdp(self, event: str, params: dict[str, Any]) -> None:
        entry = self._network.setdefault(params["requestId"], {})
        if event == "Network.requestWillBeSent":
            # A redirect is the same requestId with the next URL (and maybe a
            # new method): the first URL and method say which fetch it is.
            entry.setdefault("first_url", params["request"]["url"])
            entry.setdefault("first_method", params["request"]["method"])
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
            self._mark()
        elif event == "Network.loadingFinished":
            entry["done"] = True
            self._mark()

    # -- one cell ------------------------------------------------------------
    def probe(self, page_url: str, spec: ProbeSpec) -> Observation:
        return self._driver.call(self._probe(page_url, spec))

    async def _probe(self, page_url: str, spec: ProbeSpec) -> Observation:
        page = await self._page(page_url)
        self._network.clear()
        self._console.clear()
        self._failures.clear()
        self._responses.clear()
        assert self._changed is not None
        self._changed.clear()
        self._cell_url = spec.url
        try:
            result = await page.evaluate("spec => window.corsProbe(spec)", spec.to_js())
            obs = Observation(probe=result)
            if self.name == "chromium" and page_url in self._cdp:
                await self._chromium_evidence(spec, obs)
            else:
                await self._generic_evidence(spec, obs)
        finally:
            self._cell_url = None
        return obs

    async def _wait(self, done: Callable[[], bool]) -> None:
        """Until done() or EVIDENCE_WAIT_S: woken by each event about the cell, never polling."""
        assert self._changed is not None
        deadline = time.monotonic() + EVIDENCE_WAIT_S
        while not done():
            left = deadline - time.monotonic()
            if left <= 0:
                return
            self._changed.clear()
            if done():
                return
            try:
                await asyncio.wait_for(self._changed.wait(), left)
            except asyncio.TimeoutError:
                return

    async def _chromium_evidence(self, spec: ProbeSpec, obs: Observation) -> None:
        def main_request() -> dict[str, Any] | None:
            for entry in self._network.values():
                if entry.get("first_url") == spec.url and entry.get("type") != "Preflight" \
                        and entry.get("first_method", "").upper() == spec.method.upper() \
                        and entry.get("response_type") != "Preflight":
                    return entry
            return None

        def settled() -> bool:
            entry = main_request()
            return entry is not None and bool(entry.get("done"))

        if obs.outcome != "timeout":
            await self._wait(settled)
        entry = main_request() or {}
        preflights = [e for e in self._network.values()
                      if e.get("first_url") == spec.url and e.get("method") == "OPTIONS"
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

    async def _generic_evidence(self, spec: ProbeSpec, obs: Observation) -> None:
        if obs.outcome == "rejected":
            # Firefox reports the CORS message just after the promise rejects.
            await self._wait(lambda: any(spec.url in m for m in self._console))
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
