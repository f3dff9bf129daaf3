"""Which build of an engine runs: Playwright's own where installed, otherwise
the system build, otherwise a clear error with the command that installs one."""
from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from e2e.engines.resolve import resolve_playwright, resolve_webkitgtk
from e2e.errors import EXIT_ENVIRONMENT, EnvironmentProblem


class FakeBrowserType:
    def __init__(self, path: str) -> None:
        self.executable_path = path


def executable(tmp_path: Path, name: str) -> str:
    path = tmp_path / name
    path.write_text("#!/bin/sh\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return str(path)


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("CORS_E2E_CHROMIUM", "CORS_E2E_FIREFOX", "CORS_E2E_SYSTEM_BROWSERS", "PLAYWRIGHT_BROWSERS_PATH",
                "CORS_E2E_WEBKIT_DRIVER", "CORS_E2E_WEBKIT_BROWSER"):
        monkeypatch.delenv(var, raising=False)


def test_an_installed_playwright_build_is_preferred(tmp_path: Path) -> None:
    build = resolve_playwright("chromium", FakeBrowserType(executable(tmp_path, "chrome")))
    assert build.kind == "playwright"
    assert build.executable is None  # Playwright launches its own
    assert build.label == "(Playwright build)"


def test_without_a_playwright_build_the_system_chromium_runs(tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    system = executable(tmp_path, "chromium")
    monkeypatch.setenv("CORS_E2E_CHROMIUM", system)
    build = resolve_playwright("chromium", FakeBrowserType(str(tmp_path / "not-installed")))
    assert (build.kind, build.executable, build.channel) == ("system", system, None)
    assert "--disable-background-networking" in build.launch_kwargs(["--disable-background-networking"])["args"]


def test_system_firefox_is_driven_over_webdriver_bidi(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    system = executable(tmp_path, "firefox-esr")
    monkeypatch.setenv("CORS_E2E_FIREFOX", system)
    build = resolve_playwright("firefox", FakeBrowserType(str(tmp_path / "not-installed")))
    assert (build.kind, build.executable, build.channel) == ("system", system, "moz-firefox")
    assert "WebDriver BiDi" in build.label


def test_system_browsers_can_be_forced(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CORS_E2E_SYSTEM_BROWSERS", "1")
    monkeypatch.setenv("CORS_E2E_CHROMIUM", executable(tmp_path, "chromium"))
    build = resolve_playwright("chromium", FakeBrowserType(executable(tmp_path, "chrome")))
    assert build.kind == "system"


@pytest.mark.parametrize("engine, package", [("chromium", "chromium"), ("firefox", "firefox-esr")])
def test_a_missing_engine_says_how_to_install_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                 engine: str, package: str) -> None:
    monkeypatch.setenv(f"CORS_E2E_{engine.upper()}", str(tmp_path / "missing"))
    with pytest.raises(EnvironmentProblem) as info:
        resolve_playwright(engine, FakeBrowserType(str(tmp_path / "not-installed")))
    assert f"apt-get install -y {package}" in str(info.value)
    assert info.value.exit_code == EXIT_ENVIRONMENT


def test_webkitgtk_is_found_here() -> None:
    driver, browser = resolve_webkitgtk()
    assert os.access(driver, os.X_OK) and browser.endswith("MiniBrowser")


def test_a_missing_webkitgtk_says_how_to_install_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CORS_E2E_WEBKIT_DRIVER", str(tmp_path / "missing"))
    with pytest.raises(EnvironmentProblem, match="apt-get install -y webkit2gtk-driver xvfb xauth"):
        resolve_webkitgtk()


# -- WebKit: Playwright's build first, WebKitGTK over WebDriver otherwise ------------

def fake_playwright_webkit(root: Path) -> str:
    """A browsers directory laid out as Playwright 1.64 installs WebKit
    (webkit-<revision>/pw_run.sh, the revision from its browsers.json):
    nothing downloaded, only the file Playwright itself looks for."""
    from e2e.engines.resolve import _webkit_revision

    (root / f"webkit-{_webkit_revision()}").mkdir(parents=True)
    return executable(root / f"webkit-{_webkit_revision()}", "pw_run.sh")


def test_playwright_webkit_in_playwright_browsers_path_is_chosen(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    from e2e.engines import make_engine
    from e2e.engines.playwright_engine import PlaywrightEngine
    from e2e.engines.resolve import playwright_webkit, webkit_driver, webkit_problem

    run_sh = fake_playwright_webkit(tmp_path)
    monkeypatch.setenv("PLAYWRIGHT_BROWSERS_PATH", str(tmp_path))
    monkeypatch.setenv("CORS_E2E_WEBKIT_DRIVER", str(tmp_path / "no-webkitgtk"))  # and no WebKitGTK
    assert playwright_webkit() == run_sh
    assert webkit_driver() == "playwright"
    assert webkit_problem() is None
    assert isinstance(make_engine("webkit"), PlaywrightEngine)


def test_playwright_itself_looks_for_webkit_where_we_do(tmp_path: Path) -> None:
    """Our reading of the layout against Playwright's own driver: the path its
    webkit.executable_path reports for the same fake directory."""
    run_sh = fake_playwright_webkit(tmp_path)
    code = ("from playwright.sync_api import sync_playwright\n"
            "p = sync_playwright().start()\nprint(p.webkit.executable_path)\np.stop()\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PLAYWRIGHT_BROWSERS_PATH": str(tmp_path)})
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == run_sh


def test_the_default_browsers_dir_is_the_user_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from e2e.engines.resolve import playwright_webkit

    monkeypatch.delenv("PLAYWRIGHT_BROWSERS_PATH", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert playwright_webkit() is None
    run_sh = fake_playwright_webkit(tmp_path / "ms-playwright")
    assert playwright_webkit() == run_sh


@pytest.mark.parametrize("why", ["empty browsers dir", "another revision", "system browsers forced",
                                 "remote webdriver"])
def test_otherwise_webkit_is_webkitgtk_over_webdriver(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                       why: str) -> None:
    from e2e.engines import EngineOptions, make_engine
    from e2e.engines.resolve import playwright_webkit
    from e2e.engines.webdriver_engine import WebDriverEngine

    monkeypatch.setenv("PLAYWRIGHT_BROWSERS_PATH", str(tmp_path))
    url = None
    if why == "another revision":
        (tmp_path / "webkit-1").mkdir()
        executable(tmp_path / "webkit-1", "pw_run.sh")  # a build for another Playwright release
    elif why == "system browsers forced":
        fake_playwright_webkit(tmp_path)
        monkeypatch.setenv("CORS_E2E_SYSTEM_BROWSERS", "1")
    elif why == "remote webdriver":
        fake_playwright_webkit(tmp_path)
        url = "http://127.0.0.1:4444"
    if why != "remote webdriver":
        assert playwright_webkit() is None
    assert isinstance(make_engine("webkit", EngineOptions(webdriver_url=url)), WebDriverEngine)


def test_no_webkit_at_all_says_how_to_get_either(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from e2e.engines.resolve import webkit_problem

    monkeypatch.setenv("PLAYWRIGHT_BROWSERS_PATH", str(tmp_path))
    monkeypatch.setenv("CORS_E2E_WEBKIT_DRIVER", str(tmp_path / "missing"))
    assert "apt-get install -y webkit2gtk-driver" in (webkit_problem() or "")


@pytest.mark.browser
def test_webkit_runs_real_cells_through_the_build_this_machine_has(shuffled_default_run) -> None:
    """The real path, whichever it is: Playwright's WebKit where its build is
    installed (a CI runner after `playwright install webkit`), WebKitGTK over
    WebDriver where it is not (this machine: no Playwright build, so this
    exercises WebKitGTK; the Playwright-WebKit launch is covered only where a
    build exists). The cells are the canary's run of the default file
    (conftest.default_run_with_decoys), whose WebKit was resolved as any
    run's is."""
    from e2e.engines.resolve import playwright_webkit

    run = shuffled_default_run
    assert not run.engine_errors, run.engine_errors
    expected = "(Playwright build)" if playwright_webkit() else "via WebKitWebDriver"
    assert expected in run.engines["webkit"]
    cells = [c for c in run.cells if c.scenario == "reference/get" and c.browser == "webkit"]
    assert {(c.origin, c.verdict) for c in cells if c.origin in ("allowed", "denied")} == {
        ("allowed", "allowed"), ("denied", "blocked")}
