"""Which build of each engine runs: Playwright's own where it is installed,
otherwise the system build this machine can have (docs/browsers.md).

| engine   | preferred                  | fallback (Debian)                                 |
|----------|----------------------------|---------------------------------------------------|
| chromium | Playwright's Chromium      | /usr/bin/chromium                                 |
| firefox  | Playwright's Firefox       | /usr/bin/firefox-esr over WebDriver BiDi          |
| webkit   | Playwright's WebKit        | WebKitGTK MiniBrowser through WebKitWebDriver     |

Playwright's builds are looked for where Playwright keeps them:
PLAYWRIGHT_BROWSERS_PATH ("0": inside the playwright package), else the user's
cache (~/.cache/ms-playwright on Linux). Chromium's and Firefox's come from
Playwright's own driver once it runs; WebKit's is found before any driver
starts (playwright_webkit), because it decides which driver (Playwright or
WebDriver) WebKit gets.

Environment overrides (for unusual layouts): CORS_E2E_CHROMIUM, CORS_E2E_FIREFOX,
CORS_E2E_WEBKIT_DRIVER, CORS_E2E_WEBKIT_BROWSER; CORS_E2E_SYSTEM_BROWSERS=1
ignores Playwright's builds.
"""
from __future__ import annotations

import glob
import json
import os
import platform
import sys
from pathlib import Path
from dataclasses import dataclass, field
from typing import Any

from e2e.errors import EnvironmentProblem

APT = "apt-get install -y"
SYSTEM = {
    "chromium": ("CORS_E2E_CHROMIUM", ["/usr/bin/chromium", "/usr/bin/chromium-browser"], "chromium"),
    "firefox": ("CORS_E2E_FIREFOX", ["/usr/bin/firefox-esr", "/usr/bin/firefox"], "firefox-esr"),
}
WEBKIT_DRIVER = ("CORS_E2E_WEBKIT_DRIVER", ["/usr/bin/WebKitWebDriver"])
WEBKIT_BROWSER = ("CORS_E2E_WEBKIT_BROWSER",
                  sorted(glob.glob("/usr/lib/*/webkit2gtk-4.*/MiniBrowser"), reverse=True))
INSTALL_HINT = {
    "chromium": f"{APT} chromium   (or, with internet: .venv/bin/playwright install chromium)",
    "firefox": f"{APT} firefox-esr   (or, with internet: .venv/bin/playwright install firefox)",
    "webkit": f"{APT} webkit2gtk-driver xvfb xauth",
}


@dataclass
class EngineBuild:
    engine: str
    kind: str                       # "playwright" | "system"
    executable: str | None = None
    channel: str | None = None
    label: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def launch_kwargs(self, chromium_args: list[str]) -> dict[str, Any]:
        kwargs: dict[str, Any] = {"headless": True}
        if self.executable:
            kwargs["executable_path"] = self.executable
        if self.channel:
            kwargs["channel"] = self.channel
        if self.engine == "chromium":
            kwargs["args"] = list(chromium_args)
        return kwargs


def _first_existing(env: str, candidates: list[str]) -> str | None:
    override = os.environ.get(env)
    if override:
        return override if os.access(override, os.X_OK) else None
    return next((c for c in candidates if os.access(c, os.X_OK)), None)


def _playwright_build(browser_type: Any) -> str | None:
    if os.environ.get("CORS_E2E_SYSTEM_BROWSERS") == "1":
        return None
    try:
        path = browser_type.executable_path
    except Exception:  # noqa: BLE001 - no registry entry for this browser: not installed
        return None
    return path if path and os.access(path, os.X_OK) else None


def resolve_playwright(engine: str, browser_type: Any) -> EngineBuild:
    """The build of chromium or firefox to launch, or EnvironmentProblem saying how to get one.
    (WebKit comes here only when playwright_webkit found Playwright's build.)"""
    own = _playwright_build(browser_type)
    if own:
        return EngineBuild(engine, "playwright", label="(Playwright build)")
    if engine == "webkit":
        raise EnvironmentProblem("webkit: Playwright's WebKit build is not installed; install it with: "
                                 ".venv/bin/playwright install webkit (or, for WebKitGTK: "
                                 f"{INSTALL_HINT['webkit']})")
    env, candidates, _package = SYSTEM[engine]
    path = _first_existing(env, candidates)
    if path is None:
        raise EnvironmentProblem(f"{engine} is not installed; install it with: {INSTALL_HINT[engine]}")
    if engine == "firefox":
        # Stock Firefox, driven over WebDriver BiDi (needs Playwright 1.64.x).
        return EngineBuild(engine, "system", executable=path, channel="moz-firefox",
                           label=f"({path} via WebDriver BiDi)")
    return EngineBuild(engine, "system", executable=path, label=f"({path})")


def webkit_problem() -> str | None:
    """Why WebKit cannot run on this machine, or None (without starting it)."""
    if playwright_webkit():
        return None
    try:
        resolve_webkitgtk()
    except EnvironmentProblem as exc:
        return str(exc)
    return None


def resolve_webkitgtk() -> tuple[str, str]:
    """(WebKitWebDriver path, MiniBrowser path), or EnvironmentProblem."""
    driver = _first_existing(*WEBKIT_DRIVER)
    browser = _first_existing(*WEBKIT_BROWSER)
    if not driver or not browser:
        missing = "WebKitWebDriver" if not driver else "MiniBrowser"
        raise EnvironmentProblem(f"webkit: {missing} not found; install it with: {INSTALL_HINT['webkit']}")
    return driver, browser


def playwright_browsers_dir() -> Path:
    """Where Playwright installs (and looks for) its browser builds."""
    configured = os.environ.get("PLAYWRIGHT_BROWSERS_PATH")
    if configured == "0":
        return _playwright_package() / "driver" / "package" / ".local-browsers"
    if configured:
        return Path(configured).expanduser().resolve()
    if sys.platform == "darwin":
        cache = Path.home() / "Library" / "Caches"
    elif sys.platform == "win32":
        cache = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
    else:
        cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return cache / "ms-playwright"


def _playwright_package() -> Path:
    import playwright

    return Path(playwright.__file__).resolve().parent


def _webkit_revision() -> str:
    """The WebKit revision this Playwright release drives (its browsers.json)."""
    listing = json.loads((_playwright_package() / "driver" / "package" / "browsers.json").read_text())
    entry = next(b for b in listing["browsers"] if b["name"] == "webkit")
    if sys.platform == "darwin":
        # Older macOS releases get an older build (revisionOverrides, e.g. "mac14-arm64").
        major = platform.mac_ver()[0].split(".")[0]
        arm = "-arm64" if platform.machine() == "arm64" else ""
        return str(entry.get("revisionOverrides", {}).get(f"mac{major}{arm}", entry["revision"]))
    return str(entry["revision"])


def playwright_webkit() -> str | None:
    """The executable of Playwright's own WebKit build if it is installed
    (``webkit-<revision>/pw_run.sh``), else None. CORS_E2E_SYSTEM_BROWSERS=1
    ignores it, as it does Playwright's Chromium and Firefox."""
    if os.environ.get("CORS_E2E_SYSTEM_BROWSERS") == "1":
        return None
    try:
        revision = _webkit_revision()
    except (OSError, ValueError, KeyError, StopIteration):
        return None  # a playwright package without its browser list: no build to find
    name = "Playwright.exe" if sys.platform == "win32" else "pw_run.sh"
    path = playwright_browsers_dir() / f"webkit-{revision}" / name
    return str(path) if os.access(path, os.X_OK) else None


def webkit_driver(webdriver_url: str | None = None) -> str:
    """How WebKit runs here: "playwright" (Playwright's WebKit build) or
    "webdriver" (WebKitGTK through WebKitWebDriver, or a remote WebDriver
    endpoint such as safaridriver when --webdriver-url names one)."""
    if webdriver_url:
        return "webdriver"
    return "playwright" if playwright_webkit() else "webdriver"


def engine_problems(names: tuple[str, ...] | None = None) -> dict[str, str]:
    """Why each engine of ``names`` (default: every engine) that this machine
    has no build of cannot run, with how to install it; found the way
    launching finds a build (resolve_playwright, webkit_problem), nothing is
    launched. Playwright's registry is asked through a short-lived driver."""
    from e2e.engines import ENGINE_NAMES

    names = ENGINE_NAMES if names is None else names
    problems: dict[str, str] = {}
    playwright_names = [n for n in names if n in SYSTEM]
    if playwright_names:
        from playwright.sync_api import sync_playwright

        with sync_playwright() as pw:
            for name in playwright_names:
                try:
                    resolve_playwright(name, getattr(pw, name))
                except EnvironmentProblem as exc:
                    problems[name] = str(exc)
    if "webkit" in names:
        why = webkit_problem()
        if why is not None:
            problems["webkit"] = why
    return {n: problems[n] for n in names if n in problems}


def available_engines(names: tuple[str, ...] | None = None) -> list[str]:
    """The engines of ``names`` (default: every engine) this machine has a build of (engine_problems)."""
    from e2e.engines import ENGINE_NAMES

    names = ENGINE_NAMES if names is None else names
    problems = engine_problems(names)
    return [n for n in names if n not in problems]
