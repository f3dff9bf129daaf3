"""A loaded template, seen the way ``inspect`` and ``scenarios-from`` see a
live API: the gateway model written out in boto3's shapes (what
``e2e.aws.config.read_config`` returns for the same API once created), so
the same inspectors and generator judge a template before deploy and the
deployed API after, with the same finding codes."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from e2e.aws.config import Config, HttpConfig, HttpRoute, RestConfig, RestMethod, RestResource
from e2e.aws.target import ResolvedApi
from e2e.gateway.model import HttpApi, Method, RestApi
from e2e.templates import LoadedTemplate
from e2e.templates.intrinsics import DEFAULT_REGION, function_arn


@dataclass(frozen=True)
class TemplateTarget(ResolvedApi):
    """A template's API: named by file and logical id, not by an API id it does not have yet."""

    file: str = ""

    @property
    def label(self) -> str:
        return f"{self.file}#{self.api_id}"


def template_target(loaded: LoadedTemplate, region: str | None = None) -> ResolvedApi:
    api = loaded.api
    region = region or loaded.region or DEFAULT_REGION
    base = f"https://{loaded.logical_id.lower()}.execute-api.{region}.amazonaws.com"
    return TemplateTarget(kind=api.type, api_id=loaded.logical_id, name=api.name, stage=api.stage, region=region,
                          base_url=base if api.stage == "$default" else f"{base}/{api.stage}", file=loaded.file)


def template_config(loaded: LoadedTemplate, region: str | None = None) -> Config:
    region = region or loaded.region or DEFAULT_REGION
    target = template_target(loaded, region)
    api = loaded.api
    if isinstance(api, RestApi):
        return _rest(api, target, region, loaded.notes)
    assert isinstance(api, HttpApi)
    return _http(api, target, loaded.notes)


def _lambda_uri(region: str, function: str) -> str:
    return f"arn:aws:apigateway:{region}:lambda:path/2015-03-31/functions/{function_arn(region, function)}/invocations"


def _rest(api: RestApi, target: ResolvedApi, region: str, notes: list[str]) -> RestConfig:
    cfg = RestConfig(api=target, notes=list(notes))
    for path in sorted(api.resources):
        resource = RestResource(path)
        for verb, method in api.resources[path].methods.items():
            resource.methods[verb] = RestMethod(verb, method.authorization_type, method.authorizer,
                                                method.api_key_required, _integration(method, region))
        cfg.resources.append(resource)
    cfg.authorizers = {a.name: {"id": a.name, "name": a.name, "type": a.type,
                                "identitySource": ",".join(a.identity_source),
                                "authorizerUri": _lambda_uri(region, a.function),
                                "authorizerResultTtlInSeconds": a.result_ttl_seconds}
                       for a in api.authorizers.values()}
    for kind, resp in api.gateway_responses.items():
        entry: dict[str, Any] = {"responseType": kind, "responseParameters": dict(resp.response_parameters),
                                 "responseTemplates": dict(resp.response_templates), "defaultResponse": False}
        if resp.status_code is not None:
            entry["statusCode"] = str(resp.status_code)
        cfg.gateway_responses[kind] = entry
    if api.throttle is not None:
        cfg.method_settings["*/*"] = {"throttlingRateLimit": api.throttle.rate_limit,
                                      "throttlingBurstLimit": api.throttle.burst_limit}
    cfg.lambda_timeouts = {function_arn(region, fn.name): float(fn.timeout) for fn in api.functions.values()}
    return cfg


def _integration(method: Method, region: str) -> dict[str, Any]:
    integ = method.integration
    if integ.type == "AWS_PROXY":
        assert integ.function is not None
        return {"type": "AWS_PROXY", "httpMethod": "POST", "uri": _lambda_uri(region, integ.function),
                "timeoutInMillis": integ.timeout_ms}
    responses = {}
    for ir in integ.integration_responses:
        entry: dict[str, Any] = {"statusCode": str(ir.status_code), "responseParameters": dict(ir.response_parameters),
                                 "responseTemplates": dict(ir.response_templates)}
        if ir.selection_pattern is not None:
            entry["selectionPattern"] = ir.selection_pattern
        responses[str(ir.status_code)] = entry
    return {"type": "MOCK", "requestTemplates": dict(integ.request_templates),
            "passthroughBehavior": integ.passthrough_behavior, "timeoutInMillis": integ.timeout_ms,
            "integrationResponses": responses}


def _http(api: HttpApi, target: ResolvedApi, notes: list[str]) -> HttpConfig:
    cfg = HttpConfig(api=target, notes=list(notes))
    if api.cors is not None:
        c = api.cors
        cors: dict[str, Any] = {"AllowOrigins": list(c.allow_origins), "AllowCredentials": c.allow_credentials}
        for key, value in (("AllowMethods", c.allow_methods), ("AllowHeaders", c.allow_headers),
                           ("ExposeHeaders", c.expose_headers)):
            if value:
                cors[key] = list(value)
        if c.max_age is not None:
            cors["MaxAge"] = c.max_age
        cfg.cors = cors
    for route in api.routes:
        cfg.routes.append(HttpRoute(route.route_key, "CUSTOM" if route.authorizer else "NONE", route.authorizer))
    cfg.routes.sort(key=lambda r: (r.path, r.method))
    cfg.authorizers = {a.name: {"AuthorizerId": a.name, "Name": a.name, "AuthorizerType": "REQUEST",
                                "IdentitySource": list(a.identity_source),
                                "EnableSimpleResponses": a.enable_simple_responses}
                       for a in api.authorizers.values()}
    cfg.stage = {"StageName": api.stage}
    if api.throttle is not None:
        cfg.stage["DefaultRouteSettings"] = {"ThrottlingRateLimit": api.throttle.rate_limit,
                                             "ThrottlingBurstLimit": api.throttle.burst_limit}
    return cfg
