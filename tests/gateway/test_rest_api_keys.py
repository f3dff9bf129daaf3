"""apiKeyRequired: a missing or unknown x-api-key gives 403 Forbidden."""
from .httpclient import FRONTEND, call


def test_a_missing_api_key_gives_403_forbidden_without_cors(apis):
    resp = call(apis["guarded"], "GET", "/keyed", {"Origin": FRONTEND})
    assert resp.status == 403
    assert resp.body == b'{"message":"Forbidden"}'
    assert resp.header("x-amzn-ErrorType") == "ForbiddenException"
    assert resp.cors_headers() == {}


def test_an_unknown_api_key_gives_403(apis):
    assert call(apis["guarded"], "GET", "/keyed", {"x-api-key": "wrong"}).status == 403


def test_a_known_api_key_passes_and_reaches_the_event(apis):
    resp = call(apis["guarded"], "GET", "/keyed?do=event", {"X-API-Key": "key-1"})
    assert resp.status == 200
    assert resp.json()["requestContext"]["identity"]["apiKey"] == "key-1"


def test_the_fixed_fixture_makes_the_403_readable_by_the_frontend(apis):
    resp = call(apis["api-key-required-fixed"], "GET", "/items", {"Origin": FRONTEND})
    assert resp.status == 403
    assert resp.header("Access-Control-Allow-Origin") == FRONTEND
    assert resp.header("Access-Control-Allow-Credentials") == "true"
