"""HTTP API corsConfiguration on actual requests: configured headers added for
a matching Origin, the integration's own CORS headers ignored."""
from .httpclient import FRONTEND, call, preflight

APP = "https://app.example.com"


def test_a_matching_origin_gets_the_configured_headers(apis):
    resp = call(apis["http-lab"], "GET", "/items", {"Origin": APP})
    assert resp.status == 200
    assert {k.lower(): v for k, v in resp.cors_headers().items()} == {
        "access-control-allow-origin": APP,
        "access-control-allow-credentials": "true",
        "access-control-expose-headers": "x-total",
    }


def test_the_integrations_own_cors_headers_are_dropped(apis):
    resp = call(apis["http-lab"], "GET", "/items?case=own-cors", {"Origin": APP})
    assert resp.header("Access-Control-Allow-Origin") == APP
    assert resp.header("X-Kept") == "yes"
    unmatched = call(apis["http-lab"], "GET", "/items?case=own-cors", {"Origin": "https://lambda.example"})
    assert unmatched.cors_headers() == {}


def test_a_missing_or_unlisted_origin_gets_no_cors_headers(apis):
    assert call(apis["http-lab"], "GET", "/items").cors_headers() == {}
    assert call(apis["http-lab"], "GET", "/items", {"Origin": "https://evil.example"}).cors_headers() == {}


def test_a_wildcard_configuration_sends_a_star(apis):
    resp = call(apis["http-wildcard"], "GET", "/items", {"Origin": "https://any.example"})
    assert resp.header("Access-Control-Allow-Origin") == "*"
    assert preflight(apis["http-wildcard"], "/items", "http://x.example").header(
        "Access-Control-Allow-Origin") == "*"


def test_a_scheme_wildcard_matches_only_that_scheme(apis):
    ok = call(apis["http-scheme"], "GET", "/items", {"Origin": "https://any.example"})
    refused = call(apis["http-scheme"], "GET", "/items", {"Origin": "http://any.example"})
    assert ok.header("Access-Control-Allow-Origin") == "https://any.example"
    assert refused.cors_headers() == {}


def test_the_lambda_cors_ignored_fixture_blocks_the_frontend_and_its_fix_does_not(apis):
    broken = call(apis["http-lambda-cors-ignored"], "GET", "/items", {"Origin": FRONTEND})
    fixed = call(apis["http-lambda-cors-ignored-fixed"], "GET", "/items", {"Origin": FRONTEND})
    assert broken.cors_headers() == {}
    assert fixed.header("Access-Control-Allow-Origin") == FRONTEND
    assert preflight(apis["http-lambda-cors-ignored"], "/items", FRONTEND).cors_headers() == {}


def test_the_http_reference_serves_the_frontend_with_credentials(apis):
    resp = call(apis["reference-http"], "DELETE", "/items", {"Origin": FRONTEND, "Cookie": "session=1"})
    assert resp.status == 200
    assert resp.header("Access-Control-Allow-Origin") == FRONTEND
    assert resp.header("Access-Control-Allow-Credentials") == "true"
    assert resp.json()["cookie"] is True
