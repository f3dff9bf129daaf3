"""Findings for a REST API (v1): pure functions over the gateway's model
(``e2e.gateway.model.RestApi``, loaded from a template, a fixture or a live account).

REST APIs have no CORS engine: the preflight is whatever the OPTIONS method
answers (usually a MOCK, as CDK and the console create it), the actual
response is the Lambda's, and errors API Gateway generates carry CORS headers
only if a gateway response adds them. So the checks go resource by resource,
then over the gateway responses, then the stage.
"""
from __future__ import annotations

from e2e.aws.findings import Finding, finding
from e2e.aws.origins import SAFELISTED_METHODS, is_insecure, is_request_origin, literal, origin_matches
from e2e.aws.preflight import Preflight, run_preflight
from e2e.gateway.errors import RESPONSE_STATUS, parent_response_type  # the gateway-response table
from e2e.gateway.model import GatewayResponse, Method, Resource, RestApi, ThrottleSettings

# Gateway responses a configuration makes reachable, and the status each has:
# the gateway's table, plus the 502 a failing Lambda gets under DEFAULT_5XX.
_STATUS = {**RESPONSE_STATUS, "DEFAULT_5XX": 502}
_ALLOW_ORIGIN = "gatewayresponse.header.access-control-allow-origin"
_ALLOW_CREDENTIALS = "gatewayresponse.header.access-control-allow-credentials"


def served(resource: Resource) -> list[str]:
    """The methods a browser calls here: everything but OPTIONS."""
    return [m for m in resource.methods if m != "OPTIONS"]


def secured(method: Method) -> bool:
    return method.authorization_type != "NONE" or method.api_key_required


def inspect_rest(cfg: RestApi, origins: list[str]) -> list[Finding]:
    out: list[Finding] = []
    for _, resource in sorted(cfg.resources.items()):
        if served(resource):
            out += _resource(cfg, resource, origins)
    out += _gateway_responses(cfg, origins)
    out += _stage(cfg)
    return out


def required_headers(cfg: RestApi, method: Method) -> list[str]:
    """Headers a browser must send for ``method`` to get past API Gateway."""
    headers: list[str] = []
    if method.api_key_required and cfg.api_key_source == "HEADER":
        headers.append("X-Api-Key")
    if method.authorization_type in ("CUSTOM", "COGNITO_USER_POOLS") and method.authorizer:
        auth = cfg.authorizers.get(method.authorizer)
        for source in (auth.identity_source if auth else []):
            source = source.strip()
            if source.lower().startswith("method.request.header."):
                headers.append(source[len("method.request.header."):])
    if method.authorization_type == "AWS_IAM":
        headers += ["Authorization", "X-Amz-Date"]
    return headers


def _needs_preflight(cfg: RestApi, resource: Resource) -> list[str]:
    """Why a browser preflights requests to this resource ([] if it need not)."""
    why = [f"{m} is not a simple method" for m in served(resource) if m not in SAFELISTED_METHODS | {"ANY"}]
    if "POST" in served(resource) and resource.methods["POST"].integration.type == "AWS_PROXY":
        # POST is a safelisted method, but what a frontend POSTs to a Lambda is JSON, and
        # Content-Type: application/json is not a safelisted value: the browser preflights.
        why.append("POST goes to a Lambda, and a POST with a JSON body (Content-Type: application/json) "
                   "is preflighted")
    for verb in served(resource):
        for header in required_headers(cfg, resource.methods[verb]):
            why.append(f"{verb} requires the {header} header")
    return why


def _resource(cfg: RestApi, resource: Resource, origins: list[str]) -> list[Finding]:
    path = resource.path
    options = resource.methods.get("OPTIONS")
    if options is None:
        anything = resource.methods.get("ANY")
        if anything is not None:
            if secured(anything):
                return [finding("authorizer-on-preflight", f"ANY {path}",
                                f"no OPTIONS method, so ANY {path} catches the preflight, and it "
                                f"{_security(anything)}: the preflight (which carries no credentials) is refused",
                                f"add an OPTIONS method without authorization to {path} (CDK: "
                                f"defaultCorsPreflightOptions, which never uses an authorizer)")]
            return []  # the Lambda answers preflights; only a browser run can judge it
        why = _needs_preflight(cfg, resource)
        if not why:
            return []
        return [finding("missing-preflight", path,
                        f"{path} has no OPTIONS or ANY method and {'; '.join(why)}: the preflight gets "
                        f"403 Missing Authentication Token",
                        f"add an OPTIONS method to {path} (CDK: defaultCorsPreflightOptions or "
                        f"addCorsPreflight; console: Enable CORS)")]
    out: list[Finding] = []
    if secured(options):
        out.append(finding("authorizer-on-preflight", f"OPTIONS {path}",
                           f"OPTIONS {path} {_security(options)}: the preflight carries no credentials "
                           f"and is refused",
                           f"set authorizationType NONE and apiKeyRequired false on OPTIONS {path}"))
    pf = run_preflight(options.integration)
    if pf is not None:
        out += _preflight(cfg, resource, pf, origins)
    return out


def _security(method: Method) -> str:
    parts = []
    if method.authorization_type != "NONE":
        parts.append(f"uses authorizationType {method.authorization_type}")
    if method.api_key_required:
        parts.append("requires an API key")
    return " and ".join(parts)


def _preflight(cfg: RestApi, resource: Resource, pf: Preflight, origins: list[str]) -> list[Finding]:
    path, where = resource.path, f"OPTIONS {resource.path}"
    out: list[Finding] = []
    raw_origin = pf.raw.get("access-control-allow-origin", "(absent)")
    if "*" in pf.origins and pf.credentials:
        out.append(finding("wildcard-with-credentials", where,
                           f"the preflight answers Access-Control-Allow-Origin {raw_origin} with "
                           f"Access-Control-Allow-Credentials {pf.raw['access-control-allow-credentials']}",
                           "list the allowed origins instead of * (CDK allowOrigins: [...]) and have the "
                           "Lambda echo the request's origin when it is on that list"))
    if pf.reflected:
        out.append(finding("origin-reflected", where, pf.reflected + (
            " (with Access-Control-Allow-Credentials true)" if pf.credentials else ""),
            "compare the Origin with an allow-list before echoing it (as CDK's multi-origin "
            "template does), or answer a fixed origin", severity="error" if pf.credentials else "warning"))
    for origin in pf.origins:
        if is_insecure(origin):
            out.append(finding("insecure-origin", where,
                               f"the preflight allows {origin}, an http:// origin, on an https API",
                               f"serve the frontend over https and allow {origin.replace('http://', 'https://', 1)}"))
    browser_methods = [m for m in served(resource) if m not in SAFELISTED_METHODS | {"ANY"}]
    allowed_methods = {m.upper() for m in pf.methods or []}
    wildcard_methods = "*" in allowed_methods and not pf.credentials
    missing = [m for m in browser_methods if m not in allowed_methods and not wildcard_methods]
    if missing:
        out.append(finding("method-not-allowed", where,
                           f"{path} serves {', '.join(missing)} but the preflight's "
                           f"Access-Control-Allow-Methods is {_shown(pf, 'access-control-allow-methods')}",
                           f"add {', '.join(missing)} to allowMethods (or leave CDK's default, all methods)"))
    out += _headers(cfg, resource, pf)
    if not pf.reflected and "*" not in pf.origins:
        for origin in origins:
            if not origin_matches(origin, pf.origins):
                out.append(finding("origin-not-allowed", where,
                                   f"{origin} is not among the origins the preflight answers "
                                   f"({', '.join(pf.origins) or 'none'}); it gets "
                                   f"{pf.origins[0] if pf.origins else 'no Allow-Origin'} back",
                                   f"add {origin} to allowOrigins"))
    return out


def _headers(cfg: RestApi, resource: Resource, pf: Preflight) -> list[Finding]:
    where = f"OPTIONS {resource.path}"
    allowed = {h.lower() for h in pf.headers or []}
    needed: dict[str, list[str]] = {}
    for verb in served(resource):
        for header in required_headers(cfg, resource.methods[verb]):
            needed.setdefault(header, []).append(verb)
    out: list[Finding] = []
    for header, verbs in needed.items():
        if header.lower() in allowed:
            continue
        because = f"{'/'.join(verbs)} {resource.path} requires {header}"
        if "*" in allowed and header.lower() == "authorization" and not pf.credentials:
            out.append(finding("wildcard-authorization", where,
                               f"{because}, and the preflight relies on Access-Control-Allow-Headers * "
                               f"for it; * never covers Authorization",
                               "list Authorization explicitly in allowHeaders"))
        elif "*" in allowed and not pf.credentials:
            continue
        else:
            out.append(finding("header-not-allowed", where,
                               f"{because}, but the preflight's Access-Control-Allow-Headers is "
                               f"{_shown(pf, 'access-control-allow-headers')}"
                               + (" (* is a literal name on credentialed requests)" if "*" in allowed else ""),
                               f"add {header} to allowHeaders"))
    return out


def _shown(pf: Preflight, header: str) -> str:
    return pf.raw.get(header, "absent")


def _gateway_responses(cfg: RestApi, origins: list[str]) -> list[Finding]:
    out: list[Finding] = []
    for kind, resp in sorted(cfg.gateway_responses.items()):
        params = {k.lower(): v for k, v in resp.response_parameters.items()}
        source = params.get(_ALLOW_ORIGIN)
        if source is None:
            continue
        where = f"gatewayResponses/{kind}"
        value = literal(source)
        credentials = (literal(params.get(_ALLOW_CREDENTIALS, "")) or "").lower() == "true"
        if value == "*" and credentials:
            out.append(finding("wildcard-with-credentials", where,
                               f"{kind} answers Access-Control-Allow-Origin {source} with "
                               f"Access-Control-Allow-Credentials {params[_ALLOW_CREDENTIALS]}",
                               "answer a fixed origin (the frontend's) instead of *"))
        elif is_request_origin(source):
            out.append(finding("origin-reflected", where,
                               f"{kind} maps Access-Control-Allow-Origin from {source}: every site may read "
                               f"these errors" + (" with credentials" if credentials else ""),
                               "answer a fixed origin (gateway responses cannot compare with a list)",
                               severity="error" if credentials else "warning"))
        elif value is not None and "," in value:
            # One finding whatever the origins: a list is never a valid Allow-Origin.
            out.append(finding("origin-not-allowed", where,
                               f"{kind} answers Access-Control-Allow-Origin {source}, a list: browsers accept "
                               f"exactly one origin, so no page can read these errors",
                               "answer one origin (the frontend's); a gateway response cannot choose per request"))
        elif value is not None:
            if is_insecure(value):
                out.append(finding("insecure-origin", where, f"{kind} allows {value}, an http:// origin",
                                   f"serve the frontend over https and allow {value.replace('http://', 'https://', 1)}"))
            for origin in origins:
                if value != "*" and not origin_matches(origin, [value]):
                    out.append(finding("origin-not-allowed", where,
                                       f"{kind} answers Access-Control-Allow-Origin {source}, so {origin} "
                                       f"cannot read these errors", f"answer {origin} there"))
    out += _errors_without_cors(cfg)
    return out


def _reachable_errors(cfg: RestApi) -> dict[str, list[str]]:
    """Gateway response types this configuration can produce -> why."""
    why: dict[str, list[str]] = {}
    for _, resource in sorted(cfg.resources.items()):
        for verb in served(resource):
            m = resource.methods[verb]
            at = f"{verb} {resource.path}"
            if m.api_key_required:
                why.setdefault("INVALID_API_KEY", []).append(f"{at} requires an API key")
            if m.authorization_type != "NONE":
                why.setdefault("UNAUTHORIZED", []).append(f"{at} uses authorizationType {m.authorization_type}")
                why.setdefault("ACCESS_DENIED", []).append(f"{at} uses authorizationType {m.authorization_type}")
            integ = m.integration
            if integ.type == "AWS_PROXY":
                # The headline pitfall: a Lambda that throws, times out or returns a malformed
                # proxy response gets API Gateway's 502, through DEFAULT_5XX, whatever else is set.
                why.setdefault("DEFAULT_5XX", []).append(
                    f"{at} calls a Lambda through a proxy integration (a crash or malformed response is 502)")
            fn = cfg.functions.get(integ.function or "")
            if integ.type in ("AWS_PROXY", "AWS") and fn is not None and fn.timeout is not None:
                limit_ms = int(integ.timeout_ms or 29000)
                if limit_ms < fn.timeout * 1000:
                    why.setdefault("INTEGRATION_TIMEOUT", []).append(
                        f"{at} times out after {limit_ms} ms while its Lambda may run "
                        f"{fn.timeout:g} s")
    for key, settings in sorted(method_settings(cfg).items()):
        if settings.rate_limit >= 0 or settings.burst_limit >= 0:
            why.setdefault("THROTTLED", []).append(
                f"stage {cfg.stage} throttles {key} (rate {settings.rate_limit}, "
                f"burst {settings.burst_limit})")
    return why


def _has_allow_origin(resp: GatewayResponse | None) -> bool:
    params = {k.lower() for k in (resp.response_parameters if resp else {})}
    return _ALLOW_ORIGIN in params


def _errors_without_cors(cfg: RestApi) -> list[Finding]:
    out: list[Finding] = []
    for kind, why in sorted(_reachable_errors(cfg).items()):
        status = _STATUS[kind]
        parent = parent_response_type(status)
        own = cfg.gateway_responses.get(kind)
        # A specific type that was not customised inherits its DEFAULT_xXX.
        customised = own is not None and bool(
            own.response_parameters or own.response_templates or own.status_code is not None)
        effective = own if customised else cfg.gateway_responses.get(parent)
        if _has_allow_origin(effective):
            continue
        nor, into = (f" (nor {parent})", f"{parent} or {kind}") if kind != parent else ("", kind)
        out.append(finding("errors-without-cors", f"gatewayResponses/{kind}",
                           f"{'; '.join(why[:3])}{' ...' if len(why) > 3 else ''}, and the {status} "
                           f"{kind} response{nor} has no Access-Control-Allow-Origin: the "
                           f"frontend sees a CORS error instead",
                           f"add gatewayresponse.header.Access-Control-Allow-Origin (and -Credentials, "
                           f"Vary) to {into}"))
    return out


def method_settings(cfg: RestApi) -> dict[str, ThrottleSettings]:
    """The stage's throttling by methodSettings key ("*/*": the whole stage)."""
    return {**({"*/*": cfg.throttle} if cfg.throttle is not None else {}), **cfg.method_throttles}


def _stage(cfg: RestApi) -> list[Finding]:
    out = []
    for key, s in sorted(method_settings(cfg).items()):
        rate, burst = s.rate_limit, s.burst_limit
        if rate == 0 or burst == 0:
            out.append(finding("throttled-to-zero", f"stage {cfg.stage}",
                               f"methodSettings {key}: throttlingRateLimit {rate}, throttlingBurstLimit "
                               f"{burst}: every request, preflights included, gets 429 without CORS headers",
                               "raise the stage (or usage plan) throttling limits"))
    return out
