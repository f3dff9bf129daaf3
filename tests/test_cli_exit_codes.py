"""The command's exit codes: 0 as expected, 1 some cell differs, 2 bad input
(one line naming what is wrong, never a traceback), 3 a missing browser (with
the command that installs it)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

CLI = [sys.executable, "-m", "e2e.cli"]


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*CLI, *args], capture_output=True, text=True, timeout=180,
                          env={**os.environ, **(env or {})})


def one_line_error(proc: subprocess.CompletedProcess[str]) -> str:
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    return lines[0]


@pytest.mark.parametrize("args, words", [
    (["run", "--browser", "opera"], "invalid choice: 'opera'"),
    (["run", "--shuffle", "soon"], "invalid int value"),
    (["run", "--frobnicate"], "unrecognized arguments: --frobnicate"),
    (["launch"], "invalid choice: 'launch'"),
    (["run", "--target", "ftp://example.com"], "--target: 'ftp://example.com' is not an http(s) URL"),
    (["run", "--target", "https://"], "has no host"),
    (["run", "--target", "http://127.0.0.1:99999"], "invalid port"),
    (["run", "--scenarios", "/nonexistent/s.yaml"], "/nonexistent/s.yaml: no such scenario file"),
    (["run", "--connect", "http://x"], "--connect: 'http://x' is not a ws:// or wss:// URL"),
    (["run", "-k", "no-such-cell-anywhere"], "no cell of"),
    (["run", "--json", "/tmp"], "--json /tmp: is a directory; give a file name"),
    (["run", "--html", "/nonexistent/r.html"], "--html /nonexistent/r.html: no such directory /nonexistent"),
    (["run", "--junit", "/etc/hostname/r.xml"], "--junit /etc/hostname/r.xml: no such directory /etc/hostname"),
])
def test_bad_input_is_one_line_and_exit_code_2(args: list[str], words: str) -> None:
    proc = run(*args)
    assert proc.returncode == 2
    assert words in one_line_error(proc)


def test_a_bad_scenario_file_names_file_entry_and_field(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text("api: reference\nscenarios:\n  - {name: a, path: /items, expect: maybe}\n")
    proc = run("run", "--scenarios", str(path))
    assert proc.returncode == 2
    assert one_line_error(proc) == (f"cors-e2e: {path}: scenarios[0] (a).expect: 'maybe' is not one of "
                                    "allowed, blocked, network-error, timeout")


def test_an_unknown_fixture_api_is_bad_input(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text("api: no-such-api\nscenarios:\n  - {name: a, path: /items, expect: allowed}\n")
    proc = run("run", "--scenarios", str(path), "--browser", "chromium")
    assert proc.returncode == 2
    assert "api no-such-api" in one_line_error(proc)


def test_a_missing_browser_is_exit_3_with_the_install_command(tmp_path: Path) -> None:
    # A one-API file: the default file's 50-odd APIs would take seconds to
    # start and stop around an engine that never starts.
    path = tmp_path / "s.yaml"
    path.write_text("target: local\napi: reference\nscenarios:\n  - {name: get, path: /items, expect: allowed}\n")
    proc = run("run", "--scenarios", str(path), "--browser", "chromium",
               env={"CORS_E2E_SYSTEM_BROWSERS": "1", "CORS_E2E_CHROMIUM": str(tmp_path / "no-chromium")})
    assert proc.returncode == 3
    assert "apt-get install -y chromium" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_a_cell_that_differs_is_exit_1_and_is_shown(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    # Deliberately wrong: the denied origin is NOT allowed by the reference API.
    path.write_text("target: local\napi: reference\nscenarios:\n"
                    "  - {name: get, path: /items, expect: allowed}\n")
    out = tmp_path / "r.json"
    proc = run("run", "--scenarios", str(path), "--browser", "chromium", "--json", str(out))
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "DIFF get|chromium|denied|omit" in proc.stdout
    data = json.loads(out.read_text())
    assert [(c["id"], c["match"]) for c in data["cells"]] == [
        ("get|chromium|allowed|omit", True), ("get|chromium|denied|omit", False)]


def test_every_cell_as_expected_is_exit_0_with_a_summary(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text("target: local\napi: reference\nscenarios:\n"
                    "  - {name: get, path: /items, expect: {allowed: allowed, denied: blocked}}\n")
    proc = run("run", "--scenarios", str(path), "--browser", "chromium")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.strip().splitlines()[-1].startswith("2 cells in chromium: 2 as expected, 0 differ")


def test_a_report_that_cannot_be_written_after_the_run_is_bad_input_and_the_others_are_written(
        tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text("api: reference\norigins: {allowed: stub:allowed}\n"
                    "scenarios:\n  - {name: get, path: /items, expect: allowed}\n")
    html = tmp_path / "r.html"
    # /proc passes the checks made before the run (root may write there) and refuses the file.
    proc = run("run", "--scenarios", str(path), "--browser", "chromium", "-q",
               "--json", "/proc/r.json", "--html", str(html))
    assert proc.returncode == 2, proc.stderr
    assert one_line_error(proc).startswith("cors-e2e: --json /proc/r.json: cannot write: ")
    assert html.stat().st_size > 0


@pytest.mark.parametrize("flags", [
    ["--browser", "chromium", "--connect", "ws://grid-user:GRIDSECRET@127.0.0.1:1/?token=TOKENSECRET"],
    ["--browser", "webkit", "--webdriver-url", "http://grid-user:GRIDSECRET@127.0.0.1:1/wd/hub?key=TOKENSECRET"],
])
def test_a_remote_endpoints_credentials_are_never_printed(tmp_path: Path, flags: list[str]) -> None:
    path = tmp_path / "s.yaml"
    path.write_text("api: reference\nscenarios:\n  - {name: get, path: /items, expect: allowed}\n")
    proc = run("run", "--scenarios", str(path), "-q", "--json", str(tmp_path / "r.json"), *flags)
    assert proc.returncode == 3, proc.stderr   # nothing listens there: the engine cannot start
    assert "127.0.0.1" in proc.stderr        # the endpoint is still named
    for secret in ("GRIDSECRET", "TOKENSECRET", "grid-user"):
        assert secret not in proc.stdout + proc.stderr
        assert secret not in (tmp_path / "r.json").read_text()


@pytest.mark.parametrize("require_all", [False, True])
def test_a_skipped_engine_is_named_in_the_summary_and_the_json_and_can_be_an_error(
        tmp_path: Path, require_all: bool) -> None:
    """No --browser: every engine the machine has runs, and one it lacks is a
    skip, said in the summary line and in the JSON; --require-all-engines (CI)
    makes that skip exit 3."""
    path = tmp_path / "s.yaml"
    path.write_text("target: local\napi: reference\nscenarios:\n"
                    "  - {name: get, path: /items, expect: {allowed: allowed, denied: blocked}}\n")
    out = tmp_path / "r.json"
    lacking = {"PLAYWRIGHT_BROWSERS_PATH": str(tmp_path / "no-builds"),
               "CORS_E2E_FIREFOX": str(tmp_path / "no-firefox"),
               "CORS_E2E_WEBKIT_DRIVER": str(tmp_path / "no-webkitgtk")}
    proc = run("run", "--scenarios", str(path), "--json", str(out),
               *(["--require-all-engines"] if require_all else []), env=lacking)
    assert proc.returncode == (3 if require_all else 0), proc.stdout + proc.stderr
    assert proc.stdout.strip().splitlines()[-1].startswith(
        "2 cells in chromium: 2 as expected, 0 differ")
    assert proc.stdout.strip().splitlines()[-1].endswith("; skipped firefox, webkit (did not run, see above)")
    data = json.loads(out.read_text())
    assert data["summary"]["skipped_engines"] == ["firefox", "webkit"]
    assert "apt-get install -y webkit2gtk-driver" in data["engine_errors"]["webkit"]
    if require_all:
        assert "apt-get install -y firefox-esr" in proc.stderr.strip().splitlines()[-1]
