"""Request header names as a browser's request delivers them to API Gateway.

AWS: the REST proxy event carries the request's headers and multiValueHeaders
as API Gateway received them ("Input format of a Lambda function for proxy
integration", https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-lambda-proxy-integrations.html#api-gateway-simple-proxy-for-lambda-input-format).
Browsers reach API Gateway over HTTP/2, whose header names are lower-case on
the wire (RFC 9113, section 8.2.2), so the Lambda sees ``origin``. The local
gateway lower-cases the names it got over HTTP/1.1 (e2e.gateway.wire.http2_names).
HTTP APIs lower-case names themselves ("Working with AWS Lambda proxy
integrations for HTTP APIs", payload format 2.0: "Header names are lowercased").
"""
import http.client
import json

from .httpclient import FRONTEND, call


def test_rest_event_header_names_are_lower_case_in_both_maps(apis):
    event = call(apis["lab"], "GET", "/lab?do=event", {"Origin": FRONTEND, "X-Request-Id": "r1"}).json()
    assert event["headers"]["origin"] == FRONTEND
    assert "Origin" not in event["headers"]
    assert event["multiValueHeaders"]["origin"] == [FRONTEND]
    assert event["multiValueHeaders"]["x-request-id"] == ["r1"]
    assert all(name == name.lower() for name in event["headers"])
    assert set(event["headers"]) == set(event["multiValueHeaders"])


def test_a_header_sent_twice_under_two_casings_is_one_name_with_both_values(apis):
    api = apis["lab"]
    conn = http.client.HTTPConnection("127.0.0.1", api.port, timeout=10)
    try:
        conn.putrequest("GET", "/prod/lab?do=event")
        conn.putheader("X-Tag", "a")
        conn.putheader("x-tag", "b")
        conn.endheaders()
        event = json.loads(conn.getresponse().read())
    finally:
        conn.close()
    assert event["headers"]["x-tag"] == "b"                  # last value wins
    assert event["multiValueHeaders"]["x-tag"] == ["a", "b"]


def test_a_lambda_reading_the_capitalised_origin_key_crashes_into_a_502_without_cors(apis):
    resp = call(apis["header-case"], "GET", "/capitalised", {"Origin": FRONTEND})
    assert resp.status == 502
    assert resp.body == b'{"message": "Internal server error"}'
    assert resp.cors_headers() == {}


def test_a_lambda_reading_the_lower_case_origin_key_answers_with_cors(apis):
    resp = call(apis["header-case"], "GET", "/lower", {"Origin": FRONTEND})
    assert resp.status == 200
    assert resp.header("Access-Control-Allow-Origin") == FRONTEND


def test_the_exchange_log_keeps_the_names_as_the_client_sent_them(apis, gateway):
    call(apis["header-case"], "GET", "/lower?cors-e2e-cell=case-kept", {"Origin": FRONTEND})
    (exchange,) = gateway.exchanges("cors-e2e-cell", "case-kept")
    assert ("Origin", FRONTEND) in exchange.request_headers


def test_http_api_event_header_names_are_lower_case(apis):
    event = call(apis["http-lab"], "GET", "/items/7?do=event", {"X-Custom": "v", "Origin": FRONTEND}).json()
    assert event["headers"]["x-custom"] == "v"
    assert event["headers"]["origin"] == FRONTEND
    assert all(name == name.lower() for name in event["headers"])
