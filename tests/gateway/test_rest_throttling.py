"""Stage throttling: past the burst, 429 Too Many Requests, preflights too."""
from .httpclient import FRONTEND, call, preflight


def test_requests_past_the_burst_get_429_without_cors_headers(apis):
    statuses = [call(apis["throttle-lab"], "GET", "/lab").status for _ in range(4)]
    assert statuses[:2] == [200, 200]
    assert statuses[2:] == [429, 429]
    resp = call(apis["throttle-lab"], "GET", "/lab", {"Origin": FRONTEND})
    assert resp.body == b'{"message":"Too Many Requests"}'
    assert resp.header("x-amzn-ErrorType") == "TooManyRequestsException"
    assert resp.cors_headers() == {}


def test_a_zero_throttle_refuses_preflights_too(apis):
    assert preflight(apis["throttled"], "/items", FRONTEND).status == 429


def test_the_fixed_fixture_adds_cors_headers_to_the_429(apis):
    resp = call(apis["throttled-fixed"], "GET", "/items", {"Origin": FRONTEND})
    assert resp.status == 429
    assert resp.header("Access-Control-Allow-Origin") == FRONTEND
