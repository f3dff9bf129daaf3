"""With a Lambda proxy integration API Gateway adds no CORS header and strips
none: the browser sees what the Lambda returned."""
from .httpclient import FRONTEND, call


def test_reference_lambda_echoes_an_allowed_origin_with_credentials(apis):
    resp = call(apis["reference"], "GET", "/items", {"Origin": FRONTEND})
    assert resp.status == 200
    assert resp.cors_headers() == {"Access-Control-Allow-Origin": FRONTEND,
                                   "Access-Control-Allow-Credentials": "true"}
    assert resp.header("Vary") == "Origin"
    assert resp.json()["method"] == "GET"


def test_reference_lambda_reads_origin_in_any_casing(apis):
    resp = call(apis["reference"], "GET", "/items", {"oRiGiN": FRONTEND})
    assert resp.header("Access-Control-Allow-Origin") == FRONTEND


def test_reference_lambda_sends_no_allow_origin_to_a_foreign_origin_but_still_varies(apis):
    resp = call(apis["reference"], "GET", "/items", {"Origin": "https://evil.example"})
    assert resp.status == 200
    assert resp.header("Access-Control-Allow-Origin") is None
    assert resp.header("Vary") == "Origin"


def test_reference_lambda_keeps_cors_headers_on_its_own_errors(apis):
    bad_json = call(apis["reference"], "POST", "/items", {"Origin": FRONTEND}, body="{nope")
    failed = call(apis["reference"], "DELETE", "/items?fail=1", {"Origin": FRONTEND})
    assert (bad_json.status, failed.status) == (400, 500)
    for resp in (bad_json, failed):
        assert resp.header("Access-Control-Allow-Origin") == FRONTEND
        assert "error" in resp.json()


def test_the_cookie_flag_tells_whether_a_session_cookie_came_along(apis):
    with_cookie = call(apis["reference"], "GET", "/items", {"Cookie": "theme=dark; session=abc"})
    without = call(apis["reference"], "GET", "/items", {"Cookie": "theme=dark"})
    assert with_cookie.json()["cookie"] is True
    assert without.json()["cookie"] is False


def test_a_lambda_without_cors_headers_gets_none_added(apis):
    resp = call(apis["no-cors-headers"], "GET", "/items", {"Origin": FRONTEND})
    assert resp.status == 200
    assert resp.cors_headers() == {}


def test_a_lambda_forgetting_cors_on_errors_sends_bare_400_and_500(apis):
    ok = call(apis["error-path-no-cors"], "PUT", "/items", {"Origin": FRONTEND})
    bad_json = call(apis["error-path-no-cors"], "POST", "/items", {"Origin": FRONTEND}, body="nope")
    failed = call(apis["error-path-no-cors"], "GET", "/items?fail=1", {"Origin": FRONTEND})
    assert ok.header("Access-Control-Allow-Origin") == FRONTEND
    assert (bad_json.status, bad_json.cors_headers()) == (400, {})
    assert (failed.status, failed.cors_headers()) == (500, {})


def test_the_wildcard_lambda_sends_star_with_credentials(apis):
    resp = call(apis["wildcard-credentials"], "GET", "/items", {"Origin": FRONTEND})
    assert resp.cors_headers() == {"Access-Control-Allow-Origin": "*",
                                   "Access-Control-Allow-Credentials": "true"}


def test_lambda_responses_carry_request_id_apigw_id_and_trace_id(apis):
    resp = call(apis["reference"], "GET", "/items")
    assert {"x-amzn-requestid", "x-amz-apigw-id", "x-amzn-trace-id"} <= resp.header_names()
    assert "server" not in resp.header_names()
