"""What API Gateway does with each shape of Lambda proxy response
(docs/apigateway.md, "Lambda proxy integration", validation rows)."""
import pytest

from .httpclient import call

MALFORMED = ["unknown-key", "empty-object", "string", "list", "null", "float-status", "word-status",
             "multi-not-list", "object-body"]


@pytest.mark.parametrize("case", MALFORMED)
def test_a_malformed_proxy_response_gives_502_internal_server_error(apis, case):
    resp = call(apis["lab"], "GET", f"/lab?case={case}")
    assert resp.status == 502
    assert resp.body == b'{"message": "Internal server error"}'
    assert resp.header("x-amzn-ErrorType") == "InternalServerErrorException"
    assert resp.cors_headers() == {}


def test_a_status_code_given_as_a_string_works(apis):
    resp = call(apis["lab"], "GET", "/lab?case=string-status")
    assert (resp.status, resp.body) == (201, b"created")


def test_a_missing_status_code_with_valid_keys_gives_200(apis):
    resp = call(apis["lab"], "GET", "/lab?case=no-status")
    assert (resp.status, resp.body) == (200, b"no status")


def test_the_default_content_type_is_application_json(apis):
    assert call(apis["lab"], "GET", "/lab?case=no-status").header("Content-Type") == "application/json"


def test_a_content_type_from_the_lambda_is_kept(apis):
    assert call(apis["lab"], "GET", "/lab?case=text-plain").header("Content-Type") == "text/plain"


def test_boolean_header_values_become_strings(apis):
    resp = call(apis["lab"], "GET", "/lab?case=bool-header")
    assert (resp.header("X-Flag"), resp.header("X-Off")) == ("true", "false")


def test_a_header_in_both_maps_is_sent_once_multi_values_then_the_single_one(apis):
    resp = call(apis["lab"], "GET", "/lab?case=merged-headers")
    assert [v for k, v in resp.headers if k == "X-Both"] == ["m1, m2, solo"]


def test_multi_value_headers_are_sent_as_separate_lines(apis):
    resp = call(apis["lab"], "GET", "/lab?case=multi-only")
    assert [v for k, v in resp.headers if k.lower() == "set-cookie"] == ["a=1", "b=2"]


def test_set_cookie_in_both_maps_is_never_joined_into_one_line(apis):
    # The merged list ("Output format of a Lambda function for proxy integration",
    # https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-lambda-proxy-integrations.html)
    # must stay one cookie per line: joined, a browser keeps only the first.
    resp = call(apis["lab"], "GET", "/lab?case=cookies-both")
    assert [v for k, v in resp.headers if k.lower() == "set-cookie"] == ["a=1; Secure", "b=2", "solo=3"]


def test_a_pair_in_both_maps_appears_once_with_the_multi_values(apis):
    # "If the same key-value pair is specified in both, only the values from
    # multiValueHeaders will appear in the merged list" (same page).
    resp = call(apis["lab"], "GET", "/lab?case=same-pair-both")
    assert [v for k, v in resp.headers if k == "X-Both"] == ["m1, m2"]
    assert [v for k, v in resp.headers if k.lower() == "set-cookie"] == ["a=1", "b=2"]


def test_numeric_header_values_are_sent_as_their_json_text(apis):
    resp = call(apis["lab"], "GET", "/lab?case=numbers")
    assert (resp.header("X-Count"), resp.header("X-Ratio")) == ("5", "2.5")
    assert [v for k, v in resp.headers if k == "X-List"] == ["1", "2"]
    assert [v for k, v in resp.headers if k == "X-Both"] == ["0, 1"]


def test_date_server_connection_and_content_length_are_remapped(apis):
    resp = call(apis["lab"], "GET", "/lab?case=remapped")
    assert resp.header("x-amzn-Remapped-Date") == "yesterday"
    assert resp.header("x-amzn-Remapped-Server") == "lambda"
    assert resp.header("x-amzn-Remapped-Connection") == "close"
    assert resp.header("x-amzn-Remapped-Content-Length") == "999"
    assert resp.header("Content-Length") == "2"
    assert resp.header("Server") is None


def test_a_base64_body_without_binary_media_types_is_sent_as_its_base64_text(apis):
    # Decoding needs binaryMediaTypes (tests/gateway/test_binary_media_types.py).
    assert call(apis["lab"], "GET", "/lab?case=base64").body == b"aGVsbG8="
