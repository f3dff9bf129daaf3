"""An HTTP API (v2) in a template -> the gateway's ``HttpApi`` model:
AWS::ApiGatewayV2::Api (CorsConfiguration, quick-create Target/RouteKey, or an
OpenAPI 3 Body), Route, Integration, Stage and Authorizer."""
from __future__ import annotations

import re
from typing import Any

from e2e.gateway.model import CorsConfiguration, HttpApi, HttpAuthorizer, HttpIntegration, Route, ThrottleSettings
from e2e.templates.intrinsics import Context, Where, resolve
from e2e.templates.rest import Functions
from e2e.templates.source import Stack

_INTEGRATION_KEYS = {"ApiId", "IntegrationType", "IntegrationUri", "PayloadFormatVersion", "TimeoutInMillis",
                     "IntegrationMethod", "Description", "CredentialsArn", "ConnectionType"}
_ROUTE_KEYS = {"ApiId", "RouteKey", "Target", "AuthorizationType", "AuthorizerId", "OperationName",
               "ApiKeyRequired", "AuthorizationScopes"}
_ORIGIN = re.compile(r"^(\*|https?://\*|[a-z][a-z0-9+.-]*://[^/*\s]+)$")


def load_http_api(stack: Stack, ctx: Context, api_id: str, notes: list[str]) -> HttpApi:
    resource = stack.template["Resources"][api_id]
    where = Where(stack.file, api_id, "Properties")
    props = resolve(resource.get("Properties") or {}, ctx, where)
    functions = Functions(stack, ctx)
    cors_spec = props.get("CorsConfiguration")
    routes: list[Route] = []
    if props.get("Body") is not None:
        from e2e.templates.openapi import http_body_cors, http_body_routes
        for key, spec, iwhere in http_body_routes(props["Body"], where.at("Body")):
            routes.append(Route(key, _integration(spec, iwhere, functions)))
        cors_spec = cors_spec or http_body_cors(props["Body"])
    if props.get("Target"):
        # Quick create: one route (RouteKey, default $default) to the Lambda, payload 2.0, a $default stage.
        integration = HttpIntegration("AWS_PROXY", functions.from_uri(props["Target"], where.at("Target")))
        routes.append(Route(str(props.get("RouteKey", "$default")), integration))
    integrations = {logical: (spec, iwhere) for logical, spec, iwhere
                    in _children(stack, ctx, api_id, "AWS::ApiGatewayV2::Integration")}
    authorizers = {logical: _authorizer(logical, spec, awhere, functions) for logical, spec, awhere
                   in _children(stack, ctx, api_id, "AWS::ApiGatewayV2::Authorizer")}
    for logical, spec, rwhere in _children(stack, ctx, api_id, "AWS::ApiGatewayV2::Route"):
        for key in spec:
            if key not in _ROUTE_KEYS:
                rwhere.at(key).fail("property not modelled by the local gateway")
        target = str(spec.get("Target", ""))
        if not target.startswith("integrations/") or target.split("/", 1)[1] not in integrations:
            rwhere.at("Target").fail(f"{target!r} is not integrations/ID of an integration of {api_id}")
        auth_type = str(spec.get("AuthorizationType", "NONE"))
        if auth_type not in ("NONE", "CUSTOM"):
            rwhere.at("AuthorizationType").fail(f"{auth_type} authorization is not modelled locally "
                                                "(NONE and CUSTOM, a Lambda authorizer, are)")
        authorizer = spec.get("AuthorizerId") if auth_type == "CUSTOM" else None
        if auth_type == "CUSTOM" and authorizer not in authorizers:
            rwhere.at("AuthorizerId").fail(f"{authorizer!r} is not an authorizer of {api_id}")
        ispec, iwhere = integrations[target.split("/", 1)[1]]
        routes.append(Route(str(spec.get("RouteKey", "")), _integration(ispec, iwhere, functions), authorizer))
    if not routes:
        where.fail("the HTTP API has no routes (no Route resources, Target or Body)")
    stage, throttle = _stage(stack, ctx, api_id, props, notes, where)
    return HttpApi(name=str(props.get("Name") or api_id), stage=stage,
                   description=str(props.get("Description", "")), source=stack.file,
                   functions=functions.loaded, routes=routes,
                   cors=_cors(cors_spec, where.at("CorsConfiguration")) if cors_spec else None,
                   authorizers=authorizers, throttle=throttle)


def _children(stack: Stack, ctx: Context, api_id: str, kind: str):
    for logical, resource in stack.template["Resources"].items():
        if not isinstance(resource, dict) or resource.get("Type") != kind or not ctx.resource_enabled(logical):
            continue
        where = Where(stack.file, logical, "Properties")
        raw = resource.get("Properties") or {}
        if resolve(raw.get("ApiId"), ctx, where.at("ApiId")) == api_id:
            yield logical, resolve(raw, ctx, where), where


def _integration(spec: dict[str, Any], where: Where, functions: Functions) -> HttpIntegration:
    for key in spec:
        if key not in _INTEGRATION_KEYS:
            where.at(key).fail("property not modelled by the local gateway")
    kind = str(spec.get("IntegrationType", ""))
    if kind != "AWS_PROXY":
        where.at("IntegrationType").fail(f"unsupported integration type {kind or '(none)'!r} "
                                         "(the local gateway runs AWS_PROXY)")
    version = str(spec.get("PayloadFormatVersion", "2.0"))
    if version != "2.0":
        where.at("PayloadFormatVersion").fail(f"payload format {version} on HTTP APIs is not modelled locally (2.0 is)")
    timeout = int(spec.get("TimeoutInMillis", 30000))
    if not 50 <= timeout <= 30000:
        where.at("TimeoutInMillis").fail(f"{timeout} is out of range 50..30000")
    return HttpIntegration("AWS_PROXY", functions.from_uri(spec.get("IntegrationUri"), where.at("IntegrationUri")),
                           version, timeout)


def _authorizer(logical: str, spec: dict[str, Any], where: Where, functions: Functions) -> HttpAuthorizer:
    if spec.get("AuthorizerType") != "REQUEST":
        where.at("AuthorizerType").fail(f"{spec.get('AuthorizerType')} authorizers are not modelled locally "
                                        "(REQUEST, a Lambda authorizer, is)")
    if spec.get("EnableSimpleResponses") is not True:
        where.at("EnableSimpleResponses").fail("only simple responses ({isAuthorized: ...}) are modelled locally")
    sources = spec.get("IdentitySource") or ["$request.header.Authorization"]
    return HttpAuthorizer(logical, functions.from_uri(spec.get("AuthorizerUri"), where.at("AuthorizerUri")),
                          [str(s) for s in sources])


def _cors(spec: Any, where: Where) -> CorsConfiguration:
    if not isinstance(spec, dict):
        where.fail("expected a mapping")
    origins = [str(o) for o in spec.get("AllowOrigins") or []]
    for i, origin in enumerate(origins):
        if not _ORIGIN.match(origin):
            where.at(f"AllowOrigins[{i}]").fail(f"{origin!r}: use exact origins, '*', 'https://*' or 'http://*'")
    credentials = spec.get("AllowCredentials") in (True, "true")
    if credentials and "*" in origins:
        where.at("AllowCredentials").fail("BadRequestException: allow-credentials is not supported if "
                                          "'allow-origin' is *")
    max_age = spec.get("MaxAge")
    return CorsConfiguration(origins, [str(m) for m in spec.get("AllowMethods") or []],
                             [str(h) for h in spec.get("AllowHeaders") or []],
                             [str(h) for h in spec.get("ExposeHeaders") or []],
                             int(max_age) if max_age is not None else None, credentials)


def _stage(stack: Stack, ctx: Context, api_id: str, props: dict[str, Any], notes: list[str],
           where: Where) -> tuple[str, ThrottleSettings | None]:
    stages = list(_children(stack, ctx, api_id, "AWS::ApiGatewayV2::Stage"))
    if not stages:
        if props.get("Target"):
            return "$default", None
        where.fail("no AWS::ApiGatewayV2::Stage: the API has no invoke URL")
    logical, spec, swhere = stages[0]
    if len(stages) > 1:
        notes.append(f"{api_id} has {len(stages)} stages; serving {spec.get('StageName')} ({logical})")
    name = spec.get("StageName")
    if not isinstance(name, str) or not (name == "$default" or re.fullmatch(r"[A-Za-z0-9_-]+", name)):
        swhere.at("StageName").fail(f"{name!r}: $default or letters, digits, '-' and '_'")
    route = spec.get("DefaultRouteSettings") or {}
    throttle = None
    if "ThrottlingRateLimit" in route or "ThrottlingBurstLimit" in route:
        throttle = ThrottleSettings(float(route.get("ThrottlingRateLimit", 10000)),
                                    int(route.get("ThrottlingBurstLimit", 5000)))
    return name, throttle
