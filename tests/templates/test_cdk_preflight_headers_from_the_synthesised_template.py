"""HTTP-level: what the local gateway answers from the synthesised CDK
template is what CDK's VTL response template makes API Gateway answer: the
2nd and 3rd origin get their own origin back, any other origin the first
one; the Lambda's own headers pass through; a crash is a bare 502."""
from __future__ import annotations

from collections.abc import Iterator

import pytest

from e2e.gateway import LocalGateway, RunningApi
from e2e.templates import load_template
from tests.gateway.httpclient import call

from .conftest import CDK_OUT, HTTP, SAM

FIRST, SECOND, THIRD = "https://app.example.com", "https://admin.example.com", "http://localhost:3000"
PREFLIGHT = {"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"}


@pytest.fixture(scope="module")
def served() -> Iterator[dict[str, RunningApi]]:
    with LocalGateway() as gw:
        yield {"cdk": gw.add(load_template(CDK_OUT, stack="ItemsStack").api),
               "sam": gw.add(load_template(SAM).api),
               "http": gw.add(load_template(HTTP).api)}


@pytest.mark.parametrize("origin", [SECOND, THIRD])
def test_the_second_and_third_origin_get_their_own_origin_back(served: dict[str, RunningApi], origin: str) -> None:
    r = call(served["cdk"], "OPTIONS", "/items", {"Origin": origin, **PREFLIGHT})
    assert r.status == 204
    assert r.body == b""
    assert r.cors_headers() == {
        "Access-Control-Allow-Headers": "Content-Type,Authorization",
        "Access-Control-Allow-Origin": origin,
        "Access-Control-Allow-Methods": "OPTIONS,GET,PUT,POST,DELETE,PATCH,HEAD",
        "Access-Control-Allow-Credentials": "true",
        "Access-Control-Max-Age": "600",
    }
    assert r.header("Vary") == "Origin"


def test_the_first_origin_is_static_and_a_foreign_one_gets_it_too(served: dict[str, RunningApi]) -> None:
    for origin in (FIRST, "https://evil.example.com"):
        r = call(served["cdk"], "OPTIONS", "/items", {"Origin": origin, **PREFLIGHT})
        assert r.status == 204 and r.header("Access-Control-Allow-Origin") == FIRST


def test_the_lambda_answers_the_actual_request_with_its_own_headers(served: dict[str, RunningApi]) -> None:
    r = call(served["cdk"], "POST", "/items", {"Origin": THIRD, "Content-Type": "application/json"}, "{}")
    assert r.status == 201 and r.json()["method"] == "POST"
    assert r.header("Access-Control-Allow-Origin") == THIRD
    r = call(served["cdk"], "GET", "/items", {"Origin": "https://evil.example.com"})
    assert r.status == 200 and r.header("Access-Control-Allow-Origin") is None


def test_a_crash_is_a_502_without_cors_headers_and_a_4xx_names_one_origin(served: dict[str, RunningApi]) -> None:
    r = call(served["cdk"], "GET", "/crash", {"Origin": FIRST})
    assert r.status == 502 and r.cors_headers() == {}
    r = call(served["cdk"], "GET", "/nothing", {"Origin": SECOND})
    assert r.status == 403 and r.header("Access-Control-Allow-Origin") == FIRST


def test_sam_cors_and_gateway_responses(served: dict[str, RunningApi]) -> None:
    r = call(served["sam"], "OPTIONS", "/notes", {"Origin": FIRST, **PREFLIGHT})
    assert r.status == 200   # SAM's Cors MOCK answers 200, not CDK's 204
    assert r.header("Access-Control-Allow-Methods") == "GET,POST,OPTIONS"
    r = call(served["sam"], "GET", "/crash", {"Origin": FIRST})
    assert r.status == 502 and r.header("Access-Control-Allow-Origin") == FIRST
    assert r.header("Access-Control-Allow-Credentials") == "true"


def test_the_http_api_answers_preflights_from_its_cors_configuration(served: dict[str, RunningApi]) -> None:
    r = call(served["http"], "OPTIONS", "/echo", {"Origin": THIRD, **PREFLIGHT})
    assert r.status == 204
    assert r.header("Access-Control-Allow-Origin") == THIRD
    assert r.header("Access-Control-Allow-Credentials") == "true"
    r = call(served["http"], "GET", "/echo", {"Origin": FIRST})
    assert r.status == 200 and r.json() == {"route": "GET /echo", "stage": "dev"}
    assert r.header("Access-Control-Allow-Origin") == FIRST
