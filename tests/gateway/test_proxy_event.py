"""The payload format 1.0 event the Lambda receives."""
from .httpclient import call

KEYS = {"resource", "path", "httpMethod", "headers", "multiValueHeaders", "queryStringParameters",
        "multiValueQueryStringParameters", "pathParameters", "stageVariables", "requestContext",
        "body", "isBase64Encoded"}


def test_the_event_has_every_key_with_null_for_absent_values(apis):
    event = call(apis["lab"], "GET", "/lab?do=event").json()
    assert set(event) == KEYS
    assert event["pathParameters"] is None
    assert event["stageVariables"] is None
    assert event["body"] is None
    assert event["isBase64Encoded"] is False


def test_the_request_context_path_includes_the_stage_and_path_does_not(apis):
    resp = call(apis["lab"], "GET", "/lab/42?do=event")
    event = resp.json()
    assert event["path"] == "/lab/42"
    assert event["resource"] == "/lab/{id}"
    assert event["pathParameters"] == {"id": "42"}
    ctx = event["requestContext"]
    assert ctx["path"] == "/prod/lab/42"
    assert ctx["stage"] == "prod"
    assert ctx["resourcePath"] == "/lab/{id}"
    assert ctx["httpMethod"] == "GET"
    assert ctx["requestId"] == resp.header("x-amzn-RequestId")
    assert ctx["identity"]["sourceIp"] == "127.0.0.1"


def test_multi_value_maps_keep_every_value_and_single_maps_the_last(apis):
    event = call(apis["lab"], "GET", "/lab?do=event&tag=a&tag=b", {"X-Custom-Header": "v"}).json()
    assert event["headers"]["x-custom-header"] == "v"
    assert event["queryStringParameters"]["tag"] == "b"          # last value wins
    assert event["multiValueQueryStringParameters"]["tag"] == ["a", "b"]


def test_a_greedy_path_parameter_takes_the_rest_of_the_path(apis):
    event = call(apis["lab"], "GET", "/files/a/b/c.txt?do=event").json()
    assert event["pathParameters"] == {"proxy": "a/b/c.txt"}
    assert event["resource"] == "/files/{proxy+}"


def test_the_body_arrives_as_a_string(apis):
    event = call(apis["lab"], "POST", "/lab?do=event", {"Content-Type": "application/json"},
                 body='{"a": 1}').json()
    assert event["body"] == '{"a": 1}'
    assert event["httpMethod"] == "POST"
