"""Shared test fixtures: the default matrix run once per session, and a way to
find every process a command started (browsers, drivers, Xvfb, Lambda workers)."""
from __future__ import annotations

import time
import uuid
from pathlib import Path

import pytest

pytest_plugins = ["pytester"]

ROOT = Path(__file__).resolve().parent


def processes_with_marker(marker: str) -> list[str]:
    """Live processes whose environment carries CORS_E2E_TEST_MARK=marker.

    Children inherit the environment, so this finds everything a command
    started, however deep: the browsers, their drivers, Xvfb, Lambda workers.
    """
    needle = f"CORS_E2E_TEST_MARK={marker}".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if needle not in (entry / "environ").read_bytes():
                continue
            stat = (entry / "stat").read_text()
            if stat.rsplit(")", 1)[1].split()[0] == "Z":
                continue  # a zombie has already exited; only its parent has not reaped it
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            found.append(f"{entry.name} {cmdline[:120]}")
        except OSError:
            continue
    return found


def wait_for_no_processes(marker: str, timeout: float = 10.0) -> list[str]:
    """The processes carrying marker still alive after up to timeout seconds."""
    deadline = time.monotonic() + timeout
    left = processes_with_marker(marker)
    while left and time.monotonic() < deadline:
        time.sleep(0.2)
        left = processes_with_marker(marker)
    return left


@pytest.fixture
def process_marker(monkeypatch: pytest.MonkeyPatch) -> str:
    marker = uuid.uuid4().hex
    monkeypatch.setenv("CORS_E2E_TEST_MARK", marker)
    return marker


@pytest.fixture(scope="session")
def shuffled_default_run():
    """The default scenario file in every engine, cells in a shuffled order."""
    from e2e.runner import MatrixRun
    from e2e.scenarios import DEFAULT_SCENARIOS, load_scenarios

    matrix = MatrixRun(sfile=load_scenarios(DEFAULT_SCENARIOS), browsers=["chromium", "firefox", "webkit"],
                       explicit_browsers=True, shuffle_seed=20261128)
    result = matrix.run()
    assert not result.engine_errors, result.engine_errors
    return result
