"""The spec-case table through the oracle (issue 4, item 6): every case's
standard verdict, reason and failed parameter, and each engine's expected
verdict where engines knowingly deviate."""
from __future__ import annotations

import pytest

from e2e import oracle, spec_cases
from e2e.spec_cases import CASES, SpecCase

each_case = pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
READABLE = [c for c in CASES if c.readable]


@each_case
def test_the_oracle_gives_the_standards_verdict_and_reason(case: SpecCase) -> None:
    sim = spec_cases.simulate(case)
    result = oracle.judge(sim.request, sim.preflight, list(sim.chain))
    assert (result.verdict, result.reason) == (case.expect, case.reason)
    if case.failed_parameter is not None:
        assert result.failed_parameter == spec_cases.fill_expected(case.failed_parameter, sim)
    assert result.preflight_needed is case.expects_preflight


DEVIATING = [c for c in CASES if c.browsers]


@pytest.mark.parametrize("case", DEVIATING, ids=[c.name for c in DEVIATING])
@pytest.mark.parametrize("engine", oracle.ENGINES)
def test_where_engines_deviate_each_is_expected_to_do_what_the_table_says(case: SpecCase, engine: str) -> None:
    sim = spec_cases.simulate(case)
    result = oracle.judge(sim.request, sim.preflight, list(sim.chain), engine=engine)
    assert result.verdict == case.browser_verdict(engine)
    assert result.spec_verdict == case.expect
    assert result.engine_deviation == (case.deviation if case.browsers.get(engine) else None)


def test_where_no_engine_deviates_every_engine_is_expected_to_follow_the_standard() -> None:
    """One test, not one per case and engine: the engines' rules only differ
    where a deviation is declared, so elsewhere one check per case suffices."""
    differ = []
    for case in CASES:
        if case.browsers:
            continue
        sim = spec_cases.simulate(case)
        for engine in oracle.ENGINES:
            result = oracle.judge(sim.request, sim.preflight, list(sim.chain), engine=engine)
            if (result.verdict, result.engine_deviation) != (case.expect, None):
                differ.append((case.name, engine, result.verdict, result.engine_deviation))
    assert differ == []
    assert len(CASES) - len(DEVIATING) > 50   # the loop really covers the table


@pytest.mark.parametrize("case", READABLE, ids=[c.name for c in READABLE])
def test_readable_headers_are_those_script_can_read(case: SpecCase) -> None:
    sim = spec_cases.simulate(case)
    final = sim.chain[-1]
    for name, readable in case.readable.items():
        assert oracle.is_header_readable(name, final.headers, case.credentials) is readable, name


def test_every_case_renders_as_a_valid_scripted_scenario() -> None:
    forbidden = {"cookie", "origin", "host", "referer", "connection", "content-length"}
    for case in CASES:
        scenario = spec_cases.to_scenario(case)
        assert scenario["path"] == case.path and scenario["respond"]["actual"]["status"] == case.actual.status
        assert not forbidden & {k.lower() for k in scenario.get("headers", {})}, case.name
        if case.body is not None:
            assert case.method.upper() not in ("GET", "HEAD"), case.name
