"""No resource or method matches: 403 Missing Authentication Token, without
CORS headers (the classic "CORS error" on a typo in the path)."""
import pytest

from .httpclient import FRONTEND, call, preflight


def assert_missing_token(resp):
    assert resp.status == 403
    assert resp.body == b'{"message":"Missing Authentication Token"}'
    assert resp.header("x-amzn-ErrorType") == "MissingAuthenticationTokenException"
    assert resp.cors_headers() == {}


@pytest.mark.parametrize("path", ["/itemz", "/items/42", "/"])
def test_an_unknown_path_or_method_gives_403_missing_authentication_token(apis, path):
    method = "GET" if path != "/" else "POST"
    assert_missing_token(call(apis["reference"], method, path, {"Origin": FRONTEND}))


def test_options_on_a_resource_without_options_or_any_gives_403(apis):
    assert_missing_token(preflight(apis["lab"], "/no-options", FRONTEND))


def test_the_preflight_of_an_unknown_path_fails_with_403(apis):
    assert_missing_token(preflight(apis["reference"], "/itemz", FRONTEND))


@pytest.mark.parametrize("path", ["/items", "/dev/items", "/"])
def test_a_path_outside_the_stage_gives_403(apis, path):
    assert_missing_token(call(apis["reference"], "GET", path, below_stage=False))
