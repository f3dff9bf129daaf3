"""A Playwright trace holds whole requests and responses (cookies,
Authorization): it is kept as evidence only where no real secret can be in it."""
from __future__ import annotations

from pathlib import Path

import pytest

from e2e.runner import MatrixRun
from e2e.scenarios import load_scenarios


def matrix(tmp_path: Path, head: str, headers: str = "{}", target: str | None = None) -> MatrixRun:
    path = tmp_path / "s.yaml"
    path.write_text(f"{head}scenarios:\n  - {{name: a, path: /items, headers: {headers}, expect: allowed}}\n")
    return MatrixRun(sfile=load_scenarios(path), browsers=["chromium"], target=target)


@pytest.mark.parametrize("head, headers, target, traced", [
    ("api: reference\n", "{}", None, True),
    ("api: reference\n", "{X-Request-Id: r1}", None, True),
    ("api: reference\n", "{Authorization: Bearer t}", None, False),
    ("api: reference\n", "{X-Api-Key: k}", None, False),
    ("target: https://api.example.com/prod\n", "{}", None, False),
    ("api: reference\n", "{}", "https://api.example.com/prod", False),
])
def test_a_trace_is_kept_only_without_secrets(tmp_path: Path, head: str, headers: str,
                                              target: str | None, traced: bool) -> None:
    assert matrix(tmp_path, head, headers, target).may_trace() is traced


@pytest.mark.browser
@pytest.mark.parametrize("where", ["local fixture", "deployed API by URL"])
def test_a_differing_cell_leaves_a_trace_only_for_a_local_fixture(tmp_path: Path, where: str) -> None:
    """What the policy promises, on disk: a cell not as expected (the file
    deliberately expects the wrong verdict) keeps a Playwright trace against a
    local fixture, and none against an API reached by URL (here a local
    gateway standing in for a deployed one)."""
    from e2e.gateway import LocalGateway, load_api

    out = tmp_path / "out"
    with LocalGateway() as gateway:
        if where == "local fixture":
            run = matrix(tmp_path, "api: reference\norigins: {allowed: stub:denied}\n")
        else:
            api = gateway.add(load_api("reference", variables={"allowed_origin": "http://localhost:9"}))
            run = matrix(tmp_path, f"target: {api.base_url}\norigins: {{allowed: stub:denied}}\n")
        run.evidence_dir = out
        result = run.run()
    assert not result.engine_errors, result.engine_errors
    [cell] = result.cells
    assert (cell.match, cell.verdict) == (False, "blocked")
    assert "screenshot" in (cell.evidence or {})   # evidence was kept for it
    traces = sorted(p.name for p in (out / "evidence").glob("*.trace.zip"))
    if where == "local fixture":
        assert "trace" in cell.evidence and len(traces) == 1
    else:
        assert "trace" not in cell.evidence and traces == []
