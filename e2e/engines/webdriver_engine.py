"""Engines driven over W3C WebDriver through Selenium: WebKitGTK here
(WebKitWebDriver + MiniBrowser, under Xvfb when there is no display), and the
same code path for Safari (safaridriver) or any browser on a remote WebDriver
endpoint such as a Selenium Grid (``--webdriver-url``).

The probe is the same script as in Playwright engines, called through
execute_async_script, so a cell is the same fetch in every engine.
"""
from __future__ import annotations

import os
import re
import signal
import subprocess
import threading
import time
from typing import Any
from urllib.parse import unquote, urlsplit, urlunsplit

from e2e.engines.base import (Engine, Observation, ProbeSpec, endpoint_label, page_open_failure,
                              without_endpoint_secrets)
from e2e.engines.resolve import resolve_webkitgtk
from e2e.engines.xvfb import Xvfb, needs_display
from e2e import reasons
from e2e.errors import EnvironmentProblem

_PROBE_CALL = """
const done = arguments[arguments.length - 1];
window.corsProbe(arguments[0]).then(done, (e) => done({outcome: "harness-error", errorMessage: String(e)}));
"""
# How long a page may take to show the stub's probe before the engine's own
# error page (WebKitGTK shows one instead of failing get()) is taken as its
# reason. A module constant so a test of that message need not wait it out.
PAGE_READY_S = 10.0
# Without these, GTK waits seconds for an accessibility bus that is not there.
_QUIET_GTK = {"NO_AT_BRIDGE": "1", "GTK_A11Y": "none",
              # MiniBrowser is a unique GApplication: on a shared D-Bus session a
              # new instance hands over to any MiniBrowser already running and the
              # WebDriver session never starts. No bus, no hand-over.
              "DBUS_SESSION_BUS_ADDRESS": "disabled:"}


# WebKit's console texts (WebKitGTK here; Playwright's WebKit build prints the same). WebKit uses one text for a missing and a mismatched
# Allow-Origin; the raw exchange tells them apart.
WEBKIT_TEXTS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"Preflight response is not successful", re.I), reasons.PREFLIGHT_STATUS),
    (re.compile(r"Request header field \S+ is not allowed by Access-Control-Allow-Headers", re.I),
     reasons.HEADER_NOT_ALLOWED),
    (re.compile(r"Method \S+ is not allowed by Access-Control-Allow-Methods", re.I),
     reasons.METHOD_NOT_ALLOWED),
    (re.compile(r"Cannot use wildcard in Access-Control-Allow-Origin when credentials flag is true",
                re.I), reasons.WILDCARD_WITH_CREDENTIALS),
    (re.compile(r"Credentials flag is true, but Access-Control-Allow-Credentials is not", re.I),
     reasons.INVALID_ALLOW_CREDENTIALS),
    (re.compile(r"Access-Control-Allow-Origin cannot contain more than one origin", re.I),
     reasons.MULTIPLE_ALLOW_ORIGIN),
    (re.compile(r"is not allowed by Access-Control-Allow-Origin", re.I), reasons.ALLOW_ORIGIN_MISMATCH),
]


class WebDriverEngine(Engine):
    def __init__(self, name: str = "webkit", *, remote_url: str | None = None,
                 accept_insecure_certs: bool = False, browser: str = "webkitgtk",
                 extra_args: list[str] | None = None) -> None:
        self._extra_args = list(extra_args or [])
        self.name = name
        self._remote_url = remote_url
        self._accept_insecure = accept_insecure_certs
        self._browser_kind = browser
        self._driver: Any = None
        self._service: Any = None
        self._xvfb: Xvfb | None = None
        self._windows: dict[str, str] = {}
        self._spare: list[str] = []   # windows of retired pages, to navigate
        self._current: str | None = None
        self._version = ""
        self._lock = threading.Lock()

    # -- life cycle ----------------------------------------------------------
    def _options(self) -> Any:
        if self._browser_kind == "safari":
            from selenium.webdriver.safari.options import Options as SafariOptions

            opts: Any = SafariOptions()
        else:
            from selenium.webdriver.webkitgtk.options import Options as WebKitGTKOptions

            opts = WebKitGTKOptions()
            opts.add_argument("--automation")
            for arg in self._extra_args:
                opts.add_argument(arg)
            if self._remote_url and os.environ.get("CORS_E2E_WEBKIT_BROWSER"):
                # Where the remote driver should find MiniBrowser (its own path).
                opts.binary_location = os.environ["CORS_E2E_WEBKIT_BROWSER"]
        opts.accept_insecure_certs = self._accept_insecure
        return opts

    def start(self) -> None:
        from selenium.common.exceptions import WebDriverException

        opts = self._options()
        try:
            if self._remote_url:
                self._driver = _remote(self._remote_url, opts)
                where = f"via WebDriver at {endpoint_label(self._remote_url)}"
            else:
                self._driver = self._start_local(opts)
                where = "via WebKitWebDriver"
        except Exception as exc:  # noqa: BLE001 - a remote endpoint fails in urllib3's words too
            if not isinstance(exc, WebDriverException) and not self._remote_url:
                raise
            self.close()
            text = (getattr(exc, "msg", None) or str(exc)).strip()
            msg = text.splitlines()[0] if text else type(exc).__name__
            if self._remote_url:
                msg = without_endpoint_secrets(msg, self._remote_url)
            raise EnvironmentProblem(f"{self.name}: cannot start a WebDriver session: {msg}") from None
        caps = self._driver.capabilities
        pretty = {"MiniBrowser": "WebKitGTK", "Safari": "Safari", "safari": "Safari"}.get(
            caps.get("browserName", ""), caps.get("browserName", "WebDriver browser"))
        self._version = f"{pretty} {caps.get('browserVersion', '?')} {where}"
        # A cell's fetch may take its whole timeout; the script must outlive it.
        self._driver.set_script_timeout(130)

    def _start_local(self, opts: Any) -> Any:
        from selenium.webdriver.webkitgtk.service import Service

        driver_path, browser_path = resolve_webkitgtk()
        opts.binary_location = browser_path
        env = dict(os.environ, **_QUIET_GTK)
        if needs_display():
            self._xvfb = Xvfb()
            env["DISPLAY"] = self._xvfb.start()
        # The driver (and the browser it starts) get their own process group,
        # so close() can remove every process they made, whatever happens.
        self._service = Service(executable_path=driver_path, env=env, log_output=subprocess.DEVNULL,
                                popen_kw={"start_new_session": True})
        self._service.start()
        return _remote(self._service.service_url, opts)

    @property
    def version(self) -> str:
        return self._version

    def close(self) -> None:
        with self._lock:
            driver, self._driver = self._driver, None
            if driver is not None:
                try:
                    driver.quit()
                except Exception:  # noqa: BLE001 - the session may already be gone
                    pass
            service, self._service = self._service, None
            proc = getattr(service, "process", None) if service is not None else None
            if proc is not None:
                _kill_group(proc)
            if self._xvfb is not None:
                self._xvfb.stop()
                self._xvfb = None
            self._windows.clear()
            self._spare.clear()

    def reset_state(self) -> None:
        # WebDriver can only delete the current document's cookies; cells that
        # depend on cookies use a per-cell cookie value instead (e2e.runner).
        if self._current is not None:
            self._driver.delete_all_cookies()

    def capture_evidence(self, page_url: str, directory: str, stem: str, keep: bool) -> dict[str, str]:
        if not keep or self._driver is None:
            return {}
        try:
            self._switch(page_url)
            if self._driver.save_screenshot(f"{directory}/{stem}.png"):
                return {"screenshot": f"{stem}.png"}
        except Exception:  # noqa: BLE001 - evidence is best effort; the verdict stands without it
            pass
        return {}

    # -- pages ---------------------------------------------------------------
    def _switch(self, page_url: str) -> None:
        if self._current == page_url:
            return
        handle = self._windows.get(page_url)
        if handle is None:
            if self._spare:
                # A window this lane is done with, navigated to the new origin.
                spare = self._spare.pop()
                if spare != self._driver.current_window_handle:
                    self._driver.switch_to.window(spare)
            elif self._windows:
                self._driver.switch_to.new_window("window")  # a background tab cannot be screenshot
            from selenium.common.exceptions import WebDriverException

            try:
                self._driver.get(page_url)
            except WebDriverException as exc:
                raise page_open_failure(self.name, page_url, exc.msg or type(exc).__name__) from None
            deadline = time.monotonic() + PAGE_READY_S
            while not self._driver.execute_script("return window.corsProbeReady === true"):
                if time.monotonic() > deadline:
                    # WebKitGTK shows its own error page instead of failing get():
                    # its text is the engine's reason.
                    raise page_open_failure(self.name, page_url, self._page_text() or "the stub page did not load")
                time.sleep(0.02)
            self._windows[page_url] = self._driver.current_window_handle
        else:
            self._driver.switch_to.window(handle)
        self._current = page_url

    def retire_page(self, page_url: str) -> None:
        handle = self._windows.pop(page_url, None)
        if handle is not None:
            self._spare.append(handle)
            if self._current == page_url:
                self._current = None

    def _page_text(self) -> str:
        try:
            text = self._driver.execute_script(
                "return [document.title, document.body ? document.body.innerText : ''].join('\\n')")
        except Exception:  # noqa: BLE001 - only for the message; the page is broken anyway
            return ""
        return " ".join(str(text or "").split())[:300]

    # -- one cell ------------------------------------------------------------
    def probe(self, page_url: str, spec: ProbeSpec) -> Observation:
        self._switch(page_url)
        result = self._driver.execute_async_script(_PROBE_CALL, spec.to_js())
        # WebKitGTK reports no CORS reason over WebDriver (its console is not
        # reachable, and MiniBrowser in automation mode ignores the setting
        # that would print it): the reason comes from the raw exchange.
        return Observation(probe=result)


# Every WebDriver command gets an answer within this many seconds, or the
# engine fails instead of hanging the run: longer than the longest cell
# (timeout_ms is at most 120 s, the script timeout 130 s).
COMMAND_TIMEOUT_S = 150


def _remote(url: str, opts: Any) -> Any:
    """A WebDriver session at url whose every command is bounded in time."""
    from selenium import webdriver
    from selenium.webdriver.remote.client_config import ClientConfig
    from selenium.webdriver.remote.remote_connection import RemoteConnection

    # Credentials in the URL go to ClientConfig, which sends them as Basic auth
    # (and Selenium warns, on stderr, about URLs that carry them).
    parts = urlsplit(url)
    address = url
    if parts.username or parts.password:
        host = parts.hostname or ""
        netloc = (f"[{host}]" if ":" in host else host) + (f":{parts.port}" if parts.port else "")
        address = urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))
    config = ClientConfig(remote_server_addr=address, timeout=COMMAND_TIMEOUT_S,
                          username=unquote(parts.username) if parts.username else None,
                          password=unquote(parts.password) if parts.password else None)
    return webdriver.Remote(command_executor=RemoteConnection(client_config=config), options=opts)


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(proc.pid, sig)
        except (ProcessLookupError, PermissionError):
            return
        try:
            proc.wait(3)
            return
        except subprocess.TimeoutExpired:
            continue
