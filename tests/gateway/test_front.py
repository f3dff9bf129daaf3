"""The CloudFront-like front (e2e/gateway/front.py) in front of fixture APIs:
its redirects, its 403 for a method it does not allow, and its cache keyed
without or with Origin."""
import uuid

from .httpclient import FRONTEND, call, preflight

APP = "https://app.example.com"


def group() -> str:
    return f"cors-e2e-group={uuid.uuid4().hex[:12]}"


def test_a_trailing_slash_rule_redirects_every_request_preflights_included_without_cors(apis):
    api = apis["front-trailing-slash-redirect"]
    resp = preflight(api, "/items?a=1", FRONTEND, "PUT")
    assert (resp.status, resp.header("Location"), resp.cors_headers()) == (301, "/prod/items/?a=1", {})
    assert resp.header("X-Cache") == "Redirect from cloudfront"
    assert call(api, "GET", "/items/", {"Origin": FRONTEND}).header("Access-Control-Allow-Origin") == FRONTEND


def test_redirect_to_https_sends_the_same_url_on_https(apis):
    api = apis["front-https-redirect"]
    resp = call(api, "GET", "/items", {"Origin": FRONTEND})
    assert (resp.status, resp.header("Location")) == (301, f"https://127.0.0.1:{api.port}/prod/items")
    assert resp.cors_headers() == {}


def test_the_fixed_front_passes_requests_to_the_api_and_marks_them(apis):
    resp = preflight(apis["front-redirect-fixed"], "/items", FRONTEND, "PUT")
    assert (resp.status, resp.header("Access-Control-Allow-Origin")) == (204, FRONTEND)
    assert "cloudfront" in resp.header("Via")


def test_options_outside_the_allowed_methods_is_cloudfronts_own_403(apis):
    api = apis["cdn-options-not-allowed"]
    resp = preflight(api, "/items", FRONTEND, "PUT")
    assert (resp.status, resp.cors_headers(), resp.header("X-Cache")) == (403, {}, "Error from cloudfront")
    assert b"not configured to allow the HTTP request method" in resp.body
    assert call(api, "GET", "/items", {"Origin": FRONTEND}).header("Access-Control-Allow-Origin") == FRONTEND


def test_without_origin_in_the_cache_key_the_second_origin_gets_the_firsts_allow_origin(apis):
    api, g = apis["cdn-origin-not-in-cache-key"], group()
    first = call(api, "GET", f"/items?{g}&cors-e2e-cell=a", {"Origin": FRONTEND})
    second = call(api, "GET", f"/items?{g}&cors-e2e-cell=b", {"Origin": APP})
    assert (first.header("X-Cache"), first.header("Access-Control-Allow-Origin")) == ("Miss from cloudfront", FRONTEND)
    assert (second.header("X-Cache"), second.header("Access-Control-Allow-Origin")) == ("Hit from cloudfront", FRONTEND)
    assert second.header("Age") is not None
    # The preflight is cached the same way (OPTIONS is a cached method here).
    preflight(api, f"/items?{g}", FRONTEND, "PUT")
    assert preflight(api, f"/items?{g}", APP, "PUT").header("Access-Control-Allow-Origin") == FRONTEND
    # Another group (another engine's run) has its own entry.
    other = call(api, "GET", f"/items?{group()}", {"Origin": APP})
    assert (other.header("X-Cache"), other.header("Access-Control-Allow-Origin")) == ("Miss from cloudfront", APP)


def test_with_origin_in_the_cache_key_each_origin_has_its_own_entry(apis):
    api, g = apis["cdn-origin-in-cache-key"], group()
    call(api, "GET", f"/items?{g}", {"Origin": FRONTEND})
    second = call(api, "GET", f"/items?{g}", {"Origin": APP})
    again = call(api, "GET", f"/items?{g}", {"Origin": FRONTEND})
    assert (second.header("X-Cache"), second.header("Access-Control-Allow-Origin")) == ("Miss from cloudfront", APP)
    assert (again.header("X-Cache"), again.header("Access-Control-Allow-Origin")) == ("Hit from cloudfront", FRONTEND)


def test_uncached_methods_and_error_responses_always_reach_the_api(apis):
    api, g = apis["cdn-origin-not-in-cache-key"], group()
    for origin in (FRONTEND, APP):
        resp = call(api, "PUT", f"/items?{g}", {"Origin": origin}, body="{}")
        assert (resp.header("X-Cache"), resp.header("Access-Control-Allow-Origin")) == ("Miss from cloudfront", origin)
    call(api, "GET", f"/items?fail=1&{g}", {"Origin": FRONTEND})
    assert call(api, "GET", f"/items?fail=1&{g}", {"Origin": APP}).header("X-Cache") == "Miss from cloudfront"


def test_a_front_with_allowed_methods_cloudfront_does_not_offer_is_refused_at_load(tmp_path):
    import pytest

    from e2e.gateway import ApiDefinitionError, load_api

    path = tmp_path / "bad.yaml"
    path.write_text("name: bad\ntype: rest\nfunctions: {}\nresources: {}\nfront: {allowedMethods: [GET, PUT]}\n")
    with pytest.raises(ApiDefinitionError, match="allowedMethods"):
        load_api(path)


def test_an_http_api_behind_the_cache_shows_the_same_bug_preflight_included(apis):
    api, g = apis["http-behind-cdn"], group()
    first = preflight(api, f"/items?{g}", FRONTEND, "PUT")
    second = preflight(api, f"/items?{g}", APP, "PUT")
    assert (first.status, first.header("Access-Control-Allow-Origin")) == (204, FRONTEND)
    assert (second.header("X-Cache"), second.header("Access-Control-Allow-Origin")) == ("Hit from cloudfront", FRONTEND)
    call(api, "GET", f"/items?{g}", {"Origin": FRONTEND})
    assert call(api, "GET", f"/items?{g}", {"Origin": APP}).header("Access-Control-Allow-Origin") == FRONTEND
