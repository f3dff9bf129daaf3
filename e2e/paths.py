"""Where the data the harness runs against lives: the fixture API definitions,
the fixture Lambdas and the scenario files (``fixtures/`` at the repository's
top level). The one place that finds that directory.

The package reaches it as ``e2e/fixtures``: in a checkout (and an editable
install) that is a link to the repository's ``fixtures/``; in a wheel the same
files are shipped inside the package there, so ``cors-e2e serve --api
reference`` works from an installed wheel and no top-level ``fixtures`` package
is installed (a name users' own test packages have).
"""
from __future__ import annotations

from pathlib import Path

_HERE = Path(__file__).resolve().parent


def _fixtures_dir() -> Path:
    packaged = _HERE / "fixtures"
    if packaged.is_dir():
        return packaged
    # A checkout without symlinks (git core.symlinks=false) keeps the link as a
    # text file: the repository's own directory is next to the package.
    return _HERE.parent / "fixtures"


FIXTURES_DIR = _fixtures_dir()
APIS_DIR = FIXTURES_DIR / "apis"            # fixture API definitions (format: apis/README.md)
LAMBDAS_DIR = FIXTURES_DIR / "lambdas"      # their handler code, python/ and node/
SCENARIOS_DIR = FIXTURES_DIR / "scenarios"  # default.yaml (the default matrix), spec-cases.yaml
