"""The spec-case table: one row per Fetch-standard CORS rule worth checking,
each runnable both through the oracle and, via the scripted server, in real
browsers.

A case is a fetch from a page (method, headers, body, credentials) and what
the server answers to the preflight and to the actual request. Header values
may use the scripted server's placeholders (``{origin}``, ``{query}``,
``{alt_host}``... see :mod:`e2e.scripted`). When a case needs a preflight
but declares none, the scripted server answers the preflight 405 without CORS
headers, so "allowed" proves no preflight was sent.

``expect``/``reason`` are the standard's verdict; ``browsers`` holds what the
engines actually do where they knowingly deviate, with ``deviation`` naming it.

:func:`scenario_file` renders the table in the ``target: scripted`` scenario
format; :func:`simulate` plays a case against the scripted server's logic
without sockets and returns what :func:`e2e.oracle.judge` needs.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

from e2e import oracle, reasons as R
from e2e.exchange import CELL_PARAM, Headers
from e2e.oracle import (ALLOW_CREDENTIALS as ACAC, ALLOW_HEADERS as ACAH, ALLOW_METHODS as ACAM,
                        ALLOW_ORIGIN as ACAO, EXPOSE_HEADERS as ACEH, LOCATION)
from e2e import scripted

PAGE_ORIGIN = "http://localhost:8000"   # the page, for oracle-only runs of the table
API_BASE = "http://127.0.0.1:9000"      # the scripted server, likewise
PATH_PREFIX = "/spec/"
HeaderSpec = Mapping[str, "str | list[str]"]


@dataclass(frozen=True)
class Reply:
    """What the scripted server answers to one request."""

    status: int = 200
    headers: HeaderSpec = field(default_factory=dict)
    body: str = "ok"

    def to_dict(self) -> dict[str, Any]:
        return {"status": self.status, "headers": {k: (list(v) if isinstance(v, list) else v)
                                                   for k, v in self.headers.items()},
                "body": self.body}


@dataclass(frozen=True)
class SpecCase:
    name: str
    about: str                                     # the rule, in one line
    expect: str                                    # the standard's verdict
    reason: str | None = None                      # the standard's reason code
    failed_parameter: str | None = None            # may use {origin}
    method: str = "GET"
    headers: tuple[tuple[str, str], ...] = ()
    body: str | None = None
    credentials: str = "omit"
    preflight: Reply | None = None
    actual: Reply = field(default_factory=lambda: actual())
    preflight_needed: bool | None = None           # None: needed iff a preflight is declared
    browsers: Mapping[str, str] = field(default_factory=dict)  # engine -> verdict where it deviates
    deviation: str | None = None
    readable: Mapping[str, bool] = field(default_factory=dict)  # response header -> script can read it

    @property
    def path(self) -> str:
        return PATH_PREFIX + self.name

    @property
    def expects_preflight(self) -> bool:
        return self.preflight is not None if self.preflight_needed is None else self.preflight_needed

    def respond(self) -> dict[str, Any]:
        out: dict[str, Any] = {"actual": self.actual.to_dict()}
        if self.preflight is not None:
            out["preflight"] = self.preflight.to_dict()
        return out

    def browser_verdict(self, engine: str) -> str:
        return self.browsers.get(engine, self.expect)


# --- builders that keep the table short -------------------------------------------
def actual(status: int = 200, origin: "str | list[str] | None" = "{origin}", *,
           creds: "str | list[str] | None" = None,
           extra: HeaderSpec | None = None, body: str = "ok") -> Reply:
    headers: dict[str, str | list[str]] = {}
    if origin is not None:
        headers[ACAO] = origin
    if creds is not None:
        headers[ACAC] = creds
    headers.update(extra or {})
    return Reply(status, headers, body)


def preflight(status: int = 204, origin: str | None = "{origin}", *, methods: str | None = None,
              allow_headers: str | None = None, creds: str | None = None,
              extra: HeaderSpec | None = None) -> Reply:
    headers: dict[str, str | list[str]] = {}
    if origin is not None:
        headers[ACAO] = origin
    if creds is not None:
        headers[ACAC] = creds
    if methods is not None:
        headers[ACAM] = methods
    if allow_headers is not None:
        headers[ACAH] = allow_headers
    headers.update(extra or {})
    return Reply(status, headers, "")


ENGINES_ALLOW = {"chromium": "allowed", "firefox": "allowed", "webkit": "allowed"}
OTHER = "https://other.example"
LONG_ACCEPT = "application/json," + "a" * 111          # 128 bytes: still safelisted
TOO_LONG_ACCEPT = LONG_ACCEPT + "b"                      # 129 bytes
AWS_403 = {"Content-Type": "application/json", "x-amzn-ErrorType": "MissingAuthenticationTokenException"}

A, B = "allowed", "blocked"

CASES: tuple[SpecCase, ...] = (
    # --- Access-Control-Allow-Origin forms --------------------------------------
    SpecCase("acao-exact", "Allow-Origin equal to the origin passes", A),
    SpecCase("acao-wildcard", "* passes without credentials", A, actual=actual(origin="*")),
    SpecCase("acao-missing", "no Allow-Origin fails", B, R.MISSING_ALLOW_ORIGIN, actual=actual(origin=None)),
    SpecCase("acao-other-origin", "another origin fails", B, R.ALLOW_ORIGIN_MISMATCH, OTHER,
             actual=actual(origin=OTHER)),
    SpecCase("acao-trailing-slash", "a trailing slash is not byte-equal", B, R.ALLOW_ORIGIN_MISMATCH,
             "{origin}/", actual=actual(origin="{origin}/")),
    SpecCase("acao-host-uppercase", "host case matters: the comparison is byte for byte", B,
             R.ALLOW_ORIGIN_MISMATCH, "{origin_host_upper}", actual=actual(origin="{origin_host_upper}")),
    SpecCase("acao-other-port", "another port is another origin", B, R.ALLOW_ORIGIN_MISMATCH,
             "{origin_port_plus_one}", actual=actual(origin="{origin_port_plus_one}")),
    SpecCase("acao-two-lines", "two Allow-Origin lines combine into 'a, a' and fail", B,
             R.MULTIPLE_ALLOW_ORIGIN, "{origin}, {origin}", actual=actual(origin=["{origin}", "{origin}"])),
    SpecCase("acao-comma-list", "a comma-separated list of origins fails", B, R.MULTIPLE_ALLOW_ORIGIN,
             "{origin}, " + OTHER, actual=actual(origin="{origin}, " + OTHER)),
    SpecCase("acao-space-list", "a space-separated list of origins fails", B, R.MULTIPLE_ALLOW_ORIGIN,
             "{origin} " + OTHER, actual=actual(origin="{origin} " + OTHER)),
    SpecCase("acao-two-wildcards", "two '*' lines are not '*'", B, R.MULTIPLE_ALLOW_ORIGIN, "*, *",
             actual=actual(origin=["*", "*"])),
    SpecCase("acao-null", "'null' matches only an opaque origin", B, R.ALLOW_ORIGIN_MISMATCH, "null",
             actual=actual(origin="null")),
    SpecCase("acao-not-a-url", "a value that is not an origin fails", B, R.INVALID_ALLOW_ORIGIN,
             "not-an-origin", actual=actual(origin="not-an-origin")),
    SpecCase("acao-empty", "an empty Allow-Origin fails", B, R.INVALID_ALLOW_ORIGIN, "",
             actual=actual(origin="")),
    SpecCase("acao-wildcard-post-text", "a simple POST needs only Allow-Origin", A, method="POST",
             headers=(("Content-Type", "text/plain"),), body="hello", actual=actual(origin="*")),
    SpecCase("acao-missing-on-404", "a 404 without Allow-Origin is a CORS error masking the 404", B,
             R.MISSING_ALLOW_ORIGIN, actual=actual(404, origin=None, body="not found")),
    SpecCase("acao-on-500", "a 500 with Allow-Origin is readable: CORS is not about status", A,
             actual=actual(500, body="boom")),
    # --- credentials ---------------------------------------------------------------
    SpecCase("cred-exact-true", "credentials need the exact origin and Allow-Credentials: true", A,
             credentials="include", actual=actual(creds="true")),
    SpecCase("cred-true-capitalized", "Allow-Credentials must be exactly 'true'", B,
             R.INVALID_ALLOW_CREDENTIALS, "True", credentials="include", actual=actual(creds="True")),
    SpecCase("cred-missing-acac", "credentials without Allow-Credentials fail", B,
             R.INVALID_ALLOW_CREDENTIALS, "", credentials="include"),
    SpecCase("cred-acac-false", "Allow-Credentials: false fails", B, R.INVALID_ALLOW_CREDENTIALS, "false",
             credentials="include", actual=actual(creds="false")),
    SpecCase("cred-acac-two-lines", "two Allow-Credentials lines combine into 'true, true'", B,
             R.INVALID_ALLOW_CREDENTIALS, "true, true", credentials="include",
             actual=actual(creds=["true", "true"])),
    SpecCase("cred-wildcard-true", "* cannot be used with credentials", B, R.WILDCARD_WITH_CREDENTIALS, "*",
             credentials="include", actual=actual(origin="*", creds="true")),
    SpecCase("cred-wildcard-no-acac", "* with credentials fails on the wildcard first", B,
             R.WILDCARD_WITH_CREDENTIALS, "*", credentials="include", actual=actual(origin="*")),
    SpecCase("cred-omit-wildcard-true", "Allow-Credentials is ignored without credentials", A,
             actual=actual(origin="*", creds="true")),
    SpecCase("cred-same-origin-wildcard", "credentials 'same-origin' sends none cross-origin: * passes", A,
             credentials="same-origin", actual=actual(origin="*")),
    SpecCase("cred-missing-acao", "credentials with no Allow-Origin fail on Allow-Origin", B,
             R.MISSING_ALLOW_ORIGIN, credentials="include", actual=actual(origin=None, creds="true")),
    # --- safelisted request headers and their values ----------------------------------
    SpecCase("ct-text-plain", "Content-Type text/plain needs no preflight", A, method="POST",
             headers=(("Content-Type", "text/plain"),), body="x"),
    SpecCase("ct-text-plain-charset", "parameters do not matter, only the essence", A, method="POST",
             headers=(("Content-Type", "text/plain; charset=utf-8"),), body="x"),
    SpecCase("ct-form-urlencoded", "application/x-www-form-urlencoded is safelisted", A, method="POST",
             headers=(("Content-Type", "application/x-www-form-urlencoded"),), body="a=1"),
    SpecCase("ct-multipart", "multipart/form-data is safelisted", A, method="POST",
             headers=(("Content-Type", "multipart/form-data; boundary=x"),), body="--x--"),
    SpecCase("ct-json-unanswered", "application/json needs a preflight (here answered 405 without CORS)", B,
             R.preflight(R.MISSING_ALLOW_ORIGIN), method="POST",
             headers=(("Content-Type", "application/json"),), body="{}", preflight_needed=True),
    SpecCase("ct-json-allowed", "application/json passes when the preflight allows content-type", A,
             method="POST", headers=(("Content-Type", "application/json"),), body="{}",
             preflight=preflight(allow_headers="content-type")),
    SpecCase("ct-json-not-allowed", "content-type missing from Allow-Headers fails", B,
             R.HEADER_NOT_ALLOWED, "content-type", method="POST",
             headers=(("Content-Type", "application/json"),), body="{}",
             preflight=preflight(allow_headers="x-other")),
    SpecCase("ct-quoted-charset", "a quote in Content-Type is an unsafe byte: preflight", B,
             R.preflight(R.MISSING_ALLOW_ORIGIN), method="POST",
             headers=(("Content-Type", 'text/plain; charset="utf-8"'),), body="x", preflight_needed=True),
    SpecCase("accept-json", "Accept application/json needs no preflight", A,
             headers=(("Accept", "application/json"),)),
    SpecCase("accept-unsafe-byte", "a parenthesis in Accept forces a preflight", B,
             R.preflight(R.MISSING_ALLOW_ORIGIN), headers=(("Accept", "application/json (v2)"),),
             preflight_needed=True),
    SpecCase("accept-128-bytes", "a 128-byte Accept is still safelisted", A,
             headers=(("Accept", LONG_ACCEPT),)),
    SpecCase("accept-129-bytes", "a 129-byte Accept forces a preflight", B,
             R.preflight(R.MISSING_ALLOW_ORIGIN), headers=(("Accept", TOO_LONG_ACCEPT),),
             preflight_needed=True),
    SpecCase("accept-129-bytes-allowed", "a long Accept passes when the preflight lists accept", A,
             headers=(("Accept", TOO_LONG_ACCEPT),), preflight=preflight(allow_headers="accept")),
    SpecCase("accept-language-ok", "Accept-Language with q-values is safelisted", A,
             headers=(("Accept-Language", "en-US,en;q=0.9"),)),
    SpecCase("accept-language-underscore", "an underscore in Accept-Language forces a preflight", B,
             R.preflight(R.MISSING_ALLOW_ORIGIN), headers=(("Accept-Language", "en_US"),),
             preflight_needed=True),
    SpecCase("content-language-ok", "Content-Language de-DE is safelisted", A,
             headers=(("Content-Language", "de-DE"),)),
    # --- custom headers and Access-Control-Allow-Headers ---------------------------------
    SpecCase("hdr-custom-unanswered", "a custom header needs a preflight", B,
             R.preflight(R.MISSING_ALLOW_ORIGIN), headers=(("X-Request-Id", "1"),), preflight_needed=True),
    SpecCase("hdr-custom-listed", "a listed custom header passes", A, headers=(("X-Request-Id", "1"),),
             preflight=preflight(allow_headers="x-request-id")),
    SpecCase("hdr-custom-listed-other-case", "Allow-Headers matches case-insensitively", A,
             headers=(("X-Request-Id", "1"),), preflight=preflight(allow_headers="X-REQUEST-ID")),
    SpecCase("hdr-custom-not-listed", "an unlisted header fails, named", B, R.HEADER_NOT_ALLOWED,
             "x-request-id", headers=(("X-Request-Id", "1"),),
             preflight=preflight(allow_headers="Content-Type,X-Amz-Date,Authorization,X-Api-Key")),
    SpecCase("hdr-two-one-missing", "every unsafe header must be listed", B, R.HEADER_NOT_ALLOWED, "x-b",
             headers=(("X-A", "1"), ("X-B", "2")), preflight=preflight(allow_headers="x-a")),
    SpecCase("hdr-two-lines", "Allow-Headers may come in several lines", A,
             headers=(("X-A", "1"), ("X-B", "2")), preflight=preflight(extra={ACAH: ["x-a", "x-b"]})),
    SpecCase("hdr-wildcard", "Allow-Headers * covers custom headers without credentials", A,
             headers=(("X-Custom", "1"),), preflight=preflight(allow_headers="*")),
    SpecCase("hdr-wildcard-credentials", "with credentials * is just a header named '*'", B,
             R.HEADER_NOT_ALLOWED, "x-custom", headers=(("X-Custom", "1"),), credentials="include",
             preflight=preflight(allow_headers="*", creds="true"), actual=actual(creds="true")),
    SpecCase("hdr-wildcard-credentials-listed", "with credentials list the header explicitly", A,
             headers=(("X-Custom", "1"),), credentials="include",
             preflight=preflight(allow_headers="*, x-custom", creds="true"), actual=actual(creds="true")),
    SpecCase("hdr-invalid-list", "Allow-Headers that is not a token list fails", B, R.INVALID_ALLOW_HEADERS,
             "x-a x-b", headers=(("X-A", "1"),), preflight=preflight(allow_headers="x-a x-b")),
    SpecCase("auth-wildcard", "Allow-Headers * never covers Authorization (browsers still allow it)", B,
             R.HEADER_NOT_ALLOWED, "authorization", headers=(("Authorization", "Bearer t"),),
             preflight=preflight(allow_headers="*"), browsers=ENGINES_ALLOW,
             deviation=oracle.DEVIATION_WILDCARD_AUTHORIZATION),
    SpecCase("auth-listed", "Authorization passes when listed", A, headers=(("Authorization", "Bearer t"),),
             preflight=preflight(allow_headers="Authorization")),
    SpecCase("auth-wildcard-and-listed", "'*, Authorization' covers Authorization", A,
             headers=(("Authorization", "Bearer t"),), preflight=preflight(allow_headers="*, Authorization")),
    SpecCase("auth-wildcard-credentials", "with credentials * covers nothing, Authorization included", B,
             R.HEADER_NOT_ALLOWED, "authorization", headers=(("Authorization", "Bearer t"),),
             credentials="include", preflight=preflight(allow_headers="*", creds="true"),
             actual=actual(creds="true")),
    # --- methods ---------------------------------------------------------------------
    SpecCase("method-put-listed", "a listed method passes", A, method="PUT", body="x",
             preflight=preflight(methods="PUT")),
    SpecCase("method-put-not-listed", "an unlisted method fails, named", B, R.METHOD_NOT_ALLOWED, "PUT",
             method="PUT", body="x", preflight=preflight(methods="GET, POST")),
    SpecCase("method-put-no-allow-methods", "no Allow-Methods allows only GET/HEAD/POST", B,
             R.METHOD_NOT_ALLOWED, "PUT", method="PUT", body="x", preflight=preflight()),
    SpecCase("method-delete-lowercase", "fetch() upper-cases 'delete': DELETE is matched", A,
             method="delete", preflight=preflight(methods="DELETE")),
    SpecCase("method-allow-lowercase-delete", "Allow-Methods is case-sensitive: 'delete' is not DELETE", B,
             R.METHOD_NOT_ALLOWED, "DELETE", method="DELETE", preflight=preflight(methods="delete")),
    SpecCase("method-patch-lowercase", "'patch' is sent as written and does not match PATCH", B,
             R.METHOD_NOT_ALLOWED, "patch", method="patch", body="x", preflight=preflight(methods="PATCH")),
    SpecCase("method-patch-lowercase-listed", "'patch' matches 'patch' exactly", A, method="patch", body="x",
             preflight=preflight(methods="patch")),
    SpecCase("method-patch", "PATCH matches PATCH", A, method="PATCH", body="x",
             preflight=preflight(methods="GET,PUT,POST,DELETE,PATCH")),
    SpecCase("method-wildcard", "Allow-Methods * covers any method without credentials", A, method="PUT",
             body="x", preflight=preflight(methods="*")),
    SpecCase("method-wildcard-credentials", "with credentials * is a method named '*'", B,
             R.METHOD_NOT_ALLOWED, "PUT", method="PUT", body="x", credentials="include",
             preflight=preflight(methods="*", creds="true"), actual=actual(creds="true")),
    SpecCase("method-wildcard-credentials-listed", "with credentials list the method", A, method="PUT",
             body="x", credentials="include", preflight=preflight(methods="*, PUT", creds="true"),
             actual=actual(creds="true")),
    SpecCase("method-post-always-allowed", "POST needs no listing even when preflighted", A, method="POST",
             headers=(("X-Custom", "1"),), body="x",
             preflight=preflight(methods="PUT", allow_headers="x-custom")),
    SpecCase("method-invalid-list", "Allow-Methods that is not a token list fails", B,
             R.INVALID_ALLOW_METHODS, "GET PUT", method="PUT", body="x",
             preflight=preflight(methods="GET PUT")),
    # --- preflight status and the preflight's own CORS check ----------------------------
    *(SpecCase(f"preflight-status-{status}", f"a {status} preflight passes (2xx)", A, method="PUT", body="x",
               preflight=preflight(status, methods="PUT")) for status in (200, 204, 299)),
    *(SpecCase(f"preflight-status-{status}", f"a {status} preflight fails (not 2xx)", B, R.PREFLIGHT_STATUS,
               str(status), method="PUT", body="x", preflight=preflight(status, methods="PUT"))
      for status in (300, 400, 403, 500)),
    SpecCase("preflight-403-no-cors", "API Gateway's 403 to a preflight has no CORS headers", B,
             R.preflight(R.MISSING_ALLOW_ORIGIN), method="PUT", body="x",
             preflight=Reply(403, AWS_403, '{"message":"Missing Authentication Token"}')),
    SpecCase("preflight-acao-missing", "the preflight needs Allow-Origin too", B,
             R.preflight(R.MISSING_ALLOW_ORIGIN), method="PUT", body="x",
             preflight=preflight(origin=None, methods="PUT")),
    SpecCase("preflight-acao-mismatch", "the preflight's Allow-Origin must match", B,
             R.preflight(R.ALLOW_ORIGIN_MISMATCH), OTHER, method="PUT", body="x",
             preflight=preflight(origin=OTHER, methods="PUT")),
    SpecCase("preflight-wildcard-credentials", "a credentialed request's preflight cannot answer *", B,
             R.preflight(R.WILDCARD_WITH_CREDENTIALS), "*", method="PUT", body="x", credentials="include",
             preflight=preflight(origin="*", methods="PUT", creds="true"), actual=actual(creds="true")),
    SpecCase("preflight-credentials-missing", "a credentialed request's preflight needs Allow-Credentials",
             B, R.preflight(R.INVALID_ALLOW_CREDENTIALS), "", method="PUT", body="x", credentials="include",
             preflight=preflight(methods="PUT"), actual=actual(creds="true")),
    SpecCase("preflight-ok-actual-no-acao", "a good preflight does not excuse the actual response", B,
             R.MISSING_ALLOW_ORIGIN, method="PUT", body="x", preflight=preflight(methods="PUT"),
             actual=actual(origin=None)),
    SpecCase("preflight-ok-actual-500-no-cors", "a 500 without CORS headers after a good preflight", B,
             R.MISSING_ALLOW_ORIGIN, method="PUT", body="x", preflight=preflight(methods="PUT"),
             actual=actual(500, origin=None, body='{"message": "Internal server error"}')),
    # --- redirects -----------------------------------------------------------------------
    SpecCase("preflight-redirect-307", "a preflight is never redirected", B, R.PREFLIGHT_REDIRECT,
             "/__target/echo?{query}", method="PUT", body="x",
             preflight=preflight(307, methods="PUT", extra={LOCATION: "/__target/echo?{query}"})),
    SpecCase("preflight-redirect-301", "a preflight is never redirected (301)", B, R.PREFLIGHT_REDIRECT,
             "/__target/echo?{query}", headers=(("X-Custom", "1"),),
             preflight=preflight(301, allow_headers="x-custom", extra={LOCATION: "/__target/echo?{query}"})),
    SpecCase("redirect-same-server", "a redirect with CORS headers to a CORS-enabled target passes", A,
             actual=actual(302, extra={LOCATION: "/__target/echo?{query}"})),
    SpecCase("redirect-307-credentials", "a credentialed redirect passes when both hops allow it", A,
             credentials="include", actual=actual(307, creds="true", extra={LOCATION: "/__target/echo?{query}"})),
    SpecCase("redirect-3xx-without-cors", "the redirect response itself must pass the CORS check", B,
             R.MISSING_ALLOW_ORIGIN, actual=actual(302, origin=None, extra={LOCATION: "/__target/echo?{query}"})),
    SpecCase("redirect-target-without-cors", "the redirect target must pass the CORS check", B,
             R.MISSING_ALLOW_ORIGIN, actual=actual(307, extra={LOCATION: "/__target/none?{query}"})),
    SpecCase("redirect-url-credentials", "a redirect to a URL with user:pass@ fails", B,
             R.REDIRECT_WITH_CREDENTIALS, "http://user:pass@{host}/__target/echo?{query}",
             actual=actual(302, extra={LOCATION: "http://user:pass@{host}/__target/echo?{query}"})),
    SpecCase("redirect-cross-origin-null", "after a cross-origin redirect the Origin is 'null' (echoed)", A,
             actual=actual(302, extra={LOCATION: "http://{alt_host}/__target/echo?{query}"})),
    SpecCase("redirect-cross-origin-wildcard", "after a cross-origin redirect * still passes", A,
             actual=actual(302, extra={LOCATION: "http://{alt_host}/__target/wildcard?{query}"})),
    SpecCase("redirect-cross-origin-no-cors", "the cross-origin target must allow origin 'null'", B,
             R.MISSING_ALLOW_ORIGIN, actual=actual(302, extra={LOCATION: "http://{alt_host}/__target/none?{query}"})),
    # The target allows CORS too, so an engine that did follow a 300 would still
    # come out allowed: the case checks that a 300 with Allow-Origin is readable.
    SpecCase("redirect-300-is-not-followed", "300 is not a redirect status: it is the response", A,
             actual=actual(300, extra={LOCATION: "/__target/echo?{query}"})),
    # --- exposed response headers ----------------------------------------------------------
    SpecCase("expose-listed", "a header listed in Expose-Headers is readable", A,
             actual=actual(extra={"X-Total": "5", ACEH: "X-Total"}), readable={"x-total": True}),
    SpecCase("expose-not-listed", "an unlisted header is hidden; Content-Type is always readable", A,
             actual=actual(extra={"X-Total": "5", "Content-Type": "text/plain"}),
             readable={"x-total": False, "content-type": True}),
    SpecCase("expose-wildcard", "Expose-Headers * exposes all without credentials", A,
             actual=actual(extra={"X-Total": "5", ACEH: "*"}), readable={"x-total": True}),
    SpecCase("expose-wildcard-credentials", "with credentials Expose-Headers * exposes nothing", A,
             credentials="include", actual=actual(creds="true", extra={"X-Total": "5", ACEH: "*"}),
             readable={"x-total": False}),
    SpecCase("expose-set-cookie-never", "Set-Cookie is never readable, even with *", A,
             actual=actual(extra={"Set-Cookie": "a=1; Path=/", "X-Total": "5", ACEH: "*"}),
             readable={"set-cookie": False, "x-total": True}),
)


def case_named(name: str) -> SpecCase:
    for case in CASES:
        if case.name == name:
            return case
    raise KeyError(name)


# --- rendering as scenarios --------------------------------------------------------------
def expect_for_browsers(case: SpecCase) -> str | dict[str, str]:
    """The scenario's ``expect``: a word, or a mapping by engine where they deviate."""
    if not case.browsers:
        return case.expect
    return {"default": case.expect, **case.browsers}


def to_scenario(case: SpecCase, *, origins: list[str] | None = None) -> dict[str, Any]:
    """One ``target: scripted`` scenario. ``origins`` defaults to the
    ``allowed`` group: the cases script their own Allow-Origin from {origin}."""
    scenario: dict[str, Any] = {
        "name": case.name,
        "description": case.about,
        "path": case.path,
        "method": case.method,
        "credentials": case.credentials,
        "origins": origins or ["allowed"],
        "respond": case.respond(),
        "expect": expect_for_browsers(case),
    }
    if case.headers:
        # fetch() accepts a mapping; no case repeats a request header name.
        scenario["headers"] = dict(case.headers)
    if case.body is not None:
        scenario["body"] = case.body
    return scenario


def scenario_file(cases: tuple[SpecCase, ...] = CASES) -> dict[str, Any]:
    return {
        "target": "scripted",
        "description": "The Fetch standard's CORS rules, one scenario per rule (generated by e2e.spec_cases)",
        "scenarios": [to_scenario(c) for c in cases],
    }


def write_scenario_file(path: str | Path) -> None:
    import yaml  # only needed for this

    Path(path).write_text(yaml.safe_dump(scenario_file(), sort_keys=False, allow_unicode=True, width=120),
                          encoding="utf-8")


# --- simulation: the scripted server's answers without sockets -------------------------------
@dataclass(frozen=True)
class Simulated:
    request: oracle.Request
    preflight: oracle.Response | None
    chain: tuple[oracle.Response, ...]       # the actual response and any followed redirects
    origins_sent: tuple[str, ...]            # Origin of each hop of the chain


MAX_SIMULATED_HOPS = 5


def simulate(case: SpecCase, page_origin: str = PAGE_ORIGIN, api_base: str = API_BASE,
             cell: str = "spec") -> Simulated:
    """What the scripted server would answer to the case's fetch from ``page_origin``."""
    query = f"{CELL_PARAM}={cell}"
    request = oracle.Request(case.method, f"{api_base}{case.path}?{query}", page_origin, case.headers,
                             case.credentials)
    method = request.sent_method()
    pre: oracle.Response | None = None
    if oracle.needs_preflight(method, case.headers) and not oracle.same_origin(page_origin, api_base):
        pre_headers = oracle.preflight_request_headers(method, case.headers, page_origin)
        pre = _answer(case.respond(), "OPTIONS", request.url, pre_headers)
    chain: list[oracle.Response] = []
    origins: list[str] = []
    url, origin = request.url, page_origin
    for _ in range(MAX_SIMULATED_HOPS):
        respond = _respond_for(case, url, api_base)
        response = _answer(respond, method, url, [("Origin", origin), *case.headers])
        chain.append(response)
        origins.append(origin)
        location = response.redirect_location()
        if location is None or oracle.cors_check(response.headers, origin, case.credentials) \
                or oracle.redirect_failure(url, location, origin):
            break
        target = urljoin(url, location)
        origin = oracle.origin_after_redirect(url, target, origin)
        method = oracle.method_after_redirect(response.status, method)
        url = target
    return Simulated(request, pre, tuple(chain), tuple(origins))


def _respond_for(case: SpecCase, url: str, api_base: str) -> dict[str, Any] | None:
    path = urlsplit(url).path
    if path == case.path:
        return case.respond()
    return scripted.TARGETS.get(path)


def _answer(respond: Mapping[str, Any] | None, method: str, url: str, headers: Headers) -> oracle.Response:
    parts = urlsplit(url)
    request_headers: Headers = [("Host", parts.netloc), *headers]
    part = scripted.choose(respond, method, request_headers) or scripted.NOT_FOUND
    values = scripted.placeholder_values(request_headers) | {"query": parts.query}
    status, response_headers, _ = scripted.render(part, values)
    return oracle.Response(status, response_headers)


def fill_expected(text: str | None, sim: Simulated) -> str | None:
    """A case's expected failed parameter with its placeholders filled for the
    hop that failed (the last one)."""
    if text is None:
        return None
    host = urlsplit(sim.request.url).netloc
    values = scripted.placeholder_values([("Origin", sim.origins_sent[-1] if sim.origins_sent else ""),
                                          ("Host", host)])
    return scripted.fill(text, values | {"query": urlsplit(sim.request.url).query})
