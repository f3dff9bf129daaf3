"""A live API's configuration (boto3's shapes, as ``e2e.aws.config`` reads
them) turned into the local gateway's model: the one model inspect's findings,
scenarios-from and the running-gateway probe all read, as they do for
templates and fixtures.

The model keeps everything inspect judges, also what the local gateway does
not run (AWS/HTTP integrations, IAM/Cognito/JWT authorization, per-method
throttling); ``runnable`` takes that out, with a note, never guessed, before
the probe serves the model. The Lambdas' code is not fetched: the model names
one stand-in per function ARN (the probe replaces them with a crashing
stand-in anyway); HTTP API routes get the function their integration calls.
"""
from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path
from typing import Any

from e2e.aws.config import Config
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
    return runnable(cfg.model, notes)


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
    if isinstance(api, HttpApi):
        return _runnable_http(api, notes)
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
    return replace(api, resources=resources, authorizers=authorizers, functions=functions, method_throttles={},
                   throttle=_served_throttle(api.throttle))


def _runnable_http(api: HttpApi, notes: list[str]) -> HttpApi:
    routes = []
    for r in api.routes:
        auth = r.authorization_type
        if auth not in ("NONE", "CUSTOM") or (auth == "CUSTOM" and (
                r.authorizer not in api.authorizers or api.authorizers[r.authorizer].type != "REQUEST")):
            notes.append(f"{r.route_key}: authorization {auth} is not modelled locally; not probed")
            continue
        if r.integration.type != "AWS_PROXY":
            notes.append(f"{r.route_key}: its integration is not a Lambda proxy and is not run locally; not probed")
            continue
        routes.append(replace(r, authorization=None, authorizer=r.authorizer if auth == "CUSTOM" else None))
    authorizers = {k: a for k, a in api.authorizers.items() if a.type == "REQUEST"}
    return replace(api, routes=routes, authorizers=authorizers, route_throttles={},
                   throttle=_served_throttle(api.throttle))


def _served_throttle(throttle: ThrottleSettings | None) -> ThrottleSettings | None:
    """A negative limit is API Gateway's "not set": the local gateway then does not throttle."""
    if throttle is None or throttle.rate_limit < 0 or throttle.burst_limit < 0:
        return None
    return throttle


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


def http_model(api: ResolvedApi, info: dict[str, Any], raw_routes: list[dict[str, Any]],
               integrations: dict[str, dict[str, Any]], raw_authorizers: dict[str, dict[str, Any]],
               stage: dict[str, Any]) -> HttpApi:
    """An HTTP API from boto3's shapes (GetApi, GetRoutes, GetIntegrations by id, the routes'
    authorizers by id, GetStage): everything inspect judges (``runnable`` takes out what the local
    gateway does not run)."""
    functions: dict[str, LambdaFunction] = {}
    authorizers: dict[str, HttpAuthorizer] = {}
    for auth_id, a in raw_authorizers.items():
        sources = list(a.get("IdentitySource") or [])
        if a.get("AuthorizerType") == "JWT":
            authorizers[auth_id] = HttpAuthorizer(auth_id, "", sources, type="JWT")
            continue
        fn = _function(a.get("AuthorizerUri"), functions)
        if a.get("AuthorizerType") == "REQUEST" and fn:
            authorizers[auth_id] = HttpAuthorizer(auth_id, fn, sources,
                                                  bool(a.get("EnableSimpleResponses", True)))
    routes = []
    for r in raw_routes:
        target = str(r.get("Target") or "")
        integ = integrations.get(target.split("/", 1)[-1]) if target.startswith("integrations/") else None
        fn = _function((integ or {}).get("IntegrationUri"), functions)
        if integ is not None and integ.get("IntegrationType") == "AWS_PROXY" and fn:
            integration = HttpIntegration("AWS_PROXY", fn, str(integ.get("PayloadFormatVersion") or "2.0"),
                                          int(integ.get("TimeoutInMillis") or 30000))
        else:
            integration = HttpIntegration("HTTP_PROXY", "")
        auth = str(r.get("AuthorizationType") or "NONE")
        routes.append(Route(r["RouteKey"], integration, r.get("AuthorizerId") if auth != "NONE" else None,
                            authorization=auth, api_key_required=bool(r.get("ApiKeyRequired"))))
    routes.sort(key=lambda r: (r.path, r.method))
    cors = None
    c = info.get("CorsConfiguration")
    if c:
        cors = CorsConfiguration(list(c.get("AllowOrigins") or []), list(c.get("AllowMethods") or []),
                                 list(c.get("AllowHeaders") or []), list(c.get("ExposeHeaders") or []),
                                 c.get("MaxAge"), bool(c.get("AllowCredentials")))
    throttles = {key: _v2_throttle(s) for key, s in (stage.get("RouteSettings") or {}).items()}
    return HttpApi(name=api.name or api.api_id, stage=api.stage, description="", source=api.label,
                   functions=functions, routes=routes, cors=cors, authorizers=authorizers,
                   throttle=_v2_throttle(stage.get("DefaultRouteSettings") or {}),
                   route_throttles={k: t for k, t in throttles.items() if t is not None})


def _v2_throttle(settings: dict[str, Any]) -> ThrottleSettings | None:
    if "ThrottlingRateLimit" not in settings and "ThrottlingBurstLimit" not in settings:
        return None
    return ThrottleSettings(settings.get("ThrottlingRateLimit", -1), settings.get("ThrottlingBurstLimit", -1))
