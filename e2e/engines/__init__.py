"""Browser engine drivers and how to pick them."""
from __future__ import annotations

from dataclasses import dataclass

from e2e.engines.base import Engine, Observation, ProbeSpec

ENGINE_NAMES = ("chromium", "firefox", "webkit")


@dataclass
class EngineOptions:
    connect: str | None = None        # ws:// endpoint of a remote Playwright browser server
    webdriver_url: str | None = None  # http:// endpoint of a remote WebDriver (Selenium Grid, safaridriver)
    ignore_https_errors: bool = False


def make_engine(name: str, options: EngineOptions | None = None) -> Engine:
    """A driver for the engine; call start() on the thread that will use it."""
    options = options or EngineOptions()
    if name in ("chromium", "firefox"):
        from e2e.engines.playwright_engine import PlaywrightEngine

        return PlaywrightEngine(name, connect=options.connect,
                                ignore_https_errors=options.ignore_https_errors)
    if name == "webkit":
        from e2e.engines.webdriver_engine import WebDriverEngine

        return WebDriverEngine(name, remote_url=options.webdriver_url,
                               accept_insecure_certs=options.ignore_https_errors)
    raise ValueError(f"unknown engine {name!r}")


__all__ = ["ENGINE_NAMES", "Engine", "EngineOptions", "Observation", "ProbeSpec", "make_engine"]
