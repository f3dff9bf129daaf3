"""inspect's second opinion: the gateway layer judged by running it.

The model (from a template) is served by the local gateway with every Lambda
replaced by a stand-in that crashes, so nothing the user's code does enters
the picture. For each served method and each origin, a synthetic browser
request goes through it: the preflight a JSON fetch sends (with the headers
the method requires), then the actual request, whose answer is API Gateway's
own (a crash's 5xx, or the 4xx of an authorizer or API key). The Fetch
oracle judges the exchange. Each refusal maps to the finding code the
configuration check uses for the same cause, so ``inspect`` can say where the
two disagree instead of trusting one of them blindly.
"""
from __future__ import annotations

import http.client
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from e2e import oracle
from e2e.gateway.model import Api, HttpApi, LambdaFunction, RestApi

STANDIN = Path(__file__).resolve().parent / "standins" / "crash.py"
_BODY_METHODS = {"POST", "PUT", "PATCH"}


@dataclass(frozen=True)
class Probe:
    method: str
    path: str
    origin: str
    credentials: str
    stage: str | None          # "preflight" | "actual" | None (allowed)
    reason: str | None         # the oracle's reason code
    status: int                # the actual response's status (0: not sent)
    code: str | None           # the finding code this refusal means, None when allowed
    parameter: str | None = None   # the value that failed (header name, method, origin)

    @property
    def where(self) -> str:
        return f"{self.method} {self.path} from {self.origin} ({self.credentials})"


def _crashing(api: Api) -> Api:
    standins = {name: LambdaFunction(name, "python3.12", str(STANDIN), "crash.handler", timeout=3)
                for name in api.functions}
    # A WAF web ACL and a CDN front are not API Gateway configuration (inspect
    # reads neither): the probe judges the gateway layer alone.
    outside = {"waf": None, "front": None} if isinstance(api, RestApi) else {"front": None}
    return replace(api, functions=standins, **outside)


def _routes(api: Api) -> list[tuple[str, str, list[str]]]:
    from e2e.aws.scenarios_from import concrete_path, routes_of
    from e2e.templates import LoadedTemplate
    from e2e.templates.config import template_config

    cfg = template_config(LoadedTemplate(api, api.name, api.source))
    return [(m, concrete_path(p), h) for m, p, h in routes_of(cfg)]


def probe(api: Api, origins: list[str], credentials: str | None = None) -> list[Probe]:
    """``credentials``: include or omit; by default include when the API allows credentials (as
    scenarios-from does), so a probe asks what the API means to allow."""
    from e2e.aws.scenarios_from import allows_credentials
    from e2e.gateway import LocalGateway
    from e2e.templates import LoadedTemplate
    from e2e.templates.config import template_config

    if credentials is None:
        cfg = template_config(LoadedTemplate(api, api.name, api.source))
        credentials = "include" if allows_credentials(cfg) else "omit"
    out: list[Probe] = []
    with LocalGateway() as gateway:
        running = gateway.add(_crashing(api))
        for method, path, required in _routes(api):
            headers = [("Content-Type", "application/json")] if method in _BODY_METHODS else []
            headers += [(h, "cors-e2e-probe") for h in required]
            for origin in origins:
                out.append(_one(running.url(path), method, path, tuple(headers), origin, credentials,
                                api_kind(api)))
    return out


def _send(url: str, method: str, headers: list[tuple[str, str]]) -> oracle.Response:
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        conn.putrequest(method, parts.path + (f"?{parts.query}" if parts.query else ""), skip_accept_encoding=True)
        for k, v in headers:
            conn.putheader(k, v)
        body = b"{}" if method in _BODY_METHODS else None
        if body is not None:
            conn.putheader("Content-Length", str(len(body)))
        conn.endheaders(body)
        response = conn.getresponse()
        response.read()
        return oracle.Response(response.status, list(response.getheaders()))
    finally:
        conn.close()


def _one(url: str, method: str, path: str, headers: tuple[tuple[str, str], ...], origin: str,
         credentials: str, kind: str) -> Probe:
    request = oracle.Request(method, url, origin, headers, credentials)
    preflight = None
    if oracle.needs_preflight(method, list(headers)):
        preflight = _send(url, "OPTIONS", list(oracle.preflight_request_headers(method, list(headers), origin)))
    actual = _send(url, method, [("Origin", origin), *headers])
    result = oracle.judge(request, preflight, actual)
    stage = None if result.allowed else result.stage
    code = None if result.allowed else _code(stage, result.reason or "", preflight, kind)
    if code == "header-not-allowed" and (result.failed_parameter or "").lower() == "authorization" and \
            preflight is not None and "*" in (oracle.header_value(preflight.headers, oracle.ALLOW_HEADERS) or ""):
        code = "wildcard-authorization"   # * never covers Authorization
    return Probe(method, path, origin, credentials, stage, result.reason, actual.status, code,
                 result.failed_parameter)


def _code(stage: str | None, reason: str, preflight: oracle.Response | None, kind: str) -> str | None:
    """The configuration check's code for the same cause (None: not a configuration finding)."""
    if stage == "preflight":
        assert preflight is not None
        if preflight.status >= 500:
            # The stand-in crashed on the OPTIONS: a route or ANY method sends preflights to the
            # Lambda, and only the user's code (a browser run) can say what it answers.
            return None
        if preflight.status == 429:
            return "throttled-to-zero"
        if not 200 <= preflight.status < 300:
            # API Gateway refused the OPTIONS itself: nothing answers it, or it is secured.
            return "authorizer-on-preflight" if _is_auth_error(preflight) else "missing-preflight"
        if "method" in reason:
            return "method-not-allowed"
        if "header" in reason:
            return "header-not-allowed"
        if "wildcard" in reason:
            return "wildcard-with-credentials"
        return "origin-not-allowed"
    # The actual request got API Gateway's own answer to a crash, an authorizer or an API key.
    if "wildcard" in reason:
        return "wildcard-with-credentials"
    if reason == "missing-allow-origin" and kind == "rest":
        # (HTTP APIs: whether AWS adds CORS headers to its own errors is not established.)
        return "errors-without-cors"
    return None if kind == "http" else "origin-not-allowed"


def _is_auth_error(response: oracle.Response) -> bool:
    kind = oracle.header_value(response.headers, "x-amzn-ErrorType") or ""
    return kind.startswith(("Unauthorized", "AccessDenied", "Forbidden")) or response.status == 401


def disagreements(static_codes: set[str], probes: list[Probe]) -> list[str]:
    """Notes where the configuration check and the running gateway disagree on a code."""
    seen = {p.code for p in probes if p.code}
    notes = []
    for code in sorted(seen - static_codes):
        example = next(p for p in probes if p.code == code)
        notes.append(f"the local gateway refuses {example.where} ({example.reason}, {example.stage}) "
                     f"which the configuration check does not report as {code}")
    return notes


def second_opinion(cfg: Any, api: Api, static_codes: set[str], given_origins: list[str]) -> list[str]:
    """Probe ``api`` (the model of ``cfg``) from the given origins and the ones it allows; the notes
    where the running gateway refuses something the configuration check did not report."""
    from e2e.templates.commands import config_origins

    # The origins the check judged (--origin), else the exact ones the API allows: a refusal of
    # any other origin would be expected, not a disagreement.
    origins = list(given_origins) or config_origins(cfg, loopback=True)
    return disagreements(static_codes, probe(api, origins)) if origins else []


def api_kind(api: Api) -> str:
    return "rest" if isinstance(api, RestApi) else "http" if isinstance(api, HttpApi) else "?"
