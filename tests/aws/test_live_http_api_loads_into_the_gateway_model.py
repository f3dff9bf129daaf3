"""A live HTTP API, as boto3 returns it, loaded into the gateway model: each
route gets the Lambda its own integration calls; what the local gateway does
not run (a non-Lambda integration, a JWT authorizer) stays in the model for
inspect and is left out of the served copy with a note."""
from __future__ import annotations

from e2e.aws.inspect_http import inspect_http
from e2e.aws.live_model import http_model, runnable
from e2e.aws.target import ResolvedApi

_ARN = "arn:aws:lambda:us-east-1:123456789012:function:{}"
_URI = "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/{}/invocations"


def _api() -> ResolvedApi:
    return ResolvedApi(kind="http", api_id="abc123", name="shop", stage="$default", region="us-east-1",
                       base_url="https://abc123.execute-api.us-east-1.amazonaws.com")


def _model():
    routes = [{"RouteKey": "GET /items", "Target": "integrations/i1", "AuthorizationType": "NONE"},
              {"RouteKey": "GET /legacy", "Target": "integrations/i2", "AuthorizationType": "NONE"},
              {"RouteKey": "POST /orders", "Target": "integrations/i1", "AuthorizationType": "JWT",
               "AuthorizerId": "jwt1"}]
    integrations = {"i1": {"IntegrationId": "i1", "IntegrationType": "AWS_PROXY",
                           "IntegrationUri": _ARN.format("items-fn"), "PayloadFormatVersion": "2.0"},
                    "i2": {"IntegrationId": "i2", "IntegrationType": "HTTP_PROXY",
                           "IntegrationUri": "https://legacy.example/api"}}
    authorizers = {"jwt1": {"AuthorizerId": "jwt1", "AuthorizerType": "JWT",
                            "IdentitySource": ["$request.header.Authorization"]}}
    info = {"CorsConfiguration": {"AllowOrigins": ["https://app.example"], "AllowMethods": ["GET", "POST"],
                                  "AllowHeaders": ["content-type"]}}
    stage = {"StageName": "$default", "RouteSettings": {"GET /legacy": {"ThrottlingRateLimit": 0,
                                                                       "ThrottlingBurstLimit": 0}}}
    return http_model(_api(), info, routes, integrations, authorizers, stage)


def test_each_route_calls_the_lambda_of_its_own_integration() -> None:
    model = _model()
    by_key = {r.route_key: r for r in model.routes}
    assert by_key["GET /items"].integration.type == "AWS_PROXY"
    assert by_key["GET /items"].integration.function == "items-fn"
    assert by_key["GET /legacy"].integration.type == "HTTP_PROXY"
    assert by_key["POST /orders"].authorization_type == "JWT"


def test_inspect_judges_what_the_local_gateway_does_not_run() -> None:
    found = {(f.code, f.resource) for f in inspect_http(_model(), [])}
    # The JWT route needs Authorization, which AllowHeaders lacks; the legacy route is throttled to 0.
    assert ("header-not-allowed", "corsConfiguration") in found
    assert ("throttled-to-zero", "stage $default") in found


def test_the_served_copy_leaves_those_routes_out_with_a_note() -> None:
    notes: list[str] = []
    served = runnable(_model(), notes)
    assert [r.route_key for r in served.routes] == ["GET /items"]
    assert any(n.startswith("GET /legacy: its integration is not a Lambda proxy") for n in notes)
    assert any(n.startswith("POST /orders: authorization JWT is not modelled locally") for n in notes)
    assert served.route_throttles == {} and served.authorizers == {}
