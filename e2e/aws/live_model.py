"""A live API's configuration (boto3's shapes, ``e2e.aws.config``) loaded into
the local gateway's model, so inspect can run the deployed configuration
through the same local services the templates and fixtures run in.

The Lambdas' code is not fetched: the model names one stand-in per function
ARN (the probe replaces them with a crashing stand-in anyway), and what the
gateway layer does (MOCK preflights with their templates, authorizer and API
key checks, gateway responses, throttling, the HTTP API's CORS engine) is
modelled from the configuration. Integrations the local gateway does not run
(HTTP, AWS, VPC link) and authorization types it does not model are left out
with a note, never guessed.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from e2e.aws.config import Config, HttpConfig, RestConfig
from e2e.gateway.model import (
    Api, Authorizer, CorsConfiguration, GatewayResponse, HttpApi, HttpAuthorizer, HttpIntegration, Integration,
    IntegrationResponse, LambdaFunction, Method, Resource, RestApi, Route, ThrottleSettings,
)

_STANDIN = Path(__file__).resolve().parents[1] / "templates" / "standins" / "crash.py"
_FUNCTION = re.compile(r"function:([A-Za-z0-9_-]+)")
LIVE_API_KEY = "cors-e2e-live-probe-key"


def _function(uri: Any, functions: dict[str, LambdaFunction]) -> str | None:
    m = _FUNCTION.search(str(uri or ""))
    if not m:
        return None
    name = m.group(1)
    functions.setdefault(name, LambdaFunction(name, "python3.12", str(_STANDIN), "crash.handler"))
    return name


def live_model(cfg: Config, notes: list[str]) -> Api:
    return _rest(cfg, notes) if isinstance(cfg, RestConfig) else _http(cfg, notes)


def _rest(cfg: RestConfig, notes: list[str]) -> RestApi:
    functions: dict[str, LambdaFunction] = {}
    authorizers: dict[str, Authorizer] = {}
    for auth_id, a in cfg.authorizers.items():
        fn = _function(a.get("authorizerUri"), functions)
        if a.get("type") in ("TOKEN", "REQUEST") and fn:
            sources = [s.strip() for s in str(a.get("identitySource", "")).split(",") if s.strip()]
            authorizers[auth_id] = Authorizer(auth_id, a["type"], fn, sources,
                                              a.get("identityValidationExpression"),
                                              int(a.get("authorizerResultTtlInSeconds", 300) or 0))
    resources: dict[str, Resource] = {"/": Resource("/")}
    for r in cfg.resources:
        resource = resources.setdefault(r.path, Resource(r.path))
        for verb, m in r.methods.items():
            integration = rest_integration(m.integration, functions)
            where = f"{verb} {r.path}"
            if integration is None:
                notes.append(f"{where}: integration type {m.integration_type} is not run locally; not probed")
                continue
            auth = m.authorization_type
            if auth not in ("NONE", "CUSTOM") or (auth == "CUSTOM" and m.authorizer_id not in authorizers):
                notes.append(f"{where}: authorization {auth} is not modelled locally; not probed")
                continue
            resource.methods[verb] = Method(verb, integration, auth, m.authorizer_id if auth == "CUSTOM" else None,
                                            m.api_key_required)
    for path in list(resources):
        while path != "/":
            path = path.rsplit("/", 1)[0] or "/"
            resources.setdefault(path, Resource(path))
    gateway_responses = {}
    for kind, g in cfg.gateway_responses.items():
        if g.get("defaultResponse") and not g.get("responseParameters") and not g.get("responseTemplates"):
            continue
        status = g.get("statusCode")
        gateway_responses[kind] = GatewayResponse(kind, int(status) if status else None,
                                                  dict(g.get("responseParameters") or {}),
                                                  dict(g.get("responseTemplates") or {}))
    throttle = None
    star = cfg.method_settings.get("*/*") or {}
    if "throttlingRateLimit" in star or "throttlingBurstLimit" in star:
        throttle = ThrottleSettings(float(star.get("throttlingRateLimit", 10000)),
                                    int(star.get("throttlingBurstLimit", 5000)))
    needs_key = any(m.api_key_required for r in resources.values() for m in r.methods.values())
    return RestApi(name=cfg.api.name or cfg.api.api_id, stage=cfg.api.stage, description="",
                   source=cfg.api.label, functions=functions, resources=resources,
                   gateway_responses=gateway_responses, authorizers=authorizers,
                   api_keys=[LIVE_API_KEY] if needs_key else [], throttle=throttle)


def rest_integration(i: dict[str, Any], functions: dict[str, LambdaFunction]) -> Integration | None:
    kind = i.get("type")
    timeout = int(i.get("timeoutInMillis") or 29000)
    if kind == "AWS_PROXY":
        fn = _function(i.get("uri"), functions)
        return Integration("AWS_PROXY", fn, timeout_ms=timeout) if fn else None
    if kind == "MOCK":
        responses = [IntegrationResponse(int(r.get("statusCode", 200)), r.get("selectionPattern") or None,
                                         dict(r.get("responseParameters") or {}),
                                         _templates(r.get("responseTemplates")))
                     for r in (i.get("integrationResponses") or {}).values()]
        return Integration("MOCK", request_templates=_templates(i.get("requestTemplates")),
                           passthrough_behavior=str(i.get("passthroughBehavior") or "WHEN_NO_MATCH"),
                           integration_responses=responses, timeout_ms=timeout)
    return None


def _templates(templates: dict[str, str | None] | None) -> dict[str, str]:
    """boto3 gives a template it holds no text for as None: the media type without a template."""
    return {media: text for media, text in (templates or {}).items() if text is not None}


def _http(cfg: HttpConfig, notes: list[str]) -> HttpApi:
    functions: dict[str, LambdaFunction] = {}
    authorizers: dict[str, HttpAuthorizer] = {}
    for auth_id, a in cfg.authorizers.items():
        fn = _function(a.get("AuthorizerUri"), functions)
        if a.get("AuthorizerType") == "REQUEST" and fn:
            authorizers[auth_id] = HttpAuthorizer(auth_id, fn, list(a.get("IdentitySource") or []))
    # The routes' integrations are not read (e2e.aws.config has no need of them): one stand-in serves all.
    standin = _function("function:cors-e2e-live-standin", functions)
    assert standin is not None
    routes = []
    for r in cfg.routes:
        if r.authorization_type not in ("NONE", "CUSTOM") or (r.authorization_type == "CUSTOM"
                                                              and r.authorizer_id not in authorizers):
            notes.append(f"{r.route_key}: authorization {r.authorization_type} is not modelled locally; not probed")
            continue
        routes.append(Route(r.route_key, HttpIntegration("AWS_PROXY", standin),
                            r.authorizer_id if r.authorization_type == "CUSTOM" else None))
    cors = None
    if cfg.cors:
        c = cfg.cors
        cors = CorsConfiguration(list(c.get("AllowOrigins") or []), list(c.get("AllowMethods") or []),
                                 list(c.get("AllowHeaders") or []), list(c.get("ExposeHeaders") or []),
                                 c.get("MaxAge"), bool(c.get("AllowCredentials")))
    settings = cfg.stage.get("DefaultRouteSettings") or {}
    throttle = None
    if "ThrottlingRateLimit" in settings or "ThrottlingBurstLimit" in settings:
        throttle = ThrottleSettings(float(settings.get("ThrottlingRateLimit", 10000)),
                                    int(settings.get("ThrottlingBurstLimit", 5000)))
    return HttpApi(name=cfg.api.name or cfg.api.api_id, stage=cfg.api.stage, description="",
                   source=cfg.api.label, functions=functions, routes=routes, cors=cors,
                   authorizers=authorizers, throttle=throttle)
