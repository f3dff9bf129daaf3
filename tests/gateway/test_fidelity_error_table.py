"""docs/apigateway.md, "Errors API Gateway generates itself": one case per error
the gateway makes itself, asserting status, exact body, x-amzn-ErrorType, the gateway
response type and the absence of CORS headers."""
import uuid

import pytest

from e2e.exchange import CELL_PARAM, LAYER_GATEWAY_ERROR

from .httpclient import FRONTEND, call

ROWS = [
    # row, api, method, path, headers, status, body, x-amzn-ErrorType, response type
    ("no resource or method matches", "reference", "GET", "/nope", {}, 403,
     b'{"message":"Missing Authentication Token"}', "MissingAuthenticationTokenException",
     "MISSING_AUTHENTICATION_TOKEN"),
    ("OPTIONS where no OPTIONS or ANY method exists", "lab", "OPTIONS", "/no-options",
     {"Access-Control-Request-Method": "GET"}, 403,
     b'{"message":"Missing Authentication Token"}', "MissingAuthenticationTokenException",
     "MISSING_AUTHENTICATION_TOKEN"),
    ("missing or invalid API key", "api-key-required", "GET", "/items", {}, 403,
     b'{"message":"Forbidden"}', "ForbiddenException", "INVALID_API_KEY"),
    ("authorizer unauthorized", "guarded", "GET", "/token", {}, 401,
     b'{"message":"Unauthorized"}', "UnauthorizedException", "UNAUTHORIZED"),
    ("authorizer explicit deny", "guarded", "GET", "/token", {"Authorization": "deny"}, 403,
     b'{"Message":"User is not authorized to access this resource with an explicit deny"}',
     "AccessDeniedException", "ACCESS_DENIED"),
    ("throttled", "throttled", "GET", "/items", {}, 429,
     b'{"message":"Too Many Requests"}', "TooManyRequestsException", "THROTTLED"),
    ("Lambda error", "lambda-throws", "GET", "/items", {}, 502,
     b'{"message": "Internal server error"}', "InternalServerErrorException", "DEFAULT_5XX"),
    ("malformed proxy response", "lab", "GET", "/lab?case=unknown-key", {}, 502,
     b'{"message": "Internal server error"}', "InternalServerErrorException", "DEFAULT_5XX"),
    ("integration timeout", "integration-timeout", "GET", "/items", {}, 504,
     b'{"message": "Endpoint request timed out"}', None, "INTEGRATION_TIMEOUT"),
]


@pytest.mark.parametrize("row, api, method, path, headers, status, body, error_type, response_type",
                         ROWS, ids=[r[0] for r in ROWS])
def test_each_gateway_error_matches_its_row(gateway, apis, row, api, method, path, headers, status, body,
                                            error_type, response_type):
    cell = uuid.uuid4().hex
    sep = "&" if "?" in path else "?"
    resp = call(apis[api], method, f"{path}{sep}{CELL_PARAM}={cell}", {"Origin": FRONTEND, **headers})
    assert resp.status == status
    assert resp.body == body
    assert resp.header("x-amzn-ErrorType") == error_type
    assert {"x-amzn-requestid", "x-amz-apigw-id"} <= resp.header_names()
    assert resp.cors_headers() == {}
    (exchange,) = gateway.exchanges(CELL_PARAM, cell)
    assert (exchange.layer, exchange.detail) == (LAYER_GATEWAY_ERROR, response_type)
