"""inspect, against every fixture API deployed in moto, reports exactly the
misconfigurations its configuration shows (issue 6); on the reference APIs
only that DEFAULT_5XX carries no CORS headers for a Lambda crash. Problems that live in Lambda code (no-cors-headers,
error-path-no-cors, lambda-throws) or in what the frontend calls
(unknown-path, preflight-missing-header's X-Request-Id) are not in the
configuration: only a browser run finds those, so inspect stays silent."""
from __future__ import annotations

import json

import pytest

from e2e.aws.config import read_config
from e2e.aws.findings import CODES, SEVERITIES
from e2e.aws.inspect import inspect_config
from e2e.aws.target import parse_target, resolve

from .conftest import FRONTEND, Deployment, run_cli

# Every REST API whose methods call a Lambda through a proxy integration and
# whose DEFAULT_5XX has no Access-Control-Allow-Origin: a crash is a 502 the
# frontend sees as a CORS error (the article's headline pitfall).
CRASH_5XX = ("errors-without-cors", "gatewayResponses/DEFAULT_5XX")
UNGUARDED_5XX = {"api-key-required", "api-key-required-fixed", "error-path-no-cors", "integration-timeout",
                 "lambda-throws", "multi-origin-foreign", "multi-origin-foreign-fixed", "no-cors-headers",
                 "preflight-missing-delete", "preflight-missing-header", "reference", "reference-node",
                 "throttled", "throttled-fixed", "unknown-path", "unknown-path-fixed", "wildcard-credentials",
                 "rest-authorizer-headers", "rest-no-preflight", "rest-reflected-insecure",
                 # the failure catalogue's REST fixtures (none adds DEFAULT_5XX headers)
                 "api-key-on-options", "rest-authorizer-on-options", "rest-authorizer-on-options-fixed",
                 "gateway-response-origin-list", "gateway-response-origin-list-fixed", "sam-cors-origin-list",
                 "sam-cors-origin-list-fixed", "lambda-both-header-maps", "lambda-both-header-maps-fixed",
                 "lambda-allowlist-case", "lambda-allowlist-ignores-port", "lambda-allowlist-fixed",
                 "waf-blocks-preflight", "waf-blocks-preflight-fixed", "front-trailing-slash-redirect",
                 "front-https-redirect", "front-redirect-fixed", "cdn-origin-not-in-cache-key",
                 "cdn-origin-in-cache-key", "cdn-options-not-allowed", "local-network-access",
                 # the hostile-origin audit's bug classes (issue 14)
                 "origin-reflect", "origin-reflect-fixed", "origin-prefix-match", "origin-suffix-match",
                 "origin-null-allowed", "origin-http-allowed"}
# fixture -> the (code, resource) pairs inspect --origin FRONTEND must report, no more
# (plus CRASH_5XX for the UNGUARDED_5XX ones).
PLANTED: dict[str, set[tuple[str, str]]] = {
    "reference": set(),
    "reference-node": set(),
    "reference-http": set(),
    "api-key-required": {("errors-without-cors", "gatewayResponses/INVALID_API_KEY")},
    "api-key-required-fixed": set(),
    "error-path-no-cors": set(),
    "http-authorizer-any": {("authorizer-on-preflight", "ANY /items")},
    "http-authorizer-any-fixed": set(),
    "http-lambda-cors-ignored": {("origin-not-allowed", "corsConfiguration")},
    "http-lambda-cors-ignored-fixed": set(),
    "integration-timeout": {("errors-without-cors", "gatewayResponses/INTEGRATION_TIMEOUT")},
    "integration-timeout-fixed": set(),
    "lambda-throws": set(),
    "lambda-throws-fixed": set(),
    "multi-origin-foreign": {("origin-not-allowed", "OPTIONS /items")},
    "multi-origin-foreign-fixed": set(),
    "no-cors-headers": set(),
    "preflight-missing-delete": {("method-not-allowed", "OPTIONS /items")},
    "preflight-missing-header": set(),
    "throttled": {("throttled-to-zero", "stage prod"), ("errors-without-cors", "gatewayResponses/THROTTLED")},
    "throttled-fixed": {("throttled-to-zero", "stage prod")},
    "unknown-path": set(),
    "unknown-path-fixed": set(),
    "wildcard-credentials": {("wildcard-with-credentials", "OPTIONS /items")},
    # The failure catalogue (issue 16). A WAF web ACL and a CloudFront front are
    # not API Gateway configuration (deploy-fixtures creates neither), and the
    # allowlist and header-map bugs live in Lambda code: inspect is silent there.
    "api-key-on-options": {("authorizer-on-preflight", "OPTIONS /items"),
                           ("errors-without-cors", "gatewayResponses/INVALID_API_KEY")},
    "rest-authorizer-on-options": {("authorizer-on-preflight", "OPTIONS /items"),
                                   ("errors-without-cors", "gatewayResponses/ACCESS_DENIED"),
                                   ("errors-without-cors", "gatewayResponses/UNAUTHORIZED")},
    "rest-authorizer-on-options-fixed": {("errors-without-cors", "gatewayResponses/ACCESS_DENIED")},
    "gateway-response-origin-list": {("origin-not-allowed", "gatewayResponses/DEFAULT_4XX")},
    "gateway-response-origin-list-fixed": set(),
    "sam-cors-origin-list": {("origin-not-allowed", "OPTIONS /items")},
    "sam-cors-origin-list-fixed": set(),
    **{name: set() for name in (
        "lambda-both-header-maps", "lambda-both-header-maps-fixed", "lambda-allowlist-case",
        "lambda-allowlist-ignores-port", "lambda-allowlist-fixed", "waf-blocks-preflight",
        "waf-blocks-preflight-fixed", "front-trailing-slash-redirect", "front-https-redirect",
        "front-redirect-fixed", "cdn-origin-not-in-cache-key", "cdn-origin-in-cache-key",
        "cdn-options-not-allowed", "local-network-access",
        # The audit's origin checks live in Lambda code (OPTIONS goes to the
        # Lambda too): no API Gateway setting shows them, so inspect is silent.
        "origin-reflect", "origin-reflect-fixed", "origin-prefix-match", "origin-suffix-match",
        "origin-null-allowed", "origin-http-allowed")},
    # tests/aws/apis: the codes no fixture plants
    "rest-no-preflight": {("missing-preflight", "/items")},
    "rest-reflected-insecure": {("origin-reflected", "OPTIONS /items"), ("insecure-origin", "OPTIONS /legacy"),
                                ("origin-reflected", "gatewayResponses/DEFAULT_4XX")},
    "rest-authorizer-headers": {("header-not-allowed", "OPTIONS /items"), ("wildcard-authorization", "OPTIONS /open"),
                                ("authorizer-on-preflight", "ANY /any")},
    "http-no-cors": {("missing-preflight", "DELETE /items")},
    "http-loose-cors": {("origin-reflected", "corsConfiguration"), ("insecure-origin", "corsConfiguration"),
                        ("method-not-allowed", "DELETE /items"), ("wildcard-authorization", "corsConfiguration")},
    "http-missing-header": {("header-not-allowed", "corsConfiguration")},
}
# The test APIs do not list the frontend: inspect them without --origin.
WITHOUT_ORIGIN = {"rest-no-preflight", "rest-reflected-insecure", "rest-authorizer-headers", "http-no-cors",
                  "http-loose-cors", "http-missing-header"}


def inspect(deployed: Deployment, name: str, origins: list[str]):
    d = deployed.by_name[name]
    api = resolve(deployed.aws, parse_target(f"aws:{d.kind}/{d.api_id}/{d.stage}"))
    return inspect_config(read_config(deployed.aws, api), origins)


def test_every_deployed_api_has_an_expectation(deployed: Deployment) -> None:
    assert set(deployed.by_name) == set(PLANTED)


@pytest.mark.parametrize("name", sorted(PLANTED))
def test_inspect_reports_exactly_the_planted_findings(deployed: Deployment, name: str) -> None:
    report = inspect(deployed, name, [] if name in WITHOUT_ORIGIN else [FRONTEND])
    expected = PLANTED[name] | ({CRASH_5XX} if name in UNGUARDED_5XX else set())
    assert {(f.code, f.resource) for f in report.findings} == expected
    assert len(report.findings) == len(expected), "a finding is reported twice"
    assert report.notes == []
    for f in report.findings:
        assert f.severity in SEVERITIES and f.evidence and f.fix


def test_every_finding_code_is_planted_somewhere() -> None:
    planted = {code for pairs in PLANTED.values() for code, _ in pairs}
    assert planted == set(CODES)


def test_without_origin_the_foreign_origin_fixtures_show_nothing(deployed: Deployment) -> None:
    # What the frontend's origin is, only the user knows: --origin says it.
    for name in ("multi-origin-foreign", "http-lambda-cors-ignored"):
        assert [(f.code, f.resource) for f in inspect(deployed, name, []).findings
                if (f.code, f.resource) != CRASH_5XX] == []


def test_a_reflected_origin_is_an_error_with_credentials_and_a_warning_without(deployed: Deployment) -> None:
    found = {f.resource: f.severity for f in inspect(deployed, "rest-reflected-insecure", []).findings
             if f.code == "origin-reflected"}
    assert found == {"OPTIONS /items": "error", "gatewayResponses/DEFAULT_4XX": "warning"}


def test_the_evidence_quotes_the_configuration(deployed: Deployment) -> None:
    [f] = [f for f in inspect(deployed, "wildcard-credentials", [FRONTEND]).findings
           if (f.code, f.resource) != CRASH_5XX]
    assert "'*'" in f.evidence and "'true'" in f.evidence
    [f] = [f for f in inspect(deployed, "preflight-missing-delete", [FRONTEND]).findings
           if (f.code, f.resource) != CRASH_5XX]
    assert "DELETE" in f.evidence and "'OPTIONS,GET,PUT,POST'" in f.evidence


def test_inspect_exits_0_on_the_reference_and_1_on_a_warning(deployed: Deployment) -> None:
    ref = deployed.by_name["reference-http"]
    result = run_cli("inspect", f"aws:http/{ref.api_id}/$default", "--origin", FRONTEND)
    assert result.code == 0, result.err
    assert result.out.strip().endswith("0 findings; 0 at or above warning")
    key = deployed.by_name["api-key-required"]
    assert run_cli("inspect", f"aws:rest/{key.api_id}/prod").code == 1


def test_a_rest_api_whose_lambda_crash_gets_no_cors_headers_is_a_warning(deployed: Deployment) -> None:
    # The reference REST API puts CORS headers on every answer its Lambda gives,
    # but not on DEFAULT_5XX: when the Lambda crashes, the frontend sees a CORS error.
    ref = deployed.by_name["reference"]
    result = run_cli("inspect", f"aws:rest/{ref.api_id}/prod", "--origin", FRONTEND)
    assert result.code == 1
    assert "WARNING  errors-without-cors  gatewayResponses/DEFAULT_5XX" in result.out
    assert "proxy integration" in result.out
    assert result.out.strip().endswith("1 finding: 1 warning; 1 at or above warning")


def test_fail_on_error_lets_warnings_pass(deployed: Deployment) -> None:
    key = deployed.by_name["api-key-required"]           # one warning: errors-without-cors
    assert run_cli("inspect", f"aws:rest/{key.api_id}/prod", "--fail-on", "error").code == 0
    wild = deployed.by_name["wildcard-credentials"]      # one error
    assert run_cli("inspect", f"aws:rest/{wild.api_id}/prod", "--fail-on", "error").code == 1


def test_inspect_writes_the_findings_as_json(deployed: Deployment, tmp_path) -> None:
    d = deployed.by_name["throttled"]
    out = tmp_path / "findings.json"
    result = run_cli("inspect", d.url, "--json", str(out))
    assert result.code == 1
    data = json.loads(out.read_text())
    assert data["target"] == f"aws:rest/{d.api_id}/prod" and data["baseUrl"] == d.url
    assert {f["code"] for f in data["findings"]} == {"throttled-to-zero", "errors-without-cors"}
    assert set(data["findings"][0]) == {"code", "severity", "resource", "evidence", "fix"}
    assert "ERROR    throttled-to-zero  stage prod" in result.out


@pytest.mark.parametrize("name", sorted(PLANTED))
def test_the_live_configuration_run_through_the_local_gateway_agrees(deployed: Deployment, name: str) -> None:
    # One model: the deployed API, read back through boto3, loaded into the local
    # gateway's model and probed there (a crashing stand-in for every Lambda);
    # every refusal the Fetch oracle finds is a code inspect reports.
    from e2e.aws.live_model import live_model
    from e2e.templates.probe import second_opinion

    d = deployed.by_name[name]
    config = read_config(deployed.aws, resolve(deployed.aws, parse_target(f"aws:{d.kind}/{d.api_id}/{d.stage}")))
    origins = [] if name in WITHOUT_ORIGIN else [FRONTEND]
    codes = {f.code for f in inspect_config(config, origins).findings}
    notes: list[str] = []
    model = live_model(config, notes)
    assert notes == []
    assert second_opinion(config, model, codes, origins) == []
