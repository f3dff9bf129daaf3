"""Gateway responses: the fix for CORS on errors API Gateway generates
(DEFAULT_4XX / DEFAULT_5XX, literal and request-mapped headers, templates)."""
from pathlib import Path

import pytest

from e2e.gateway import LocalGateway, load_api

from .httpclient import FRONTEND, call

LAMBDA = Path(__file__).parent / "lambdas" / "lab.py"


def api_with(tmp_path, gateway_responses: str):
    path = tmp_path / "gr.yaml"
    path.write_text(f"""
name: gr
stage: prod
functions:
  lab: {{runtime: python3.12, code: {LAMBDA}, handler: lab.handler, timeout: 1}}
resources:
  /lab:
    methods:
      GET: {{integration: {{type: AWS_PROXY, function: lab}}}}
gatewayResponses:
{gateway_responses}
""")
    return load_api(path)


@pytest.fixture
def serve(tmp_path):
    gateways = []

    def start(gateway_responses):
        gw = LocalGateway()
        gateways.append(gw)
        return gw.add(api_with(tmp_path, gateway_responses))
    yield start
    for gw in gateways:
        gw.close()


def test_a_default_4xx_literal_header_reaches_the_missing_token_403(serve):
    api = serve("""  DEFAULT_4XX:
    responseParameters: {gatewayresponse.header.Access-Control-Allow-Origin: "'https://app.example.com'"}""")
    resp = call(api, "GET", "/nope", {"Origin": FRONTEND})
    assert resp.status == 403
    assert resp.header("Access-Control-Allow-Origin") == "https://app.example.com"
    assert resp.body == b'{"message":"Missing Authentication Token"}'


def test_a_default_5xx_echoes_the_origin_on_a_lambda_error(serve):
    api = serve("""  DEFAULT_5XX:
    responseParameters:
      gatewayresponse.header.Access-Control-Allow-Origin: method.request.header.origin
      gatewayresponse.header.Access-Control-Allow-Credentials: "'true'\"""")
    resp = call(api, "GET", "/lab?do=raise", {"Origin": FRONTEND})
    assert resp.status == 502
    assert resp.header("Access-Control-Allow-Origin") == FRONTEND
    assert resp.header("Access-Control-Allow-Credentials") == "true"
    assert resp.body == b'{"message": "Internal server error"}'


def test_a_request_mapped_header_is_omitted_when_the_request_lacks_it(serve):
    api = serve("""  DEFAULT_5XX:
    responseParameters: {gatewayresponse.header.Access-Control-Allow-Origin: method.request.header.origin}""")
    assert call(api, "GET", "/lab?do=raise").header("Access-Control-Allow-Origin") is None


def test_a_default_4xx_does_not_touch_5xx_errors(serve):
    api = serve("""  DEFAULT_4XX:
    responseParameters: {gatewayresponse.header.Access-Control-Allow-Origin: "'*'"}""")
    assert call(api, "GET", "/lab?do=raise").header("Access-Control-Allow-Origin") is None


def test_a_body_template_substitutes_the_error_variables(serve):
    api = serve("""  DEFAULT_4XX:
    responseTemplates:
      application/json: '{"error":$context.error.messageString,"type":"$context.error.responseType"}'""")
    resp = call(api, "GET", "/nope")
    assert resp.json() == {"error": "Missing Authentication Token", "type": "MISSING_AUTHENTICATION_TOKEN"}


def test_an_inherited_default_keeps_the_errors_own_status_unless_it_sets_one(serve):
    api = serve("""  DEFAULT_4XX:
    statusCode: 400""")
    assert call(api, "GET", "/nope").status == 400


def test_a_customised_specific_type_wins_over_the_default(serve):
    api = serve("""  DEFAULT_4XX:
    responseParameters: {gatewayresponse.header.X-From: "'default'"}
  MISSING_AUTHENTICATION_TOKEN:
    statusCode: 404
    responseParameters: {gatewayresponse.header.X-From: "'specific'"}
    responseTemplates: {application/json: '{"message":"Not here"}'}""")
    resp = call(api, "GET", "/nope")
    assert (resp.status, resp.header("X-From"), resp.json()) == (404, "specific", {"message": "Not here"})
