"""An ANY method catches OPTIONS (the preflight reaches the Lambda); an
explicit OPTIONS method wins over ANY."""
import json

from .httpclient import FRONTEND, call, preflight


def test_any_catches_the_preflight_and_sends_it_to_the_lambda(apis):
    resp = call(apis["lab"], "OPTIONS", "/lab?do=event",
                {"Origin": FRONTEND, "Access-Control-Request-Method": "GET"})
    assert resp.status == 200
    assert json.loads(resp.body)["httpMethod"] == "OPTIONS"


def test_an_explicit_options_method_wins_over_any(apis):
    resp = preflight(apis["lab"], "/explicit", FRONTEND)
    assert resp.status == 200
    assert resp.header("X-Answered-By") == "mock"


def test_any_serves_every_other_method(apis):
    for method in ("GET", "POST", "PATCH", "DELETE"):
        assert call(apis["lab"], method, "/lab?case=no-status").status == 200
