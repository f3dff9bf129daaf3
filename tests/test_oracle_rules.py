"""Each rule of the oracle on its own (issue 4, item 2)."""
from __future__ import annotations

import pytest

from e2e import oracle, reasons as R
from e2e.exchange import LAYER_SCRIPTED, Exchange
from e2e.oracle import (ALLOW_CREDENTIALS as ACAC, ALLOW_HEADERS as ACAH, ALLOW_METHODS as ACAM,
                        ALLOW_ORIGIN as ACAO, Request, Response)

O = "http://localhost:8000"
API = "http://127.0.0.1:9000/items"


# --- safelisted methods and headers ------------------------------------------------
@pytest.mark.parametrize("method,safe", [("GET", True), ("HEAD", True), ("POST", True), ("PUT", False),
                                         ("get", False), ("PATCH", False), ("OPTIONS", False)])
def test_only_get_head_post_are_safelisted_methods_byte_for_byte(method: str, safe: bool) -> None:
    assert oracle.is_cors_safelisted_method(method) is safe


@pytest.mark.parametrize("given,sent", [("delete", "DELETE"), ("get", "GET"), ("Put", "PUT"),
                                        ("patch", "patch"), ("Patch", "Patch"), ("purge", "purge")])
def test_fetch_normalizes_only_the_six_standard_methods(given: str, sent: str) -> None:
    assert oracle.normalize_method(given) == sent


@pytest.mark.parametrize("name,value,safe", [
    ("Accept", "application/json", True),
    ("Accept", "*/*", True),
    ("Accept", "application/json (v2)", False),
    ("Accept", 'text/html; q="1"', False),
    ("accept", "a" * 128, True),
    ("accept", "a" * 129, False),
    ("Accept-Language", "en-US,en;q=0.9", True),
    ("Accept-Language", "en_US", False),
    ("Content-Language", "de-DE", True),
    ("Content-Language", "de/DE", False),
    ("Content-Type", "text/plain", True),
    ("Content-Type", "TEXT/PLAIN; charset=utf-8", True),
    ("Content-Type", "application/x-www-form-urlencoded", True),
    ("Content-Type", "multipart/form-data; boundary=x", True),
    ("Content-Type", "application/json", False),
    ("Content-Type", 'text/plain; charset="utf-8"', False),
    ("Content-Type", "text/plain/x", False),
    ("Content-Type", "plain", False),
    ("Range", "bytes=0-", True),
    ("Range", "bytes=0-99", True),
    ("Range", "bytes=-500", False),
    ("Range", "bytes=10-5", False),
    ("Range", "bytes=0-1,5-6", False),
    ("Range", "bytes = 0-", False),
    ("X-Custom", "1", False),
    ("Authorization", "Bearer t", False),
])
def test_safelisted_request_headers_follow_the_value_rules(name: str, value: str, safe: bool) -> None:
    assert oracle.is_cors_safelisted_request_header(name, value) is safe


def test_unsafe_header_names_are_sorted_lowercase_and_unique() -> None:
    headers = [("X-B", "1"), ("Content-Type", "application/json"), ("x-a", "1"), ("X-B", "2"),
               ("Accept", "text/plain")]
    assert oracle.unsafe_request_header_names(headers) == ["content-type", "x-a", "x-b"]


def test_safelisted_values_over_1024_bytes_in_total_become_unsafe() -> None:
    headers = [("Accept", "a" * 120)] * 8 + [("Content-Language", "de")]
    assert oracle.unsafe_request_header_names(headers) == []          # 962 bytes
    headers.append(("Accept", "a" * 100))                              # 1062 bytes
    assert oracle.unsafe_request_header_names(headers) == ["accept", "content-language"]


def test_a_preflight_is_needed_for_unsafe_methods_or_headers_in_cors_mode_only() -> None:
    assert not oracle.needs_preflight("GET", [])
    assert not oracle.needs_preflight("POST", [("Content-Type", "text/plain")])
    assert oracle.needs_preflight("POST", [("Content-Type", "application/json")])
    assert oracle.needs_preflight("PUT", [])
    assert oracle.needs_preflight("GET", [("X-Request-Id", "1")])
    assert not oracle.needs_preflight("GET", [("X-Request-Id", "1")], mode="no-cors")


def test_the_preflight_request_lists_unsafe_names_comma_joined_without_spaces() -> None:
    headers = oracle.preflight_request_headers("PUT", [("X-B", "1"), ("X-A", "2")], O)
    assert ("Access-Control-Request-Method", "PUT") in headers
    assert ("Access-Control-Request-Headers", "x-a,x-b") in headers


# --- the CORS check --------------------------------------------------------------------
@pytest.mark.parametrize("headers,creds,expected", [
    ([(ACAO, O)], "omit", None),
    ([(ACAO, "*")], "omit", None),
    ([(ACAO, "*")], "same-origin", None),
    ([], "omit", (R.MISSING_ALLOW_ORIGIN, None)),
    ([(ACAO, O + "/")], "omit", (R.ALLOW_ORIGIN_MISMATCH, O + "/")),
    ([(ACAO, "http://LOCALHOST:8000")], "omit", (R.ALLOW_ORIGIN_MISMATCH, "http://LOCALHOST:8000")),
    ([(ACAO, O), (ACAO, O)], "omit", (R.MULTIPLE_ALLOW_ORIGIN, f"{O}, {O}")),
    ([(ACAO, f"{O},https://b.example")], "omit", (R.MULTIPLE_ALLOW_ORIGIN, f"{O},https://b.example")),
    ([(ACAO, "null")], "omit", (R.ALLOW_ORIGIN_MISMATCH, "null")),
    ([(ACAO, "*.example.com")], "omit", (R.INVALID_ALLOW_ORIGIN, "*.example.com")),
    ([(ACAO, "*")], "include", (R.WILDCARD_WITH_CREDENTIALS, "*")),
    ([(ACAO, O), (ACAC, "true")], "include", None),
    ([(ACAO, O), (ACAC, "True")], "include", (R.INVALID_ALLOW_CREDENTIALS, "True")),
    ([(ACAO, O)], "include", (R.INVALID_ALLOW_CREDENTIALS, "")),
    ([(ACAO, O), (ACAC, "false")], "omit", None),
])
def test_cors_check(headers: list[tuple[str, str]], creds: str, expected: tuple[str, str | None] | None) -> None:
    assert oracle.cors_check(headers, O, creds) == expected


def test_allow_origin_null_matches_an_opaque_origin() -> None:
    assert oracle.cors_check([(ACAO, "null")], "null", "omit") is None


def test_header_names_are_matched_case_insensitively_in_the_cors_check() -> None:
    assert oracle.cors_check([("access-control-allow-origin", O)], O, "omit") is None


def test_wildcard_with_credentials_also_reports_the_missing_allow_credentials() -> None:
    assert oracle.cors_failures([(ACAO, "*")], O, "include") == [
        (R.WILDCARD_WITH_CREDENTIALS, "*"), (R.INVALID_ALLOW_CREDENTIALS, "")]


# --- preflight ----------------------------------------------------------------------------
def ok_preflight(**extra: str) -> list[tuple[str, str]]:
    return [(ACAO, O)] + [(k.replace("_", "-"), v) for k, v in extra.items()]


@pytest.mark.parametrize("status,ok", [(200, True), (204, True), (299, True), (300, False), (199, False),
                                       (400, False), (403, False), (500, False)])
def test_the_preflight_needs_an_ok_status(status: int, ok: bool) -> None:
    result = oracle.preflight_check("PUT", [], status, ok_preflight(**{"Access_Control_Allow_Methods": "PUT"}),
                                    O, "omit")
    assert result == (None if ok else (R.PREFLIGHT_STATUS, str(status)))


def test_the_preflight_cors_check_comes_first_and_uses_the_prefixed_code() -> None:
    failures = oracle.preflight_failures("PUT", [], 403, [("x-amzn-ErrorType", "x")], O, "omit")
    assert failures == [(R.preflight(R.MISSING_ALLOW_ORIGIN), None), (R.PREFLIGHT_STATUS, "403")]


def test_a_redirected_preflight_fails_whatever_its_headers() -> None:
    headers = [(ACAO, O), (ACAM, "PUT"), ("Location", "/elsewhere")]
    assert oracle.preflight_check("PUT", [], 307, headers, O, "omit") == (R.PREFLIGHT_REDIRECT, "/elsewhere")


def test_a_credentialed_preflight_needs_allow_credentials() -> None:
    assert oracle.preflight_check("PUT", [], 204, [(ACAO, O), (ACAM, "PUT")], O, "include") == \
        (R.preflight(R.INVALID_ALLOW_CREDENTIALS), "")


@pytest.mark.parametrize("method,allow,creds,ok", [
    ("PUT", "PUT", "omit", True),
    ("PUT", "GET, POST", "omit", False),
    ("PUT", "put", "omit", False),
    ("patch", "PATCH", "omit", False),
    ("patch", "patch", "omit", True),
    ("DELETE", "delete", "omit", False),
    ("PUT", "*", "omit", True),
    ("PUT", "*", "include", False),
    ("PUT", "*, PUT", "include", True),
    ("POST", "PUT", "omit", True),        # safelisted methods never need listing
    ("PURGE", "GET,,PURGE", "omit", True),  # empty list items are ignored
])
def test_allow_methods_is_case_sensitive_and_star_needs_no_credentials(method: str, allow: str, creds: str,
                                                                       ok: bool) -> None:
    headers = [(ACAO, O), (ACAC, "true"), (ACAM, allow)]
    expected = None if ok else (R.METHOD_NOT_ALLOWED, method)
    assert oracle.preflight_check(method, [], 204, headers, O, creds) == expected


@pytest.mark.parametrize("names,allow,creds,missing", [
    (["x-a"], "X-A", "omit", None),
    (["x-a", "x-b"], "x-a", "omit", "x-b"),
    (["x-a"], "*", "omit", None),
    (["x-a"], "*", "include", "x-a"),
    (["authorization"], "*", "omit", "authorization"),
    (["authorization", "x-a"], "*", "omit", "authorization"),
    (["authorization"], "*, authorization", "omit", None),
    (["authorization"], "Authorization", "include", None),
])
def test_allow_headers_is_case_insensitive_and_star_never_covers_authorization(
        names: list[str], allow: str, creds: str, missing: str | None) -> None:
    headers = [(ACAO, O), (ACAC, "true"), (ACAH, allow)]
    expected = None if missing is None else (R.HEADER_NOT_ALLOWED, missing)
    assert oracle.preflight_check("GET", names, 204, headers, O, creds) == expected


def test_engines_let_star_cover_authorization() -> None:
    rules = oracle.rules_for("chromium")
    assert oracle.disallowed_header(["authorization"], ["*"], "omit", rules) is None
    assert oracle.disallowed_header(["authorization"], ["*"], "include", rules) == "authorization"


@pytest.mark.parametrize("header,value,code", [(ACAM, "GET PUT", R.INVALID_ALLOW_METHODS),
                                               (ACAH, "x-a; x-b", R.INVALID_ALLOW_HEADERS),
                                               (ACAM, "GET, P(UT", R.INVALID_ALLOW_METHODS)])
def test_lists_that_are_not_tokens_are_invalid_even_for_safelisted_methods(header: str, value: str,
                                                                         code: str) -> None:
    headers = [(ACAO, O), (header, value)]
    assert oracle.preflight_check("POST", ["x-a"], 204, headers, O, "omit") == (code, value)


def test_allow_lists_combine_all_header_lines() -> None:
    headers = [(ACAO, O), (ACAH, "x-a"), (ACAH, "x-b")]
    assert oracle.preflight_check("GET", ["x-a", "x-b"], 204, headers, O, "omit") is None


# --- Max-Age -------------------------------------------------------------------------------
@pytest.mark.parametrize("value,engine,seconds", [
    (None, None, 5), ("600", None, 600), ("abc", None, 5), ("-1", None, 5), ("0", None, 0),
    ("86400", "chromium", 7200), ("86400", "firefox", 86400), ("86400", "webkit", 600),
    ("100000", "firefox", 86400), ("-1", "chromium", 0), (None, "webkit", 5),
])
def test_max_age_defaults_to_5s_and_engines_cap_it(value: str | None, engine: str | None, seconds: int) -> None:
    assert oracle.preflight_cache_seconds(value, engine) == seconds


# --- redirects -------------------------------------------------------------------------------
def test_a_redirect_to_a_url_with_credentials_fails() -> None:
    assert oracle.redirect_failure(API, "http://u:p@127.0.0.1:9000/x", O) == \
        (R.REDIRECT_WITH_CREDENTIALS, "http://u:p@127.0.0.1:9000/x")
    assert oracle.redirect_failure(API, "/x", O) is None
    assert oracle.redirect_failure(API, "data:text/plain,hi", O)[0] == R.CORS_DISABLED_SCHEME  # type: ignore[index]


def test_the_origin_becomes_null_after_a_redirect_to_another_origin() -> None:
    assert oracle.origin_after_redirect(API, "http://127.0.0.1:9000/y", O) == O
    assert oracle.origin_after_redirect(API, "http://localhost:9000/y", O) == "null"
    assert oracle.origin_after_redirect("http://localhost:8000/a", "http://127.0.0.1:9000/y", O) == O
    assert oracle.origin_after_redirect(API, "http://127.0.0.1:9000/y", "null") == "null"


def test_post_becomes_get_on_301_302_303_but_not_307() -> None:
    assert oracle.method_after_redirect(302, "POST") == "GET"
    assert oracle.method_after_redirect(303, "PUT") == "GET"
    assert oracle.method_after_redirect(307, "POST") == "POST"
    assert oracle.method_after_redirect(302, "PUT") == "PUT"


# --- exposed headers ---------------------------------------------------------------------------
def test_exposed_headers_are_safelisted_plus_listed_and_star_only_without_credentials() -> None:
    headers = [("Content-Type", "text/plain"), ("X-Total", "5"), ("X-Other", "1"), ("Set-Cookie", "a=1")]
    assert oracle.exposed_header_names(headers, "omit") == {"content-type"}
    listed = headers + [("Access-Control-Expose-Headers", "x-total")]
    assert oracle.exposed_header_names(listed, "include") == {"content-type", "x-total"}
    star = headers + [("Access-Control-Expose-Headers", "*")]
    assert oracle.exposed_header_names(star, "omit") == {"content-type", "x-total", "x-other",
                                                         "access-control-expose-headers"}
    assert oracle.exposed_header_names(star, "include") == {"content-type"}
    assert not oracle.is_header_readable("set-cookie", star, "omit")


# --- judge ------------------------------------------------------------------------------------
def test_judge_same_origin_requests_are_not_cors() -> None:
    result = oracle.judge(Request("PUT", "http://localhost:8000/x", O), None, Response(200))
    assert result.verdict == "allowed" and not result.preflight_needed


def test_judge_reports_the_failing_stage_and_parameter() -> None:
    request = Request("PUT", API, O, (("X-Request-Id", "1"),))
    pre = Response(204, [(ACAO, O), (ACAM, "PUT"), (ACAH, "content-type")])
    result = oracle.judge(request, pre, Response(200, [(ACAO, O)]))
    assert (result.verdict, result.reason, result.failed_parameter, result.stage) == \
        ("blocked", R.HEADER_NOT_ALLOWED, "x-request-id", "preflight")
    assert result.preflight_needed


def test_judge_accepts_exchanges() -> None:
    request = Request("GET", API, O)
    ex = Exchange("GET", "/items", "", [("Origin", O)], 502, [("Content-Type", "application/json")],
                  layer=LAYER_SCRIPTED)
    result = oracle.judge(request, None, ex)
    assert result.reason == R.MISSING_ALLOW_ORIGIN and result.stage == "actual"


def test_judge_with_an_engine_labels_the_authorization_deviation() -> None:
    request = Request("GET", API, O, (("Authorization", "Bearer t"),))
    pre = Response(204, [(ACAO, O), (ACAH, "*")])
    actual = Response(200, [(ACAO, O)])
    spec = oracle.judge(request, pre, actual)
    assert spec.verdict == "blocked" and spec.engine_deviation is None
    engine = oracle.judge(request, pre, actual, engine="firefox")
    assert engine.verdict == "allowed" and engine.spec_verdict == "blocked"
    assert engine.spec_reason == R.HEADER_NOT_ALLOWED
    assert engine.engine_deviation == oracle.DEVIATION_WILDCARD_AUTHORIZATION


def test_judge_needs_the_preflight_when_one_is_required() -> None:
    with pytest.raises(oracle.IncompleteExchange):
        oracle.judge(Request("PUT", API, O), None, Response(200, [(ACAO, O)]))


def test_judge_follows_a_redirect_chain_and_taints_the_origin() -> None:
    chain = [Response(302, [(ACAO, O), ("Location", "http://localhost:9000/next")]),
             Response(200, [(ACAO, O)])]
    result = oracle.judge(Request("GET", API, O), None, chain)
    assert (result.verdict, result.reason, result.failed_parameter) == \
        ("blocked", R.ALLOW_ORIGIN_MISMATCH, O)
    assert result.final_origin == "null"


def test_a_possible_chromium_deviation_explains_a_lowercase_patch_disagreement() -> None:
    request = Request("patch", API, O)
    pre = Response(204, [(ACAO, O), (ACAM, "PATCH")])
    actual = Response(200, [(ACAO, O)])
    assert oracle.judge(request, pre, actual, engine="chromium").verdict == "blocked"
    assert oracle.label_disagreement(request, pre, actual, engine="chromium", observed_verdict="allowed") == \
        oracle.DEVIATION_METHODS_UPPERCASED
    assert oracle.label_disagreement(request, pre, actual, engine="firefox", observed_verdict="allowed") is None
