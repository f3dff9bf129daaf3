"""The committed CDK assembly, the SAM app and the CloudFormation HTTP API
load into the same model objects fixture YAML loads into."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

from e2e.gateway.model import HttpApi, RestApi
from e2e.templates import load_template

from .conftest import CDK_OUT, HTTP, SAM

ORIGINS = ["https://app.example.com", "https://admin.example.com", "http://localhost:3000"]


def test_the_cdk_rest_stack_has_its_tree_preflights_lambda_and_gateway_response() -> None:
    loaded = load_template(CDK_OUT, stack="ItemsStack")
    api = loaded.api
    assert isinstance(api, RestApi) and api.name == "items-cdk" and api.stage == "prod"
    assert loaded.region == "eu-west-1"
    assert {p: sorted(r.methods) for p, r in api.resources.items()} == {
        "/": ["OPTIONS"], "/items": ["GET", "OPTIONS", "POST"], "/crash": ["GET", "OPTIONS"]}
    [fn] = api.functions.values()
    assert fn.runtime == "nodejs20.x" and fn.handler == "index.handler"
    assert fn.timeout == 5 and fn.memory_size == 256
    assert fn.environment == {"ALLOWED_ORIGINS": ",".join(ORIGINS)}
    assert Path(fn.code).name == "index.js" and Path(fn.code).parent.name.startswith("asset.")
    get = api.resources["/items"].methods["GET"]
    assert get.integration.type == "AWS_PROXY" and get.integration.function == fn.name
    options = api.resources["/items"].methods["OPTIONS"]
    assert options.integration.type == "MOCK"
    [response] = options.integration.integration_responses
    assert response.status_code == 204
    assert response.response_parameters["method.response.header.Access-Control-Allow-Origin"] == f"'{ORIGINS[0]}'"
    assert '$origin == "https://admin.example.com" || $origin == "http://localhost:3000"' in \
        response.response_templates["application/json"]
    assert list(api.gateway_responses) == ["DEFAULT_4XX"]


def test_stack_picks_the_http_api_stack_of_the_same_assembly() -> None:
    api = load_template(CDK_OUT, stack="EchoHttpStack").api
    assert isinstance(api, HttpApi) and api.stage == "$default"
    assert sorted(r.route_key for r in api.routes) == ["GET /items", "POST /items"]
    assert api.cors is not None and api.cors.allow_origins == ORIGINS[:2] and api.cors.allow_credentials


def test_sam_is_translated_by_aws_sam_translator_with_the_local_code_uri_kept() -> None:
    loaded = load_template(SAM)
    api = loaded.api
    assert isinstance(api, RestApi) and loaded.logical_id == "NotesApi" and api.stage == "prod"
    [fn] = api.functions.values()
    assert fn.code == str((SAM.parent / "src" / "app.py").resolve()) and fn.runtime == "python3.12"
    assert fn.timeout == 5   # from Globals
    assert sorted(api.resources["/notes"].methods) == ["GET", "OPTIONS", "POST"]
    options = api.resources["/notes"].methods["OPTIONS"].integration.integration_responses[0]
    assert options.response_parameters["method.response.header.Access-Control-Allow-Origin"] == \
        "'https://app.example.com'"
    assert sorted(api.gateway_responses) == ["DEFAULT_4XX", "DEFAULT_5XX"]


def test_sam_parameters_override_defaults_before_translation() -> None:
    api = load_template(SAM, parameters={"AllowedOrigin": "https://other.example.com", "StageName": "v2"}).api
    assert api.stage == "v2"
    assert api.gateway_responses["DEFAULT_5XX"].response_parameters[
        "gatewayresponse.header.Access-Control-Allow-Origin"] == "'https://other.example.com'"


def test_the_cloudformation_http_api_resolves_parameters_conditions_and_inline_code() -> None:
    dev = load_template(HTTP).api
    prod = load_template(HTTP, parameters={"Env": "prod"}).api
    assert isinstance(dev, HttpApi) and dev.name == "echo-dev" and prod.name == "echo-prod"
    assert dev.functions["EchoFunction"].timeout == 3 and prod.functions["EchoFunction"].timeout == 10
    assert dev.functions["EchoFunction"].environment == {"STAGE": "dev"}
    code = Path(dev.functions["EchoFunction"].code)
    assert code.name == "index.py" and "def handler" in code.read_text()
    assert dev.cors is not None and dev.cors.allow_origins == ["https://app.example.com", "http://localhost:3000"]
    assert sorted(r.route_key for r in dev.routes) == ["GET /echo", "POST /echo"]


def test_code_is_found_from_aws_asset_path_metadata_without_an_asset_manifest(tmp_path: Path) -> None:
    # What `cdk synth` (the CLI) writes; an app synthesised without the CLI has only the manifest.
    template = json.loads((CDK_OUT / "ItemsStack.template.json").read_text())
    asset = next(p.name for p in CDK_OUT.iterdir() if p.name.startswith("asset."))
    shutil.copytree(CDK_OUT / asset, tmp_path / asset)
    fn = template["Resources"]["ItemsFunction736859B1"]
    fn["Metadata"] = {"aws:asset:path": asset}
    fn["Properties"]["Code"]["S3Key"] = "0000.zip"   # no manifest entry names it
    path = tmp_path / "ItemsStack.template.json"
    path.write_text(json.dumps(template))
    [loaded] = load_template(path).api.functions.values()
    assert loaded.code == str((tmp_path / asset / "index.js").resolve())


def test_a_sam_http_api_becomes_an_http_api_from_its_openapi_body() -> None:
    loaded = load_template(SAM.parent.parent / "sam-http" / "template.yaml")
    api = loaded.api
    assert isinstance(api, HttpApi) and api.stage == "$default"
    assert sorted(r.route_key for r in api.routes) == ["ANY /items/{id}", "GET /notes"]
    assert api.cors is not None and api.cors.allow_origins == ["https://app.example.com"]
    assert {r.integration.function for r in api.routes} == {"Fn"}
