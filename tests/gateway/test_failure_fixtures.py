"""Each failure fixture customers report, with and without its fix, shows the
behaviour its description promises (issue 5)."""
from .httpclient import FRONTEND, call, preflight


def test_unknown_path_is_403_without_cors_and_the_fix_makes_simple_requests_readable(apis):
    broken = call(apis["unknown-path"], "GET", "/items", {"Origin": FRONTEND})
    fixed = call(apis["unknown-path-fixed"], "GET", "/items", {"Origin": FRONTEND})
    assert (broken.status, broken.cors_headers()) == (403, {})
    assert (fixed.status, fixed.header("Access-Control-Allow-Origin")) == (403, FRONTEND)
    assert preflight(apis["unknown-path-fixed"], "/items", FRONTEND).status == 403


def test_a_throwing_lambda_with_a_cors_default_5xx_gives_a_readable_502(apis):
    resp = call(apis["lambda-throws-fixed"], "POST", "/items", {"Origin": FRONTEND}, body="{}")
    assert resp.status == 502
    assert resp.header("Access-Control-Allow-Origin") == FRONTEND
    assert resp.header("Access-Control-Allow-Credentials") == "true"


def test_the_cdk_template_answers_an_unlisted_frontend_with_the_first_origin(apis):
    broken = preflight(apis["multi-origin-foreign"], "/items", FRONTEND, "PUT")
    fixed = preflight(apis["multi-origin-foreign-fixed"], "/items", FRONTEND, "PUT")
    assert broken.header("Access-Control-Allow-Origin") == "https://app.example.com"
    assert broken.header("Access-Control-Allow-Credentials") == "true"
    assert fixed.header("Access-Control-Allow-Origin") == FRONTEND
    second = preflight(apis["multi-origin-foreign"], "/items", "https://admin.example.com")
    assert second.header("Access-Control-Allow-Origin") == "https://admin.example.com"


def test_an_authorizer_on_an_any_route_fails_the_preflight_and_method_routes_fix_it(apis):
    assert preflight(apis["http-authorizer-any"], "/items", FRONTEND, "PUT").status == 401
    fixed = preflight(apis["http-authorizer-any-fixed"], "/items", FRONTEND, "PUT", "authorization")
    assert fixed.status == 204
    assert fixed.header("Access-Control-Allow-Origin") == FRONTEND
    with_token = call(apis["http-authorizer-any-fixed"], "PUT", "/items",
                      {"Origin": FRONTEND, "Authorization": "Bearer me"})
    assert with_token.status == 200


def test_every_fixture_api_has_a_one_line_description(apis):
    for name, api in apis.items():
        assert api.definition.description.strip(), name
        assert "\n" not in api.definition.description.strip(), name
