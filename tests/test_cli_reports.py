"""The report flags of cors-e2e run, end to end: evidence files for cells not
as expected, HTML and JUnit beside the JSON, and a regression against a
baseline exits 4 (and takes precedence over 1)."""
from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from e2e.cli import main
from e2e.errors import EXIT_MISMATCH, EXIT_OK, EXIT_REGRESSION

pytestmark = pytest.mark.browser

GOOD = """target: local
api: reference
scenarios:
  - {name: get, path: /items, expect: {allowed: allowed, denied: blocked}}
"""


def test_evidence_html_and_junit_for_a_cell_not_as_expected(tmp_path: Path) -> None:
    scen = tmp_path / "s.yaml"
    scen.write_text(GOOD.replace("denied: blocked", "denied: allowed"))  # deliberately wrong
    out = tmp_path / "out"
    code = main(["run", "--scenarios", str(scen), "--browser", "chromium", "--browser", "webkit", "-q",
                 "--json", str(tmp_path / "r.json"), "--html", str(tmp_path / "r.html"),
                 "--junit", str(tmp_path / "r.xml"), "--output", str(out)])
    assert code == EXIT_MISMATCH
    cells = {c["id"]: c for c in json.loads((tmp_path / "r.json").read_text())["cells"]}
    for engine in ("chromium", "webkit"):
        bad = cells[f"get|{engine}|denied|omit"]
        assert bad["match"] is False
        assert {"console", "screenshot"} <= set(bad["evidence"])
        for rel in bad["evidence"].values():
            assert (out / rel).stat().st_size > 0
        assert cells[f"get|{engine}|allowed|omit"]["evidence"] is None
    assert "trace" in cells["get|chromium|denied|omit"]["evidence"]
    assert (out / cells["get|chromium|denied|omit"]["evidence"]["screenshot"]).read_bytes()[:4] == b"\x89PNG"
    html = (tmp_path / "r.html").read_text()
    assert 'data-id="get|webkit|denied|omit"' in html and "evidence/" in html
    suite = ET.parse(tmp_path / "r.xml").getroot()
    suite = suite if suite.tag == "testsuite" else suite.find("testsuite")
    assert suite is not None and suite.get("tests") == "4" and suite.get("failures") == "2"


def test_a_regression_against_the_baseline_exits_4(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    scen = tmp_path / "s.yaml"
    scen.write_text(GOOD)
    base = tmp_path / "base.json"
    assert main(["run", "--scenarios", str(scen), "--browser", "chromium", "-q", "--json", str(base)]) == EXIT_OK
    # The next night the expectation is the same but the API lost the allowed origin:
    # point the scenario at the broken twin of the reference API.
    scen.write_text(GOOD.replace("api: reference", "api: no-cors-headers"))
    code = main(["run", "--scenarios", str(scen), "--browser", "chromium", "-q", "--baseline", str(base)])
    assert code == EXIT_REGRESSION
    out = capsys.readouterr().out
    assert "get|chromium|allowed|omit" in out


def test_a_missing_baseline_is_bad_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", "--baseline", str(tmp_path / "none.json"), "-k", "reference/get|chromium"]) == 2
    assert "none.json" in capsys.readouterr().err


def test_cells_whose_ids_clean_to_the_same_name_keep_separate_evidence(tmp_path: Path) -> None:
    scen = tmp_path / "s.yaml"
    scen.write_text("target: local\napi: reference\norigins: {denied: stub:denied}\nscenarios:\n"
                    "  - {name: odd/name, path: /items, expect: allowed}\n"   # deliberately wrong
                    "  - {name: odd+name, path: /items, expect: allowed}\n")
    out = tmp_path / "out"
    code = main(["run", "--scenarios", str(scen), "--browser", "chromium", "-q",
                 "--json", str(tmp_path / "r.json"), "--output", str(out)])
    assert code == EXIT_MISMATCH
    cells = json.loads((tmp_path / "r.json").read_text())["cells"]
    logs = [c["evidence"]["console"] for c in cells]
    assert len(cells) == 2 and logs[0] != logs[1]
    assert [(out / log).read_text().splitlines()[0] for log in logs] == [f"cell {c['id']}" for c in cells]
