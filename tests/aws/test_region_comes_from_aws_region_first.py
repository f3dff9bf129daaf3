"""The region is chosen as the AWS CLI v2 and the SDKs choose it: --region, then
AWS_REGION, then AWS_DEFAULT_REGION. botocore alone reads only the last, so a CI
job that sets AWS_REGION (as GitHub's aws-actions/configure-aws-credentials
does) must not end in "no AWS region configured"."""
from __future__ import annotations

import pytest
from moto import mock_aws

from e2e.aws.deploy import FixtureDeployer
from e2e.aws.errors import EXIT_REGION
from e2e.aws.session import Aws

from .conftest import FRONTEND, Sleeps, fake_account_env, run_cli


@pytest.fixture
def no_region(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    fake_account_env(monkeypatch)
    monkeypatch.delenv("AWS_DEFAULT_REGION")
    return monkeypatch


def test_aws_region_alone_is_enough_for_teardown(no_region: pytest.MonkeyPatch) -> None:
    no_region.setenv("AWS_REGION", "eu-west-1")
    with mock_aws():
        result = run_cli("teardown-fixtures")
    assert result.code != EXIT_REGION, result.err
    assert result.code == 0, result.err
    assert "in eu-west-1" in result.out


def test_aws_region_wins_over_aws_default_region(no_region: pytest.MonkeyPatch) -> None:
    no_region.setenv("AWS_REGION", "eu-central-1")
    no_region.setenv("AWS_DEFAULT_REGION", "us-east-1")
    with mock_aws():
        aws = Aws(sleep=Sleeps())
        assert aws.region == "eu-central-1"
        # And the region is the one really used: the API lands there, not in us-east-1.
        deployed = FixtureDeployer(aws, allowed_origin=FRONTEND).deploy(["reference"])
        assert ".execute-api.eu-central-1." in deployed[0].url
        assert Aws(region="us-east-1", sleep=Sleeps()).call(
            "apigateway", "get_rest_apis", doing="listing")["items"] == []


def test_aws_default_region_alone_still_works(no_region: pytest.MonkeyPatch) -> None:
    no_region.setenv("AWS_DEFAULT_REGION", "ap-southeast-2")
    with mock_aws():
        assert Aws(sleep=Sleeps()).region == "ap-southeast-2"


def test_region_flag_wins_over_both(no_region: pytest.MonkeyPatch) -> None:
    no_region.setenv("AWS_REGION", "eu-central-1")
    no_region.setenv("AWS_DEFAULT_REGION", "us-east-1")
    with mock_aws():
        result = run_cli("teardown-fixtures", "--region", "us-west-2")
    assert result.code == 0, result.err
    assert "in us-west-2" in result.out


def test_no_region_anywhere_is_still_exit_6(no_region: pytest.MonkeyPatch) -> None:
    with mock_aws():
        result = run_cli("teardown-fixtures")
    assert result.code == EXIT_REGION
    assert "set AWS_REGION or pass --region" in result.err
