"""The lanes of a Playwright engine share one browser, each with a browser
context of its own: three lanes start one browser process, not three, and
what one lane's context stores (a cookie) another lane's never sees."""
from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest

from e2e.engines import EngineOptions, start_engine
from e2e.engines.base import ProbeSpec
from e2e.environment import Environment
from e2e.exchange import CELL_PARAM
from e2e.runner import MatrixRun
from e2e.scenarios import load_scenarios

pytestmark = pytest.mark.browser

MAIN_PROCESS = {"chromium": lambda exe, args: exe.endswith("/chromium") and "--type=" not in args,
                "firefox": lambda exe, args: "firefox" in exe.rsplit("/", 1)[-1] and "-contentproc" not in args}


def browser_processes(engine: str) -> set[int]:
    """The engine's browser main processes among this process's descendants."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    found, todo = set(), list(children.get(os.getpid(), []))
    while todo:
        pid = todo.pop()
        todo += children.get(pid, [])
        try:
            parts = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace").split("\0")
        except OSError:
            continue
        if parts and MAIN_PROCESS[engine](parts[0], " ".join(parts[1:])):
            found.add(pid)
    return found


@pytest.mark.parametrize("engine", ["chromium", "firefox"])
def test_three_lanes_run_in_one_browser(tmp_path: Path, engine: str) -> None:
    path = tmp_path / "s.yaml"
    path.write_text("target: local\napi: reference\norigins: {allowed: stub:allowed, denied: stub:denied}\n"
                    "scenarios:\n" + "\n".join(f"  - {{name: get-{i}, path: /items, "
                                               f"expect: {{allowed: allowed, denied: blocked}}}}"
                                               for i in range(6)) + "\n")
    # A launch of its own: engines whose launch is the same share a browser, and
    # another test's engine (the plugin's, in this worker) may still be open.
    own = uuid.uuid4().hex
    options = EngineOptions(chromium_args=[f"--cors-e2e-test-launch={own}"],
                            firefox_prefs={"cors-e2e.test-launch": own})
    before = browser_processes(engine)
    during: list[set[int]] = []
    result = MatrixRun(sfile=load_scenarios(path), browsers=[engine], explicit_browsers=True, jobs=3,
                       options=options,
                       on_result=lambda r: during.append(browser_processes(engine) - before)).run()
    assert not result.engine_errors, result.engine_errors
    assert len(result.cells) == 12 and [c.id for c in result.mismatches] == []
    assert len(during) == 12
    # While the lanes ran, exactly one new browser process was there.
    assert {len(new) for new in during} == {1}, during
    assert len(set().union(*during)) == 1
    assert browser_processes(engine) - before == set()   # and the run closed it


def test_a_cookie_stored_in_one_lanes_context_never_reaches_another_lanes_request() -> None:
    """Two Firefox lanes (Firefox sends the reference API's session cookie from
    the stub page; Chromium does not, so it could not tell): lane A's session
    route sets a cookie in A's context; B's credentialed fetch to the same API
    goes without it, and A's own next fetch carries it."""
    from e2e.scenarios import DEFAULT_SCENARIOS

    sfile = load_scenarios(DEFAULT_SCENARIOS)
    with Environment(sfile) as env:
        allowed = next(o for o in sfile.origins if o.label == "allowed")
        scenario = next(s for s in sfile.scenarios if s.name == "reference/get")
        page_url = env.page_url(allowed)
        base = env.base_url(scenario, page_url)
        a = start_engine("firefox", env.engine_options(EngineOptions()))
        b = start_engine("firefox", env.engine_options(EngineOptions()))
        try:
            def fetch(engine, token: str, session: bool):  # type: ignore[no-untyped-def]
                spec = ProbeSpec(url=env.request_url(scenario, token, page_url), method="GET", headers={},
                                 body=None, credentials="include",
                                 session_url=f"{base}/session?{CELL_PARAM}={token}s&value={token}" if session else None)
                return engine.probe(page_url, spec).probe

            import json

            first = fetch(a, "lane-a-1", session=True)
            assert first["outcome"] == "resolved" and json.loads(first["body"])["cookie"] is True, first
            other = fetch(b, "lane-b-1", session=False)
            assert other["outcome"] == "resolved" and json.loads(other["body"])["cookie"] is False, other
            again = fetch(a, "lane-a-2", session=False)
            assert again["outcome"] == "resolved" and json.loads(again["body"])["cookie"] is True, again
        finally:
            a.close()
            b.close()
