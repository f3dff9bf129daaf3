"""Shared test fixtures: the default matrix run once per session, and a way to
find every process a command started (browsers, drivers, Xvfb, Lambda workers),
and `cors-e2e serve` as a user starts it."""
from __future__ import annotations

import contextlib
import subprocess
import time
import uuid
from collections.abc import Iterator
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


def process_gone(pid: int, timeout: float = 20.0) -> bool:
    """Whether the process has exited (waiting up to timeout for it to)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            return True
        if stat.rsplit(")", 1)[1].split()[0] == "Z":
            return True   # exited; only its parent has not reaped it yet
        time.sleep(0.02)
    return False


@contextlib.contextmanager
def served_api(command: list[str], *args: str, cwd: Path | None = None) -> Iterator[str]:
    """`<command> serve --api ...` in a subprocess, as a user runs it: yields the
    first API's base URL (its first line of output) and stops it on exit."""
    proc = subprocess.Popen([*command, "serve", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, cwd=cwd)
    try:
        first = proc.stdout.readline() if proc.stdout else ""
        name, sep, url = first.strip().partition(": ")
        assert sep and url.startswith("http://127.0.0.1:"), \
            f"serve printed {first!r}; stderr: {proc.stderr.read() if proc.stderr else ''}"
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        for stream in (proc.stdout, proc.stderr):
            if stream:
                stream.close()


@pytest.fixture
def process_marker(monkeypatch: pytest.MonkeyPatch) -> str:
    marker = uuid.uuid4().hex
    monkeypatch.setenv("CORS_E2E_TEST_MARK", marker)
    return marker


# Scenarios of the default file run a second time inside the canary's run under
# the opposite expectation (see with_decoys): one allowed, one broken Lambda, one
# broken preflight.
DECOY_OF = ["reference/get", "no-cors-headers/get", "preflight-missing-header/custom-header"]
DECOY_PREFIX = "decoy/"


def with_decoys(sfile, names=DECOY_OF):
    """The scenario file plus, for each named scenario, a decoy twin that sends
    the same fetch but expects the opposite verdict in every cell. A harness
    that copied a cell's expectation into its verdict would report the decoys
    as matching; a real one reports every decoy as a mismatch."""
    from dataclasses import replace

    from e2e.scenarios import ENGINES, expand

    decoys = []
    for scenario in sfile.scenarios:
        if scenario.name not in names:
            continue
        real = expand(replace(sfile, scenarios=[scenario]), list(ENGINES))
        flipped: dict = {}
        for cell in real:
            flipped.setdefault(cell.browser, {}).setdefault(cell.origin.label, {})[cell.credentials] = (
                "blocked" if cell.expected == "allowed" else "allowed")
        decoys.append(replace(scenario, name=DECOY_PREFIX + scenario.name, expect=flipped,
                              expect_cookie=None))
    assert len(decoys) == len(names), names
    return replace(sfile, scenarios=[*sfile.scenarios, *decoys])


@pytest.fixture(scope="session")
def default_run_with_decoys(pytestconfig: pytest.Config):
    """The default scenario file in every engine, cells in a shuffled order,
    decoys among them. The suite runs the default matrix once: the cells the
    cors_e2e plugin collects from default.yaml report their verdicts from
    this run (e2e.pytest_plugin.share_run) instead of running again."""
    from e2e.pytest_plugin import share_run
    from e2e.runner import MatrixRun
    from e2e.scenarios import DEFAULT_SCENARIOS, load_scenarios

    matrix = MatrixRun(sfile=with_decoys(load_scenarios(DEFAULT_SCENARIOS)),
                       browsers=["chromium", "firefox", "webkit"], explicit_browsers=True,
                       shuffle_seed=20261128)
    result = matrix.run()
    assert not result.engine_errors, result.engine_errors
    share_run(pytestconfig, result)
    return result


@pytest.fixture(scope="session")
def shuffled_default_run(default_run_with_decoys):
    """The canary's run without its decoys: the default file's own cells."""
    from dataclasses import replace

    return replace(default_run_with_decoys,
                   cells=[c for c in default_run_with_decoys.cells if not c.scenario.startswith(DECOY_PREFIX)])
