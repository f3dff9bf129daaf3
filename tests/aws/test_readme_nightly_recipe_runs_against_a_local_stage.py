"""The README's nightly recipe, command for command, read from the README
itself (so it cannot drift): the scenario file written once by scenarios-from
(against moto, the tests' AWS) and committed, then two nights of the GitHub
Actions workflow's own run steps against a local stand-in for the stage
(`cors-e2e serve`, targeted by URL), the second night compared with the
baseline the first one kept."""
from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from moto import mock_aws

from e2e.aws.deploy import FixtureDeployer
from e2e.aws.session import Aws
from e2e.cli import main

from .conftest import Sleeps, fake_account_env

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")
BIN = Path(sys.executable).parent
FRONTEND = "https://app.example.com"   # the README's "team's real origin"


def section(heading: str) -> str:
    start = README.index(heading)
    nxt = re.search(r"^#{2,3} ", README[start + len(heading):], re.M)
    return README[start:start + len(heading) + nxt.start()] if nxt else README[start:]


def fenced(text: str, lang: str) -> list[str]:
    return re.findall(rf"^```{lang}\n(.*?)^```", text, re.M | re.S)


def commands(block: str) -> list[str]:
    """The block's shell commands, continuation lines joined, comments dropped."""
    joined = block.replace("\\\n", " ")
    return [line.split("  #")[0].strip() for line in joined.splitlines()
            if line.strip() and not line.strip().startswith("#")]


@pytest.fixture
def stage():
    """A stand-in for the deployed stage: the reference API, served alone."""
    proc = subprocess.Popen([str(BIN / "cors-e2e"), "serve", "--api", "reference", "--allowed-origin", FRONTEND],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()   # "reference: http://127.0.0.1:PORT/prod"
        assert line.startswith("reference: http://127.0.0.1:"), line + proc.stderr.read()
        yield line.split(": ", 1)[1].strip()
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        proc.stdout.close()
        proc.stderr.close()


def write_the_scenario_file_once(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The recipe's one-time step, as the README writes it, with the id of the
    API deployed to moto in place of the README's a1b2c3d4e5."""
    block = next(b for b in fenced(section("### A nightly run in GitHub Actions"), "sh") if "scenarios-from" in b)
    fake_account_env(monkeypatch)
    with mock_aws():
        aws = Aws(sleep=Sleeps())
        deployed = FixtureDeployer(aws, allowed_origin=FRONTEND).deploy(["reference"])[0]
        for command in commands(block):
            if command.startswith("cors-e2e "):
                argv = [a.replace("a1b2c3d4e5", deployed.api_id) for a in shlex.split(command)[1:]]
                monkeypatch.chdir(repo)
                assert main(argv) == 0, command
            else:
                subprocess.run(["bash", "-ec", command], cwd=repo, check=True, capture_output=True)


def night(repo: Path, steps: dict[str, dict], target: str) -> str:
    """One night: the workflow's run steps, in its order, each when its if: says so."""
    output = repo / "github_output"
    output.write_text("")
    env = {**os.environ, "PATH": f"{BIN}:{os.environ['PATH']}", "TARGET": target,
           "GITHUB_OUTPUT": str(output)}
    run = subprocess.run(["bash", "-e", "-c", steps["Run against the deployed stage"]["run"]], cwd=repo, env=env,
                         capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr   # the step itself records the code and goes on
    code = dict(line.split("=", 1) for line in output.read_text().split())["code"]
    assert code in ("0", "1", "4"), run.stdout[-3000:] + run.stderr  # a run that finished
    keep = steps["Keep tonight's JSON as the next baseline"]
    assert keep["if"] == "contains(fromJSON('[\"0\", \"1\", \"4\"]'), steps.run.outputs.code)"
    if code in ("0", "1", "4"):
        subprocess.run(["bash", "-e", "-c", keep["run"]], cwd=repo, env=env, check=True)
    return code


def test_the_readme_nightly_recipe_runs_against_a_local_stage(tmp_path: Path, stage: str,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    write_the_scenario_file_once(repo, monkeypatch)
    nightly = yaml.safe_load((repo / "cors" / "nightly.yaml").read_text())
    # The team's origins, not the stub's; every route of the stage, not our fixtures.
    assert nightly["origins"] == {"allowed": FRONTEND, "denied": "https://unlisted.example.org"}
    assert {s["path"] for s in nightly["scenarios"]} >= {"/items", "/session"}
    staged = subprocess.run(["git", "status", "--porcelain"], cwd=repo, capture_output=True, text=True).stdout
    assert "A  cors/nightly.yaml" in staged

    workflow = yaml.safe_load(fenced(section("### A nightly run in GitHub Actions"), "yaml")[0])
    steps = {s["name"]: s for s in workflow["jobs"]["cors"]["steps"] if "name" in s}
    assert "--scenarios cors/nightly.yaml" in steps["Run against the deployed stage"]["run"]
    assert "baseline.json" in steps["Keep the raw results and the baseline with the run"]["with"]["path"]

    first = night(repo, steps, stage)
    assert (repo / "baseline.json").is_file()
    assert (repo / "site" / "index.html").is_file() and (repo / "junit.xml").is_file()
    second = night(repo, steps, stage)
    assert second == first != "4"   # the same stage twice: nothing regressed
    results = json.loads((repo / "results.json").read_text())
    assert results["target"] == stage
    assert set(results["engines"]) == {"chromium", "firefox", "webkit"}
    differ = {(c["browser"], c["verdict"], c["reason"]) for c in results["cells"] if not c["match"]}
    # The stand-in is plain http on loopback: WebKitGTK refuses it from an https
    # page as mixed content (a deployed stage is https). Every other cell is as
    # the scenario file expects.
    assert differ <= {("webkit", "network-error", "mixed-content")}
    assert first == ("1" if differ else "0")
    assert {c["verdict"] for c in results["cells"] if c["browser"] != "webkit"} == {"allowed", "blocked"}


def test_the_first_screen_local_definition_file_runs(tmp_path: Path) -> None:
    """The README's "Your API" file for your own definition, with api: a path
    (relative to the scenario file: from the run's directory it would miss)."""
    block = [b for b in fenced(section("### Your API"), "yaml") if "target: local" in b][0]
    (tmp_path / "cors").mkdir()
    (tmp_path / "infra").mkdir()
    (tmp_path / "cors" / "local.yaml").write_text(block)
    definition = (ROOT / "fixtures" / "apis" / "reference.yaml").read_text()
    lambdas = ROOT / "fixtures" / "lambdas"
    (tmp_path / "infra" / "my-api.yaml").write_text(definition.replace("../lambdas", str(lambdas)))
    command = next(c for c in commands(re.sub(r"^    ", "", section("### Your API"), flags=re.M))
                   if c.startswith("cors-e2e run --scenarios cors/local.yaml"))
    proc = subprocess.run([str(BIN / "cors-e2e"), *shlex.split(command)[1:], "--json", "r.json"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr
    cells = json.loads((tmp_path / "r.json").read_text())["cells"]
    assert {(c["origin"], c["verdict"]) for c in cells} == {("allowed", "allowed"), ("denied", "blocked")}
    assert len(cells) == 12   # 3 engines x 2 origins x 2 credentials modes
