"""The table as a whole: size, coverage, and its scenario-file form."""
from __future__ import annotations

from collections import Counter
from pathlib import Path

import yaml

from e2e import reasons as R, spec_cases
from e2e.spec_cases import CASES


def test_the_table_holds_at_least_60_uniquely_named_cases() -> None:
    names = [c.name for c in CASES]
    assert len(names) >= 60
    assert not [n for n, k in Counter(names).items() if k > 1]


def test_the_table_covers_the_reason_codes_of_the_issue() -> None:
    covered = {c.reason for c in CASES}
    for code in (R.MISSING_ALLOW_ORIGIN, R.ALLOW_ORIGIN_MISMATCH, R.WILDCARD_WITH_CREDENTIALS,
                 R.INVALID_ALLOW_CREDENTIALS, R.PREFLIGHT_STATUS, R.METHOD_NOT_ALLOWED,
                 R.HEADER_NOT_ALLOWED, R.MULTIPLE_ALLOW_ORIGIN, R.PREFLIGHT_REDIRECT,
                 R.INVALID_ALLOW_ORIGIN, R.INVALID_ALLOW_METHODS, R.INVALID_ALLOW_HEADERS,
                 R.REDIRECT_WITH_CREDENTIALS, R.preflight(R.MISSING_ALLOW_ORIGIN)):
        assert code in covered, code
    assert all(c.reason in R.ALL_CODES for c in CASES if c.reason)


def test_deviating_cases_expect_per_engine_in_the_scenario_form() -> None:
    case = spec_cases.case_named("auth-wildcard")
    assert spec_cases.to_scenario(case)["expect"] == {
        "default": "blocked", "chromium": "allowed", "firefox": "allowed", "webkit": "allowed"}


def test_the_scenario_file_round_trips_through_yaml(tmp_path: Path) -> None:
    path = tmp_path / "spec-cases.yaml"
    spec_cases.write_scenario_file(path)
    loaded = yaml.safe_load(path.read_text())
    assert loaded["target"] == "scripted"
    assert [s["name"] for s in loaded["scenarios"]] == [c.name for c in CASES]
    two_lines = next(s for s in loaded["scenarios"] if s["name"] == "acao-two-lines")
    assert two_lines["respond"]["actual"]["headers"]["Access-Control-Allow-Origin"] == ["{origin}", "{origin}"]
