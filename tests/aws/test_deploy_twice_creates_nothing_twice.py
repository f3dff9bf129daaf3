"""deploy-fixtures is idempotent (issue 6): a second run changes nothing; a
changed definition replaces its API (and only its API) without leaving the
old one behind; a half-created API is replaced."""
from __future__ import annotations

import json

from e2e.aws.deploy import HASH_TAG, FixtureDeployer
from e2e.aws.session import Aws
from e2e.gateway import list_apis

from .conftest import FRONTEND, run_cli


def inventory(aws: Aws) -> dict[str, object]:
    ag, v2, lam, iam = (aws.client(s) for s in ("apigateway", "apigatewayv2", "lambda", "iam"))
    return {
        "rest": sorted(a["id"] for a in ag.get_rest_apis()["items"]),
        "http": sorted(a["ApiId"] for a in v2.get_apis()["Items"]),
        "lambda": sorted((f["FunctionName"], f["CodeSha256"], f["LastModified"])
                         for f in lam.list_functions()["Functions"]),
        "roles": sorted(r["RoleName"] for r in iam.list_roles()["Roles"]),
        "keys": sorted(k["id"] for k in ag.get_api_keys()["items"]),
        "plans": sorted(p["id"] for p in ag.get_usage_plans()["items"]),
    }


def test_a_second_deploy_creates_and_updates_nothing(account: Aws) -> None:
    first = FixtureDeployer(account, allowed_origin=FRONTEND).deploy(list_apis())
    before = inventory(account)
    second = FixtureDeployer(account, allowed_origin=FRONTEND).deploy(list_apis())
    assert {d.action for d in first} == {"created"} and {d.action for d in second} == {"unchanged"}
    assert [d.url for d in first] == [d.url for d in second]
    assert inventory(account) == before
    assert len(before["rest"]) + len(before["http"]) == len(list_apis())


def test_a_changed_definition_replaces_only_that_api(account: Aws) -> None:
    names = ["reference", "api-key-required", "reference-http"]
    first = {d.fixture: d for d in FixtureDeployer(account, allowed_origin=FRONTEND).deploy(names)}
    FixtureDeployer(account, allowed_origin=FRONTEND).deploy(["reference"])
    again = {d.fixture: d for d in FixtureDeployer(account, allowed_origin="https://other.example.com").deploy(names)}
    assert {n: d.action for n, d in again.items()} == dict.fromkeys(names, "replaced")
    inv = inventory(account)
    assert len(inv["rest"]) == 2 and len(inv["http"]) == 1          # the old ones are gone
    assert len(inv["keys"]) == 1 and len(inv["plans"]) == 1          # and their key and plan
    assert first["reference"].api_id not in inv["rest"]


def test_a_half_created_api_is_replaced(account: Aws) -> None:
    [d] = FixtureDeployer(account, allowed_origin=FRONTEND).deploy(["reference"])
    # As if the run had died before its last step: the stage lacks the definition hash.
    account.client("apigateway").untag_resource(
        resourceArn=f"arn:aws:apigateway:{account.region}::/restapis/{d.api_id}/stages/prod", tagKeys=[HASH_TAG])
    [again] = FixtureDeployer(account, allowed_origin=FRONTEND).deploy(["reference"])
    assert again.action == "replaced" and again.api_id != d.api_id
    assert inventory(account)["rest"] == [again.api_id]


def test_deploy_fixtures_prints_the_stage_urls_and_writes_them_as_json(account: Aws, tmp_path) -> None:
    out = tmp_path / "deployed.json"
    result = run_cli("deploy-fixtures", "--only", "reference", "--only", "reference-http", "--json", str(out))
    assert result.code == 0, result.err
    data = json.loads(out.read_text())
    assert set(data) == {"reference", "reference-http"}
    for name, entry in data.items():
        assert f"created   {name}" in result.out and entry["url"] in result.out
    assert data["reference"]["url"].endswith(".execute-api.eu-west-1.amazonaws.com/prod")
    assert data["reference"]["target"] == f"aws:rest/{data['reference']['apiId']}/prod"
    assert "2 created, 0 replaced, 0 unchanged" in result.out


def test_api_key_values_are_never_printed(account: Aws) -> None:
    result = run_cli("deploy-fixtures", "--only", "api-key-required")
    assert result.code == 0
    assert "local-demo-key" not in result.out and "--include-value" in result.out


def test_an_unknown_fixture_is_bad_input(account: Aws) -> None:
    result = run_cli("deploy-fixtures", "--only", "nope")
    assert result.code == 2 and "--only: unknown fixture 'nope'" in result.err
