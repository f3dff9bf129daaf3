"""Which build of each engine runs: Playwright's own where it is installed,
otherwise the system build this machine can have (browsers.md).

| engine   | preferred                  | fallback (Debian)                                 |
|----------|----------------------------|---------------------------------------------------|
| chromium | Playwright's Chromium      | /usr/bin/chromium                                 |
| firefox  | Playwright's Firefox       | /usr/bin/firefox-esr over WebDriver BiDi          |
| webkit   | Playwright's WebKit        | WebKitGTK MiniBrowser through WebKitWebDriver     |

Environment overrides (for unusual layouts): CORS_E2E_CHROMIUM, CORS_E2E_FIREFOX,
CORS_E2E_WEBKIT_DRIVER, CORS_E2E_WEBKIT_BROWSER; CORS_E2E_SYSTEM_BROWSERS=1
ignores Playwright's builds.
"""
from __future__ import annotations

import glob
import os
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
    """The build of chromium or firefox to launch, or EnvironmentProblem saying how to get one."""
    own = _playwright_build(browser_type)
    if own:
        return EngineBuild(engine, "playwright", label="(Playwright build)")
    env, candidates, _package = SYSTEM[engine]
    path = _first_existing(env, candidates)
    if path is None:
        raise EnvironmentProblem(f"{engine} is not installed; install it with: {INSTALL_HINT[engine]}")
    if engine == "firefox":
        # Stock Firefox, driven over WebDriver BiDi (needs Playwright 1.64.x).
        return EngineBuild(engine, "system", executable=path, channel="moz-firefox",
                           label=f"({path} via WebDriver BiDi)")
    return EngineBuild(engine, "system", executable=path, label=f"({path})")


def resolve_webkitgtk() -> tuple[str, str]:
    """(WebKitWebDriver path, MiniBrowser path), or EnvironmentProblem."""
    driver = _first_existing(*WEBKIT_DRIVER)
    browser = _first_existing(*WEBKIT_BROWSER)
    if not driver or not browser:
        missing = "WebKitWebDriver" if not driver else "MiniBrowser"
        raise EnvironmentProblem(f"webkit: {missing} not found; install it with: {INSTALL_HINT['webkit']}")
    return driver, browser
