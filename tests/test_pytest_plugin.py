"""The pytest plugin: a scenario file's cells are pytest tests, one per cell,
named test_cors[scenario|browser|origin|credentials], so -k, JUnit XML and
pytest-playwright's --browser work as users expect."""
from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

pytestmark = pytest.mark.browser

SCENARIOS = """
target: local
api: reference
scenarios:
  - name: post-json
    path: /items
    method: POST
    headers: {Content-Type: application/json}
    body: '{"a": 1}'
    credentials: [omit, include]
    expect: {allowed: allowed, denied: blocked}
"""


def test_each_cell_is_a_test_named_for_its_coordinates(pytester: pytest.Pytester) -> None:
    pytester.makefile(".yaml", cors_api=SCENARIOS)
    result = pytester.runpytest_subprocess("--cors-browser", "chromium", "--collect-only", "-q")
    assert result.ret == 0
    result.stdout.fnmatch_lines([
        "cors_api.yaml::test_cors[[]post-json|chromium|allowed|omit[]]",
        "cors_api.yaml::test_cors[[]post-json|chromium|allowed|include[]]",
        "cors_api.yaml::test_cors[[]post-json|chromium|denied|omit[]]",
        "cors_api.yaml::test_cors[[]post-json|chromium|denied|include[]]",
    ])


def test_pytest_playwright_browser_option_selects_engines(pytester: pytest.Pytester) -> None:
    pytester.makefile(".yaml", cors_api=SCENARIOS)
    result = pytester.runpytest_subprocess("--browser", "firefox", "--browser", "chromium", "--collect-only", "-q")
    assert "4 tests collected" not in result.stdout.str()
    result.stdout.fnmatch_lines(["*8 tests collected*"])
    assert "webkit" not in result.stdout.str()


def test_cells_run_and_write_junit_xml(pytester: pytest.Pytester) -> None:
    pytester.makefile(".yaml", cors_api=SCENARIOS)
    result = pytester.runpytest_subprocess("--cors-browser", "chromium", "-k", "include",
                                "--junitxml=junit.xml", "--cors-json=r.json")
    result.assert_outcomes(passed=2)
    cases = ET.parse(pytester.path / "junit.xml").getroot().iter("testcase")
    assert sorted(c.get("name") for c in cases) == [
        "test_cors[post-json|chromium|allowed|include]", "test_cors[post-json|chromium|denied|include]"]
    import json

    data = json.loads((pytester.path / "r.json").read_text())
    assert sorted(c["verdict"] for c in data["cells"]) == ["allowed", "blocked"]
    assert "chromium" in data["engines"]


def test_a_cell_that_differs_fails_with_what_was_expected_and_why(pytester: pytest.Pytester) -> None:
    pytester.makefile(".yaml", cors_api=SCENARIOS.replace("denied: blocked", "denied: allowed"))
    result = pytester.runpytest_subprocess("--cors-browser", "chromium", "-k", "denied and omit")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*expected allowed, got blocked, reason preflight-allow-origin-mismatch*"])


def test_a_bad_scenario_file_is_a_collection_error_naming_the_field(pytester: pytest.Pytester) -> None:
    pytester.makefile(".yaml", cors_api=SCENARIOS.replace("expect: {", "expect: {colour: red, "))
    result = pytester.runpytest_subprocess("--cors-browser", "chromium")
    result.stdout.fnmatch_lines(["*cors_api.yaml: scenarios[[]0[]] (post-json).expect.colour: unknown key*"])
    assert result.ret != 0


def test_cors_scenarios_option_collects_a_file_by_path(pytester: pytest.Pytester) -> None:
    scen = pytester.makefile(".yaml", any_name=SCENARIOS)
    result = pytester.runpytest_subprocess("--cors-scenarios", str(scen), "--cors-browser", "chromium",
                                "--collect-only", "-q")
    result.stdout.fnmatch_lines(["*4 tests collected*"])


SHARING_CONFTEST = """
import pytest
from e2e.pytest_plugin import share_run
from e2e.results import CellResult, RunResult

@pytest.fixture(scope="session")
def whole_run(pytestconfig):
    run = RunResult(target="local", scenarios_file=str(pytestconfig.rootpath / "cors_api.yaml"),
                    engines={"chromium": "Chromium (shared run)"})
    for origin, verdict in [("allowed", "allowed"), ("denied", "allowed")]:
        run.cells.append(CellResult(
            id=f"post-json|chromium|{origin}|omit", scenario="post-json", browser="chromium", origin=origin,
            page_origin="http://localhost:1", credentials="omit", method="POST", url="http://localhost:2/items",
            expected="allowed" if origin == "allowed" else "blocked", verdict=verdict, status=200, reason=None,
            engine_detail=None, preflight=True, match=origin == "allowed"))
    share_run(pytestconfig, run)
    return run

def test_makes_the_run(whole_run):
    assert whole_run.cells
"""


def test_cells_of_a_file_already_run_this_session_report_that_run(pytester: pytest.Pytester) -> None:
    """The suite runs the default matrix once: the canary's whole-file run is
    shared with the plugin's cells of the same file (share_run). Here the shared
    run is made up, so a cell that ran in a browser instead could not fail."""
    pytester.makeconftest(SHARING_CONFTEST)
    pytester.makefile(".yaml", cors_api=SCENARIOS)
    pytester.makepyfile(test_x="from conftest import test_makes_the_run  # noqa: F401\n")
    result = pytester.runpytest_subprocess("--cors-browser", "chromium", "-k", "makes_the_run or omit",
                                           "--cors-json=r.json", "test_x.py", "cors_api.yaml")
    result.assert_outcomes(passed=2, failed=1)
    result.stdout.fnmatch_lines(["*expected blocked, got allowed (status 200)*",
                                 "FAILED cors_api.yaml::test_cors[[]post-json|chromium|denied|omit[]]*"])
    import json

    assert json.loads((pytester.path / "r.json").read_text())["engines"] == {"chromium": "Chromium (shared run)"}


def test_an_engine_this_machine_lacks_is_collected_as_skipped_with_the_reason(
        pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PLAYWRIGHT_BROWSERS_PATH", str(pytester.path / "no-playwright-builds"))
    monkeypatch.setenv("CORS_E2E_FIREFOX", str(pytester.path / "no-firefox"))
    pytester.makefile(".yaml", cors_api=SCENARIOS)
    collected = pytester.runpytest_subprocess("--collect-only", "-q")
    collected.stdout.fnmatch_lines(["*12 tests collected*"])  # firefox's cells are not left out
    result = pytester.runpytest_subprocess("-k", "firefox", "-rs")
    result.assert_outcomes(skipped=4)
    result.stdout.fnmatch_lines(["SKIPPED [[]4[]] *engine not installed: firefox is not installed; "
                                 "install it with: apt-get install -y firefox-esr*"])


def test_under_xdist_each_worker_has_its_own_gateway_and_browsers(pytester: pytest.Pytester) -> None:
    pytester.makefile(".yaml", cors_api=SCENARIOS.replace("credentials: [omit, include]",
                                                          "credentials: [omit, include, same-origin]"))
    result = pytester.runpytest_subprocess("-n", "2", "--cors-browser", "chromium", "--cors-json=r.json", "-v")
    result.assert_outcomes(passed=6)
    out = result.stdout.str()
    assert "[gw0]" in out and "[gw1]" in out  # both workers ran cells
    import json

    data = json.loads((pytester.path / "r.json").read_text())
    assert sorted(c["id"] for c in data["cells"]) == sorted(
        f"post-json|chromium|{o}|{c}" for o in ("allowed", "denied") for c in ("omit", "include", "same-origin"))
    # Each worker served its own stub frontend (and gateway): the allowed
    # origin's port differs between the workers' cells.
    ports = {c["page_origin"] for c in data["cells"] if c["origin"] == "allowed"}
    assert len(ports) == 2, ports
    assert {c["verdict"] for c in data["cells"] if c["origin"] == "denied"} == {"blocked"}
