"""A wheel built from the repository carries the fixture APIs, Lambdas and
scenario files inside the e2e package (issue 11): installed into a fresh venv
and run from outside the checkout, `cors-e2e serve --api reference` serves the
reference API, and no top-level ``fixtures`` package is installed."""
from __future__ import annotations

import shutil
import subprocess
import sys
import sysconfig
import urllib.request
import zipfile
from pathlib import Path

import pytest

from conftest import ROOT, served_api

ORIGIN = "http://localhost:3000"  # serve's default --allowed-origin


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(the wheel, a fresh venv with only it installed): the harness's own
    venv lends its dependencies through a .pth line, so nothing is downloaded;
    the build runs without isolation on the venv's setuptools, offline."""
    tmp = tmp_path_factory.mktemp("wheel")
    # Build from a copy: the build writes build/ and *.egg-info next to its source.
    source = tmp / "source"
    shutil.copytree(ROOT, source, symlinks=True,
                    ignore=shutil.ignore_patterns(".git", ".venv", "__pycache__", "build", "*.egg-info",
                                                  "results.json", "out"))
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index",
                    "-q", "-w", str(tmp / "dist"), str(source)], check=True, capture_output=True, timeout=300)
    wheel = next((tmp / "dist").glob("cors_e2e-*.whl"))
    venv = tmp / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    subprocess.run([sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python"), "install",
                    "--no-deps", "--no-index", "-q", str(wheel)], check=True, capture_output=True, timeout=300)
    purelib = subprocess.run([str(venv / "bin" / "python"), "-c",
                              "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                             check=True, capture_output=True, text=True).stdout.strip()
    # Only a path line: the harness venv's .pth files (its editable install of
    # this checkout) are not read from a directory a .pth line adds.
    (Path(purelib) / "harness_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return wheel, venv


def test_the_wheel_holds_the_fixture_data_inside_e2e_and_no_top_level_fixtures(installed) -> None:
    wheel, _ = installed
    names = zipfile.ZipFile(wheel).namelist()
    assert "e2e/fixtures/apis/reference.yaml" in names
    assert "e2e/fixtures/lambdas/python/reference.py" in names
    assert "e2e/fixtures/lambdas/node/reference.mjs" in names
    assert "e2e/fixtures/scenarios/default.yaml" in names
    assert not [n for n in names if n.startswith("fixtures/")]


def test_no_top_level_fixtures_package_is_importable(installed, tmp_path: Path) -> None:
    _, venv = installed
    probe = ("import importlib.util, e2e; "
             "print(importlib.util.find_spec('fixtures'), e2e.__file__)")
    out = subprocess.run([str(venv / "bin" / "python"), "-c", probe], cwd=tmp_path,
                         check=True, capture_output=True, text=True).stdout.split()
    assert out[0] == "None"
    assert out[1].startswith(str(venv)), "e2e came from the checkout, not the wheel"


def test_serve_reference_from_the_installed_wheel_answers_over_loopback(installed, tmp_path: Path) -> None:
    _, venv = installed
    with served_api([str(venv / "bin" / "cors-e2e")], "--api", "reference", cwd=tmp_path) as base_url:
        request = urllib.request.Request(f"{base_url}/items", headers={"Origin": ORIGIN})
        with urllib.request.urlopen(request, timeout=30) as response:
            assert response.status == 200
            assert response.headers["Access-Control-Allow-Origin"] == ORIGIN
