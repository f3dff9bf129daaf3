"""The spec-case scenario file that the browsers run (collected by the plugin
from pyproject's testpaths) is exactly the table in e2e/spec_cases.py."""
from __future__ import annotations

from pathlib import Path

import yaml

from e2e.scenarios import load_scenarios
from e2e.spec_cases import CASES, scenario_file

FILE = Path(__file__).resolve().parent.parent / "fixtures" / "scenarios" / "spec-cases.yaml"


def test_the_file_matches_the_table() -> None:
    assert yaml.safe_load(FILE.read_text()) == scenario_file(), (
        "regenerate: python -c \"from e2e.spec_cases import write_scenario_file; "
        "write_scenario_file('fixtures/scenarios/spec-cases.yaml')\"")


def test_it_holds_at_least_sixty_cases_and_loads() -> None:
    sfile = load_scenarios(FILE)
    assert len(sfile.scenarios) == len(CASES) >= 60
    assert sfile.target == "scripted"
