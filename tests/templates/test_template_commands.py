"""The commands around a template: scenarios-from writes a file that points
back at the template (relative to itself) and loads; run --template
generates scenarios from the template and its browsers find the crash path;
serve --template serves it until stopped."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path

import yaml

from e2e.scenarios import TEMPLATE_API, load_scenarios

from .conftest import CDK_OUT, HTTP, SAM, run_cli

ROOT = Path(__file__).resolve().parents[2]


def test_scenarios_from_a_template_writes_a_file_relative_to_itself(tmp_path: Path) -> None:
    out = tmp_path / "nested" / "items.yaml"
    out.parent.mkdir()
    result = run_cli("scenarios-from", str(CDK_OUT), "--stack", "ItemsStack", "--origin", "https://app.example.com",
                     "--denied-origin", "stub:denied", "-o", str(out))
    assert result.code == 0, result.err
    data = yaml.safe_load(out.read_text())
    assert "target" not in data and data["stack"] == "ItemsStack"
    assert (out.parent / data["template"]).resolve() == CDK_OUT.resolve()
    sfile = load_scenarios(out)
    assert sfile.template is not None and sfile.template.stack == "ItemsStack"
    assert sorted((s.method, s.path) for s in sfile.scenarios) == [("GET", "/crash"), ("GET", "/items"),
                                                                    ("POST", "/items")]
    assert {s.api for s in sfile.scenarios} == {TEMPLATE_API}
    post = next(s for s in sfile.scenarios if s.method == "POST")
    assert post.headers == {"Content-Type": "application/json"} and post.credentials == ["omit", "include"]


def test_scenarios_from_keeps_the_parameters(tmp_path: Path) -> None:
    out = tmp_path / "echo.yaml"
    assert run_cli("scenarios-from", str(HTTP), "--parameter", "Env=prod", "--origin", "https://app.example.com",
                   "-o", str(out)).code == 0
    sfile = load_scenarios(out)
    assert sfile.template is not None and dict(sfile.template.parameters) == {"Env": "prod"}


def test_run_template_generates_scenarios_and_finds_the_crash_path(tmp_path: Path) -> None:
    report = tmp_path / "r.json"
    result = run_cli("run", "--template", str(CDK_OUT), "--stack", "ItemsStack", "--browser", "chromium",
                     "-q", "--json", str(report))
    assert result.code == 1, result.err     # the generated file expects every route readable
    assert "3 scenarios generated" in result.err
    differing = {line.split()[1].split("|")[0] for line in result.out.splitlines() if line.startswith("DIFF")}
    assert differing == {"get-crash"}
    assert "DEFAULT_5XX" in result.out


def test_run_template_over_a_scenario_file_replaces_its_apis() -> None:
    scenarios = ROOT / "tests" / "data" / "scenarios" / "sam-notes.yaml"
    result = run_cli("run", "--template", str(SAM), "--scenarios", str(scenarios), "--browser", "chromium", "-q",
                     "-k", "get-notes")
    assert result.code == 0, result.out + result.err


def test_serve_template_prints_the_invoke_url_and_serves_it() -> None:
    proc = subprocess.Popen([sys.executable, "-m", "e2e.cli", "serve", "--template", str(SAM)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
                            start_new_session=True)
    try:
        line = proc.stdout.readline() if proc.stdout else ""
        assert line.startswith("notes-sam: http://127.0.0.1:"), (line, proc.stderr.read() if proc.stderr else "")
        url = line.split(": ", 1)[1].strip()
        request = urllib.request.Request(url + "/notes", headers={"Origin": "https://app.example.com"})
        with urllib.request.urlopen(request, timeout=20) as response:
            assert response.status == 200
            assert response.headers["Access-Control-Allow-Origin"] == "https://app.example.com"
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.communicate(timeout=20)   # reads and closes both pipes
