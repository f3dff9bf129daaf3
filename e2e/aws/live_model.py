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
from dataclasses import replace
from pathlib import Path
from typing import Any

from e2e.aws.config import Config, HttpConfig, RestConfig
from e2e.aws.target import ResolvedApi
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
    """The model the local gateway serves for ``cfg`` (what it cannot run left out, with notes)."""
    return runnable(cfg.model, notes) if isinstance(cfg, RestConfig) else _http(cfg, notes)


def rest_model(api: ResolvedApi, api_key_source: str, methods_by_path: list[tuple[str, dict[str, dict[str, Any]]]],
               raw_authorizers: dict[str, dict[str, Any]], raw_responses: dict[str, dict[str, Any]],
               method_settings: dict[str, dict[str, Any]], lambda_timeouts: dict[str, float]) -> RestApi:
    """A REST API from boto3's shapes (resources with their methods, authorizers by id, gateway
    responses by type, the stage's methodSettings, Lambda timeouts by ARN): everything inspect
    judges, including what the local gateway does not run (``runnable`` takes that out)."""
    functions: dict[str, LambdaFunction] = {}
    authorizers: dict[str, Authorizer] = {}
    for auth_id, a in raw_authorizers.items():
        sources = [s.strip() for s in str(a.get("identitySource", "")).split(",") if s.strip()]
        if a.get("type") == "COGNITO_USER_POOLS":
            authorizers[auth_id] = Authorizer(auth_id, "COGNITO_USER_POOLS", "", sources)
            continue
        fn = _function(a.get("authorizerUri"), functions)
        if a.get("type") in ("TOKEN", "REQUEST") and fn:
            authorizers[auth_id] = Authorizer(auth_id, a["type"], fn, sources,
                                              a.get("identityValidationExpression"),
                                              int(a.get("authorizerResultTtlInSeconds", 300) or 0))
    resources: dict[str, Resource] = {"/": Resource("/")}
    for path, methods in methods_by_path:
        resource = resources.setdefault(path, Resource(path))
        for verb, m in methods.items():
            raw = dict(m.get("methodIntegration") or {})
            integration = rest_integration(raw, functions)
            if integration is None:
                integration = Integration(raw.get("type") or "HTTP", _function(raw.get("uri"), functions),
                                          timeout_ms=int(raw.get("timeoutInMillis") or 29000))
            resource.methods[verb] = Method(verb, integration, m.get("authorizationType", "NONE"),
                                            m.get("authorizerId"), bool(m.get("apiKeyRequired")))
    for path in list(resources):
        while path != "/":
            path = path.rsplit("/", 1)[0] or "/"
            resources.setdefault(path, Resource(path))
    timeouts = {m.group(1): t for arn, t in lambda_timeouts.items() if (m := _FUNCTION.search(arn))}
    for fn in functions.values():
        fn.timeout = timeouts.get(fn.name)   # None: not read from Lambda, so not compared
    gateway_responses = {}
    for kind, g in raw_responses.items():
        if g.get("defaultResponse"):
            continue   # API Gateway's own default, which the local gateway answers too
        status = g.get("statusCode")
        gateway_responses[kind] = GatewayResponse(kind, int(status) if status else None,
                                                  dict(g.get("responseParameters") or {}),
                                                  _templates(g.get("responseTemplates")))
    throttles = {key: ThrottleSettings(s.get("throttlingRateLimit", -1), s.get("throttlingBurstLimit", -1))
                 for key, s in method_settings.items()
                 if "throttlingRateLimit" in s or "throttlingBurstLimit" in s}
    needs_key = any(m.api_key_required for r in resources.values() for m in r.methods.values())
    return RestApi(name=api.name or api.api_id, stage=api.stage, description="",
                   source=api.label, functions=functions, resources=resources,
                   gateway_responses=gateway_responses, authorizers=authorizers,
                   api_keys=[LIVE_API_KEY] if needs_key else [], throttle=throttles.pop("*/*", None),
                   api_key_source=api_key_source, method_throttles=throttles)


def runnable(api: Api, notes: list[str]) -> Api:
    """``api`` without what the local gateway does not run (integrations other than Lambda proxy
    and MOCK, authorization other than Lambda authorizers), each left out with a note: never guessed."""
    if not isinstance(api, RestApi):
        return api
    resources = {}
    for path, resource in api.resources.items():
        kept = Resource(path)
        for verb, m in resource.methods.items():
            where = f"{verb} {path}"
            if m.integration.type not in ("AWS_PROXY", "MOCK"):
                notes.append(f"{where}: integration type {m.integration.type} is not run locally; not probed")
                continue
            auth = m.authorization_type
            if auth not in ("NONE", "CUSTOM") or (auth == "CUSTOM" and (
                    m.authorizer not in api.authorizers or api.authorizers[m.authorizer].type not in ("TOKEN",
                                                                                                    "REQUEST"))):
                notes.append(f"{where}: authorization {auth} is not modelled locally; not probed")
                continue
            kept.methods[verb] = replace(m, authorizer=m.authorizer if auth == "CUSTOM" else None)
        resources[path] = kept
    authorizers = {k: a for k, a in api.authorizers.items() if a.type in ("TOKEN", "REQUEST")}
    functions = {k: replace(f, timeout=3.0 if f.timeout is None else f.timeout) for k, f in api.functions.items()}
    return replace(api, resources=resources, authorizers=authorizers, functions=functions, method_throttles={})


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
