"""Payload format 2.0: the event and the response rules."""
from .httpclient import call


def test_the_event_has_lower_cased_comma_joined_headers_and_cookies_apart(apis):
    resp = call(apis["http-lab"], "GET", "/items/7?do=event&a=1&a=2",
                {"X-Custom": "v", "Cookie": "session=s; theme=dark"})
    event = resp.json()
    assert event["version"] == "2.0"
    assert event["routeKey"] == "GET /items/{id}"
    assert event["rawPath"] == "/items/7"
    assert event["rawQueryString"] == "do=event&a=1&a=2"
    assert event["headers"]["x-custom"] == "v"
    assert "cookie" not in event["headers"]
    assert event["cookies"] == ["session=s", "theme=dark"]
    assert event["queryStringParameters"]["a"] == "1,2"
    assert event["pathParameters"] == {"id": "7"}
    http = event["requestContext"]["http"]
    assert (http["method"], http["path"], http["sourceIp"]) == ("GET", "/items/7", "127.0.0.1")
    assert event["requestContext"]["requestId"] == resp.header("apigw-requestid")
    assert "body" not in event


def test_json_without_status_code_is_sent_as_a_200_json_body(apis):
    resp = call(apis["http-lab"], "GET", "/items?case=plain-json")
    assert resp.status == 200
    assert resp.json() == {"hello": "world"}
    assert resp.header("Content-Type") == "application/json"


def test_a_string_status_code_works(apis):
    assert call(apis["http-lab"], "GET", "/items?case=string-status").status == 201


def test_cookies_become_set_cookie_headers(apis):
    resp = call(apis["http-lab"], "GET", "/items?case=cookies")
    assert [v for k, v in resp.headers if k.lower() == "set-cookie"] == ["a=1", "b=2; Secure"]


def test_the_default_content_type_is_application_json(apis):
    assert call(apis["http-lab"], "GET", "/items?case=no-content-type").header(
        "Content-Type") == "application/json"


def test_cookies_and_a_set_cookie_header_are_separate_lines_and_numbers_are_text(apis):
    # Payload 2.0 output: "cookies" become Set-Cookie headers, one each
    # ("Working with AWS Lambda proxy integrations for HTTP APIs",
    # https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html).
    resp = call(apis["http-lab"], "GET", "/items?case=cookies-and-header")
    assert sorted(v for k, v in resp.headers if k.lower() == "set-cookie") == ["a=1", "b=2", "h=3"]
    assert resp.header("X-Count") == "5"
