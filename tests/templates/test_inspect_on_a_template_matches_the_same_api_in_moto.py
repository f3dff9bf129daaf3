"""inspect before deploy says what inspect after deploy says: each test stack
is judged from its template, then created through boto3 in moto (with the
deployer deploy-fixtures uses) and judged from what boto3 reads back; the
findings are the same, code for code and resource for resource."""
from __future__ import annotations

from collections.abc import Iterator

import pytest
from moto import mock_aws

from e2e.aws.config import read_config
from e2e.aws.deploy import FixtureDeployer
from e2e.aws.inspect import inspect_config
from e2e.aws.session import Aws
from e2e.aws.target import parse_target, resolve
from e2e.templates import LoadedTemplate, load_template
from e2e.templates.config import template_config
from tests.aws.conftest import Sleeps, fake_account_env

from .conftest import CDK_OUT, DATA, HTTP, SAM, run_cli

STACKS = {
    "cdk-items": (CDK_OUT, {"stack": "ItemsStack"}),
    "cdk-echo": (CDK_OUT, {"stack": "EchoHttpStack"}),
    "sam-notes": (SAM, {}),
    "sam-http": (DATA / "sam-http" / "template.yaml", {}),
    "cfn-http": (HTTP, {}),
    "post-only": (DATA / "post-only" / "template.yaml", {}),
}
ORIGINS = [[], ["https://admin.example.com", "https://evil.example.com"]]


@pytest.fixture(scope="module")
def moto_account() -> Iterator[Aws]:
    with pytest.MonkeyPatch.context() as mp:
        fake_account_env(mp)
        with mock_aws():
            yield Aws(sleep=Sleeps())


def findings(report) -> set[tuple[str, str, str]]:
    return {(f.code, f.resource, f.severity) for f in report.findings}


@pytest.mark.parametrize("name", sorted(STACKS))
def test_the_same_findings_before_and_after_deploy(moto_account: Aws, name: str) -> None:
    path, kw = STACKS[name]
    loaded: LoadedTemplate = load_template(path, **kw)
    deployed = FixtureDeployer(moto_account, stack="tpl")._deploy_one(name, loaded.api, [])
    live = read_config(moto_account, resolve(moto_account, parse_target(
        f"aws:{deployed.kind}/{deployed.api_id}/{deployed.stage}")))
    for origins in ORIGINS:
        before = inspect_config(template_config(loaded), origins)
        after = inspect_config(live, origins)
        assert findings(before) == findings(after), origins


def test_what_the_stacks_are_found_to_have() -> None:
    got = {name: {(f.code, f.resource) for f in inspect_config(template_config(load_template(p, **kw)), []).findings}
           for name, (p, kw) in STACKS.items()}
    assert got == {
        # The headline pitfall: Lambda proxy methods, DEFAULT_4XX with CORS, DEFAULT_5XX without.
        # (http://localhost:3000 is a developer's origin, not an insecure one.)
        "cdk-items": {("errors-without-cors", "gatewayResponses/DEFAULT_5XX")},
        "cdk-echo": set(),
        "sam-notes": set(),
        "sam-http": set(),
        "cfn-http": set(),
        # POST only, through a Lambda, no OPTIONS: the JSON POST's preflight gets 403.
        "post-only": {("missing-preflight", "/orders"), ("errors-without-cors", "gatewayResponses/DEFAULT_5XX")},
    }


def test_inspect_on_the_cdk_assembly_from_the_command_line() -> None:
    result = run_cli("inspect", str(CDK_OUT), "--stack", "ItemsStack")
    assert result.code == 1, result.err
    assert "ItemsStack.template.json#ItemsApi3788C05C (items-cdk)" in result.out
    assert "errors-without-cors  gatewayResponses/DEFAULT_5XX" in result.out
    result = run_cli("inspect", str(DATA / "post-only" / "template.yaml"), "--fail-on", "error")
    assert result.code == 1 and "ERROR    missing-preflight  /orders" in result.out
    assert "POST goes to a Lambda" in result.out
