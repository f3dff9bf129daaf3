"""A real browser runs the scenario files of the three test stacks through
the runner, served by the local gateway from the templates: every cell gets
the verdict AWS documents, and each blocked cell its reason (the crash behind
a CORS error included).

One engine, Chromium (it names the most reasons): what is under test is the
gateway each template becomes, which is the same whichever browser calls it,
and no cell's expectation differs by engine. How each engine judges the same
kinds of answers (a 502 without CORS headers, a preflight naming another
origin, a fixed DEFAULT_4XX origin) is the default run's canary, in all three
(tests/test_default_run_canary.py)."""
from __future__ import annotations

from collections.abc import Iterator

import pytest

from e2e.results import RunResult
from e2e.runner import MatrixRun
from e2e.scenarios import load_scenarios

from .conftest import SCENARIOS

ENGINES = ["chromium"]


@pytest.fixture(scope="module", params=["cdk-items", "sam-notes", "http-echo"])
def run(request: pytest.FixtureRequest) -> Iterator[tuple[str, RunResult]]:
    sfile = load_scenarios(SCENARIOS / f"{request.param}.yaml")
    result = MatrixRun(sfile=sfile, browsers=ENGINES, explicit_browsers=True).run()
    assert not result.engine_errors, result.engine_errors
    yield request.param, result


def test_every_cell_is_as_aws_documents(run: tuple[str, RunResult]) -> None:
    name, result = run
    assert {c.browser for c in result.cells} == set(ENGINES)
    assert [c.id for c in result.cells if not c.match] == []
    assert any(c.verdict == "allowed" for c in result.cells) and any(c.verdict == "blocked" for c in result.cells)


def test_blocked_cells_carry_the_reason(run: tuple[str, RunResult]) -> None:
    name, result = run
    reasons = {(c.scenario, c.origin): c.reason for c in result.cells if c.verdict == "blocked"
               and c.browser == "chromium"}
    assert all(reasons.values()), reasons
    if name == "cdk-items":
        # The headline pitfall: the Lambda crashed, and the 502 has no CORS headers.
        assert reasons[("crash", "allowed")] == "missing-allow-origin"
        crash = next(c for c in result.cells if c.scenario == "crash" and c.origin == "allowed")
        assert crash.underlying_status == 502 and crash.layer == "gateway-error"
        assert "DEFAULT_5XX" in (crash.explanation or "")
        # A foreign origin's preflight gets the first origin back from CDK's template.
        assert reasons[("post-items-json", "denied")] == "preflight-allow-origin-mismatch"
        # DEFAULT_4XX names one fixed origin: the second one cannot read the 403.
        assert reasons[("unknown-path", "allowed-2")] == "allow-origin-mismatch"
    if name == "sam-notes":
        assert ("crash", "allowed") not in reasons   # DEFAULT_5XX carries CORS headers: readable
        crash = next(c for c in result.cells if c.scenario == "crash" and c.origin == "allowed")
        assert crash.status == 502
