"""cors-e2e audit: bad input is one line naming the flag, exit code 2, before
any browser starts; the flags become the plan the issue describes."""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

import pytest

from e2e.audit.command import plan_from, register
from e2e.errors import BadInput

CLI = [sys.executable, "-m", "e2e.cli"]
ORIGIN = ["--origin", "https://app.example.com"]


def run_subprocess(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*CLI, "audit", *args], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "CORS_E2E_DEBUG": ""})


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str]):
    """The command in this process (a subprocess per case takes seconds each)."""
    from e2e.cli import main

    def call(*args: str) -> subprocess.CompletedProcess[str]:
        try:
            code = main(["audit", *args])
        except SystemExit as exc:  # argparse's usage errors
            code = exc.code
        out = capsys.readouterr()
        return subprocess.CompletedProcess(args, code, out.out, out.err)
    return call


def parse(*args: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    register(parser.add_subparsers())
    return parser.parse_args(["audit", *args])


@pytest.mark.parametrize("args, words", [
    (["ftp://api.example.com", *ORIGIN], "target: 'ftp://api.example.com' is not an http(s) URL"),
    (["https://", *ORIGIN], "has no host"),
    (["https://api.example.com:99999", *ORIGIN], "invalid port"),
    (["https://user:hunter2@api.example.com", *ORIGIN], "has credentials (user:password@)"),
    (["https://api.example.com", "--origin", "app.example.com"], "--origin: 'app.example.com' is not an origin"),
    (["https://api.example.com", "--origin", "https://app.example.com/path"], "is not an origin"),
    (["https://api.example.com", "--origin", "null"], "--origin: 'null' is not an origin"),
    (["https://api.example.com", "--origin", "stub:allowed"], "is not an origin"),
    (["https://api.example.com"], "the following arguments are required: --origin"),
    (["https://api.example.com", *ORIGIN, "--frobnicate"], "unrecognized arguments: --frobnicate"),
    (["https://api.example.com", *ORIGIN, "--browser", "opera"], "invalid choice: 'opera'"),
    (["https://api.example.com", *ORIGIN, "-X", "GE T"], "-X: 'GE T' is not an HTTP method"),
    (["https://api.example.com", *ORIGIN, "-X", "TRACE"], "forbidden method"),
    (["https://api.example.com", *ORIGIN, "-H", "Bearer hunter2"], "-H #1: write headers as 'Name: value'"),
    (["https://api.example.com", *ORIGIN, "-X", "GET", "--data", "{}"], "a GET request with a body"),
    (["https://api.example.com", *ORIGIN, "--path", "items"], "--path: 'items' must start with /"),
    (["https://api.example.com", *ORIGIN, "--session", "session"], "--session: 'session' must be a path"),
    (["https://api.example.com", *ORIGIN, "--api", "origin-reflect"], "--api goes with a local target"),
    (["local", *ORIGIN], "--api: a local target needs the fixture API"),
    (["local", *ORIGIN, "--api", "no-such-api"], "--api no-such-api:"),
    (["scripted", *ORIGIN], "--respond: a scripted target needs the responses"),
    (["scripted", *ORIGIN, "--respond", "/nonexistent/r.yaml"], "--respond /nonexistent/r.yaml: no such file"),
    (["https://api.example.com", *ORIGIN, "--json", "/tmp"], "--json /tmp: is a directory"),
    (["https://api.example.com", *ORIGIN, "--html", "/nonexistent/r.html"], "no such directory /nonexistent"),
])
def test_bad_input_is_one_line_and_exit_code_2(args: list[str], words: str, run) -> None:
    proc = run(*args)
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in proc.stderr, proc.stderr
    assert words in lines[0]
    assert "hunter2" not in proc.stderr + proc.stdout


def test_a_bad_respond_file_names_the_field(tmp_path: Path, run) -> None:
    path = tmp_path / "r.yaml"
    path.write_text("actual: {status: 999}\n")
    proc = run("scripted", *ORIGIN, "--respond", str(path))
    assert proc.returncode == 2
    assert f"{path}: respond.actual.status: must be an HTTP status code" in proc.stderr.strip()


def test_a_url_target_keeps_its_path_as_the_request() -> None:
    plan, _ = plan_from(parse("https://abc.execute-api.eu-west-1.amazonaws.com/prod/items", *ORIGIN))
    assert plan.target == "https://abc.execute-api.eu-west-1.amazonaws.com"
    assert [r.path for r in plan.requests] == ["/prod/items"]
    plan, _ = plan_from(parse("https://api.example.com/prod", *ORIGIN, "--path", "/a", "--path", "/b"))
    assert plan.target == "https://api.example.com/prod"
    assert [r.path for r in plan.requests] == ["/a", "/b"]


def test_headers_are_the_pages_own_and_data_means_post() -> None:
    plan, notes = plan_from(parse("https://api.example.com", *ORIGIN, "-H", "Authorization: Bearer x",
                                  "-H", "Cookie: session=abc", "--data", '{"a": 1}'))
    (request,) = plan.requests
    assert request.method == "POST" and request.body == '{"a": 1}'
    assert [n for n, _ in request.headers] == ["Authorization"]   # a page cannot set Cookie
    assert any("Cookie removed" in n for n in notes)


def test_every_api_and_path_is_a_request_and_legit_origins_are_never_hostile() -> None:
    plan, _ = plan_from(parse("local", "--origin", "https://app.example.com", "--origin", "http://app.example.com",
                              "--api", "origin-reflect", "--api", "origin-reflect-fixed", "--path", "/items"))
    assert [r.name for r in plan.requests] == ["origin-reflect:GET /items", "origin-reflect-fixed:GET /items"]
    assert not {h.origin for h in plan.hostiles} & set(plan.legit)


def test_plan_from_raises_bad_input_not_system_exit() -> None:
    with pytest.raises(BadInput):
        plan_from(parse("local", *ORIGIN))


@pytest.mark.parametrize("args", [["https://api.example.com", "--origin", "app.example.com"],
                                  ["local", *ORIGIN, "--frobnicate"]])
def test_the_installed_command_exits_2_without_a_traceback(args: list[str]) -> None:
    proc = run_subprocess(*args)
    assert proc.returncode == 2
    assert len(proc.stderr.strip().splitlines()) == 1 and "Traceback" not in proc.stderr
