"""Payload limits, each where AWS states it:

- API Gateway's payload quota, 10 MB for REST and HTTP APIs ("Amazon API
  Gateway quotas", https://docs.aws.amazon.com/apigateway/latest/developerguide/limits.html).
  Over it the request is refused in front of the API: a plain-text 413 with no
  x-amzn-* headers, and a customised REQUEST_TOO_LARGE gateway response does
  not change it (recorded from AWS in koki-develop/lgtm-generator#10, also
  reapit/foundations#4338). So no gateway response and no CORS header.
- Lambda's synchronous invocation payload, 6 MB each for request and response
  ("Lambda quotas", https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html):
  an event over it is refused by Invoke, and API Gateway answers 413
  {"message": "Request Too Long"}, x-amzn-ErrorType BadRequestException
  (recorded, same thread), through REQUEST_TOO_LARGE ("Gateway response
  types") and so DEFAULT_4XX; a response over it is a function error: 502 on
  REST, 500 on HTTP APIs.
"""
from e2e.exchange import LAYER_GATEWAY_ERROR

from .httpclient import call

MB = 1024 * 1024
TEXT = {"Content-Type": "text/plain"}


def test_a_body_over_10_mb_is_refused_in_front_of_the_api_without_gateway_responses(apis, gateway):
    resp = call(apis["limits"], "POST", "/upload?cors-e2e-cell=over-10mb", TEXT, body=b"x" * (10 * MB + 1))
    assert resp.status == 413
    assert resp.body == b"HTTP content length exceeded 10485760 bytes."
    assert resp.header("Content-Type") == "text; charset=utf-8"
    assert resp.cors_headers() == {}                      # DEFAULT_4XX's header does not apply
    assert not any(name.startswith("x-amz") for name in resp.header_names())
    (exchange,) = gateway.exchanges("cors-e2e-cell", "over-10mb")
    assert exchange.layer == LAYER_GATEWAY_ERROR


def test_a_body_of_exactly_10_mb_passes_the_quota_and_meets_lambdas_limit(apis):
    resp = call(apis["limits"], "POST", "/upload", TEXT, body=b"x" * (10 * MB))
    assert resp.status == 413
    assert resp.json()["type"] == "REQUEST_TOO_LARGE"      # API Gateway's own, not the front end's


def test_an_event_over_lambdas_6_mb_is_a_413_request_too_large_gateway_response(apis):
    resp = call(apis["limits"], "POST", "/upload", TEXT, body=b"x" * (7 * MB))
    assert resp.status == 413
    body = resp.json()
    assert body["message"] == "Request Too Long"
    assert body["type"] == "REQUEST_TOO_LARGE"
    assert body["id"] == resp.header("x-amzn-RequestId")
    assert resp.header("Access-Control-Allow-Origin") == "*"     # DEFAULT_4XX applies
    assert resp.header("x-amzn-ErrorType") == "BadRequestException"
    assert resp.header("x-amz-apigw-id")


def test_without_gateway_responses_the_413_has_awss_recorded_body_and_no_cors(apis):
    resp = call(apis["lab"], "POST", "/lab", TEXT, body=b"x" * (7 * MB))
    assert resp.status == 413
    assert resp.body == b'{"message": "Request Too Long"}'
    assert resp.cors_headers() == {}


def test_a_body_under_6_mb_reaches_the_lambda(apis):
    resp = call(apis["limits"], "POST", "/upload?do=event", TEXT, body=b"x" * (5 * MB))
    assert resp.status == 200
    assert len(resp.json()["body"]) == 5 * MB


def test_a_response_over_lambdas_6_mb_is_a_502(apis):
    resp = call(apis["limits"], "GET", "/upload?do=big&bytes=7000000")
    assert resp.status == 502
    assert resp.body == b'{"message": "Internal server error"}'


def test_a_response_under_6_mb_is_delivered(apis):
    resp = call(apis["limits"], "GET", "/upload?do=big&bytes=6000000")
    assert resp.status == 200
    assert len(resp.body) == 6000000


def test_http_api_an_event_over_6_mb_is_a_413_without_cors(apis):
    resp = call(apis["http-lab"], "POST", "/any", {"Origin": "https://app.example.com", **TEXT},
                body=b"x" * (7 * MB))
    assert resp.status == 413
    assert resp.cors_headers() == {}
    assert resp.header("apigw-requestid")


def test_http_api_a_response_over_6_mb_is_a_500(apis):
    resp = call(apis["http-lab"], "GET", "/items?do=big&bytes=7000000")
    assert resp.status == 500
    assert resp.body == b'{"message":"Internal Server Error"}'


def test_http_api_a_body_over_10_mb_is_refused_in_front(apis):
    resp = call(apis["http-lab"], "POST", "/any", TEXT, body=b"x" * (10 * MB + 1))
    assert resp.status == 413
    assert resp.body == b"HTTP content length exceeded 10485760 bytes."


# The header quota: "Total combined size of all header values: 10240 Bytes"
# (REST API quotas, same page). Over it the request is refused in front of the
# API with the text users reported ("HTTP header is larger than 10240 bytes.");
# the status (400) is inferred.

def test_header_values_over_10240_bytes_are_refused_in_front_of_the_api(apis):
    resp = call(apis["limits"], "GET", "/upload", {"Cookie": "a=" + "x" * 10240})
    assert resp.status == 400
    assert resp.body == b"HTTP header is larger than 10240 bytes."
    assert resp.cors_headers() == {}                      # DEFAULT_4XX does not apply


def test_header_values_under_the_quota_pass(apis):
    assert call(apis["limits"], "GET", "/upload?case=no-status", {"Cookie": "a=" + "x" * 9000}).status == 200
