"""A bad API definition fails at load time with one line naming the file, the
path inside it and the field, never a traceback."""
from pathlib import Path

import pytest

from e2e.gateway import ApiDefinitionError, load_api

LAMBDA = Path(__file__).parent / "lambdas" / "lab.py"

BASE = f"""
name: broken
type: rest
stage: prod
functions:
  lab: {{runtime: python3.12, code: {LAMBDA}, handler: lab.handler}}
"""


def load_text(tmp_path, text, variables=None):
    path = tmp_path / "broken.yaml"
    path.write_text(BASE + text)
    return load_api(path, variables=variables)


def error_of(tmp_path, text, variables=None) -> str:
    with pytest.raises(ApiDefinitionError) as info:
        load_text(tmp_path, text, variables)
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith("broken.yaml: ")
    return message


def test_an_unknown_function_names_the_method_integration_path(tmp_path):
    message = error_of(tmp_path, """
resources:
  /items:
    methods:
      GET: {integration: {type: AWS_PROXY, function: itms}}
""")
    assert "resources./items.methods.GET.integration.function" in message
    assert "unknown function 'itms'" in message


def test_an_unknown_placeholder_is_an_error(tmp_path):
    message = error_of(tmp_path, """
defaultCorsPreflightOptions: {allowOrigins: ["${frontend}"]}
""", {"allowed_origin": "http://x"})
    assert "defaultCorsPreflightOptions.allowOrigins[0]" in message
    assert "${frontend}" in message


def test_mixing_a_wildcard_with_origins_is_rejected_as_cdk_does(tmp_path):
    message = error_of(tmp_path, """
defaultCorsPreflightOptions: {allowOrigins: ["*", "https://a.example"]}
""")
    assert "defaultCorsPreflightOptions" in message
    assert 'cannot mix "*" with specific origins' in message


def test_max_age_and_disable_cache_are_mutually_exclusive(tmp_path):
    assert "mutually exclusive" in error_of(tmp_path, """
defaultCorsPreflightOptions: {allowOrigins: ["https://a.example"], maxAge: 10, disableCache: true}
""")


def test_an_unsupported_integration_type_fails_loudly(tmp_path):
    message = error_of(tmp_path, """
resources:
  /items:
    methods:
      GET: {integration: {type: HTTP_PROXY}}
""")
    assert "resources./items.methods.GET.integration.type" in message
    assert "unsupported integration type 'HTTP_PROXY'" in message


def test_an_unknown_field_is_named(tmp_path):
    message = error_of(tmp_path, """
resources:
  /items:
    methds: {}
""")
    assert "resources./items.methds: unknown field" in message


def test_a_missing_code_file_is_named(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("name: x\nfunctions:\n  f: {runtime: python3.12, code: nope.py, handler: nope.handler}\n")
    with pytest.raises(ApiDefinitionError, match=r"functions\.f\.code: file not found"):
        load_api(path)


def test_an_unknown_gateway_response_type_is_named(tmp_path):
    assert "gatewayResponses.DEFAULT_4xx: unknown gateway response type" in error_of(tmp_path, """
gatewayResponses:
  DEFAULT_4xx: {}
""")


def test_a_gateway_response_header_value_must_be_quoted_or_a_mapping(tmp_path):
    message = error_of(tmp_path, """
gatewayResponses:
  DEFAULT_4XX:
    responseParameters: {gatewayresponse.header.Access-Control-Allow-Origin: "https://a.example"}
""")
    assert "responseParameters.gatewayresponse.header.Access-Control-Allow-Origin" in message
    assert "quoted literal" in message


def test_invalid_yaml_names_the_line(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("name: [unclosed\n")
    with pytest.raises(ApiDefinitionError, match=r"broken.yaml: line \d+: invalid YAML"):
        load_api(path)


def test_an_unknown_fixture_name_lists_the_known_ones():
    with pytest.raises(ApiDefinitionError, match="fixture APIs: .*reference"):
        load_api("no-such-api")


def http_api_error(tmp_path, text) -> str:
    path = tmp_path / "http.yaml"
    path.write_text(f"""
name: h
type: http
functions:
  lab: {{runtime: python3.12, code: {LAMBDA}, handler: lab.handler}}
""" + text)
    with pytest.raises(ApiDefinitionError) as info:
        load_api(path)
    return str(info.value)


def test_an_http_api_with_wildcard_origin_and_credentials_is_rejected_at_load(tmp_path):
    assert http_api_error(tmp_path, """
corsConfiguration: {allowOrigins: ["*"], allowCredentials: true}
routes:
  GET /items: {integration: {type: AWS_PROXY, function: lab}}
""") == ("http.yaml: corsConfiguration.allowCredentials: BadRequestException: "
         "allow-credentials is not supported if 'allow-origin' is *")


def test_an_http_route_key_must_be_method_and_path(tmp_path):
    assert "http.yaml: routes.FETCH /items: a route key is" in http_api_error(tmp_path, """
routes:
  FETCH /items: {integration: {type: AWS_PROXY, function: lab}}
""")
