"""A Lambda that raises, crashes or times out gives 502 (a function error,
not 504), with no CORS headers."""
from .httpclient import FRONTEND, call


def test_a_throwing_lambda_gives_502_internal_server_error_without_cors(apis):
    resp = call(apis["lambda-throws"], "GET", "/items", {"Origin": FRONTEND})
    assert resp.status == 502
    assert resp.body == b'{"message": "Internal server error"}'
    assert resp.header("x-amzn-ErrorType") == "InternalServerErrorException"
    assert resp.cors_headers() == {}
    assert {"x-amzn-requestid", "x-amz-apigw-id"} <= resp.header_names()


def test_the_preflight_of_a_throwing_lambda_still_passes(apis):
    resp = call(apis["lambda-throws"], "OPTIONS", "/items",
                {"Origin": FRONTEND, "Access-Control-Request-Method": "POST"})
    assert resp.status == 204
    assert resp.header("Access-Control-Allow-Origin") == FRONTEND


def test_a_raise_in_the_lab_lambda_gives_502(apis):
    assert call(apis["lab"], "GET", "/lab?do=raise").status == 502
