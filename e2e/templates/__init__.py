"""Your own stack in the local gateway: CloudFormation (JSON or YAML with
short tags), a CDK cloud assembly (``cdk.out``) and SAM (translated by
aws-sam-translator) loaded into the same ``e2e.gateway.model`` objects that
fixture YAML loads into, so the local gateway serves and judges them alike.

``load_template(path, stack=, api=, parameters=)`` -> ``LoadedTemplate``;
every problem is a ``TemplateError`` (an ApiDefinitionError: one line naming
file, logical id and property).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from e2e.gateway.model import Api
from e2e.templates.errors import TemplateError

REST_TYPE = "AWS::ApiGateway::RestApi"
HTTP_TYPE = "AWS::ApiGatewayV2::Api"

__all__ = ["LoadedTemplate", "TemplateError", "load_template", "parse_parameters"]


@dataclass
class LoadedTemplate:
    api: Api
    logical_id: str
    file: str                                  # the template file it came from
    apis: list[str] = field(default_factory=list)   # every API's logical id in the template
    notes: list[str] = field(default_factory=list)  # what was assumed locally
    region: str = "us-east-1"                       # the stack's (CDK env), else us-east-1


def load_template(path: str | Path, *, stack: str | None = None, api: str | None = None,
                  parameters: dict[str, str] | None = None) -> LoadedTemplate:
    from e2e.templates.http import load_http_api
    from e2e.templates.intrinsics import Context, Where, resolve
    from e2e.templates.rest import load_rest_api
    from e2e.templates.source import open_stack

    opened = open_stack(path, stack, parameters)
    ctx = Context(opened.file, opened.template, dict(parameters or {}), opened.region, opened.name)
    resources = opened.template["Resources"]
    apis: dict[str, str] = {}
    for logical, resource in resources.items():
        kind = resource.get("Type") if isinstance(resource, dict) else None
        if kind == REST_TYPE and ctx.resource_enabled(logical):
            apis[logical] = "rest"
        elif kind == HTTP_TYPE and ctx.resource_enabled(logical):
            protocol = resolve((resource.get("Properties") or {}).get("ProtocolType"), ctx,
                               Where(opened.file, logical, "Properties.ProtocolType"))
            # An OpenAPI Body (SAM's HttpApi) makes an HTTP API without a ProtocolType.
            has_body = (resource.get("Properties") or {}).get("Body") is not None
            if protocol == "HTTP" or (protocol is None and has_body):
                apis[logical] = "http"
    if not apis:
        raise TemplateError(opened.file, None, "Resources",
                            f"no API Gateway API ({REST_TYPE} or an HTTP {HTTP_TYPE}) in the template")
    if api is None:
        if len(apis) > 1:
            raise TemplateError(opened.file, None, "Resources",
                                f"{len(apis)} APIs; pick one with --api ({', '.join(apis)})")
        api = next(iter(apis))
    if api not in apis:
        raise TemplateError(opened.file, None, "Resources", f"--api {api}: no such API (APIs: {', '.join(apis)})")
    notes: list[str] = []
    loader = load_rest_api if apis[api] == "rest" else load_http_api
    model = loader(opened, ctx, api, notes)
    return LoadedTemplate(model, api, opened.file, list(apis), notes, opened.region)


def parse_parameters(items: list[str] | None, what: str = "--parameter") -> dict[str, str]:
    """KEY=VALUE strings -> a dict; a malformed one is BadInput."""
    from e2e.errors import BadInput

    out: dict[str, str] = {}
    for item in items or []:
        key, eq, value = item.partition("=")
        if not eq or not key:
            raise BadInput(f"{what} {item!r}: expected KEY=VALUE")
        out[key] = value
    return out
