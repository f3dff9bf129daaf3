"""A MOCK OPTIONS integration response, decoded: static responseParameters
plus the Allow-Origin overrides in its response template. CDK's multi-origin
template compares the Origin with a list, so it allows that list; a template
that copies the Origin unconditionally allows every site."""
from __future__ import annotations

from e2e.aws.preflight import decode
from e2e.gateway.cdk_cors import CorsPreflightOptions, cdk_preflight_method


def integration(params: dict[str, str], template: str = "", status: str = "204") -> dict:
    return {"type": "MOCK", "integrationResponses": {status: {
        "statusCode": status, "responseParameters": params,
        "responseTemplates": {"application/json": template}}}}


def cdk(origins: list[str], **options: object) -> dict:
    """The OPTIONS integration CDK synthesises, as boto3 would return it."""
    ir = cdk_preflight_method(CorsPreflightOptions(allow_origins=origins, **options)).integration \
        .integration_responses[0]   # type: ignore[arg-type]
    return integration(ir.response_parameters, ir.response_templates.get("application/json", ""),
                       str(ir.status_code))


def test_cdk_multi_origin_template_allows_exactly_its_origins() -> None:
    pf = decode(cdk(["https://a.example", "https://b.example", "https://c.example"], allow_credentials=True))
    assert pf is not None
    assert pf.origins == ["https://a.example", "https://b.example", "https://c.example"]
    assert pf.reflected is None and pf.credentials and pf.status == "204"


def test_cdk_defaults_allow_every_method_and_the_default_headers() -> None:
    pf = decode(cdk(["*"]))
    assert pf is not None and pf.origins == ["*"] and not pf.credentials
    assert pf.methods == ["OPTIONS", "GET", "PUT", "POST", "DELETE", "PATCH", "HEAD"]
    assert "Authorization" in (pf.headers or [])


def test_an_unconditional_override_reflects_any_origin() -> None:
    pf = decode(integration({"method.response.header.Access-Control-Allow-Origin": "'https://a.example'"},
                            '#set($context.responseOverride.header.Access-Control-Allow-Origin = '
                            '$input.params("Origin"))'))
    assert pf is not None and pf.reflected and "without comparing" in pf.reflected


def test_an_override_in_the_else_branch_of_an_allow_list_reflects_everyone_else() -> None:
    template = "\n".join(['#set($o = $input.params().header.get("Origin"))', '#if($o == "https://a.example")',
                          "#else", "#set($context.responseOverride.header.Access-Control-Allow-Origin = $o)",
                          "#end"])
    pf = decode(integration({}, template))
    assert pf is not None and pf.reflected


def test_a_mapping_from_the_request_origin_header_reflects() -> None:
    pf = decode(integration({"method.response.header.Access-Control-Allow-Origin": "method.request.header.Origin"}))
    assert pf is not None and pf.reflected == "Access-Control-Allow-Origin is mapped from method.request.header.Origin"


def test_a_lambda_answering_options_is_left_to_the_browser_run() -> None:
    assert decode({"type": "AWS_PROXY", "uri": "arn:..."}) is None


def test_a_template_the_gateway_does_not_run_is_not_guessed_at() -> None:
    # $util.urlDecode is not in the local engine's subset: no answer is invented for it.
    pf = decode(integration({"method.response.header.Access-Control-Allow-Origin": "'https://a.example'"},
                            '#set($context.responseOverride.header.Access-Control-Allow-Origin = '
                            '$util.urlDecode($input.params("Origin")))'))
    assert pf is None
