"""An API's live configuration, read with boto3 straight into the local
gateway's model (``e2e.aws.live_model`` turns boto3's shapes into it).

The inspectors and the scenario generator work on these objects only, so they
can be tested and reasoned about without AWS. Field names follow API
Gateway's own (camelCase for REST, PascalCase for HTTP APIs, as boto3 returns
them), so the evidence in a finding reads like the console and the CLI.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from e2e.aws.errors import AccessDenied, UnknownApi
from e2e.aws.session import Aws
from e2e.aws.target import ResolvedApi
from e2e.gateway.model import HttpApi, RestApi

_LAMBDA_IN_URI = re.compile(r"functions/(arn:aws[\w-]*:lambda:[\w-]+:\d{12}:function:[\w-]+(?::[\w$-]+)?)/invocations")


@dataclass
class RestConfig:
    """A live REST API: what it is (target) and its configuration, in the gateway's model."""
    api: ResolvedApi
    model: RestApi
    notes: list[str] = field(default_factory=list)   # what could not be read, and so was not checked


@dataclass
class HttpConfig:
    """A live HTTP API: what it is (target) and its configuration, in the gateway's model."""
    api: ResolvedApi
    model: HttpApi
    notes: list[str] = field(default_factory=list)


Config = RestConfig | HttpConfig


def read_config(aws: Aws, api: ResolvedApi) -> Config:
    return _read_rest(aws, api) if api.kind == "rest" else _read_http(aws, api)


def _read_rest(aws: Aws, api: ResolvedApi) -> RestConfig:
    from e2e.aws.live_model import rest_model

    doing = f"reading REST API {api.api_id}"
    info = aws.call("apigateway", "get_rest_api", restApiId=api.api_id, doing=doing)
    resources: list[tuple[str, dict[str, dict[str, Any]]]] = []
    for item in aws.pages("apigateway", "get_resources", "items", restApiId=api.api_id, embed=["methods"],
                          limit=500, doing=doing):
        methods = {}
        for verb, m in (item.get("resourceMethods") or {}).items():
            if "methodIntegration" not in m and "httpMethod" not in m:
                # embed=methods is best effort: fetch the method itself.
                m = aws.call("apigateway", "get_method", restApiId=api.api_id, resourceId=item["id"],
                             httpMethod=verb, doing=doing)
            methods[verb] = m
        resources.append((item["path"], methods))
    authorizers = {a["id"]: a for a in aws.pages("apigateway", "get_authorizers", "items",
                                                 restApiId=api.api_id, doing=doing)}
    gateway_responses = {g["responseType"]: g for g in aws.pages(
        "apigateway", "get_gateway_responses", "items", restApiId=api.api_id, doing=doing)}
    stage = aws.call("apigateway", "get_stage", restApiId=api.api_id, stageName=api.stage, doing=doing)
    notes: list[str] = []
    arns = {m.group(1) for _, methods in resources for method in methods.values()
            if (m := _LAMBDA_IN_URI.search(str((method.get("methodIntegration") or {}).get("uri", ""))))}
    timeouts = {}
    for arn in sorted(arns):
        timeout = _lambda_timeout(aws, arn, notes)
        if timeout is not None:
            timeouts[arn] = timeout
    model = rest_model(api, info.get("apiKeySource", "HEADER"), resources, authorizers, gateway_responses,
                       dict(stage.get("methodSettings") or {}), timeouts)
    return RestConfig(api, model, notes)


def _lambda_timeout(aws: Aws, arn: str, notes: list[str]) -> float | None:
    try:
        conf = aws.call("lambda", "get_function_configuration", FunctionName=arn,
                        doing=f"reading Lambda {arn}")
    except AccessDenied:
        notes.append(f"no permission to read {arn} (lambda:GetFunctionConfiguration): "
                     f"its integration timeout was not compared with its own")
        return None
    except UnknownApi:
        notes.append(f"the integration calls {arn}, which does not exist")
        return None
    return float(conf.get("Timeout", 3))


def _read_http(aws: Aws, api: ResolvedApi) -> HttpConfig:
    from e2e.aws.live_model import http_model

    doing = f"reading HTTP API {api.api_id}"
    info = aws.call("apigatewayv2", "get_api", ApiId=api.api_id, doing=doing)
    routes = list(aws.pages("apigatewayv2", "get_routes", "Items", ApiId=api.api_id, doing=doing))
    integrations = {i["IntegrationId"]: i for i in aws.pages("apigatewayv2", "get_integrations", "Items",
                                                             ApiId=api.api_id, doing=doing)}
    # Only the authorizers routes use matter; GetAuthorizer each (moto has no GetAuthorizers).
    authorizers = {auth_id: aws.call("apigatewayv2", "get_authorizer", ApiId=api.api_id, AuthorizerId=auth_id,
                                     doing=doing)
                   for auth_id in sorted({r["AuthorizerId"] for r in routes if r.get("AuthorizerId")})}
    stage = aws.call("apigatewayv2", "get_stage", ApiId=api.api_id, StageName=api.stage, doing=doing)
    return HttpConfig(api, http_model(api, info, routes, integrations, authorizers, stage))
