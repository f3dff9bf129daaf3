"""CDK's MOCK request template exists for application/json only: an OPTIONS
request with another Content-Type fails with 500."""
from .httpclient import FRONTEND, call


def test_options_with_a_text_content_type_gets_500_without_cors_headers(apis):
    resp = call(apis["reference"], "OPTIONS", "/items",
                {"Origin": FRONTEND, "Access-Control-Request-Method": "GET", "Content-Type": "text/plain"})
    assert resp.status == 500
    assert resp.json() == {"message": "Internal server error"}
    assert resp.body == b'{"message": "Internal server error"}'
    assert resp.cors_headers() == {}


def test_options_with_a_json_content_type_uses_the_template(apis):
    resp = call(apis["reference"], "OPTIONS", "/items",
                {"Origin": FRONTEND, "Access-Control-Request-Method": "GET",
                 "Content-Type": "application/json; charset=utf-8"})
    assert resp.status == 204
