"""The failure catalogue (issue 16): each broken fixture shows, at the HTTP
level, the response its description promises, and its fixed twin does not."""
from .httpclient import FRONTEND, call, preflight

APP = "https://app.example.com"


# -- Allow-Origin with several values ------------------------------------------------
def test_a_lambda_filling_both_header_maps_sends_two_allow_origins_and_one_map_sends_one(apis):
    broken = call(apis["lambda-both-header-maps"], "GET", "/items", {"Origin": FRONTEND})
    fixed = call(apis["lambda-both-header-maps-fixed"], "GET", "/items", {"Origin": FRONTEND})
    # The merged list: multiValueHeaders' values, then the headers value; a pair in both once.
    assert (broken.status, broken.header("Access-Control-Allow-Origin")) == (200, f"*, {FRONTEND}")
    assert broken.header("Vary") == "Origin"
    assert (fixed.status, fixed.header("Access-Control-Allow-Origin")) == (200, FRONTEND)
    assert fixed.header("Access-Control-Allow-Credentials") == "true"
    # The preflight is the gateway's (CDK MOCK): it is not where this bug lives.
    assert preflight(apis["lambda-both-header-maps"], "/items", FRONTEND, "PUT").header(
        "Access-Control-Allow-Origin") == FRONTEND


def test_a_gateway_response_with_a_comma_joined_allowlist_sends_both_origins_in_one_header(apis):
    broken = call(apis["gateway-response-origin-list"], "GET", "/items", {"Origin": FRONTEND})
    fixed = call(apis["gateway-response-origin-list-fixed"], "GET", "/items", {"Origin": FRONTEND})
    assert (broken.status, broken.header("Access-Control-Allow-Origin")) == (403, f"{APP},{FRONTEND}")
    assert (fixed.status, fixed.header("Access-Control-Allow-Origin")) == (403, FRONTEND)
    keyed = call(apis["gateway-response-origin-list-fixed"], "GET", "/items",
                 {"Origin": FRONTEND, "X-Api-Key": "local-demo-key"})
    assert (keyed.status, keyed.header("Access-Control-Allow-Origin")) == (200, FRONTEND)


def test_a_mock_options_with_a_comma_joined_allowlist_sends_it_to_every_origin(apis):
    for origin in (FRONTEND, APP):
        broken = preflight(apis["sam-cors-origin-list"], "/items", origin, "PUT")
        assert (broken.status, broken.header("Access-Control-Allow-Origin")) == (200, f"{APP},{FRONTEND}")
        fixed = preflight(apis["sam-cors-origin-list-fixed"], "/items", origin, "PUT", "content-type")
        assert (fixed.status, fixed.header("Access-Control-Allow-Origin")) == (204, origin)
    simple = call(apis["sam-cors-origin-list"], "GET", "/items", {"Origin": FRONTEND})
    assert simple.header("Access-Control-Allow-Origin") == FRONTEND


# -- an authorizer or an API key on the preflight's OPTIONS ----------------------------
def test_a_default_authorizer_on_the_cors_options_answers_every_preflight_401_without_cors(apis):
    broken = preflight(apis["rest-authorizer-on-options"], "/items", FRONTEND, "GET", "authorization")
    assert (broken.status, broken.cors_headers()) == (401, {})
    assert broken.header("x-amzn-ErrorType") == "UnauthorizedException"
    # The request itself, with its token, would have passed.
    assert call(apis["rest-authorizer-on-options"], "GET", "/items",
                {"Origin": FRONTEND, "Authorization": "Bearer me"}).status == 200


def test_the_authorizer_kept_off_options_lets_the_preflight_pass_and_still_guards_the_methods(apis):
    api = apis["rest-authorizer-on-options-fixed"]
    ok = preflight(api, "/items", FRONTEND, "GET", "authorization")
    assert (ok.status, ok.header("Access-Control-Allow-Origin")) == (204, FRONTEND)
    assert call(api, "GET", "/items", {"Origin": FRONTEND, "Authorization": "Bearer me"}).status == 200
    refused = call(api, "GET", "/items", {"Origin": FRONTEND})
    assert (refused.status, refused.header("Access-Control-Allow-Origin")) == (401, FRONTEND)


def test_an_api_key_required_on_the_cors_options_answers_the_preflight_403_without_cors(apis):
    broken = preflight(apis["api-key-on-options"], "/items", FRONTEND, "GET", "x-api-key")
    assert (broken.status, broken.cors_headers()) == (403, {})
    assert call(apis["api-key-on-options"], "GET", "/items",
                {"Origin": FRONTEND, "X-Api-Key": "local-demo-key"}).status == 200
    fixed = preflight(apis["api-key-required-fixed"], "/items", FRONTEND, "GET", "x-api-key")
    assert (fixed.status, fixed.header("Access-Control-Allow-Origin")) == (204, FRONTEND)


def test_default_method_options_naming_an_unknown_authorizer_is_one_line_naming_the_field(tmp_path):
    import pytest

    from e2e.gateway import ApiDefinitionError, load_api

    path = tmp_path / "bad.yaml"
    path.write_text("name: bad\ntype: rest\nfunctions: {}\ndefaultMethodOptions: {authorizer: nobody}\n"
                    "resources: {}\n")
    with pytest.raises(ApiDefinitionError) as caught:
        load_api(path)
    message = str(caught.value)
    assert "defaultMethodOptions" in message and "nobody" in message and "\n" not in message


# -- a preflight throttled (429) or blocked by WAF (403) ---------------------------------
def test_a_throttled_stage_answers_the_preflight_429_and_cors_headers_do_not_make_it_ok(apis):
    broken = preflight(apis["throttled"], "/items", FRONTEND, "POST", "content-type")
    assert (broken.status, broken.cors_headers()) == (429, {})
    assert broken.header("x-amzn-ErrorType") == "TooManyRequestsException"
    with_headers = preflight(apis["throttled-fixed"], "/items", FRONTEND, "POST", "content-type")
    assert (with_headers.status, with_headers.header("Access-Control-Allow-Origin")) == (429, FRONTEND)


def test_a_waf_rule_requiring_a_header_blocks_the_preflight_403_before_routing(apis):
    api = apis["waf-blocks-preflight"]
    broken = preflight(api, "/items", FRONTEND, "GET", "x-request-id")
    assert (broken.status, broken.cors_headers(), broken.json()) == (403, {}, {"message": "Forbidden"})
    assert broken.header("x-amzn-ErrorType") == "ForbiddenException"
    # Before routing: a path the API does not have is WAF's too.
    assert call(api, "GET", "/nowhere", {"Origin": FRONTEND}).json() == {"message": "Forbidden"}
    assert call(api, "GET", "/items", {"Origin": FRONTEND, "X-Request-Id": "r1"}).status == 200


def test_the_waf_rule_scoped_down_to_skip_options_lets_the_preflight_pass(apis):
    api = apis["waf-blocks-preflight-fixed"]
    ok = preflight(api, "/items", FRONTEND, "GET", "x-request-id")
    assert (ok.status, ok.header("Access-Control-Allow-Origin")) == (204, FRONTEND)
    assert call(api, "GET", "/items", {"Origin": FRONTEND, "X-Request-Id": "r1"}).status == 200
    refused = call(api, "GET", "/items", {"Origin": FRONTEND})
    assert (refused.status, refused.header("Access-Control-Allow-Origin")) == (403, FRONTEND)


def test_a_waf_rule_without_a_condition_is_refused_at_load(tmp_path):
    import pytest

    from e2e.gateway import ApiDefinitionError, load_api

    path = tmp_path / "bad.yaml"
    path.write_text("name: bad\ntype: rest\nfunctions: {}\nresources: {}\nwaf: {rules: [{name: all}]}\n")
    with pytest.raises(ApiDefinitionError, match="needs a condition"):
        load_api(path)


# -- the Lambda's allowlist check: case-sensitive, or blind to the port ------------------
def test_a_case_sensitive_allowlist_entry_never_matches_the_lower_case_origin(apis):
    api = apis["lambda-allowlist-case"]
    assert call(api, "GET", "/items", {"Origin": APP}).cors_headers() == {}
    assert call(api, "GET", "/items", {"Origin": FRONTEND}).header("Access-Control-Allow-Origin") == FRONTEND


def test_an_allowlist_blind_to_the_port_echoes_its_own_entry_for_another_port(apis):
    api = apis["lambda-allowlist-ignores-port"]
    resp = call(api, "GET", "/items", {"Origin": FRONTEND})
    assert resp.header("Access-Control-Allow-Origin") == "http://localhost:3000" != FRONTEND
    assert call(api, "GET", "/items", {"Origin": "http://127.0.0.1:41234"}).cors_headers() == {}


def test_the_fixed_allowlist_compares_whole_normalised_origins_and_echoes_the_request(apis):
    api = apis["lambda-allowlist-fixed"]
    for origin in (APP, FRONTEND, "http://localhost:3000"):
        assert call(api, "GET", "/items", {"Origin": origin}).header("Access-Control-Allow-Origin") == origin
    assert call(api, "GET", "/items", {"Origin": "http://localhost:9999"}).cors_headers() == {}


# -- the public read-only API the Local Network Access cells call -------------------------
def test_the_public_read_api_allows_any_origin_without_credentials(apis):
    api = apis["local-network-access"]
    resp = call(api, "GET", "/items", {"Origin": "http://203.0.113.7:8080"})
    assert (resp.status, resp.header("Access-Control-Allow-Origin")) == (200, "*")
    assert resp.header("Access-Control-Allow-Credentials") is None
