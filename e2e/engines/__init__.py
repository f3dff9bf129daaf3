"""Browser engine drivers and how to pick them."""
from __future__ import annotations

from dataclasses import dataclass, field

from e2e.engines.base import Engine, Observation, ProbeSpec
from e2e.oracle import ENGINES as ENGINE_NAMES


@dataclass
class EngineOptions:
    # ws:// endpoints of remote Playwright browser servers: "" applies to every
    # Playwright engine, an engine name to that engine only.
    connect: dict[str, str] = field(default_factory=dict)
    webdriver_url: str | None = None  # http:// endpoint of a remote WebDriver (Selenium Grid, safaridriver)
    ignore_https_errors: bool = False
    # Set by the environment when pages are served at impersonated origins (e2e.origins).
    chromium_args: list[str] = field(default_factory=list)
    firefox_prefs: dict[str, object] = field(default_factory=dict)
    webkit_args: list[str] = field(default_factory=list)
    # The impersonated origins' proxy, for a WebKit that Playwright launches
    # (WebKitGTK gets it in webkit_args instead).
    webkit_proxy: str | None = None
    trace: bool = False               # record Playwright traces (kept for cells not as expected)

    def connect_for(self, engine: str) -> str | None:
        return self.connect.get(engine) or self.connect.get("")


def parse_connect(values: list[str] | None) -> dict[str, str]:
    """--connect [ENGINE=]WS_URL, repeatable, into {engine or "": url}."""
    from e2e.errors import BadInput

    out: dict[str, str] = {}
    for value in values or []:
        engine, sep, url = value.partition("=")
        if not sep or engine not in ("chromium", "firefox"):
            engine, url = "", value
        if url.split("://", 1)[0] not in ("ws", "wss"):
            raise BadInput(f"--connect: {value!r} is not a ws:// or wss:// URL "
                           f"(optionally prefixed chromium= or firefox=)")
        out[engine] = url
    return out


def make_engine(name: str, options: EngineOptions | None = None) -> Engine:
    """A driver for the engine; call start() on the thread that will use it."""
    options = options or EngineOptions()
    if name in ("chromium", "firefox"):
        from e2e.engines.playwright_engine import PlaywrightEngine

        return PlaywrightEngine(name, connect=options.connect_for(name),
                                ignore_https_errors=options.ignore_https_errors,
                                extra_args=options.chromium_args, firefox_prefs=options.firefox_prefs,
                                trace=options.trace)
    if name == "webkit":
        from e2e.engines.resolve import webkit_driver

        if webkit_driver(options.webdriver_url) == "playwright":
            # Playwright's own WebKit build first, as for Chromium and Firefox.
            from e2e.engines.playwright_engine import PlaywrightEngine

            return PlaywrightEngine(name, ignore_https_errors=options.ignore_https_errors,
                                    proxy=options.webkit_proxy, trace=options.trace)
        from e2e.engines.webdriver_engine import WebDriverEngine

        return WebDriverEngine(name, remote_url=options.webdriver_url,
                               accept_insecure_certs=options.ignore_https_errors,
                               extra_args=options.webkit_args)
    raise ValueError(f"unknown engine {name!r}")


def start_engine(name: str, options: EngineOptions | None = None) -> Engine:
    """A started driver for the engine, on this thread; a start that fails
    (EnvironmentProblem) leaves nothing running."""
    engine = make_engine(name, options)
    try:
        engine.start()
    except BaseException:
        engine.close()
        raise
    return engine


__all__ = ["ENGINE_NAMES", "Engine", "EngineOptions", "Observation", "ProbeSpec", "make_engine",
           "parse_connect", "start_engine"]
