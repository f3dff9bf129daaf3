"""Findings for an HTTP API (v2): pure functions over the gateway's model
(``e2e.gateway.model.HttpApi``, loaded from a template, a fixture or a live account).

With a corsConfiguration API Gateway answers preflights itself, unless a route
catches the OPTIONS request (an OPTIONS or ANY route on the path, or
$default); it also drops the integration's own CORS headers. So the checks
are the configuration itself, the routes that catch OPTIONS, and what the
routes' authorizers require of the browser.
"""
from __future__ import annotations

from e2e.aws.findings import Finding, finding
from e2e.aws.origins import SAFELISTED_METHODS, is_insecure, origin_matches
from e2e.gateway.model import HttpApi, Route


def inspect_http(cfg: HttpApi, origins: list[str]) -> list[Finding]:
    out: list[Finding] = []
    for route in _routes(cfg):
        if catches_options(route) and route.secured:
            out.append(finding("authorizer-on-preflight", route.route_key,
                               f"route {route.route_key} catches OPTIONS requests and uses "
                               f"{_security(route)}: the preflight carries no credentials and gets 401 "
                               f"instead of API Gateway's automatic 204",
                               "one route per method (GET, POST, ...) instead of ANY/$default, or an "
                               "OPTIONS route without authorization"))
    if cfg.cors is None:
        out += _missing_preflight(cfg)
    else:
        out += _cors(cfg, origins)
    out += _stage(cfg)
    return out


def _routes(cfg: HttpApi) -> list[Route]:
    return sorted(cfg.routes, key=lambda r: (r.path, r.method))


def catches_options(route: Route) -> bool:
    return route.route_key == "$default" or route.method in ("OPTIONS", "ANY")


def required_headers(cfg: HttpApi, route: Route) -> list[str]:
    headers: list[str] = []
    if route.authorization_type in ("CUSTOM", "JWT") and route.authorizer:
        auth = cfg.authorizers.get(route.authorizer)
        for source in (auth.identity_source if auth else []):
            if source.lower().startswith("$request.header."):
                headers.append(source[len("$request.header."):])
    if route.authorization_type == "AWS_IAM":
        headers += ["Authorization", "X-Amz-Date"]
    if route.api_key_required:
        headers.append("x-api-key")
    return headers


def _security(route: Route) -> str:
    what = f"authorizationType {route.authorization_type}" if route.authorization_type != "NONE" else ""
    return " and ".join(p for p in (what, "an API key" if route.api_key_required else "") if p)


def _missing_preflight(cfg: HttpApi) -> list[Finding]:
    out: list[Finding] = []
    catch_all = any(r.route_key == "$default" for r in cfg.routes)
    for route in _routes(cfg):
        if catches_options(route) or catch_all:
            continue
        why = []
        if route.method not in SAFELISTED_METHODS:
            why.append(f"{route.method} is not a simple method")
        why += [f"it requires the {h} header" for h in required_headers(cfg, route)]
        covered = any(r.path == route.path and catches_options(r) for r in cfg.routes)
        if why and not covered:
            out.append(finding("missing-preflight", route.route_key,
                               f"the API has no corsConfiguration and no route catches OPTIONS {route.path}; "
                               f"{'; '.join(why)}: the preflight gets 404",
                               "add a corsConfiguration (API Gateway then answers preflights itself)"))
    return out


def _cors(cfg: HttpApi, origins: list[str]) -> list[Finding]:
    cors = cfg.cors
    assert cors is not None
    where = "corsConfiguration"
    allow_origins = list(cors.allow_origins)
    credentials = cors.allow_credentials
    out: list[Finding] = []
    if "*" in allow_origins and credentials:
        out.append(finding("wildcard-with-credentials", where,
                           f"AllowOrigins {allow_origins} with AllowCredentials true",
                           "list the allowed origins instead of *"))
    for entry in allow_origins:
        if entry in ("https://*", "http://*"):
            out.append(finding("origin-reflected", where,
                               f"AllowOrigins has {entry}: API Gateway answers every {entry[:-1]} site's "
                               f"Origin back" + (" with AllowCredentials true" if credentials else ""),
                               "list the allowed origins", severity="error" if credentials else "warning"))
        if is_insecure(entry):
            out.append(finding("insecure-origin", where,
                               f"AllowOrigins has {entry}, an http:// origin, on an https API",
                               f"serve the frontend over https and allow "
                               f"{entry.replace('http://', 'https://', 1)}"))
    allow_methods = {m.upper() for m in cors.allow_methods}
    missing: dict[str, list[str]] = {}
    for route in _routes(cfg):
        m = route.method
        if m and m not in ("ANY", "OPTIONS") and m not in SAFELISTED_METHODS and "*" not in allow_methods \
                and m not in allow_methods:
            missing.setdefault(m, []).append(route.route_key)
    for m, keys in sorted(missing.items()):
        out.append(finding("method-not-allowed", keys[0],
                           f"route {', '.join(keys)} but corsConfiguration AllowMethods is "
                           f"{sorted(allow_methods) or 'empty'}",
                           f"add {m} to AllowMethods"))
    allow_headers = {h.lower() for h in cors.allow_headers}
    needed: dict[str, list[str]] = {}
    for route in _routes(cfg):
        for header in required_headers(cfg, route):
            needed.setdefault(header, []).append(route.route_key)
    for header, keys in needed.items():
        if header.lower() in allow_headers:
            continue
        because = f"route {', '.join(keys)} requires {header}"
        if "*" in allow_headers:
            if header.lower() == "authorization":
                out.append(finding("wildcard-authorization", where,
                                   f"{because}, and AllowHeaders relies on * for it; * never covers "
                                   f"Authorization", "list authorization in AllowHeaders"))
            continue
        out.append(finding("header-not-allowed", where,
                           f"{because}, but AllowHeaders is {sorted(allow_headers) or 'empty'}",
                           f"add {header.lower()} to AllowHeaders"))
    for origin in origins:
        if not origin_matches(origin, allow_origins):
            out.append(finding("origin-not-allowed", where,
                               f"{origin} is not in AllowOrigins {allow_origins}: its preflights get no "
                               f"CORS headers, and API Gateway drops the Lambda's own",
                               f"add {origin} to AllowOrigins"))
    return out


def _stage(cfg: HttpApi) -> list[Finding]:
    out = []
    settings = {"default route": cfg.throttle} if cfg.throttle is not None else {}
    settings.update({f"route {k}": v for k, v in cfg.route_throttles.items()})
    for label, s in settings.items():
        rate, burst = s.rate_limit, s.burst_limit
        if rate == 0 or burst == 0:
            out.append(finding("throttled-to-zero", f"stage {cfg.stage}",
                               f"{label}: ThrottlingRateLimit {rate}, ThrottlingBurstLimit {burst}: every "
                               f"request, preflights included, gets 429", "raise the stage's throttling limits"))
    return out
