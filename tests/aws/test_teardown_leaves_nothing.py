"""teardown-fixtures deletes everything deploy-fixtures created, found by its
tags, and nothing else (issue 6)."""
from __future__ import annotations

from e2e.aws.deploy import FixtureDeployer
from e2e.aws.session import Aws
from e2e.aws.teardown import teardown
from e2e.gateway import list_apis

from .conftest import FRONTEND, run_cli
from .test_deploy_twice_creates_nothing_twice import inventory

EMPTY = {"rest": [], "http": [], "lambda": [], "roles": [], "keys": [], "plans": []}


def test_teardown_after_deploying_every_fixture_leaves_nothing(account: Aws) -> None:
    FixtureDeployer(account, allowed_origin=FRONTEND).deploy(list_apis())
    result = run_cli("teardown-fixtures")
    assert result.code == 0, result.err
    assert inventory(account) == EMPTY
    assert "deleted IAM role cors-e2e-lambda" in result.out


def test_teardown_twice_is_fine(account: Aws) -> None:
    FixtureDeployer(account, allowed_origin=FRONTEND).deploy(["reference"])
    assert run_cli("teardown-fixtures").code == 0
    result = run_cli("teardown-fixtures")
    assert result.code == 0 and "deleted 0 resources of stack cors-e2e" in result.out


def test_teardown_touches_neither_another_stack_nor_untagged_resources(account: Aws) -> None:
    FixtureDeployer(account, stack="nightly", allowed_origin=FRONTEND).deploy(["reference", "reference-http"])
    before = inventory(account)
    mine = account.client("apigateway").create_rest_api(name="cors-e2e-reference")   # same name, no tags
    FixtureDeployer(account, allowed_origin=FRONTEND).deploy(["api-key-required", "reference-http"])
    teardown(account, "cors-e2e")
    after = inventory(account)
    assert after["rest"] == sorted(before["rest"] + [mine["id"]])
    assert after["http"] == before["http"] and after["lambda"] == before["lambda"]
    assert after["roles"] == ["nightly-lambda"] and after["keys"] == [] and after["plans"] == []
