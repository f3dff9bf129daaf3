"""The explanations of the failure catalogue's classes (issue 16), from
recorded exchanges: each names the layer and the AWS / CloudFront / browser
setting to change."""
from __future__ import annotations

from e2e import oracle
from e2e.exchange import LAYER_CDN, LAYER_GATEWAY_ERROR, LAYER_LAMBDA, LAYER_REMOTE, Exchange
from e2e.explain import CellFacts, explain

PAGE = "http://localhost:5173"
URL = "http://127.0.0.1:9000/prod/items?cors-e2e-cell=t"


def facts(*exchanges: Exchange, method: str = "GET", headers=(), target="rest", **kw) -> CellFacts:
    return CellFacts(request=oracle.Request(method=method, url=URL, origin=PAGE, headers=tuple(headers),
                                            credentials="omit"),
                     browser_verdict="blocked", exchanges=exchanges, target=target, **kw)


def actual(status: int, headers, layer: str, detail: str | None = None, method: str = "GET") -> Exchange:
    return Exchange(method, "/prod/items", "cors-e2e-cell=t", [("Origin", PAGE)], status, list(headers),
                    layer=layer, detail=detail)


def preflight(status: int, headers, layer: str, detail: str | None = None) -> Exchange:
    return Exchange("OPTIONS", "/prod/items", "cors-e2e-cell=t",
                    [("Origin", PAGE), ("Access-Control-Request-Method", "PUT")], status, list(headers),
                    layer=layer, detail=detail)


def test_a_star_and_the_origin_from_the_lambda_names_its_two_header_maps() -> None:
    why = explain(facts(actual(200, [("Access-Control-Allow-Origin", f"*, {PAGE}")], LAYER_LAMBDA)))
    assert (why.reason, why.layer) == ("multiple-allow-origin", LAYER_LAMBDA)
    assert "multiValueHeaders" in why.explanation and "one map only" in why.explanation


def test_a_lambda_echoing_its_entry_for_another_port_is_told_as_a_port_blind_allowlist() -> None:
    why = explain(facts(actual(200, [("Access-Control-Allow-Origin", "http://localhost:3000")], LAYER_LAMBDA)))
    assert why.reason == "allow-origin-mismatch"
    assert "matched by host name" in why.explanation and "echo the request's Origin" in why.explanation


def test_a_throttled_preflight_and_a_waf_blocked_one_name_different_settings() -> None:
    put = {"method": "PUT", "headers": (("Content-Type", "application/json"),)}
    throttled = explain(facts(preflight(429, [], LAYER_GATEWAY_ERROR, "THROTTLED"), **put))
    waf = explain(facts(preflight(403, [], LAYER_GATEWAY_ERROR, "WAF_FILTERED"), **put))
    assert throttled.reason == waf.reason == "preflight-missing-allow-origin"
    assert "throttlingRateLimit" in throttled.explanation and "WAF" not in throttled.explanation.split("(")[0]
    assert "scope-down" in waf.explanation and waf.explanation.startswith("The CORS error masks a 403")


def test_a_remote_403_forbidden_mentions_that_waf_looks_the_same() -> None:
    why = explain(facts(actual(403, [("x-amzn-ErrorType", "ForbiddenException")], LAYER_REMOTE), target="remote"))
    assert "WAF" in why.explanation


def test_cloudfronts_marks_make_a_deployed_apis_cache_hit_the_cdn_layer() -> None:
    hit = actual(200, [("Access-Control-Allow-Origin", "https://other.example"), ("X-Cache", "Hit from cloudfront"),
                       ("Age", "42")], LAYER_REMOTE)
    why = explain(facts(hit, target="remote"))
    assert (why.reason, why.layer) == ("allow-origin-mismatch", LAYER_CDN)
    assert "cache key" in why.explanation and "Age 42 s" in why.explanation


def test_a_redirect_from_the_front_names_the_rule_and_never_shows_the_query() -> None:
    redirect = preflight(301, [("Location", "https://127.0.0.1:9000/prod/items?access_token=s3cret")], LAYER_CDN,
                         "redirect-to-https")
    why = explain(facts(redirect, method="PUT", headers=(("Content-Type", "application/json"),)))
    assert (why.reason, why.layer) == ("preflight-redirect", LAYER_CDN)
    assert "redirect-to-https" in why.explanation and "s3cret" not in why.explanation


def test_local_network_access_is_never_called_a_cors_misconfiguration_and_gives_the_permission() -> None:
    why = explain(facts(engine="chromium", engine_reason="local-network-access",
                        local_network_permission="prompt->denied"))
    assert (why.reason, why.layer) == ("local-network-access", "browser")
    assert why.explanation.startswith("Not a CORS misconfiguration")
    assert "'prompt' before the fetch, 'denied' after it" in why.explanation


def test_firefoxs_missing_allow_origin_for_a_redirected_preflight_is_the_redirect() -> None:
    redirect = preflight(301, [("Location", "/prod/items/")], LAYER_CDN, "trailing-slash-redirect")
    why = explain(facts(redirect, method="PUT", headers=(("Content-Type", "application/json"),),
                        engine="firefox", engine_reason="missing-allow-origin"))
    assert (why.reason, why.layer) == ("preflight-redirect", LAYER_CDN)
    assert "trailing-slash rule" in why.explanation and "reported" not in why.explanation
