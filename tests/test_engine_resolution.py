"""Which build of an engine runs: Playwright's own where installed, otherwise
the system build, otherwise a clear error with the command that installs one."""
from __future__ import annotations

import os
import stat
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
    for var in ("CORS_E2E_CHROMIUM", "CORS_E2E_FIREFOX", "CORS_E2E_SYSTEM_BROWSERS",
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
