"""Shared test fixtures: the default matrix run once per session, and a way to
find every process a command started (browsers, drivers, Xvfb, Lambda workers),
and `cors-e2e serve` as a user starts it.

Under pytest-xdist (pyproject's addopts: `-n 2 --dist loadgroup`) the collection
hook below keeps together what must share one process: the canary's tests and
every cell the plugin collects from fixtures/scenarios/default.yaml (the cells
report from the canary's run, so they must run after it, in its worker), each
scenario file's cells (one environment and one browser per engine for the
file), and the tests of one module, or one conftest's directory, that share a
module- or session-scoped fixture (it is made once, in one worker)."""
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


# The xdist group of the canary's tests and of the default file's cells.
DEFAULT_RUN_GROUP = "default-run"
# What a test asks for when it reads the canary's run.
DEFAULT_RUN_FIXTURES = {"default_run_with_decoys", "shuffled_default_run"}
# The canary's test that proves the cells reported from its run: it runs right
# after the last default.yaml cell (see pytest_collection_modifyitems).
CELLS_PROOF = "test_the_default_files_cells_reported_from_the_canarys_run"


def _default_cell(item: pytest.Item) -> bool:
    from e2e.pytest_plugin import CorsCellItem
    from e2e.scenarios import DEFAULT_SCENARIOS

    return isinstance(item, CorsCellItem) and Path(item.sfile.path).resolve() == DEFAULT_SCENARIOS.resolve()


def _xdist_group(item: pytest.Item) -> str | None:
    """The group that keeps item in one worker with the tests it shares
    something with, or None: it may run anywhere."""
    from e2e.pytest_plugin import CorsCellItem

    if _default_cell(item):
        return DEFAULT_RUN_GROUP
    if isinstance(item, CorsCellItem):
        return item.nodeid.split("::")[0]   # a scenario file's cells share one environment and its browsers
    info = getattr(item, "_fixtureinfo", None)
    if info is None:
        return None
    if DEFAULT_RUN_FIXTURES & set(info.names_closure):
        return DEFAULT_RUN_GROUP
    homes = set()
    for name in info.names_closure:
        for fixturedef in info.name2fixturedefs.get(name, ()):
            # baseid "" is a plugin's fixture or the root conftest's (pytest's
            # own, cors_e2e's): none of those the suite shares across modules.
            if fixturedef.scope == "function" or not fixturedef.baseid:
                continue
            if fixturedef.scope in ("module", "class"):
                homes.add(item.nodeid.split("::")[0])   # made once per module
            else:
                homes.add(fixturedef.baseid)   # a session fixture: every test under its conftest
    # A conftest directory's session fixture over a module's own: the shortest name.
    return min(homes, key=len) if homes else None


@pytest.hookimpl(tryfirst=True)   # before pytest-xdist reads the marks (it names each item's group)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    groups = {}
    for item in items:
        groups[item] = group = _xdist_group(item)
        if group is not None and item.get_closest_marker("xdist_group") is None:
            item.add_marker(pytest.mark.xdist_group(group))
    # The default file's cells report from the canary's run (share_run): they
    # run after the canary's tests, and the canary's proof right after them.
    # Collection order (testpaths: tests/ first) already has it so; this makes
    # sure, whatever the command line names first. Within the xdist group a
    # worker runs them in this order too.
    cells = [i for i in items if groups[i] == DEFAULT_RUN_GROUP and _default_cell(i)]
    proof = [i for i in items if getattr(i, "originalname", None) == CELLS_PROOF]
    moved = set(cells) | set(proof)
    rest = [i for i in items if i not in moved]
    canary = [i for i in rest if groups[i] == DEFAULT_RUN_GROUP]
    if not cells or not canary:
        return
    at = rest.index(canary[-1]) + 1
    items[:] = [*rest[:at], *cells, *proof, *rest[at:]]


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
