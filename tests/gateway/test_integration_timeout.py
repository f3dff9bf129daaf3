"""Integration timeout (timeoutInMillis) gives 504, unlike the Lambda's own
timeout (502); the Lambda keeps running in the background."""
import time

from .httpclient import FRONTEND, call


def test_an_integration_timeout_gives_504_endpoint_request_timed_out(apis):
    started = time.monotonic()
    resp = call(apis["lab"], "GET", "/slow?do=sleep&seconds=0.8")
    assert time.monotonic() - started < 0.7
    assert resp.status == 504
    assert resp.body == b'{"message": "Endpoint request timed out"}'
    assert resp.header("x-amzn-ErrorType") is None
    assert resp.cors_headers() == {}


def test_the_fixed_fixture_adds_cors_headers_to_the_504(apis):
    resp = call(apis["integration-timeout-fixed"], "GET", "/items", {"Origin": FRONTEND})
    assert resp.status == 504
    assert resp.header("Access-Control-Allow-Origin") == FRONTEND


def test_the_broken_fixture_times_out_without_cors_but_its_preflight_passes(apis):
    assert call(apis["integration-timeout"], "GET", "/items", {"Origin": FRONTEND}).cors_headers() == {}
    assert call(apis["integration-timeout"], "OPTIONS", "/items",
                {"Origin": FRONTEND, "Access-Control-Request-Method": "GET"}).status == 204
