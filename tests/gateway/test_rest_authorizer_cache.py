"""REST Lambda authorizer results are cached for resultTtlInSeconds, 300 when
omitted ("If this field is not set, the default value is 300": CloudFormation,
AWS::ApiGateway::Authorizer, AuthorizerResultTtlInSeconds,
https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-apigateway-authorizer.html).
The cache is keyed by the identity (the token), not by the route, so a policy
that allows only the first method ARN refuses the next route with a 403
ACCESS_DENIED that carries no CORS headers (apigateway.md, "Limits and
caches"; the Lambda authorizer output page warns to return a policy that
covers every method the caller may reach when caching is on)."""
from .httpclient import FRONTEND, call

APP = "https://app.example.com"


def test_omitted_ttl_caches_the_first_routes_policy_and_refuses_the_next_route(apis):
    api = apis["guarded"]
    token = {"Authorization": "allow-ttl-default", "Origin": APP}
    assert call(api, "GET", "/cached-a", token).status == 200
    refused = call(api, "GET", "/cached-b", token)
    assert refused.status == 403
    assert refused.json() == {"Message": "User is not authorized to access this resource"}
    assert refused.header("x-amzn-ErrorType") == "AccessDeniedException"
    assert refused.cors_headers() == {}


def test_the_cached_policy_still_allows_its_own_route(apis):
    api = apis["guarded"]
    token = {"Authorization": "allow-ttl-again"}
    assert [call(api, "GET", "/cached-a", token).status for _ in range(2)] == [200, 200]
    assert call(api, "GET", "/cached-b", token).status == 403


def test_another_identity_gets_its_own_policy(apis):
    api = apis["guarded"]
    assert call(api, "GET", "/cached-b", {"Authorization": "allow-ttl-first-b"}).status == 200
    assert call(api, "GET", "/cached-a", {"Authorization": "allow-ttl-first-b"}).status == 403
    assert call(api, "GET", "/cached-a", {"Authorization": "allow-ttl-other"}).status == 200


def test_a_ttl_of_0_asks_the_authorizer_for_every_route(apis):
    api = apis["guarded"]
    token = {"Authorization": "allow-no-cache", "Origin": FRONTEND}
    assert call(api, "GET", "/uncached-a", token).status == 200
    assert call(api, "GET", "/uncached-b", token).status == 200
