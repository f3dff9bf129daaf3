"""Several cells in flight per engine (--jobs): lanes stay apart, a slow cell
holds up only its own lane, and an interrupted run with cells in flight still
exits 130, keeps what finished and leaves no process. Shown by the order of
events (a Lambda that waits to be released), never by a stopwatch."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import processes_with_marker, wait_for_no_processes
from e2e.runner import MatrixRun
from e2e.scenarios import load_scenarios

pytestmark = pytest.mark.browser

CLI = [sys.executable, "-m", "e2e.cli"]

# A Lambda that answers only once the file RELEASE exists (or its time is
# nearly up), and says it is in flight by creating INFLIGHT_DIR/<pid>.
HELD_LAMBDA = '''
import json, os, time

def handler(event, context):
    os.makedirs(os.environ["INFLIGHT_DIR"], exist_ok=True)
    open(os.path.join(os.environ["INFLIGHT_DIR"], str(os.getpid()) + "-" + context.aws_request_id), "w").close()
    while not os.path.exists(os.environ["RELEASE"]) and context.get_remaining_time_in_millis() > 1500:
        time.sleep(0.05)
    return {"statusCode": 200, "headers": {"Access-Control-Allow-Origin": "*"}, "body": json.dumps({"held": True})}
'''


def held_api(tmp_path: Path, timeout_s: int = 25) -> Path:
    """The held Lambda's API; with nothing released, it answers at its
    deadline (timeout_s less 1.5 s)."""
    (tmp_path / "held.py").write_text(HELD_LAMBDA)
    api = tmp_path / "held-api.yaml"
    api.write_text(f"""name: held
type: rest
stage: prod
functions:
  held:
    runtime: python3.12
    code: held.py
    handler: held.handler
    timeout: {timeout_s}
    environment: {{RELEASE: "{tmp_path / 'release'}", INFLIGHT_DIR: "{tmp_path / 'inflight'}"}}
resources:
  /held:
    methods: {{GET: {{integration: {{type: AWS_PROXY, function: held, timeoutInMillis: 29000}}}}}}
""")
    return api


def test_a_slow_cell_does_not_hold_up_a_fast_one_beside_it(tmp_path: Path) -> None:
    api = held_api(tmp_path)
    fast = "\n".join(f"  - {{name: fast-{i}, api: reference, path: /items, credentials: omit, expect: allowed}}"
                     for i in range(6))
    path = tmp_path / "s.yaml"
    path.write_text(f"target: local\norigins: {{allowed: stub:allowed}}\nscenarios:\n"
                    f"  - {{name: slow, api: {api}, path: /held, credentials: omit, timeout_ms: 20000, "
                    f"expect: allowed}}\n{fast}\n")
    order: list[str] = []

    def on_result(res) -> None:  # type: ignore[no-untyped-def]
        order.append(res.scenario)
        if all(f"fast-{i}" in order for i in range(6)):
            # Every fast cell is recorded: only now may the slow one answer.
            (tmp_path / "release").touch()

    result = MatrixRun(sfile=load_scenarios(path), browsers=["chromium"], explicit_browsers=True,
                       jobs=2, on_result=on_result).run()
    assert not result.engine_errors, result.engine_errors
    # The slow cell went first into a lane and came out last, allowed: its
    # Lambda answered only after all six fast cells were recorded beside it.
    assert order[-1] == "slow", order
    assert len(order) == 7
    assert [c.id for c in result.mismatches] == []
    assert json.loads(next(c for c in result.cells if c.scenario == "slow").exchange[-1]["body"]) == {"held": True}


def test_one_lane_runs_one_cell_at_a_time(tmp_path: Path) -> None:
    """--jobs 1 is the old behaviour: the fast cells wait behind the slow one,
    which therefore answers at its Lambda's deadline, not at a release. (A
    deadline of a few seconds: how long it is changes nothing here.)"""
    api = held_api(tmp_path, timeout_s=5)
    path = tmp_path / "s.yaml"
    path.write_text(f"target: local\norigins: {{allowed: stub:allowed}}\nscenarios:\n"
                    f"  - {{name: slow, api: {api}, path: /held, credentials: omit, timeout_ms: 30000, "
                    f"expect: allowed}}\n"
                    f"  - {{name: fast, api: reference, path: /items, credentials: omit, expect: allowed}}\n")
    order: list[str] = []
    result = MatrixRun(sfile=load_scenarios(path), browsers=["chromium"], explicit_browsers=True,
                       jobs=1, on_result=lambda r: order.append(r.scenario)).run()
    assert order == ["slow", "fast"]
    assert not (tmp_path / "release").exists()
    assert [c.id for c in result.mismatches] == []


def test_a_cookie_set_in_one_lane_never_reaches_another_lanes_cell(tmp_path: Path) -> None:
    """Firefox sends the session cookie (its partition is the page's site), so
    a shared cookie jar would show: another lane's session cookie on a cell
    that set none, or a cell's own cookie overwritten or cleared by its
    neighbour's session route."""
    with_session = "\n".join(f"  - {{name: session-{i}, path: /items, session: /session, credentials: include, "
                             f"expect: allowed, expect_cookie: true}}" for i in range(12))
    without = "\n".join(f"  - {{name: plain-{i}, path: /items, credentials: include, expect: allowed}}"
                        for i in range(12))
    path = tmp_path / "cookies.yaml"
    path.write_text("target: local\napi: reference\norigins: {allowed: stub:allowed}\n"
                    f"scenarios:\n{with_session}\n{without}\n")
    result = MatrixRun(sfile=load_scenarios(path), browsers=["firefox"], explicit_browsers=True, jobs=3,
                       shuffle_seed=7).run()
    assert not result.engine_errors, result.engine_errors
    assert len(result.cells) == 24
    # Each session cell sent its own cookie (session=<its token>) ...
    assert [c.id for c in result.mismatches] == []
    assert all(c.cookie_sent for c in result.cells if c.scenario.startswith("session-"))
    # ... and no cell without a session route carried any: the reference
    # Lambda says in its body whether a session cookie came with the request.
    for cell in result.cells:
        if cell.scenario.startswith("plain-"):
            (actual,) = [e for e in cell.exchange if e["method"] == "GET"]
            assert json.loads(actual["body"])["cookie"] is False, cell.id


def test_an_interrupted_run_with_cells_in_flight_keeps_what_finished(tmp_path: Path, process_marker: str) -> None:
    api = held_api(tmp_path)
    fast = "\n".join(f"  - {{name: fast-{i}, api: reference, path: /items, credentials: omit, expect: allowed}}"
                     for i in range(6))
    held = "\n".join(f"  - {{name: held-{i}, api: {api}, path: /held, credentials: omit, timeout_ms: 20000, "
                     f"expect: timeout}}" for i in range(6))
    path = tmp_path / "s.yaml"
    path.write_text(f"target: local\norigins: {{allowed: stub:allowed}}\nscenarios:\n{fast}\n{held}\n")
    out = tmp_path / "r.json"
    proc = subprocess.Popen([*CLI, "run", "--scenarios", str(path), "--browser", "chromium", "--jobs", "3",
                             "--json", str(out)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
    inflight = tmp_path / "inflight"
    try:
        # Three held cells in flight at once means every lane has recorded
        # its fast cells (a lane takes a cell only when its last is recorded).
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and proc.poll() is None:
            if inflight.is_dir() and len(os.listdir(inflight)) >= 3:
                break
            time.sleep(0.1)
        assert inflight.is_dir() and len(os.listdir(inflight)) >= 3, "the lanes never had three cells in flight"
        assert "bootstrap_python" in " ".join(processes_with_marker(process_marker))
        os.killpg(proc.pid, signal.SIGINT)  # Ctrl-C: the whole group, browsers and drivers too
        stdout, stderr = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130, stdout + stderr
    assert "Traceback" not in stderr
    data = json.loads(out.read_text())
    assert data["interrupted"] is True and data["engine_errors"] == {}
    kept = {c["scenario"]: c for c in data["cells"]}
    assert {f"fast-{i}" for i in range(6)} <= set(kept), sorted(kept)
    assert all(kept[f"fast-{i}"]["match"] for i in range(6))
    assert len(kept) < 12  # the held cells not yet taken were not run
    assert wait_for_no_processes(process_marker) == []
