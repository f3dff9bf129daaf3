"""OpenAPI ``Body`` definitions (Swagger 2.0 or OpenAPI 3) with API Gateway's
extensions, as SAM's translation and OpenAPI imports produce them.

REST: each operation's ``x-amazon-apigateway-integration`` is rewritten into
CloudFormation's Method casing and handed to ``rest.method_model``, so a Body
and a Resource/Method tree become the same model; ``security`` with an
``x-amazon-apigateway-authtype`` scheme becomes a Lambda authorizer or an API
key requirement; ``x-amazon-apigateway-gateway-responses`` become gateway
responses. HTTP: operations become routes, ``x-amazon-apigateway-cors`` the
CorsConfiguration.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from e2e.gateway.model import Authorizer, GatewayResponse, Resource
from e2e.templates.intrinsics import Where

if TYPE_CHECKING:
    from e2e.templates.rest import Functions

_VERBS = ("get", "put", "post", "delete", "patch", "head", "options")
_ANY = "x-amazon-apigateway-any-method"
_INTEGRATION_RENAMES = {"type": "Type", "uri": "Uri", "httpMethod": "IntegrationHttpMethod",
                        "timeoutInMillis": "TimeoutInMillis", "requestTemplates": "RequestTemplates",
                        "passthroughBehavior": "PassthroughBehavior", "credentials": "Credentials",
                        "cacheKeyParameters": "CacheKeyParameters", "cacheNamespace": "CacheNamespace",
                        "connectionType": "ConnectionType", "contentHandling": "ContentHandling",
                        "requestParameters": "RequestParameters", "payloadFormatVersion": "PayloadFormatVersion",
                        "connectionId": "ConnectionId", "tlsConfig": "TlsConfig"}


def operations(body: dict[str, Any], where: Where):
    """(path, VERB or ANY, operation, where) for every operation of the body."""
    paths = body.get("paths")
    if not isinstance(paths, dict):
        where.at("paths").fail("an OpenAPI body needs paths")
    for path, item in paths.items():
        if not isinstance(item, dict):
            where.at(f"paths.{path}").fail("expected a mapping of operations")
        for key, op in item.items():
            verb = "ANY" if key == _ANY else key.upper() if key in _VERBS else None
            if verb is None:
                continue   # parameters, summary, servers: no effect on the gateway
            yield str(path), verb, op if isinstance(op, dict) else {}, where.at(f"paths.{path}.{key}")


def load_rest_body(body: Any, where: Where, functions: "Functions", resources: dict[str, Resource],
                   gateway_responses: dict[str, GatewayResponse], authorizers: dict[str, Authorizer]) -> None:
    from e2e.templates.rest import _ensure, gateway_response, method_model

    if not isinstance(body, dict) or not ("swagger" in body or "openapi" in body):
        where.fail("expected an OpenAPI document (swagger: '2.0' or openapi: 3.x)")
    schemes = _security_schemes(body)
    names: dict[str, str] = {}
    for name, scheme in schemes.items():
        auth = scheme.get("x-amazon-apigateway-authorizer")
        if isinstance(auth, dict):
            swhere = where.at(f"securityDefinitions.{name}")
            kind = str(auth.get("type", "token")).upper()
            spec = {"Type": kind, "AuthorizerUri": auth.get("authorizerUri"),
                    "IdentitySource": auth.get("identitySource",
                                               f"method.request.header.{scheme.get('name', 'Authorization')}"),
                    "AuthorizerResultTtlInSeconds": auth.get("authorizerResultTtlInSeconds", 300)}
            if auth.get("identityValidationExpression"):
                spec["IdentityValidationExpression"] = auth["identityValidationExpression"]
            from e2e.templates.rest import _authorizer
            authorizers[name] = _authorizer(name, spec, swhere, functions)
            names[name] = name
    default_security = body.get("security")
    for path, verb, op, owhere in operations(body, where):
        integration = op.get("x-amazon-apigateway-integration")
        if not isinstance(integration, dict):
            owhere.at("x-amazon-apigateway-integration").fail(
                "required: an operation without an integration cannot be served")
        spec: dict[str, Any] = {"HttpMethod": verb, "AuthorizationType": "NONE",
                                "Integration": _integration(integration)}
        for requirement in op.get("security", default_security) or []:
            for name in requirement:
                scheme = schemes.get(name, {})
                if scheme.get("type") == "apiKey" and scheme.get("name", "").lower() == "x-api-key" \
                        and name not in names:
                    spec["ApiKeyRequired"] = True
                elif name in names:
                    spec["AuthorizationType"], spec["AuthorizerId"] = "CUSTOM", name
                else:
                    owhere.at("security").fail(f"security scheme {name!r} is not modelled locally "
                                               "(Lambda authorizers and x-api-key are)")
        spec["MethodResponses"] = [
            {"StatusCode": status, "ResponseParameters": {
                f"method.response.header.{h}": True for h in (r or {}).get("headers", {}) or {}}}
            for status, r in (op.get("responses") or {}).items() if str(status).isdigit()]
        resource = _ensure(resources, path.rstrip("/") or "/")
        resource.methods[verb] = method_model(spec, owhere, functions, names)
    for kind, gr in (body.get("x-amazon-apigateway-gateway-responses") or {}).items():
        gr = gr or {}
        gateway_responses[kind] = gateway_response(
            kind, gr.get("statusCode"), gr.get("responseParameters"), gr.get("responseTemplates"),
            where.at(f"x-amazon-apigateway-gateway-responses.{kind}"))


def _security_schemes(body: dict[str, Any]) -> dict[str, dict[str, Any]]:
    found = body.get("securityDefinitions") or (body.get("components") or {}).get("securitySchemes") or {}
    return {str(k): v for k, v in found.items() if isinstance(v, dict)}


def _integration(spec: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in spec.items():
        if key == "responses":
            out["IntegrationResponses"] = [
                {"StatusCode": r.get("statusCode"), "ResponseParameters": r.get("responseParameters") or {},
                 "ResponseTemplates": r.get("responseTemplates") or {},
                 **({"SelectionPattern": pattern} if pattern != "default" else {})}
                for pattern, r in (value or {}).items()]
        else:
            out[_INTEGRATION_RENAMES.get(key, key)] = value.upper() if key in ("type", "passthroughBehavior") \
                and isinstance(value, str) else value
    return out


def http_body_routes(body: Any, where: Where):
    """(route key, integration in ApiGatewayV2 casing, where) for an HTTP API's OpenAPI 3 body."""
    if not isinstance(body, dict) or "openapi" not in body:
        where.fail("expected an OpenAPI 3 document (openapi: 3.x)")
    for path, verb, op, owhere in operations(body, where):
        integration = op.get("x-amazon-apigateway-integration")
        if not isinstance(integration, dict):
            owhere.at("x-amazon-apigateway-integration").fail("required: an operation needs an integration")
        if op.get("security"):
            owhere.at("security").fail("authorizers in an HTTP API body are not modelled locally")
        key = "$default" if path == "$default" else f"{verb} {path}"
        converted = {"IntegrationType": str(integration.get("type", "")).upper(),
                     "IntegrationUri": integration.get("uri"),
                     "PayloadFormatVersion": str(integration.get("payloadFormatVersion", "2.0")),
                     "TimeoutInMillis": integration.get("timeoutInMillis", 30000)}
        yield key, converted, owhere.at("x-amazon-apigateway-integration")


def http_body_cors(body: Any) -> dict[str, Any] | None:
    cors = body.get("x-amazon-apigateway-cors") if isinstance(body, dict) else None
    if not isinstance(cors, dict):
        return None
    names = {"allowOrigins": "AllowOrigins", "allowMethods": "AllowMethods", "allowHeaders": "AllowHeaders",
             "exposeHeaders": "ExposeHeaders", "maxAge": "MaxAge", "allowCredentials": "AllowCredentials"}
    return {names.get(k, k): v for k, v in cors.items()}
