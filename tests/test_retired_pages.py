"""A page a lane is done with (Engine.retire_page) is navigated to the next
origin instead of a new tab being opened, and the navigated page judges its
cells as a fresh one does: its origin is the new one, a blocked fetch is
blocked with the engine's own evidence (Chromium's corsError through the same
CDP session), an allowed one allowed; asking for the retired page again
opens it again. (WebKitGTK gives no evidence of its own over WebDriver: its
reason comes from the exchange, e2e.decide.)"""
from __future__ import annotations

from collections.abc import Iterator

import pytest

from e2e.engines import EngineOptions, start_engine
from e2e.engines.base import ProbeSpec
from e2e.environment import Environment
from e2e.scenarios import DEFAULT_SCENARIOS, load_scenarios

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def env() -> Iterator[Environment]:
    with Environment(load_scenarios(DEFAULT_SCENARIOS)) as env:
        yield env


def open_tabs(engine) -> int:  # type: ignore[no-untyped-def]
    if engine.name == "webkit" and hasattr(engine, "_windows"):
        return len(engine._driver.window_handles)
    return len(engine._driver.call(_pages(engine)))


async def _pages(engine):  # type: ignore[no-untyped-def]
    return engine._context.pages


@pytest.mark.parametrize("name", ["chromium", "firefox", "webkit"])
def test_a_retired_page_is_navigated_to_the_next_origin_and_judges_as_a_fresh_one(env: Environment,
                                                                                 name: str) -> None:
    sfile = env.sfile
    allowed = env.page_url(next(o for o in sfile.origins if o.label == "allowed"))
    denied = env.page_url(next(o for o in sfile.origins if o.label == "denied"))
    scenario = next(s for s in sfile.scenarios if s.name == "reference/get")

    def spec(token: str, page_url: str) -> ProbeSpec:
        return ProbeSpec(url=env.request_url(scenario, token, page_url), method="GET", headers={}, body=None,
                         credentials="omit")

    engine = start_engine(name, env.engine_options(EngineOptions()))
    try:
        first = engine.probe(allowed, spec("retire-1", allowed))
        assert first.outcome == "resolved", first
        assert open_tabs(engine) == 1
        engine.retire_page(allowed)
        blocked = engine.probe(denied, spec("retire-2", denied))
        assert open_tabs(engine) == 1                      # navigated, not a new tab
        assert blocked.probe["pageOrigin"] == denied.rstrip("/")
        assert blocked.outcome == "rejected", blocked
        if name == "chromium":
            assert blocked.cors_error == "MissingAllowOriginHeader", blocked
        elif name == "firefox":
            assert any("retire-2" in m for m in blocked.console), blocked.console
        else:   # WebKitGTK says nothing over WebDriver but the page's TypeError
            assert blocked.probe["errorName"] == "TypeError", blocked
        again = engine.probe(allowed, spec("retire-3", allowed))   # not retired: a tab of its own
        assert again.outcome == "resolved" and again.probe["pageOrigin"] == allowed.rstrip("/")
        assert open_tabs(engine) == 2
    finally:
        engine.close()
