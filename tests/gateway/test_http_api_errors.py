"""HTTP API errors: 404 unknown route, 500 Lambda error or bad output, 503
integration timeout, each with apigw-requestid and no CORS headers."""
import pytest

from .httpclient import call

APP = "https://app.example.com"


def assert_error(resp, status, message):
    assert resp.status == status
    assert resp.json() == {"message": message}
    assert "apigw-requestid" in resp.header_names()
    assert resp.cors_headers() == {}


def test_an_unknown_route_gives_404_not_found(apis):
    assert_error(call(apis["http-lab"], "GET", "/nope", {"Origin": APP}), 404, "Not Found")


def test_a_method_without_route_gives_404(apis):
    assert_error(call(apis["http-lab"], "DELETE", "/items", {"Origin": APP}), 404, "Not Found")


def test_a_path_outside_a_named_stage_gives_404(apis):
    assert_error(call(apis["http-scheme"], "GET", "/items", below_stage=False), 404, "Not Found")
    assert call(apis["http-scheme"], "GET", "/items").status == 200


def test_a_lambda_error_gives_500_internal_server_error(apis):
    assert_error(call(apis["http-lab"], "GET", "/items?do=raise", {"Origin": APP}), 500,
                 "Internal Server Error")


def test_malformed_lambda_output_gives_500(apis):
    assert_error(call(apis["http-lab"], "GET", "/items?case=word-status"), 500, "Internal Server Error")


def test_a_lambda_timing_out_on_its_own_gives_500(apis):
    assert_error(call(apis["http-lab"], "GET", "/items?do=sleep&seconds=3"), 500, "Internal Server Error")


def test_an_integration_timeout_gives_503_service_unavailable(apis):
    assert_error(call(apis["http-lab"], "GET", "/slow?do=sleep&seconds=0.6"), 503, "Service Unavailable")


@pytest.mark.parametrize("auth, status", [(None, 401), ("Bearer no", 403), ("Bearer ok", 200)])
def test_a_route_authorizer_gives_401_or_403_or_passes(apis, auth, status):
    headers = {"Authorization": auth} if auth else {}
    assert call(apis["http-lab"], "GET", "/guarded", headers).status == status
