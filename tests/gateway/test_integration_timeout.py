"""Integration timeout (timeoutInMillis) gives 504, unlike the Lambda's own
timeout (502); the Lambda keeps running in the background."""
import time

from .httpclient import FRONTEND, call


def wait_for(path, timeout=20.0):
    deadline = time.monotonic() + timeout
    while not path.exists() and time.monotonic() < deadline:
        time.sleep(0.02)
    return path.exists()


def test_an_integration_timeout_gives_504_endpoint_request_timed_out(apis, tmp_path):
    release, done = tmp_path / "release", tmp_path / "done"
    # The handler cannot finish before the release file exists: the 504 is the
    # gateway giving up on it, not the handler's answer.
    resp = call(apis["lab"], "GET", f"/slow?do=wait&release={release}&done={done}")
    assert not done.exists()
    release.touch()
    assert wait_for(done)   # the Lambda kept running after the 504, and finished
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
