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
