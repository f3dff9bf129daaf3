"""The paths a team uses to spread a matrix over other machines, tested against
local stand-ins on loopback: Playwright engines in a `playwright run-server`
(--connect), WebKit on a WebDriver endpoint (--webdriver-url, the same code
path as a Selenium Grid or safaridriver), here WebKitWebDriver run as a server."""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import processes_with_marker, wait_for_no_processes
from e2e.engines.resolve import resolve_webkitgtk
from e2e.engines.xvfb import Xvfb

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
CLI = [sys.executable, "-m", "e2e.cli"]
SCENARIOS = "target: local\napi: reference\nscenarios:\n" \
            "  - {name: post, path: /items, method: POST, headers: {Content-Type: application/json},\n" \
            "     body: '{}', credentials: [omit, include], expect: {allowed: allowed, denied: blocked}}\n"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_listening(port: int, proc: subprocess.Popen, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError("server did not listen")


def stop(proc: subprocess.Popen) -> None:
    """Stop a server started in its own session, with everything it started
    (the playwright command runs node, which runs the browsers): Ctrl-C to the
    whole group (what the playwright command handles at once; after a run its
    SIGTERM has been seen to take more than 10 s), then SIGTERM, then SIGKILL,
    each to whatever of it is left after 10 s. Waiting for the leader alone is
    not enough: node, shutting down its browsers, has been seen to outlive it
    for good."""
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            break
        if group_gone(proc, timeout=10):
            break
    proc.wait(10)


def group_gone(proc: subprocess.Popen, timeout: float) -> bool:
    """Whether every process of proc's group has exited within timeout."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        proc.poll()  # reap the leader, or the group never looks empty
        try:
            os.killpg(proc.pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.1)
    return False


@pytest.fixture
def scenario_file(tmp_path: Path) -> Path:
    path = tmp_path / "s.yaml"
    path.write_text(SCENARIOS)
    return path


@pytest.fixture
def playwright_server(process_marker: str) -> Iterator[str]:
    port = free_port()
    # --unsafe lets a client choose the executable: here, Debian's builds.
    proc = subprocess.Popen([str(Path(sys.executable).parent / "playwright"), "run-server", "--port", str(port),
                             "--host", "127.0.0.1", "--unsafe"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        wait_listening(port, proc)
        yield f"ws://127.0.0.1:{port}/"
    finally:
        stop(proc)
    assert wait_for_no_processes(process_marker) == []


def with_launch_options(url: str, **options: object) -> str:
    return url + "?launch-options=" + urllib.parse.quote(json.dumps(options))


def test_playwright_engines_run_in_a_remote_browser_server(playwright_server: str, scenario_file: Path,
                                                           tmp_path: Path) -> None:
    chromium = with_launch_options(playwright_server, executablePath="/usr/bin/chromium",
                                   args=["--disable-background-networking", "--disable-component-update"])
    firefox = with_launch_options(playwright_server, channel="moz-firefox",
                                  executablePath="/usr/bin/firefox-esr")
    out = tmp_path / "r.json"
    proc = subprocess.run([*CLI, "run", "--scenarios", str(scenario_file), "--browser", "chromium",
                           "--browser", "firefox", "--connect", f"chromium={chromium}",
                           "--connect", f"firefox={firefox}", "--json", str(out)],
                          capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    data = json.loads(out.read_text())
    assert all("via remote Playwright server ws://127.0.0.1" in v for v in data["engines"].values())
    assert sorted(data["engines"]) == ["chromium", "firefox"]
    assert [c["verdict"] for c in data["cells"] if c["origin"] == "denied"] == ["blocked"] * 4
    # Chromium's CDP evidence works through the remote server too.
    assert {c["engine_detail"] for c in data["cells"]
            if c["browser"] == "chromium" and c["origin"] == "denied"} == {
        "PreflightAllowOriginMismatch (https://app.example.com)"}


@pytest.fixture
def webdriver_server(process_marker: str) -> Iterator[str]:
    driver, _browser = resolve_webkitgtk()
    xvfb = Xvfb()
    env = dict(os.environ, DISPLAY=xvfb.start(), NO_AT_BRIDGE="1", GTK_A11Y="none",
               DBUS_SESSION_BUS_ADDRESS="disabled:")
    port = free_port()
    proc = subprocess.Popen([driver, f"--port={port}", "--host=local"], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        wait_listening(port, proc)
        yield f"http://127.0.0.1:{port}"
    finally:
        stop(proc)
        xvfb.stop()
    assert wait_for_no_processes(process_marker) == []


def test_webkit_runs_on_a_remote_webdriver_endpoint(webdriver_server: str, scenario_file: Path,
                                                    tmp_path: Path) -> None:
    _driver, browser = resolve_webkitgtk()
    out = tmp_path / "r.json"
    proc = subprocess.run([*CLI, "run", "--scenarios", str(scenario_file), "--browser", "webkit",
                           "--webdriver-url", webdriver_server, "--json", str(out)],
                          capture_output=True, text=True, timeout=180,
                          env={**os.environ, "CORS_E2E_WEBKIT_BROWSER": browser})
    assert proc.returncode == 0, proc.stdout + proc.stderr
    data = json.loads(out.read_text())
    assert data["engines"]["webkit"].startswith("WebKitGTK ")
    assert data["engines"]["webkit"].endswith(f"via WebDriver at {webdriver_server}")
    assert {(c["origin"], c["verdict"]) for c in data["cells"]} == {("allowed", "allowed"),
                                                                     ("denied", "blocked")}


def test_the_remote_servers_leave_no_process(process_marker: str) -> None:
    """The stand-in servers themselves are stopped with all they started."""
    port = free_port()
    proc = subprocess.Popen([str(Path(sys.executable).parent / "playwright"), "run-server", "--port", str(port),
                             "--host", "127.0.0.1"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    wait_listening(port, proc)
    assert processes_with_marker(process_marker)
    stop(proc)
    assert wait_for_no_processes(process_marker) == []


def test_credentials_in_a_webdriver_url_are_sent_as_basic_auth(scenario_file: Path, tmp_path: Path) -> None:
    """A grid URL's user:key@ travels as an Authorization header (as Selenium's
    ClientConfig sends it), not in the printed address."""
    import base64
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    seen: list[str | None] = []

    class Grid(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - the http.server protocol
            seen.append(self.headers.get("Authorization"))
            self.send_response(500)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    with ThreadingHTTPServer(("127.0.0.1", 0), Grid) as grid:
        threading.Thread(target=grid.serve_forever, daemon=True).start()
        url = f"http://grid-user:s3cret@127.0.0.1:{grid.server_address[1]}/wd/hub"
        proc = subprocess.run([*CLI, "run", "--scenarios", str(scenario_file), "--browser", "webkit", "-q",
                               "--webdriver-url", url], capture_output=True, text=True, timeout=180)
        grid.shutdown()
    assert proc.returncode == 3, proc.stderr
    assert seen and seen[0] == "Basic " + base64.b64encode(b"grid-user:s3cret").decode()
    assert "s3cret" not in proc.stdout + proc.stderr
