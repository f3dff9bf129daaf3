"""A run leaves no browser, driver, Xvfb or Lambda worker behind: not when it
ends, not when it is interrupted (Ctrl-C, or SIGTERM from a cancelled CI job),
and an interrupted run still writes the results it gathered."""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import re
import sys
import threading
import time
from pathlib import Path

import pytest

from conftest import processes_with_marker, wait_for_no_processes

pytestmark = pytest.mark.browser

CLI = [sys.executable, "-m", "e2e.cli"]


class SilentApi:
    """An API that accepts every connection and never answers, so every cell
    waits for its timeout; it notes which cells each engine has started (by
    the request's cell token and User-Agent), the event the interrupt waits for."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        self.cells: dict[str, set[str]] = {"chromium": set(), "firefox": set(), "webkit": set()}
        self.held: list[socket.socket] = []
        self.lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.sock.accept()
            except OSError:
                return
            self.held.append(client)
            threading.Thread(target=self._read, args=(client,), daemon=True).start()

    def _read(self, client: socket.socket) -> None:
        try:
            head = client.recv(8192).decode("latin-1")
        except OSError:
            return
        token = re.search(r"cors-e2e-cell=([0-9a-f]+)", head)
        agent = re.search(r"(?im)^user-agent: (.*)$", head)
        if token and agent:
            ua = agent.group(1)
            engine = "firefox" if "Firefox/" in ua else "chromium" if "Chrome/" in ua else "webkit"
            with self.lock:
                self.cells[engine].add(token.group(1))

    def started(self, engine: str) -> int:
        with self.lock:
            return len(self.cells[engine])

    def close(self) -> None:
        self.sock.close()
        for client in self.held:
            client.close()


def test_a_finished_run_leaves_no_process(tmp_path: Path, process_marker: str) -> None:
    path = tmp_path / "s.yaml"
    path.write_text("target: local\napi: reference\nscenarios:\n"
                    "  - {name: get, path: /items, expect: {allowed: allowed, denied: blocked}}\n")
    proc = subprocess.run([*CLI, "run", "--scenarios", str(path)], capture_output=True, text=True,
                          timeout=180)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "6 cells in" in proc.stdout  # all three engines ran
    assert wait_for_no_processes(process_marker) == []


@pytest.mark.parametrize("sig, group", [
    (signal.SIGINT, True),     # Ctrl-C at a terminal: the whole process group, drivers and browsers too
    (signal.SIGTERM, False),   # a CI job cancelled: the run's own process
    (signal.SIGTERM, True),    # ... or its process group
], ids=["ctrl-c-to-the-group", "sigterm", "sigterm-to-the-group"])
def test_an_interrupted_run_keeps_its_results_and_leaves_no_process(
        tmp_path: Path, process_marker: str, sig: signal.Signals, group: bool) -> None:
    silent = SilentApi()
    port = silent.port
    scenarios = "\n".join(f"  - {{name: slow-{i}, path: /s{i}, timeout_ms: 800, expect: timeout}}"
                          for i in range(30))
    path = tmp_path / "slow.yaml"
    path.write_text(f"target: http://127.0.0.1:{port}\norigins: {{allowed: stub:allowed}}\n"
                    f"scenarios:\n{scenarios}\n")
    out = tmp_path / "r.json"
    proc = subprocess.Popen([*CLI, "run", "--scenarios", str(path), "--json", str(out)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
    try:
        # Wait until every engine has finished a cell and started the next one
        # (a second cell token reached the API), so results exist to keep.
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if all(silent.started(e) >= 2 for e in ("chromium", "firefox", "webkit")):
                break
            time.sleep(0.05)
        assert all(silent.started(e) >= 2 for e in ("chromium", "firefox", "webkit")), silent.cells
        if group:
            os.killpg(proc.pid, sig)
            if sig == signal.SIGINT:  # an impatient user presses Ctrl-C again
                time.sleep(0.2)
                os.killpg(proc.pid, sig)
        else:
            proc.send_signal(sig)
        stdout, stderr = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
        silent.close()
    assert proc.returncode == 130, stdout + stderr
    assert "Traceback" not in stderr
    data = json.loads(out.read_text())
    assert data["interrupted"] is True
    # An engine whose browser the signal reached is interrupted, not broken.
    assert data["engine_errors"] == {} and "did not run" not in stderr, stderr
    assert 0 < len(data["cells"]) < 90
    assert {c["verdict"] for c in data["cells"]} == {"timeout"}
    assert "(interrupted)" in stdout
    assert wait_for_no_processes(process_marker) == []


# The reference Lambda, noting each invocation as a file in CALLS_DIR first:
# the count of cells a run has reached, seen from outside.
COUNTED_LAMBDA = '''
import importlib.util, os

_spec = importlib.util.spec_from_file_location("reference", os.environ["REFERENCE_LAMBDA"])
reference = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(reference)


def handler(event, context):
    open(os.path.join(os.environ["CALLS_DIR"], context.aws_request_id), "w").close()
    return reference.handler(event, context)
'''


def counted_reference_api(tmp_path: Path) -> tuple[Path, Path]:
    """The reference API with its Lambda counting its invocations: (the API
    definition, the directory that gets one file per invocation)."""
    import yaml

    from e2e.paths import APIS_DIR, LAMBDAS_DIR

    calls = tmp_path / "calls"
    calls.mkdir()
    (tmp_path / "counted.py").write_text(COUNTED_LAMBDA)
    api = yaml.safe_load((APIS_DIR / "reference.yaml").read_text())
    items = api["functions"]["items"]
    items.update(code="counted.py", handler="counted.handler")
    items["environment"].update(REFERENCE_LAMBDA=str(LAMBDAS_DIR / "python" / "reference.py"),
                                CALLS_DIR=str(calls))
    path = tmp_path / "counted-reference.yaml"
    path.write_text(yaml.safe_dump(api))
    return path, calls


def test_an_interrupted_local_run_leaves_no_lambda_worker(tmp_path: Path, process_marker: str) -> None:
    from e2e.lanes import DEFAULT_JOBS

    api, calls = counted_reference_api(tmp_path)
    scenarios = "\n".join(f"  - {{name: get-{i}, path: /items, expect: {{allowed: allowed, denied: blocked}}}}"
                          for i in range(100))
    path = tmp_path / "many.yaml"
    path.write_text(f"target: local\napi: {api}\nscenarios:\n{scenarios}\n")
    proc = subprocess.Popen([*CLI, "run", "--scenarios", str(path), "--browser", "chromium",
                             "--json", str(tmp_path / "r.json")],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        # Each cell calls the Lambda once (a GET: no preflight), and a lane
        # takes its next cell only once the last is recorded: more calls than
        # lanes means cells have finished and the run is well under way, its
        # Lambda worker warm, when the interrupt comes.
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and proc.poll() is None and len(os.listdir(calls)) < DEFAULT_JOBS + 3:
            time.sleep(0.05)
        assert len(os.listdir(calls)) >= DEFAULT_JOBS + 3, proc.poll()
        running = " ".join(processes_with_marker(process_marker))
        assert "bootstrap_python" in running, running  # the marker reaches the Lambda workers
        proc.send_signal(signal.SIGINT)
        stdout, stderr = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130, stdout + stderr
    # The servers stay up until the cell in flight is done: no cell fails for
    # being cut off.
    cells = json.loads((tmp_path / "r.json").read_text())["cells"]
    assert len(cells) >= 3 and [c["id"] for c in cells if not c["match"]] == []
    assert len(cells) < 200   # interrupted: not every cell ran
    assert wait_for_no_processes(process_marker) == []
