"""binaryMediaTypes and isBase64Encoded on a REST Lambda proxy.

"Depending on ... whether the Content-Type header of the response or the
Accept header of the incoming request matches an entry in the
binaryMediaTypes list, API Gateway can ... decode a Base64-encoded string back
to its raw bytes, or pass the body through without modification" (Binary
payloads, https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-payload-encodings.html).
Without a match the base64 text itself is the body. "Base64 decoding failed
on binary data when binary support is enacted" is API_CONFIGURATION_ERROR, 500
(Gateway response types,
https://docs.aws.amazon.com/apigateway/latest/developerguide/supported-gateway-response-types.html).
"""
import base64

from .httpclient import call


def test_a_response_content_type_in_binary_media_types_is_decoded(apis):
    resp = call(apis["binary"], "GET", "/lab?case=png")
    assert resp.body == base64.b64decode("iVBORw0K")
    assert resp.header("Content-Type") == "image/png"


def test_an_accept_in_binary_media_types_decodes_a_json_typed_body(apis):
    resp = call(apis["binary"], "GET", "/lab?case=base64", {"Accept": "application/octet-stream"})
    assert resp.body == b"hello"


def test_only_the_first_accept_type_counts(apis):
    resp = call(apis["binary"], "GET", "/lab?case=base64", {"Accept": "text/html, application/octet-stream"})
    assert resp.body == b"aGVsbG8="


def test_without_a_match_the_base64_text_is_sent(apis):
    assert call(apis["binary"], "GET", "/lab?case=base64").body == b"aGVsbG8="
    assert call(apis["lab"], "GET", "/lab?case=png").body == b"iVBORw0K"     # no binaryMediaTypes


def test_invalid_base64_when_decoding_is_a_500_api_configuration_error(apis):
    resp = call(apis["binary"], "GET", "/lab?case=bad-base64")
    assert resp.status == 500
    assert resp.body == b'{"message": "Internal server error"}'
    assert resp.cors_headers() == {}


def test_invalid_base64_without_binary_support_is_just_text(apis):
    resp = call(apis["lab"], "GET", "/lab?case=bad-base64")
    assert (resp.status, resp.body) == (200, b"not base64!")


def test_a_binary_request_body_reaches_the_lambda_base64_encoded(apis):
    event = call(apis["binary"], "POST", "/lab?do=event", {"Content-Type": "image/png"}, body=b"\x89PNG\x00").json()
    assert event["isBase64Encoded"] is True
    assert base64.b64decode(event["body"]) == b"\x89PNG\x00"


def test_a_text_request_body_reaches_the_lambda_as_text(apis):
    event = call(apis["binary"], "POST", "/lab?do=event", {"Content-Type": "application/json"}, body='{"a":1}').json()
    assert (event["isBase64Encoded"], event["body"]) == (False, '{"a":1}')
