"""HTTP API corsConfiguration: API Gateway answers a preflight itself with 204,
but only when no route (OPTIONS, ANY, $default) catches the OPTIONS request."""
from e2e.exchange import LAYER_HTTP_API_CORS

from .httpclient import preflight

APP = "https://app.example.com"


def test_an_uncaught_preflight_gets_the_automatic_204_with_the_configured_headers(apis):
    resp = preflight(apis["http-lab"], "/items", APP, "POST", "x-request-id")
    assert resp.status == 204
    assert resp.body == b""
    assert {k.lower(): v for k, v in resp.cors_headers().items()} == {
        "access-control-allow-origin": APP,
        "access-control-allow-credentials": "true",
        "access-control-allow-methods": "GET,POST",
        "access-control-allow-headers": "x-request-id",
        "access-control-expose-headers": "x-total",
        "access-control-max-age": "300",
    }
    assert "apigw-requestid" in resp.header_names()


def test_a_preflight_from_an_unlisted_origin_gets_204_without_cors_headers(apis):
    resp = preflight(apis["http-lab"], "/items", "https://evil.example")
    assert resp.status == 204
    assert resp.cors_headers() == {}


def test_a_preflight_to_a_path_with_no_route_at_all_is_still_answered(apis):
    assert preflight(apis["http-lab"], "/nowhere", APP).status == 204


def test_an_any_route_catches_the_preflight_and_the_lambda_answers(apis):
    resp = preflight(apis["http-lab"], "/any", APP)
    assert resp.status == 200
    assert resp.body == b"ok"


def test_an_explicit_options_route_catches_the_preflight(apis):
    assert preflight(apis["http-lab"], "/explicit", APP).body == b"ok"


def test_a_default_route_catches_the_preflight(apis):
    assert preflight(apis["http-default-route"], "/items", APP).body == b"ok"


def test_an_authorizer_on_an_any_route_fails_the_preflight_with_401(apis):
    resp = preflight(apis["http-lab"], "/guarded-any", APP)
    assert resp.status == 401
    assert resp.body == b'{"message":"Unauthorized"}'
    assert resp.cors_headers() == {}


def test_an_authorizer_on_a_get_route_leaves_the_preflight_to_api_gateway(apis):
    assert preflight(apis["http-lab"], "/guarded", APP).status == 204


def test_an_options_request_without_request_method_is_not_a_preflight(apis, gateway):
    from .httpclient import call
    assert call(apis["http-lab"], "OPTIONS", "/items", {"Origin": APP}).status == 404


def test_without_cors_configuration_an_uncaught_preflight_is_404(apis):
    assert preflight(apis["http-no-cors"], "/items", APP).status == 404


def test_the_automatic_preflight_is_recorded_as_the_http_api_cors_layer(apis, gateway):
    preflight(apis["http-lab"], "/items?cors-e2e-cell=http-layer", APP)
    (exchange,) = gateway.exchanges("cors-e2e-cell", "http-layer")
    assert exchange.layer == LAYER_HTTP_API_CORS


# A preflight caught by a route: the integration answers (status, body), its own
# Access-Control-* headers are ignored and the configured preflight headers are
# added ("Configure CORS for HTTP APIs",
# https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-cors.html:
# "adds the configured CORS headers to the response from an integration",
# "ignores CORS headers returned from your backend integration", and the
# OPTIONS /{proxy+} fix for $default with an authorizer; see http_api/cors.py).

CONFIGURED_PREFLIGHT = {
    "access-control-allow-origin": APP,
    "access-control-allow-credentials": "true",
    "access-control-allow-methods": "GET,POST",
    "access-control-allow-headers": "x-request-id",
    "access-control-expose-headers": "x-total",
    "access-control-max-age": "300",
}


def test_a_caught_preflight_gets_the_configured_preflight_headers_on_the_integrations_answer(apis):
    resp = preflight(apis["http-lab"], "/explicit", APP, "POST", "x-request-id")
    assert (resp.status, resp.body) == (200, b"ok")
    assert {k.lower(): v for k, v in resp.cors_headers().items()} == CONFIGURED_PREFLIGHT


def test_the_integrations_own_cors_headers_on_a_caught_preflight_are_ignored(apis):
    resp = preflight(apis["http-lab"], "/any?case=own-cors", APP, "POST")
    assert resp.body == b"own"
    assert resp.header("X-Kept") == "yes"
    assert {k.lower(): v for k, v in resp.cors_headers().items()} == CONFIGURED_PREFLIGHT


def test_a_caught_preflight_from_an_unlisted_origin_gets_no_cors_headers(apis):
    resp = preflight(apis["http-lab"], "/any?case=own-cors", "https://evil.example")
    assert resp.status == 200
    assert resp.cors_headers() == {}


def test_awss_fix_for_default_with_an_authorizer_passes_the_preflight_and_the_request(apis):
    from .httpclient import call
    api = apis["http-default-authorizer"]
    pre = preflight(api, "/items", APP, "GET", "authorization")
    assert pre.status == 200
    assert pre.header("access-control-allow-origin") == APP
    assert pre.header("access-control-allow-headers") == "authorization,content-type"
    assert pre.header("access-control-allow-methods") == "GET,POST"
    actual = call(api, "GET", "/items", {"Origin": APP, "Authorization": "Bearer ok"})
    assert actual.status == 200
    assert actual.header("access-control-allow-origin") == APP
    assert call(api, "GET", "/items", {"Origin": APP}).status == 401
