"""Gateway rows that change what a browser sees, checked in all three engines.

- Header names: browsers reach API Gateway over HTTP/2, so a REST Lambda sees
  ``origin``; one that reads only ``event.headers["Origin"]`` crashes into a
  502 without CORS headers (blocked), one that reads ``origin`` is allowed
  (tests/gateway/test_header_names.py cites the AWS page).
- A POST whose event is over Lambda's 6 MB request payload limit gets API
  Gateway's 413 REQUEST_TOO_LARGE, which inherits DEFAULT_4XX's
  Access-Control-Allow-Origin: the page reads status 413
  (tests/gateway/test_payload_limits.py cites the pages)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from e2e.cli import main

pytestmark = pytest.mark.browser

APIS = Path(__file__).parent / "gateway" / "apis"
BODY_7_MB = "x" * (7 * 1024 * 1024)


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> tuple[int, dict]:
    tmp = tmp_path_factory.mktemp("fidelity")
    sfile = tmp / "fidelity.yaml"
    sfile.write_text(json.dumps({
        "origins": {"allowed": "stub:allowed"},
        "scenarios": [
            {"name": "reads-Origin", "api": str(APIS / "header-case.yaml"), "path": "/capitalised",
             "expect": "blocked"},
            {"name": "reads-origin", "api": str(APIS / "header-case.yaml"), "path": "/lower",
             "expect": "allowed"},
            {"name": "over-6-mb", "api": str(APIS / "limits.yaml"), "path": "/upload", "method": "POST",
             "headers": {"Content-Type": "text/plain"}, "body": BODY_7_MB, "expect": "allowed"},
        ]}))
    out = tmp / "fidelity.json"
    code = main(["run", "--scenarios", str(sfile), "--json", str(out), "-q"])
    return code, json.loads(out.read_text())


def cells(data: dict, scenario: str) -> dict[str, dict]:
    return {c["browser"]: c for c in data["cells"] if c["scenario"] == scenario}


def test_every_engine_ran_every_cell_as_expected(results: tuple[int, dict]) -> None:
    code, data = results
    assert data["engine_errors"] == {}
    assert set(data["engines"]) == {"chromium", "firefox", "webkit"}
    assert [c["id"] for c in data["cells"] if not c["match"]] == []
    assert code == 0


def test_a_lambda_reading_the_capitalised_key_is_blocked_behind_a_502(results: tuple[int, dict]) -> None:
    _, data = results
    for browser, cell in cells(data, "reads-Origin").items():
        assert cell["verdict"] == "blocked", browser
        assert [e["status"] for e in cell["exchange"]] == [502], browser


def test_a_lambda_reading_the_lower_case_key_is_allowed(results: tuple[int, dict]) -> None:
    _, data = results
    assert {b: (c["verdict"], c["status"]) for b, c in cells(data, "reads-origin").items()} == {
        b: ("allowed", 200) for b in ("chromium", "firefox", "webkit")}


def test_the_413_carries_default_4xx_allow_origin_and_is_readable(results: tuple[int, dict]) -> None:
    _, data = results
    for browser, cell in cells(data, "over-6-mb").items():
        assert (cell["verdict"], cell["status"]) == ("allowed", 413), browser
        (exchange,) = cell["exchange"]
        assert ("Access-Control-Allow-Origin", "*") in [tuple(h) for h in exchange["response_headers"]]
