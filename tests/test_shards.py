"""--shard K/N runs a stable 1/N of the cells (by a hash of the cell id), and
cors-e2e merge puts the shards' results back together as one run's."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from e2e.engines import ENGINE_NAMES
from e2e.errors import BadInput
from e2e.merge import merge_docs
from e2e.scenarios import DEFAULT_SCENARIOS, expand, load_scenarios
from e2e.shard import Shard, parse_shard, shard_of

CLI = [sys.executable, "-m", "e2e.cli"]


def default_ids() -> list[str]:
    return [c.id for c in expand(load_scenarios(DEFAULT_SCENARIOS), list(ENGINE_NAMES))]


@pytest.mark.parametrize("count", [2, 3, 4, 7])
def test_shards_cover_the_default_matrix_exactly_once(count: int) -> None:
    ids = default_ids()
    assert len(ids) > 1000  # the whole default matrix, every engine
    parts = [[i for i in ids if Shard(k, count).holds(i)] for k in range(1, count + 1)]
    assert sorted(i for part in parts for i in part) == sorted(ids)   # every cell, none twice
    for part in parts:  # and about 1/N each, so N jobs take about as long
        assert abs(len(part) - len(ids) / count) < 0.2 * len(ids) / count, [len(p) for p in parts]


def test_a_cells_shard_depends_on_its_id_alone() -> None:
    # Fixed by sha256 of the id: the same on every machine, Python and order;
    # these values are part of the contract (CI jobs on different machines).
    assert shard_of("reference/get|chromium|allowed|omit", 4) == 1
    assert shard_of("reference/get|webkit|denied|include", 3) == 2
    # A subset of the cells (another engine list, -k) keeps each cell's shard.
    whole = {i: shard_of(i, 5) for i in default_ids()}
    chromium = [c.id for c in expand(load_scenarios(DEFAULT_SCENARIOS), ["chromium"], "reference")]
    assert chromium and all(shard_of(i, 5) == whole[i] for i in chromium)


@pytest.mark.parametrize("text", ["0/2", "3/2", "1/0", "a/b", "1", "-1/2", "1/2/3"])
def test_a_bad_shard_is_one_line(text: str) -> None:
    with pytest.raises(BadInput, match=r"^--shard "):
        parse_shard(text)


def test_cli_bad_shard_and_jobs_exit_2_in_one_line() -> None:
    for flags in (["--shard", "5/4"], ["--jobs", "0"], ["--jobs", "many"]):
        proc = subprocess.run([*CLI, "run", *flags], capture_output=True, text=True, timeout=60)
        assert proc.returncode == 2, proc.stderr
        assert len(proc.stderr.strip().splitlines()) == 1 and "Traceback" not in proc.stderr


def _doc(cells: list[str], **extra: object) -> dict:
    return {"schema": 1, "target": "local", "scenarios_file": "x.yaml", "started": "2026-01-01T00:00:00Z",
            "engines": {}, "engine_errors": {}, "summary": {"duration_s": 1.0},
            "cells": [{"id": c, "verdict": "allowed", "match": True} for c in cells], **extra}


def test_merging_overlapping_or_foreign_results_is_refused() -> None:
    with pytest.raises(BadInput, match="a.json.*also in"):
        merge_docs([("b.json", _doc(["x|chromium|allowed|omit"])), ("a.json", _doc(["x|chromium|allowed|omit"]))])
    with pytest.raises(BadInput, match="scenarios_file"):
        merge_docs([("a.json", _doc(["x"])), ("b.json", _doc(["y"], scenarios_file="other.yaml"))])
    with pytest.raises(BadInput, match="shard 1/2 is also"):
        merge_docs([("a.json", _doc(["x"], shard="1/2")), ("b.json", _doc(["y"], shard="1/2"))])


SMALL = """target: local
api: reference
scenarios:
  - {name: get, path: /items, expect: {allowed: allowed, denied: blocked}}
  - {name: post, path: /items, method: POST, headers: {Content-Type: application/json}, body: '{}',
     credentials: [omit, include], expect: {allowed: allowed, denied: blocked}}
  - {name: broken, api: no-cors-headers, path: /items, credentials: [omit, include], expect: blocked}
"""


@pytest.mark.browser
def test_two_shards_merged_equal_one_unsharded_run(tmp_path: Path) -> None:
    scen = tmp_path / "small.yaml"
    scen.write_text(SMALL)
    base = [*CLI, "run", "--scenarios", str(scen), "--browser", "chromium", "-q"]

    def run(*flags: str) -> dict:
        out = tmp_path / f"r{len(list(tmp_path.glob('r*.json')))}.json"
        proc = subprocess.run([*base, *flags, "--json", str(out)], capture_output=True, text=True, timeout=300)
        assert proc.returncode == 0, proc.stdout + proc.stderr
        return json.loads(out.read_text())

    whole = run("--jobs", "2")
    first, second = run("--shard", "1/2"), run("--shard", "2/2", "--jobs", "1")
    assert first["shard"] == "1/2" and second["shard"] == "2/2"
    assert first["cells"] and second["cells"]   # this file's ids fall in both shards
    (tmp_path / "s1.json").write_text(json.dumps(first))
    (tmp_path / "s2.json").write_text(json.dumps(second))
    (tmp_path / "whole.json").write_text(json.dumps(whole))
    merged_path, html, junit = tmp_path / "merged.json", tmp_path / "m.html", tmp_path / "m.xml"
    proc = subprocess.run([*CLI, "merge", str(tmp_path / "s2.json"), str(tmp_path / "s1.json"), "--json",
                           str(merged_path), "--html", str(html), "--junit", str(junit),
                           "--baseline", str(tmp_path / "whole.json")],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "merged 2 results (1/2, 2/2): 10 cells" in proc.stdout
    merged = json.loads(merged_path.read_text())
    assert [(c["id"], c["verdict"]) for c in merged["cells"]] == [(c["id"], c["verdict"]) for c in whole["cells"]]
    assert merged["summary"]["cells"] == 10 and merged["summary"]["differ"] == 0
    assert "no-cors-headers" not in merged["engine_errors"] and "chromium" in merged["engines"]
    assert html.read_text().count("broken|chromium") >= 1 and junit.read_text().count("<testcase") == 10
    # The merged result is a baseline like any run's: a run compared with it sees no change.
    proc = subprocess.run([*base, "--baseline", str(merged_path)], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0 and "regression" not in proc.stdout.lower().replace("0 regressions", ""), proc.stdout
    # Only one shard: the merge says which is missing and is not green.
    proc = subprocess.run([*CLI, "merge", str(tmp_path / "s1.json"), "--json", str(tmp_path / "half.json")],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1 and "missing shards: 2/2" in proc.stdout, proc.stdout + proc.stderr
