"""Diagnosis of blocked cells in AWS terms (issue 4, item 4), from realistic
exchanges as the local gateway records them."""
from __future__ import annotations

from e2e import reasons as R
from e2e.exchange import (LAYER_GATEWAY_ERROR, LAYER_HTTP_API_CORS, LAYER_LAMBDA, LAYER_OPTIONS_METHOD,
                          LAYER_REMOTE, LAYER_SCRIPTED, Exchange)
from e2e.explain import LAYER_NONE, Agreement, CellFacts, agreement, explain
from e2e.oracle import Request

ORIGIN = "http://localhost:8000"
URL = "https://abc123.execute-api.eu-west-1.amazonaws.com/prod/items?cors-e2e-cell=c1"
CDK_ALLOW_HEADERS = "Content-Type,X-Amz-Date,Authorization,X-Api-Key,X-Amz-Security-Token,X-Amz-User-Agent"
CDK_ALLOW_METHODS = "OPTIONS,GET,PUT,POST,DELETE,PATCH,HEAD"
AWS_IDS = [("x-amzn-RequestId", "2f0e7d6c-0000-4000-8000-000000000000"), ("x-amz-apigw-id", "AbCdEfGhIjKlMn=")]


def preflight(status: int, headers: list[tuple[str, str]], *, layer: str, method: str = "PUT",
              request_headers: str | None = None, detail: str | None = None, body: str = "") -> Exchange:
    req = [("Origin", ORIGIN), ("Access-Control-Request-Method", method)]
    if request_headers:
        req.append(("Access-Control-Request-Headers", request_headers))
    return Exchange("OPTIONS", "/prod/items", "cors-e2e-cell=c1", req, status, headers, body, layer=layer,
                    detail=detail)


def actual(method: str, status: int, headers: list[tuple[str, str]], *, layer: str, body: str = "",
           detail: str | None = None) -> Exchange:
    return Exchange(method, "/prod/items", "cors-e2e-cell=c1", [("Origin", ORIGIN)], status, headers, body,
                    layer=layer, detail=detail)


def cdk_preflight(**overrides: str) -> list[tuple[str, str]]:
    headers = {"Access-Control-Allow-Headers": CDK_ALLOW_HEADERS, "Access-Control-Allow-Origin": ORIGIN,
               "Access-Control-Allow-Methods": CDK_ALLOW_METHODS, "Vary": "Origin"}
    headers.update(overrides)
    return list(headers.items()) + AWS_IDS


def test_a_502_without_cors_headers_is_named_as_a_lambda_failure_behind_default_5xx() -> None:
    ex = actual("GET", 502, [("Content-Type", "application/json"), ("x-amzn-ErrorType", "InternalServerErrorException")]
                + AWS_IDS, layer=LAYER_GATEWAY_ERROR, detail="DEFAULT_5XX", body='{"message": "Internal server error"}')
    facts = CellFacts(Request("GET", URL, ORIGIN), "blocked", [ex], engine="chromium",
                      engine_reason=R.MISSING_ALLOW_ORIGIN, target="rest")
    result = explain(facts)
    assert (result.reason, result.layer, result.underlying_status) == (R.MISSING_ALLOW_ORIGIN, LAYER_GATEWAY_ERROR, 502)
    assert "masks a 502" in result.explanation
    assert "without CORS headers: the Lambda crashed, timed out" in result.explanation
    assert "add CORS headers to the DEFAULT_5XX gateway response and handle the error" in result.explanation
    assert result.oracle_verdict == "blocked" and result.oracle_agrees


def test_wildcard_with_credentials_says_to_echo_the_allowed_origin() -> None:
    ex = actual("GET", 200, [("Access-Control-Allow-Origin", "*"), ("Access-Control-Allow-Credentials", "true")],
                layer=LAYER_LAMBDA, body="[]")
    facts = CellFacts(Request("GET", URL, ORIGIN, credentials="include"), "blocked", [ex], engine="firefox",
                      engine_reason=R.WILDCARD_WITH_CREDENTIALS, target="rest")
    result = explain(facts)
    assert (result.reason, result.layer, result.underlying_status) == (R.WILDCARD_WITH_CREDENTIALS, LAYER_LAMBDA, 200)
    assert "`*` cannot be used with credentials: echo the allowed origin" in result.explanation
    assert "masks" not in result.explanation


def test_a_header_missing_from_the_options_methods_allow_headers_is_named() -> None:
    pre = preflight(204, cdk_preflight(), layer=LAYER_OPTIONS_METHOD, method="GET", request_headers="x-request-id")
    facts = CellFacts(Request("GET", URL, ORIGIN, (("X-Request-Id", "abc"),)), "blocked", [pre], engine="chromium",
                      engine_reason=R.HEADER_NOT_ALLOWED, engine_failed_parameter="x-request-id", target="rest")
    result = explain(facts)
    assert (result.reason, result.layer, result.underlying_status) == (R.HEADER_NOT_ALLOWED, LAYER_OPTIONS_METHOD, 204)
    assert "header x-request-id is not in the preflight's allowHeaders" in result.explanation


def test_a_method_missing_from_allow_methods_is_named_with_the_case_rule() -> None:
    pre = preflight(204, cdk_preflight(), layer=LAYER_OPTIONS_METHOD, method="patch")
    facts = CellFacts(Request("patch", URL, ORIGIN), "blocked", [pre], engine="webkit",
                      engine_reason=R.METHOD_NOT_ALLOWED, target="rest")
    result = explain(facts)
    assert (result.reason, result.layer) == (R.METHOD_NOT_ALLOWED, LAYER_OPTIONS_METHOD)
    assert "method patch is not in the preflight's allowMethods" in result.explanation
    assert "case-sensitive" in result.explanation


def test_the_lambda_error_path_without_headers_is_a_cors_error_masking_a_500() -> None:
    pre = preflight(204, cdk_preflight(), layer=LAYER_OPTIONS_METHOD)
    ex = actual("PUT", 500, [("Content-Type", "application/json")] + AWS_IDS, layer=LAYER_LAMBDA,
                body='{"error": "validation failed"}')
    facts = CellFacts(Request("PUT", URL, ORIGIN), "blocked", [pre, ex], engine="chromium",
                      engine_reason=R.MISSING_ALLOW_ORIGIN, target="rest")
    result = explain(facts)
    assert (result.reason, result.layer, result.underlying_status) == (R.MISSING_ALLOW_ORIGIN, LAYER_LAMBDA, 500)
    assert "masks a 500 response to the request" in result.explanation
    assert "error path" in result.explanation and "errors included" in result.explanation


def test_the_lambda_success_path_without_headers_names_proxy_integrations() -> None:
    ex = actual("GET", 200, [("Content-Type", "application/json")], layer=LAYER_LAMBDA, body="[]")
    result = explain(CellFacts(Request("GET", URL, ORIGIN), "blocked", [ex], engine="chromium",
                               engine_reason=R.MISSING_ALLOW_ORIGIN, target="rest"))
    assert "success path" in result.explanation and "adds no CORS headers to proxy responses" in result.explanation


def test_http_api_cors_configuration_missing_a_header() -> None:
    pre = preflight(204, [("Access-Control-Allow-Origin", ORIGIN), ("Access-Control-Allow-Methods", "GET,POST"),
                          ("Access-Control-Allow-Headers", "content-type"), ("apigw-requestid", "x")],
                    layer=LAYER_HTTP_API_CORS, method="POST", request_headers="content-type,x-request-id")
    request = Request("POST", URL, ORIGIN, (("Content-Type", "application/json"), ("X-Request-Id", "1")))
    result = explain(CellFacts(request, "blocked", [pre], engine="chromium", engine_reason=R.HEADER_NOT_ALLOWED,
                               engine_failed_parameter="x-request-id", target="http"))
    assert (result.reason, result.layer) == (R.HEADER_NOT_ALLOWED, LAYER_HTTP_API_CORS)
    assert "header x-request-id is not in corsConfiguration.allowHeaders" in result.explanation


def test_http_api_origin_not_in_allow_origins() -> None:
    pre = preflight(204, [("apigw-requestid", "x")], layer=LAYER_HTTP_API_CORS)
    result = explain(CellFacts(Request("PUT", URL, ORIGIN), "blocked", [pre], engine="firefox",
                               engine_reason=R.MISSING_ALLOW_ORIGIN, target="http"))
    # Firefox does not say "preflight": the exchange does, and that is no disagreement.
    assert result.reason == R.preflight(R.MISSING_ALLOW_ORIGIN)
    assert f"origin {ORIGIN} is not in corsConfiguration.allowOrigins" in result.explanation
    assert "disagree" not in result.explanation and "deviation" not in result.explanation


def test_http_api_gateway_error_says_there_are_no_gateway_responses() -> None:
    ex = actual("GET", 500, [("Content-Type", "application/json"), ("apigw-requestid", "x")],
                layer=LAYER_GATEWAY_ERROR, body='{"message":"Internal Server Error"}')
    result = explain(CellFacts(Request("GET", URL, ORIGIN), "blocked", [ex], engine="chromium",
                               engine_reason=R.MISSING_ALLOW_ORIGIN, target="http"))
    assert result.underlying_status == 500
    assert "the Lambda failed or returned malformed output" in result.explanation
    assert "no gateway responses" in result.explanation


def test_a_preflight_to_a_resource_without_options_is_missing_authentication_token() -> None:
    pre = preflight(403, [("Content-Type", "application/json"),
                          ("x-amzn-ErrorType", "MissingAuthenticationTokenException")] + AWS_IDS,
                    layer=LAYER_GATEWAY_ERROR, detail="MISSING_AUTHENTICATION_TOKEN",
                    body='{"message":"Missing Authentication Token"}')
    result = explain(CellFacts(Request("PUT", URL, ORIGIN), "blocked", [pre], engine="chromium",
                               engine_reason=R.preflight(R.MISSING_ALLOW_ORIGIN), target="rest"))
    assert (result.layer, result.underlying_status) == (LAYER_GATEWAY_ERROR, 403)
    assert "masks a 403 response to the preflight" in result.explanation
    assert "has no OPTIONS method" in result.explanation


def test_an_authorizer_on_options_is_named_when_the_preflight_gets_401() -> None:
    pre = preflight(401, [("x-amzn-ErrorType", "UnauthorizedException")] + AWS_IDS, layer=LAYER_GATEWAY_ERROR,
                    detail="UNAUTHORIZED", body='{"message":"Unauthorized"}')
    result = explain(CellFacts(Request("PUT", URL, ORIGIN), "blocked", [pre], engine="firefox",
                               engine_reason=R.PREFLIGHT_STATUS, target="rest"))
    # Firefox says "status"; the oracle says "no Allow-Origin" first: both fail, no disagreement.
    assert result.reason == R.preflight(R.MISSING_ALLOW_ORIGIN) and result.oracle_agrees
    assert "leave OPTIONS without an authorizer" in result.explanation


def test_without_an_engine_reason_the_oracle_derives_it_from_the_exchange() -> None:
    pre = preflight(204, cdk_preflight(**{"Access-Control-Allow-Origin": "https://app.example.com"}),
                    layer=LAYER_OPTIONS_METHOD)
    result = explain(CellFacts(Request("PUT", URL, ORIGIN), "blocked", [pre], engine="webkit", target="rest"))
    assert (result.reason, result.oracle_reason) == (R.preflight(R.ALLOW_ORIGIN_MISMATCH),) * 2
    assert f"add {ORIGIN} to allowOrigins" in result.explanation


def test_a_disagreement_between_engine_and_oracle_is_stated() -> None:
    ex = actual("GET", 200, [("Access-Control-Allow-Origin", "https://other.example")], layer=LAYER_SCRIPTED)
    result = explain(CellFacts(Request("GET", URL, ORIGIN), "blocked", [ex], engine="chromium",
                               engine_reason=R.INVALID_ALLOW_CREDENTIALS, target="scripted"))
    assert result.reason == R.INVALID_ALLOW_CREDENTIALS
    assert result.oracle_reason == R.ALLOW_ORIGIN_MISMATCH
    assert "chromium reported invalid-allow-credentials, but the exchange shows allow-origin-mismatch" \
        in result.explanation


def test_a_block_the_oracle_calls_allowed_is_flagged_and_a_known_deviation_labelled() -> None:
    pre = preflight(204, [("Access-Control-Allow-Origin", ORIGIN), ("Access-Control-Allow-Methods", "patch")],
                    layer=LAYER_SCRIPTED, method="patch")
    ex = actual("patch", 200, [("Access-Control-Allow-Origin", ORIGIN)], layer=LAYER_SCRIPTED)
    result = explain(CellFacts(Request("patch", URL, ORIGIN), "blocked", [pre], engine="chromium",
                               engine_reason=R.METHOD_NOT_ALLOWED, target="scripted"))
    assert result.oracle_verdict is None  # the actual request never went: cannot judge the whole
    result = explain(CellFacts(Request("patch", URL, ORIGIN), "blocked", [pre, ex], engine="chromium",
                               engine_reason=R.METHOD_NOT_ALLOWED, target="scripted"))
    assert result.oracle_verdict == "allowed" and result.oracle_agrees is False
    assert result.deviation == "allow-methods-compared-uppercased"
    assert "known engine deviation" in result.explanation


def test_a_deployed_api_error_is_recognised_from_its_headers() -> None:
    ex = actual("GET", 504, [("Content-Type", "application/json")] + AWS_IDS, layer=LAYER_REMOTE,
                body='{"message": "Endpoint request timed out"}')
    result = explain(CellFacts(Request("GET", URL, ORIGIN), "blocked", [ex], engine="chromium",
                               engine_reason=R.MISSING_ALLOW_ORIGIN, target="remote"))
    assert (result.layer, result.underlying_status) == (LAYER_GATEWAY_ERROR, 504)
    assert "INTEGRATION_TIMEOUT" in result.explanation


def test_a_scripted_cell_is_explained_in_the_standards_terms() -> None:
    ex = actual("GET", 200, [("Access-Control-Allow-Origin", ORIGIN + "/")], layer=LAYER_SCRIPTED)
    result = explain(CellFacts(Request("GET", URL, ORIGIN), "blocked", [ex], engine="webkit",
                               engine_reason=R.ALLOW_ORIGIN_MISMATCH, target="scripted"))
    assert (result.reason, result.layer) == (R.ALLOW_ORIGIN_MISMATCH, LAYER_SCRIPTED)
    assert "byte for byte" in result.explanation


def test_no_response_at_all_is_not_called_cors() -> None:
    result = explain(CellFacts(Request("GET", URL, ORIGIN), "network-error", [], engine="chromium"))
    assert (result.reason, result.layer, result.underlying_status) == (R.CONNECTION_FAILED, LAYER_NONE, None)
    assert "not a CORS decision" in result.explanation


def test_a_block_without_any_exchange_keeps_the_engines_reason() -> None:
    result = explain(CellFacts(Request("GET", URL, ORIGIN), "blocked", [], engine="chromium",
                               engine_reason=R.MISSING_ALLOW_ORIGIN, target="remote"))
    assert (result.reason, result.layer, result.oracle_verdict) == (R.MISSING_ALLOW_ORIGIN, LAYER_NONE, None)
    assert "no recorded exchange" in result.explanation


def test_engines_classifying_a_wrong_allow_origin_differently_is_no_disagreement() -> None:
    ex = actual("GET", 200, [("Access-Control-Allow-Origin", f"{ORIGIN}, https://b.example")], layer=LAYER_LAMBDA)
    result = explain(CellFacts(Request("GET", URL, ORIGIN), "blocked", [ex], engine="firefox",
                               engine_reason=R.ALLOW_ORIGIN_MISMATCH, target="rest"))
    assert result.reason == R.MULTIPLE_ALLOW_ORIGIN and "oracle bug" not in result.explanation


def test_agreement_is_reported_for_allowed_cells_too() -> None:
    pre = preflight(204, [("Access-Control-Allow-Origin", ORIGIN), ("Access-Control-Allow-Headers", "*")],
                    layer=LAYER_SCRIPTED, method="GET", request_headers="authorization")
    ex = actual("GET", 200, [("Access-Control-Allow-Origin", ORIGIN)], layer=LAYER_SCRIPTED)
    facts = CellFacts(Request("GET", URL, ORIGIN, (("Authorization", "Bearer t"),)), "allowed", [pre, ex],
                      engine="chromium", target="scripted")
    assert agreement(facts) == Agreement("allowed", True, "allow-headers-wildcard-covers-authorization")
    spec_only = CellFacts(facts.request, "allowed", [pre, ex], engine=None, target="scripted")
    assert agreement(spec_only).oracle_agrees is False


def test_a_body_over_the_10_mb_quota_is_named_as_refused_in_front_of_the_api() -> None:
    ex = actual("POST", 413, [("Content-Type", "text; charset=utf-8")], layer=LAYER_GATEWAY_ERROR,
                detail="PAYLOAD_OVER_QUOTA", body="HTTP content length exceeded 10485760 bytes.")
    facts = CellFacts(Request("POST", URL, ORIGIN), "blocked", [ex], engine="chromium",
                      engine_reason=R.MISSING_ALLOW_ORIGIN, target="rest")
    result = explain(facts)
    assert result.underlying_status == 413
    assert "10 MB payload quota" in result.explanation
    assert "no gateway response applies" in result.explanation
    assert "add CORS headers to the PAYLOAD_OVER_QUOTA" not in result.explanation
