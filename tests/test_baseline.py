"""Comparing a run with a baseline (issue 8): a fixture changed between two
real runs shows up as exactly the cells it changed; each kind of change and
what counts as a regression; a bad baseline file is one line naming it."""
from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from e2e.baseline import (EXPECTATION_CHANGED, FLIPPED, NEWLY_ALLOWED, NEWLY_BLOCKED, REASON_CHANGED,
                          VERDICT_CHANGED, compare, load_baseline)
from e2e.errors import EXIT_BAD_INPUT, BadInput

ROOT = Path(__file__).resolve().parent.parent


def cell(cid: str, expected: str, verdict: str, reason: str | None = None) -> dict[str, Any]:
    scenario, browser, origin, creds = cid.split("|")
    return {"id": cid, "scenario": scenario, "browser": browser, "origin": origin, "credentials": creds,
            "expected": expected, "verdict": verdict, "match": expected == verdict, "reason": reason,
            "status": 200 if verdict == "allowed" else None}


def doc(*cells: dict[str, Any], **top: Any) -> dict[str, Any]:
    return {"schema": 1, "tool": "cors-e2e", "target": "local-rest", "started": "2026-11-27T03:00:00Z",
            "engines": {"chromium": "Chromium 1"}, "engine_errors": {}, "cells": list(cells), **top}


def test_each_kind_of_change_is_named() -> None:
    before = doc(cell("a|chromium|allowed|omit", "allowed", "allowed"),
                 cell("b|chromium|allowed|omit", "blocked", "blocked", "missing-allow-origin"),
                 cell("c|chromium|denied|omit", "blocked", "blocked", "missing-allow-origin"),
                 cell("d|chromium|allowed|omit", "allowed", "allowed"),
                 cell("e|chromium|allowed|omit", "allowed", "blocked", "header-not-allowed"),
                 cell("f|chromium|allowed|omit", "allowed", "allowed"),
                 cell("same|chromium|allowed|omit", "allowed", "allowed"),
                 cell("gone|chromium|allowed|omit", "allowed", "allowed"))
    after = doc(cell("a|chromium|allowed|omit", "allowed", "blocked", "missing-allow-origin"),
                cell("b|chromium|allowed|omit", "blocked", "allowed"),
                cell("c|chromium|denied|omit", "blocked", "blocked", "allow-origin-mismatch"),
                cell("d|chromium|allowed|omit", "allowed", "network-error"),
                cell("e|chromium|allowed|omit", "allowed", "allowed"),
                cell("f|chromium|allowed|omit", "blocked", "allowed"),
                cell("same|chromium|allowed|omit", "allowed", "allowed"),
                cell("new|chromium|allowed|omit", "allowed", "allowed"))
    cmp = compare(before, after, baseline_name="yesterday.json")
    kinds = {c.id.split("|")[0]: c.kinds for c in cmp.changes}
    assert kinds == {"a": (NEWLY_BLOCKED, FLIPPED), "b": (NEWLY_ALLOWED, FLIPPED), "c": (REASON_CHANGED,),
                     "d": (VERDICT_CHANGED, FLIPPED), "e": (NEWLY_ALLOWED, FLIPPED),
                     "f": (FLIPPED, EXPECTATION_CHANGED)}
    assert [c.id.split("|")[0] for c in cmp.newly_blocked] == ["a"]
    assert [c.id.split("|")[0] for c in cmp.newly_allowed] == ["b", "e"]
    assert [c.id.split("|")[0] for c in cmp.reason_changed] == ["c"]
    assert cmp.added == ["new|chromium|allowed|omit"]
    assert cmp.removed == ["gone|chromium|allowed|omit"]
    # Was as expected and is not any more: a, b, d, f. e got better: no regression.
    assert [c.id.split("|")[0] for c in cmp.regressions] == ["a", "b", "d", "f"]


def test_newly_blocked_where_it_was_allowed_is_a_regression_even_when_now_expected() -> None:
    before = doc(cell("a|chromium|allowed|omit", "allowed", "allowed"))
    after = doc(cell("a|chromium|allowed|omit", "blocked", "blocked", "missing-allow-origin"))
    cmp = compare(before, after)
    assert cmp.changes[0].kinds == (NEWLY_BLOCKED, EXPECTATION_CHANGED)
    assert [c.id for c in cmp.regressions] == ["a|chromium|allowed|omit"]


def test_an_unchanged_run_says_so_in_one_line() -> None:
    run = doc(cell("a|chromium|allowed|omit", "allowed", "allowed"))
    cmp = compare(run, copy.deepcopy(run), baseline_name="b.json")
    assert cmp.unchanged and not cmp.regressions
    assert cmp.to_text() == "Compared with baseline b.json (2026-11-27T03:00:00Z): no change in 1 cells\n"


def test_the_text_puts_regressions_first_and_notes_new_browser_builds() -> None:
    before = doc(cell("a|chromium|allowed|omit", "blocked", "blocked", "x"),
                 cell("b|chromium|allowed|omit", "allowed", "allowed"))
    after = doc(cell("a|chromium|allowed|omit", "blocked", "blocked", "y"),
                cell("b|chromium|allowed|omit", "allowed", "blocked", "missing-allow-origin"),
                engines={"chromium": "Chromium 2"})
    lines = compare(before, after, baseline_name="b.json").text_lines()
    assert lines == [
        "Compared with baseline b.json (2026-11-27T03:00:00Z): 1 regression, 2 changed, 0 added, 0 removed",
        "  note: chromium changed: Chromium 1 -> Chromium 2",
        "  REGRESSION b|chromium|allowed|omit: allowed 200, as expected -> blocked (missing-allow-origin), "
        "unexpectedly blocked [newly-blocked, flipped]",
        "  changed    a|chromium|allowed|omit: blocked (x), as expected -> blocked (y), as expected "
        "[reason-changed]",
    ]


def test_an_engine_that_did_not_run_explains_its_removed_cells() -> None:
    before = doc(cell("a|chromium|allowed|omit", "allowed", "allowed"),
                 cell("a|firefox|allowed|omit", "allowed", "allowed"),
                 engines={"chromium": "Chromium 1", "firefox": "Firefox 1"})
    after = doc(cell("a|chromium|allowed|omit", "allowed", "allowed"),
                engine_errors={"firefox": "firefox: not installed"})
    cmp = compare(before, after)
    assert cmp.removed == ["a|firefox|allowed|omit"] and not cmp.regressions
    assert "firefox did not run (firefox: not installed): its 1 cells are removed" in cmp.notes


@pytest.mark.parametrize("content, problem", [
    (None, "no such file (a run with --json {p} makes one)"),
    ("", "not JSON: Expecting value at line 1 column 1"),
    ("{\"cells\": [}", "not JSON: Expecting value at line 1 column 12"),
    ("[1, 2]", 'not a cors-e2e JSON result (no "cells" list); give the file a run wrote with --json'),
    ('{"schema": 1, "summary": {}}', 'not a cors-e2e JSON result (no "cells" list)'),
    ('{"schema": 9, "cells": []}', "schema 9 is newer than this cors-e2e reads (1)"),
    ('{"schema": "1", "cells": []}', "\"schema\" must be a whole number, not '1'"),
    ('{"schema": 1, "cells": [7]}', "cells[0] is not an object"),
    ('{"schema": 1, "cells": [{"id": "a", "match": true}]}', "cells[0] has no 'verdict'"),
    ('{"schema": 1, "cells": [{"id": "a", "verdict": "allowed", "match": "yes"}]}',
     "cells[0].match must be a bool, not 'yes'"),
    ('{"schema": 1, "cells": [{"id": "a", "verdict": "allowed", "match": true},'
     ' {"id": "a", "verdict": "allowed", "match": true}]}', "cells[1]: id 'a' appears twice"),
])
def test_a_bad_baseline_file_is_one_line_naming_it(tmp_path: Path, content: str | None, problem: str) -> None:
    path = tmp_path / "baseline.json"
    if content is not None:
        path.write_text(content)
    with pytest.raises(BadInput) as info:
        load_baseline(path)
    message = str(info.value)
    assert message.startswith(f"--baseline {path}: ")
    assert problem.format(p=path) in message
    assert "\n" not in message
    assert info.value.exit_code == EXIT_BAD_INPUT


def test_a_baseline_that_is_a_directory_is_bad_input(tmp_path: Path) -> None:
    with pytest.raises(BadInput, match=f"--baseline {tmp_path}: cannot read it: Is a directory"):
        load_baseline(tmp_path)


# -- two real runs, a fixture changed in between ---------------------------------

@pytest.mark.browser
def test_changing_a_fixture_between_two_runs_reports_exactly_that_change(tmp_path: Path) -> None:
    """The reference API's preflight stops allowing X-Request-Id: the cells that
    send it from the allowed origin are newly blocked, and nothing else moves."""
    from e2e.runner import MatrixRun
    from e2e.scenarios import load_scenarios

    original = (ROOT / "fixtures" / "apis" / "reference.yaml").read_text()
    code = ROOT / "fixtures" / "lambdas" / "python" / "reference.py"
    assert "code: ../lambdas/python/reference.py" in original and ", X-Request-Id]" in original
    api = tmp_path / "api.yaml"
    api.write_text(original.replace("code: ../lambdas/python/reference.py", f"code: {code}"))
    sfile = tmp_path / "s.yaml"
    sfile.write_text(f"""
target: local-rest
api: {api}
origins: {{allowed: stub:allowed, denied: stub:denied}}
scenarios:
  - {{name: get, path: /items, credentials: [omit, include], expect: {{allowed: allowed, denied: blocked}}}}
  - {{name: custom-header, path: /items, headers: {{X-Request-Id: r-1}}, credentials: [omit, include],
     expect: {{allowed: allowed, denied: blocked}}}}
""")

    def run() -> dict[str, Any]:
        result = MatrixRun(sfile=load_scenarios(sfile), browsers=["chromium"], explicit_browsers=True).run()
        assert not result.engine_errors, result.engine_errors
        result.write_json(tmp_path / "r.json")
        return json.loads((tmp_path / "r.json").read_text())

    first = run()
    assert all(c["match"] for c in first["cells"]), [c["id"] for c in first["cells"] if not c["match"]]
    (tmp_path / "baseline.json").write_text(json.dumps(first))
    api.write_text(api.read_text().replace(", X-Request-Id]", "]"))
    second = run()

    cmp = compare(load_baseline(tmp_path / "baseline.json"), second, baseline_name="baseline.json")
    changed = ["custom-header|chromium|allowed|omit", "custom-header|chromium|allowed|include"]
    assert cmp.changed_ids == changed
    assert [c.id for c in cmp.newly_blocked] == changed
    assert [c.id for c in cmp.regressions] == changed
    assert all(c.kinds == (NEWLY_BLOCKED, FLIPPED) for c in cmp.changes)
    assert all(c.after.reason == "header-not-allowed" for c in cmp.changes), [c.after for c in cmp.changes]
    assert not cmp.added and not cmp.removed
    assert cmp.text_lines()[0] == ("Compared with baseline baseline.json "
                                   f"({first['started']}): 2 regressions, 2 changed, 0 added, 0 removed")
