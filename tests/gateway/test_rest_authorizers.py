"""Lambda authorizers on REST methods: 401 without or with a refused token,
403 on an explicit deny, and never on the CDK preflight."""
import uuid

from .httpclient import authorizer_calls, call, preflight


def test_a_missing_token_gives_401_without_invoking_the_authorizer(apis):
    before = authorizer_calls()
    resp = call(apis["guarded"], "GET", "/token")
    assert authorizer_calls() == before
    assert resp.status == 401
    assert resp.body == b'{"message":"Unauthorized"}'
    assert resp.header("x-amzn-ErrorType") == "UnauthorizedException"
    assert resp.cors_headers() == {}


def test_an_authorizer_raising_unauthorized_gives_401(apis):
    before = authorizer_calls()
    # A token of its own: the authorizer cache (300 s by default) cannot answer for it.
    assert call(apis["guarded"], "GET", "/token", {"Authorization": f"nobody-{uuid.uuid4().hex}"}).status == 401
    assert authorizer_calls() == before + 1   # this 401 is the authorizer's own


def test_an_explicit_deny_gives_403_access_denied(apis):
    resp = call(apis["guarded"], "GET", "/token", {"Authorization": "deny"})
    assert resp.status == 403
    assert resp.body == (b'{"Message":"User is not authorized to access this resource '
                         b'with an explicit deny"}')
    assert resp.header("x-amzn-ErrorType") == "AccessDeniedException"


def test_a_policy_for_another_resource_gives_403(apis):
    resp = call(apis["guarded"], "GET", "/token", {"Authorization": "other-resource"})
    assert resp.status == 403
    assert resp.json() == {"Message": "User is not authorized to access this resource"}


def test_an_allow_reaches_the_lambda_with_the_authorizer_context(apis):
    resp = call(apis["guarded"], "GET", "/token?do=event", {"Authorization": "allow"})
    assert resp.status == 200
    authorizer = resp.json()["requestContext"]["authorizer"]
    assert authorizer["principalId"] == "user-1"
    assert authorizer["tier"] == "gold"


def test_a_request_authorizer_reads_its_identity_sources(apis):
    assert call(apis["guarded"], "GET", "/request", {"X-User": "allow"}).status == 200
    assert call(apis["guarded"], "GET", "/request").status == 401


def test_an_identity_validation_expression_refuses_without_invoking(apis):
    before = authorizer_calls()
    assert call(apis["guarded"], "GET", "/validated", {"Authorization": "allow"}).status == 401
    assert authorizer_calls() == before
    fresh = f"Bearer allow-{uuid.uuid4().hex}"   # not in the authorizer cache
    assert call(apis["guarded"], "GET", "/validated", {"Authorization": fresh}).status == 200
    assert authorizer_calls() == before + 1   # the log does see an invocation when there is one


def test_a_failing_authorizer_gives_500(apis):
    resp = call(apis["guarded"], "GET", "/token", {"Authorization": "boom"})
    assert resp.status == 500
    assert resp.header("x-amzn-ErrorType") == "AuthorizerConfigurationException"


def test_the_cdk_preflight_needs_neither_authorizer_nor_api_key(apis):
    assert preflight(apis["guarded"], "/token", "https://app.example.com").status == 204
    assert preflight(apis["guarded"], "/keyed", "https://app.example.com").status == 204
