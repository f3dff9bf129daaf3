"""The plugin's fixtures (issue 11), used as a user uses them: a test file in a
directory outside the repository calls ``cors_fetch`` against an API started
with ``cors-e2e serve``, and runs once per engine; ``cors_engine_options`` is
a fixture a conftest.py overrides."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, served_api

pytestmark = pytest.mark.browser

APP = "http://app.example.com"       # the origin the API is served for (--allowed-origin)
OTHER = "http://other.example"       # a site the API does not list

USER_TEST = f'''
import os

import pytest

API = os.environ["MY_API"]


@pytest.fixture(scope="session")
def cors_origins():
    return ["{APP}", "{OTHER}"]


def test_the_app_may_call_the_api_with_credentials(cors_fetch):
    result = cors_fetch(API + "/items", origin="{APP}", method="POST",
                        headers={{"Content-Type": "application/json"}}, body='{{"a": 1}}',
                        credentials="include")
    assert result.verdict == "allowed", (result.reason, result.explanation)
    assert result.status == 200
    assert result.page_origin == "{APP}"


def test_another_site_is_blocked_and_told_why(cors_fetch):
    result = cors_fetch(API + "/items", origin="{OTHER}")
    assert result.verdict == "blocked"
    assert result.reason == "missing-allow-origin", result.reason
    assert result.page_origin == "{OTHER}"
'''


def test_a_users_test_outside_the_repository_runs_cors_fetch_in_two_engines(tmp_path: Path) -> None:
    user = tmp_path / "user-project"
    user.mkdir()
    (user / "test_my_api.py").write_text(USER_TEST)
    serve = [sys.executable, "-m", "e2e.cli"]
    with served_api(serve, "--api", "reference", "--allowed-origin", APP, cwd=tmp_path) as api:
        proc = subprocess.run([sys.executable, "-m", "pytest", "-v", "-p", "no:cacheprovider",
                               "--cors-browser", "chromium", "--cors-browser", "firefox"],
                              cwd=user, capture_output=True, text=True, timeout=600,
                              env={**os.environ, "MY_API": api})
    assert not str(user).startswith(str(ROOT))
    out = proc.stdout
    assert proc.returncode == 0, out[-3000:] + proc.stderr[-2000:]
    for test in ("test_the_app_may_call_the_api_with_credentials", "test_another_site_is_blocked_and_told_why"):
        for engine in ("chromium", "firefox"):
            assert f"test_my_api.py::{test}[{engine}] PASSED" in out, out[-3000:]
    assert "4 passed" in out


def test_cors_engine_options_is_overridden_by_a_conftest(pytester: pytest.Pytester) -> None:
    """An override's options are the ones the engine starts with: here a remote
    browser server nothing listens at, so the start fails naming it."""
    pytester.makeconftest('''
import pytest
from e2e.engines import EngineOptions


@pytest.fixture(scope="session")
def cors_engine_options():
    return EngineOptions(connect={"chromium": "ws://127.0.0.1:9/overridden"})
''')
    pytester.makepyfile(test_engine='''
def test_starts(cors_engine):
    assert cors_engine.name == "chromium"
''')
    result = pytester.runpytest_subprocess("--cors-browser", "chromium")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*chromium: cannot start (ws://127.0.0.1:9/overridden)*"])
    assert "test_starts[chromium]" in result.stdout.str()


def test_cors_engine_runs_once_per_selected_engine(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_engine='''
def test_engine_name(cors_browser_name):
    pass
''')
    result = pytester.runpytest_subprocess("--cors-browser", "firefox", "--cors-browser", "webkit",
                                           "--collect-only", "-q")
    result.stdout.fnmatch_lines(["*test_engine_name[[]firefox[]]*", "*test_engine_name[[]webkit[]]*"])


def test_engine_availability_is_the_resolvers_answer(monkeypatch: pytest.MonkeyPatch) -> None:
    """available_engines() finds builds as a launch does: a Chromium that is not
    there (and no Playwright build allowed) is not offered, Firefox still is."""
    from e2e.engines.resolve import available_engines

    monkeypatch.setenv("CORS_E2E_SYSTEM_BROWSERS", "1")
    monkeypatch.setenv("CORS_E2E_CHROMIUM", "/nonexistent/chromium")
    assert available_engines(("chromium", "firefox")) == ["firefox"]
