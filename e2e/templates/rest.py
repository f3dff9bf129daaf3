"""A REST API (v1) in a template -> the gateway's ``RestApi`` model.

Two shapes, one result: a tree of AWS::ApiGateway::Resource/Method (what
CDK and hand-written templates have) or an OpenAPI ``Body`` (what SAM's
translation and OpenAPI imports have; see openapi.py, which hands its
operations to ``method_model`` in CloudFormation's property casing). Plus
the API's GatewayResponses, Authorizers, Stage/Deployment, ApiKeys and
UsagePlans. A property the local gateway would not honour is an error
naming the logical id and the property path, never silently dropped.
"""
from __future__ import annotations

import re
from typing import Any

from e2e.gateway.loader_rest import GATEWAY_RESPONSE_TYPES
from e2e.gateway.model import (
    HTTP_METHODS, Authorizer, GatewayResponse, Integration, IntegrationResponse, LambdaFunction, Method,
    MethodResponse, Resource, RestApi, ThrottleSettings,
)
from e2e.gateway.vtl import TemplateError as VtlError
from e2e.gateway.vtl import parse_template
from e2e.templates.intrinsics import ROOT_MARKER, Context, Where, resolve
from e2e.templates.lambdas import load_function
from e2e.templates.source import Stack

_FUNCTION_IN_ARN = re.compile(r"(?:^|/)arn:aws[\w-]*:lambda:[\w-]+:\d{12}:function:([A-Za-z0-9_-]+)")
# Integration properties the gateway honours, or that change nothing a browser sees.
_INTEGRATION_KEYS = {"Type", "Uri", "IntegrationHttpMethod", "TimeoutInMillis", "RequestTemplates",
                     "PassthroughBehavior", "IntegrationResponses", "Credentials", "CacheKeyParameters",
                     "CacheNamespace", "ConnectionType"}
_METHOD_KEYS = {"HttpMethod", "ResourceId", "RestApiId", "AuthorizationType", "AuthorizerId", "ApiKeyRequired",
                "Integration", "MethodResponses", "OperationName", "RequestModels", "RequestParameters",
                "RequestValidatorId", "AuthorizationScopes"}


class Functions:
    """The template's Lambda functions, loaded the first time a method uses one."""

    def __init__(self, stack: Stack, ctx: Context) -> None:
        self.stack, self.ctx = stack, ctx
        self.loaded: dict[str, LambdaFunction] = {}

    def from_uri(self, uri: Any, where: Where) -> str:
        m = _FUNCTION_IN_ARN.search(str(uri))
        if not m:
            where.fail(f"{uri!r} does not call a Lambda function")
        name = m.group(1)
        resources = self.stack.template["Resources"]
        logical = name if name in resources else next(
            (k for k, r in resources.items() if isinstance(r, dict) and r.get("Type") == "AWS::Lambda::Function"
             and (r.get("Properties") or {}).get("FunctionName") == name), None)
        if logical is None or (resources[logical] or {}).get("Type") != "AWS::Lambda::Function":
            where.fail(f"calls Lambda function {name!r}, which this template does not define "
                       f"(only the template's own functions can run locally)")
        if logical not in self.loaded:
            self.loaded[logical] = load_function(self.stack, self.ctx, logical)
        return logical


def load_rest_api(stack: Stack, ctx: Context, api_id: str, notes: list[str]) -> RestApi:
    resource = stack.template["Resources"][api_id]
    where = Where(stack.file, api_id, "Properties")
    props = resolve(resource.get("Properties") or {}, ctx, where)
    functions = Functions(stack, ctx)
    if props.get("ApiKeySourceType", "HEADER") != "HEADER":
        where.at("ApiKeySourceType").fail("only HEADER (x-api-key) API keys are modelled locally")
    if props.get("BodyS3Location"):
        where.at("BodyS3Location").fail("an OpenAPI body in S3 cannot be read locally; inline it as Body")
    resources: dict[str, Resource] = {"/": Resource("/")}
    gateway_responses: dict[str, GatewayResponse] = {}
    authorizers: dict[str, Authorizer] = {}
    auth_names: dict[str, str] = {}
    api_key_required_any = False
    if props.get("Body") is not None:
        from e2e.templates.openapi import load_rest_body
        load_rest_body(props["Body"], where.at("Body"), functions, resources, gateway_responses, authorizers)
    for logical, spec, rwhere in _children(stack, ctx, api_id, "AWS::ApiGateway::Authorizer"):
        authorizers[logical] = _authorizer(logical, spec, rwhere, functions)
        auth_names[logical] = logical
    paths = _paths(stack, ctx, api_id)
    for path in paths.values():
        _ensure(resources, path)
    for logical, spec, mwhere in _children(stack, ctx, api_id, "AWS::ApiGateway::Method"):
        target = str(spec.get("ResourceId", ""))
        path = "/" if target.startswith(ROOT_MARKER) else paths.get(target)
        if path is None:
            mwhere.at("ResourceId").fail(f"{target!r} is not a resource of {api_id}")
        method = method_model(spec, mwhere, functions, auth_names)
        if method.http_method in resources[path].methods:
            mwhere.at("HttpMethod").fail(f"{path} already has a {method.http_method} method")
        resources[path].methods[method.http_method] = method
    for logical, spec, gwhere in _children(stack, ctx, api_id, "AWS::ApiGateway::GatewayResponse"):
        kind = str(spec.get("ResponseType", ""))
        gateway_responses[kind] = gateway_response(kind, spec.get("StatusCode"), spec.get("ResponseParameters"),
                                                   spec.get("ResponseTemplates"), gwhere)
    api_key_required_any = any(m.api_key_required for r in resources.values() for m in r.methods.values())
    stage, variables, throttle = _stage(stack, ctx, api_id, notes, where)
    api_keys = _api_keys(stack, ctx, notes)
    if api_key_required_any and not api_keys:
        api_keys = ["cors-e2e-local-api-key"]
        notes.append("a method requires an API key and the template creates none: the local gateway "
                     "accepts x-api-key: cors-e2e-local-api-key")
    plan = _usage_plan_throttle(stack, ctx)
    return RestApi(name=str(props.get("Name") or api_id), stage=stage,
                   description=str(props.get("Description", "")), source=stack.file,
                   functions=functions.loaded, resources=resources, gateway_responses=gateway_responses,
                   authorizers=authorizers, api_keys=api_keys, throttle=throttle or plan,
                   stage_variables=variables)


def _children(stack: Stack, ctx: Context, api_id: str, kind: str):
    """(logical id, resolved properties, where) of each resource of ``kind`` belonging to the API."""
    for logical, resource in stack.template["Resources"].items():
        if not isinstance(resource, dict) or resource.get("Type") != kind or not ctx.resource_enabled(logical):
            continue
        where = Where(stack.file, logical, "Properties")
        raw = resource.get("Properties") or {}
        owner = resolve(raw.get("RestApiId"), ctx, where.at("RestApiId"))
        if owner == api_id:
            yield logical, resolve(raw, ctx, where), where


def _paths(stack: Stack, ctx: Context, api_id: str) -> dict[str, str]:
    """Logical id of each AWS::ApiGateway::Resource -> its full path."""
    parts: dict[str, tuple[str, str, Where]] = {}
    for logical, spec, where in _children(stack, ctx, api_id, "AWS::ApiGateway::Resource"):
        parts[logical] = (str(spec.get("ParentId", "")), str(spec.get("PathPart", "")), where)
    out: dict[str, str] = {}

    def path_of(logical: str, seen: tuple[str, ...] = ()) -> str:
        if logical in out:
            return out[logical]
        parent, part, where = parts[logical]
        if not part or "/" in part:
            where.at("PathPart").fail(f"{part!r} is not one path segment")
        if parent.startswith(ROOT_MARKER):
            base = ""
        elif parent in parts and parent not in seen:
            base = path_of(parent, (*seen, logical))
        else:
            where.at("ParentId").fail(f"{parent!r} is neither the API's root nor one of its resources")
        out[logical] = f"{base}/{part}"
        return out[logical]

    for logical in parts:
        path_of(logical)
    return out


def _ensure(resources: dict[str, Resource], path: str) -> Resource:
    if path not in resources:
        _ensure(resources, path.rsplit("/", 1)[0] or "/")
        resources[path] = Resource(path)
    return resources[path]


def method_model(spec: dict[str, Any], where: Where, functions: Functions, authorizers: dict[str, str]) -> Method:
    """An AWS::ApiGateway::Method's resolved properties (CloudFormation casing) -> Method."""
    for key in spec:
        if key not in _METHOD_KEYS:
            where.at(key).fail("property not modelled by the local gateway")
    verb = str(spec.get("HttpMethod", "")).upper()
    if verb not in HTTP_METHODS:
        where.at("HttpMethod").fail(f"{verb!r} is not an HTTP method API Gateway serves")
    auth_type = str(spec.get("AuthorizationType", "NONE"))
    authorizer = spec.get("AuthorizerId")
    if auth_type not in ("NONE", "CUSTOM"):
        where.at("AuthorizationType").fail(f"{auth_type} authorization is not modelled locally "
                                           "(NONE and CUSTOM, a Lambda authorizer, are)")
    if auth_type == "CUSTOM":
        if authorizer not in authorizers:
            where.at("AuthorizerId").fail(f"{authorizer!r} is not an authorizer of this API")
        authorizer = authorizers[authorizer]
    integration_spec = spec.get("Integration")
    if not isinstance(integration_spec, dict):
        where.at("Integration").fail("required: the method's integration")
    method_responses = []
    for i, mr in enumerate(spec.get("MethodResponses") or []):
        params = mr.get("ResponseParameters") or {}
        method_responses.append(MethodResponse(_status(mr.get("StatusCode"), where.at(f"MethodResponses[{i}]")),
                                               {str(k): bool(v) for k, v in params.items()}))
    integration = integration_model(integration_spec, where.at("Integration"), functions)
    return Method(verb, integration, auth_type, authorizer if auth_type == "CUSTOM" else None,
                  _bool(spec.get("ApiKeyRequired", False)), method_responses)


def integration_model(spec: dict[str, Any], where: Where, functions: Functions) -> Integration:
    for key in spec:
        if key not in _INTEGRATION_KEYS:
            where.at(key).fail("property not modelled by the local gateway")
    kind = str(spec.get("Type", "")).upper()
    if spec.get("ConnectionType", "INTERNET") != "INTERNET":
        where.at("ConnectionType").fail("VPC_LINK integrations cannot run locally")
    timeout = int(spec.get("TimeoutInMillis", 29000))
    if not 50 <= timeout <= 29000:
        where.at("TimeoutInMillis").fail(f"{timeout} is out of range 50..29000")
    if kind == "AWS_PROXY":
        return Integration("AWS_PROXY", functions.from_uri(spec.get("Uri"), where.at("Uri")), timeout_ms=timeout)
    if kind == "MOCK":
        responses = []
        for i, ir in enumerate(spec.get("IntegrationResponses") or []):
            iwhere = where.at(f"IntegrationResponses[{i}]")
            templates = {str(k): str(v) for k, v in (ir.get("ResponseTemplates") or {}).items()}
            for ctype, text in templates.items():
                check_template(text, iwhere.at(f"ResponseTemplates.{ctype}"))
            params = {str(k): str(v) for k, v in (ir.get("ResponseParameters") or {}).items()}
            for key in params:
                if not key.startswith("method.response.header."):
                    iwhere.at(f"ResponseParameters.{key}").fail("keys look like method.response.header.NAME")
            responses.append(IntegrationResponse(_status(ir.get("StatusCode"), iwhere.at("StatusCode")),
                                                 ir.get("SelectionPattern") or None, params, templates))
        if not responses:
            where.at("IntegrationResponses").fail("a MOCK integration needs at least one integration response")
        request_templates = {str(k): str(v) for k, v in (spec.get("RequestTemplates") or {}).items()}
        behavior = str(spec.get("PassthroughBehavior", "WHEN_NO_MATCH")).upper()
        if behavior not in ("WHEN_NO_MATCH", "WHEN_NO_TEMPLATES", "NEVER"):
            where.at("PassthroughBehavior").fail(f"{behavior!r} is not WHEN_NO_MATCH, WHEN_NO_TEMPLATES or NEVER")
        return Integration("MOCK", request_templates=request_templates, integration_responses=responses,
                           passthrough_behavior=behavior, timeout_ms=timeout)
    where.at("Type").fail(f"unsupported integration type {kind or '(none)'!r} "
                          "(the local gateway runs AWS_PROXY and MOCK)")


def check_template(text: str, where: Where) -> None:
    try:
        parse_template(text)
    except VtlError as exc:
        where.fail(f"unsupported mapping template: {exc}")


def gateway_response(kind: str, status: Any, params: Any, templates: Any, where: Where) -> GatewayResponse:
    if kind not in GATEWAY_RESPONSE_TYPES:
        where.at("ResponseType").fail(f"unknown gateway response type {kind!r}")
    params = {str(k): str(v) for k, v in (params or {}).items()}
    for key in params:
        if not key.startswith("gatewayresponse.header."):
            where.at(f"ResponseParameters.{key}").fail("keys look like gatewayresponse.header.NAME")
    templates = {str(k): str(v) for k, v in (templates or {}).items()}
    for ctype, text in templates.items():
        check_template(text, where.at(f"ResponseTemplates.{ctype}"))
    return GatewayResponse(kind, _status(status, where.at("StatusCode")) if status is not None else None,
                           params, templates)


def _authorizer(logical: str, spec: dict[str, Any], where: Where, functions: Functions) -> Authorizer:
    kind = str(spec.get("Type", ""))
    if kind not in ("TOKEN", "REQUEST"):
        where.at("Type").fail(f"{kind or '(none)'} authorizers are not modelled locally (TOKEN and REQUEST are)")
    source = spec.get("IdentitySource", "method.request.header.Authorization" if kind == "TOKEN" else "")
    sources = [s.strip() for s in str(source).split(",") if s.strip()]
    ttl = int(spec.get("AuthorizerResultTtlInSeconds", 300))   # CloudFormation's default when omitted
    return Authorizer(logical, kind, functions.from_uri(spec.get("AuthorizerUri"), where.at("AuthorizerUri")),
                      sources, spec.get("IdentityValidationExpression"), ttl)


def _stage(stack: Stack, ctx: Context, api_id: str, notes: list[str],
           where: Where) -> tuple[str, dict[str, str], ThrottleSettings | None]:
    stages = list(_children(stack, ctx, api_id, "AWS::ApiGateway::Stage"))
    if stages:
        logical, spec, swhere = stages[0]
        if len(stages) > 1:
            notes.append(f"{api_id} has {len(stages)} stages; serving {spec.get('StageName')} ({logical})")
        variables = {str(k): str(v) for k, v in (spec.get("Variables") or {}).items()}
        throttle = None
        for setting in spec.get("MethodSettings") or []:
            if setting.get("ResourcePath", "/*") == "/*" and setting.get("HttpMethod", "*") == "*" and (
                    "ThrottlingRateLimit" in setting or "ThrottlingBurstLimit" in setting):
                throttle = ThrottleSettings(float(setting.get("ThrottlingRateLimit", 10000)),
                                            int(setting.get("ThrottlingBurstLimit", 5000)))
        return _stage_name(spec.get("StageName"), swhere.at("StageName")), variables, throttle
    for logical, spec, dwhere in _children(stack, ctx, api_id, "AWS::ApiGateway::Deployment"):
        if spec.get("StageName"):
            return _stage_name(spec["StageName"], dwhere.at("StageName")), {}, None
    where.fail("no AWS::ApiGateway::Stage or Deployment with a StageName: the API has no invoke URL")


def _stage_name(value: Any, where: Where) -> str:
    if not isinstance(value, str) or not re.fullmatch(r"[A-Za-z0-9_-]+", value):
        where.fail(f"{value!r}: stage names use letters, digits, '-' and '_'")
    return value


def _api_keys(stack: Stack, ctx: Context, notes: list[str]) -> list[str]:
    keys = []
    for logical, resource in stack.template["Resources"].items():
        if isinstance(resource, dict) and resource.get("Type") == "AWS::ApiGateway::ApiKey" \
                and ctx.resource_enabled(logical):
            spec = resolve(resource.get("Properties") or {}, ctx, Where(stack.file, logical, "Properties"))
            if spec.get("Enabled", True) in (False, "false"):
                continue
            value = spec.get("Value")
            if not value:
                value = f"cors-e2e-{logical}"
                notes.append(f"API key {logical} has no Value (AWS generates one); locally it is {value}")
            keys.append(str(value))
    return keys


def _usage_plan_throttle(stack: Stack, ctx: Context) -> ThrottleSettings | None:
    for logical, resource in stack.template["Resources"].items():
        if isinstance(resource, dict) and resource.get("Type") == "AWS::ApiGateway::UsagePlan" \
                and ctx.resource_enabled(logical):
            spec = resolve(resource.get("Properties") or {}, ctx, Where(stack.file, logical, "Properties"))
            throttle = spec.get("Throttle")
            if isinstance(throttle, dict) and ("RateLimit" in throttle or "BurstLimit" in throttle):
                return ThrottleSettings(float(throttle.get("RateLimit", 10000)), int(throttle.get("BurstLimit", 5000)))
    return None


def _status(value: Any, where: Where) -> int:
    try:
        status = int(str(value))
    except ValueError:
        where.fail(f"{value!r} is not an HTTP status code")
    if not 100 <= status <= 599:
        where.fail(f"{status} is not an HTTP status code")
    return status


def _bool(value: Any) -> bool:
    return value is True or str(value).lower() == "true"
