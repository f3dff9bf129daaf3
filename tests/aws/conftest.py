"""moto stands in for AWS: in process, no network. Each account fixture gets
fake credentials, a region and a fresh moto backend; throttling waits are
recorded instead of slept."""
from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from moto import mock_aws

from e2e.aws.deploy import FixtureDeployer
from e2e.aws.session import Aws
from e2e.cli import main

REGION = "eu-west-1"
FRONTEND = "http://localhost:41234"     # the ${allowed_origin} the fixtures are deployed with
TEST_APIS = Path(__file__).parent / "apis"

_ENV_UNSET = ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN",
              "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_APIGATEWAY", "AWS_ENDPOINT_URL_APIGATEWAYV2",
              "AWS_ENDPOINT_URL_LAMBDA", "AWS_ENDPOINT_URL_IAM", "AWS_ENDPOINT_URL_STS", "AWS_REGION")


def fake_account_env(mp: pytest.MonkeyPatch) -> None:
    for name in _ENV_UNSET:
        mp.delenv(name, raising=False)
    mp.setenv("AWS_ACCESS_KEY_ID", "testing")
    mp.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    mp.setenv("AWS_DEFAULT_REGION", REGION)
    mp.setenv("AWS_CONFIG_FILE", "/nonexistent/aws-config")
    mp.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/aws-credentials")
    mp.setenv("AWS_EC2_METADATA_DISABLED", "true")


@dataclass
class Sleeps:
    waits: list[float] = field(default_factory=list)

    def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


@pytest.fixture
def account(monkeypatch: pytest.MonkeyPatch) -> Iterator[Aws]:
    """An empty moto account; ``account.sleep.waits`` records throttling waits."""
    fake_account_env(monkeypatch)
    with mock_aws():
        yield Aws(sleep=Sleeps())


@dataclass
class Deployment:
    aws: Aws
    by_name: dict[str, object]     # fixture name -> Deployed


@pytest.fixture(scope="module")
def deployed() -> Iterator[Deployment]:
    """Every fixture API and every test API, deployed once per test module."""
    from e2e.gateway import list_apis

    with pytest.MonkeyPatch.context() as mp:
        fake_account_env(mp)
        with mock_aws():
            aws = Aws(sleep=Sleeps())
            names = list_apis() + sorted(str(p) for p in TEST_APIS.glob("*.yaml"))
            done = FixtureDeployer(aws, allowed_origin=FRONTEND).deploy(names)
            yield Deployment(aws, {d.fixture: d for d in done})


@dataclass
class CliResult:
    code: int
    out: str
    err: str


def run_cli(*argv: str) -> CliResult:
    """``cors-e2e ARGV`` through the real entry point, e2e.cli.main: its one-line
    errors, its exit codes, and its exit 70 for a bug of ours."""
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        try:
            code = main(list(argv))
        except SystemExit as exc:   # argparse: --help, usage mistakes
            code = int(exc.code or 0)
    return CliResult(code, out.getvalue(), err.getvalue())
