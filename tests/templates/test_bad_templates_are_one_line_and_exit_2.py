"""Every bad template is one line on stderr naming file, logical id and
property, and exit code 2, never a traceback: through inspect, scenarios-from,
run --template and a scenario file's template: alike."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from .conftest import CDK_OUT, SAM, run_cli

LAMBDA = {"Type": "AWS::Lambda::Function",
          "Properties": {"Runtime": "python3.12", "Handler": "index.handler",
                         "Code": {"ZipFile": "def handler(event, context):\n    return {}\n"}}}
URI = {"Fn::Sub": "arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${Fn.Arn}/invocations"}


def rest_template(integration: dict | None = None, **method: object) -> dict:
    return {"Resources": {
        "Fn": LAMBDA,
        "Api": {"Type": "AWS::ApiGateway::RestApi", "Properties": {"Name": "bad"}},
        "Items": {"Type": "AWS::ApiGateway::Resource",
                  "Properties": {"RestApiId": {"Ref": "Api"}, "PathPart": "items",
                                 "ParentId": {"Fn::GetAtt": ["Api", "RootResourceId"]}}},
        "GetItems": {"Type": "AWS::ApiGateway::Method",
                     "Properties": {"RestApiId": {"Ref": "Api"}, "ResourceId": {"Ref": "Items"},
                                    "HttpMethod": "GET", "AuthorizationType": "NONE",
                                    "Integration": integration or {"Type": "AWS_PROXY",
                                                                   "IntegrationHttpMethod": "POST", "Uri": URI},
                                    **method}},
        "Stage": {"Type": "AWS::ApiGateway::Deployment",
                  "Properties": {"RestApiId": {"Ref": "Api"}, "StageName": "prod"}}}}


def write(tmp_path: Path, name: str, data: object) -> Path:
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return path


def one_line(result, *parts: str) -> str:
    assert result.code == 2, (result.code, result.err)
    lines = result.err.strip().splitlines()
    assert len(lines) == 1, result.err
    assert "Traceback" not in result.err
    for part in parts:
        assert part in lines[0], (part, lines[0])
    return lines[0]


def test_a_file_that_is_not_cloudformation(tmp_path: Path) -> None:
    path = write(tmp_path, "app.yaml", "name: not a template\nroutes: []\n")
    one_line(run_cli("inspect", str(path)), "app.yaml", "Resources", "not a CloudFormation template")


def test_invalid_yaml_names_the_line(tmp_path: Path) -> None:
    path = write(tmp_path, "broken.yaml", "Resources:\n  Api: [unclosed\n")
    one_line(run_cli("inspect", str(path)), "broken.yaml", "line", "invalid YAML")


def test_a_missing_asset_names_the_function_and_its_code(tmp_path: Path) -> None:
    assembly = tmp_path / "cdk.out"
    shutil.copytree(CDK_OUT, assembly)
    for asset in assembly.glob("asset.*"):
        shutil.rmtree(asset)
    one_line(run_cli("inspect", str(assembly), "--stack", "ItemsStack"),
             "ItemsStack.template.json", "Resources.ItemsFunction736859B1.Properties.Code", "does not exist")


def test_an_unknown_integration_type(tmp_path: Path) -> None:
    path = write(tmp_path, "t.json", rest_template({"Type": "HTTP_PROXY", "Uri": "https://example.com",
                                                    "IntegrationHttpMethod": "GET"}))
    one_line(run_cli("inspect", str(path)), "t.json", "Resources.GetItems.Properties.Integration.Type",
             "unsupported integration type 'HTTP_PROXY'")


def test_an_unmodelled_property_that_changes_behaviour(tmp_path: Path) -> None:
    path = write(tmp_path, "t.json", rest_template({"Type": "AWS_PROXY", "IntegrationHttpMethod": "POST",
                                                    "Uri": URI, "ContentHandling": "CONVERT_TO_TEXT"}))
    one_line(run_cli("inspect", str(path)), "Resources.GetItems.Properties.Integration.ContentHandling",
             "not modelled")


def test_an_unmodelled_authorization_type(tmp_path: Path) -> None:
    path = write(tmp_path, "t.json", rest_template(AuthorizationType="AWS_IAM"))
    one_line(run_cli("inspect", str(path)), "Resources.GetItems.Properties.AuthorizationType", "AWS_IAM")


def test_an_unresolvable_ref(tmp_path: Path) -> None:
    data = rest_template()
    data["Resources"]["Items"]["Properties"]["ParentId"] = {"Ref": "NoSuchThing"}
    path = write(tmp_path, "t.json", data)
    one_line(run_cli("inspect", str(path)), "t.json", "Resources.Items.Properties.ParentId",
             "unresolvable Ref 'NoSuchThing'")


def test_an_unresolvable_short_tag_ref_in_yaml(tmp_path: Path) -> None:
    text = ("Resources:\n  Api:\n    Type: AWS::ApiGatewayV2::Api\n    Properties:\n      Name: !Ref Missing\n"
            "      ProtocolType: HTTP\n      Target: !GetAtt Fn.Arn\n")
    path = write(tmp_path, "t.yaml", text)
    one_line(run_cli("inspect", str(path)), "t.yaml", "Resources.Api.Properties.Name.Ref", "Missing")


def test_a_sam_translator_error_names_the_resource(tmp_path: Path) -> None:
    text = SAM.read_text().replace("            Method: post\n", "            Method: 42\n", 1)
    (tmp_path / "src").mkdir()
    shutil.copy(SAM.parent / "src" / "app.py", tmp_path / "src" / "app.py")
    path = write(tmp_path, "template.yaml", text)
    line = one_line(run_cli("inspect", str(path)), "template.yaml", "SAM translation failed")
    assert "NotesFunction" in line


def test_a_missing_local_code_uri_in_sam(tmp_path: Path) -> None:
    path = write(tmp_path, "template.yaml", SAM.read_text())   # no src/ next to it
    one_line(run_cli("inspect", str(path)), "template.yaml", "Resources.NotesFunction.Properties.CodeUri",
             "does not exist")


def test_an_unsupported_runtime(tmp_path: Path) -> None:
    data = rest_template()
    data["Resources"]["Fn"] = {**LAMBDA, "Properties": {**LAMBDA["Properties"], "Runtime": "java21"}}
    path = write(tmp_path, "t.json", data)
    one_line(run_cli("inspect", str(path)), "Resources.Fn.Properties.Runtime", "java21")


@pytest.mark.parametrize("argv, parts", [
    (["--stack", "Nope"], ["--stack Nope", "EchoHttpStack, ItemsStack"]),
    ([], ["2 stacks", "--stack"]),
    (["--stack", "ItemsStack", "--parameter", "Nope=1"], ["Parameters.Nope", "declares no such parameter"]),
    (["--stack", "ItemsStack", "--parameter", "novalue"], ["--parameter 'novalue'", "KEY=VALUE"]),
    (["--stack", "ItemsStack", "--api", "Other"], ["--api Other", "ItemsApi3788C05C"]),
])
def test_stack_api_and_parameter_mistakes(argv: list[str], parts: list[str]) -> None:
    one_line(run_cli("inspect", str(CDK_OUT), *argv), *parts)


def test_run_template_fails_before_any_browser(tmp_path: Path) -> None:
    path = write(tmp_path, "t.json", rest_template({"Type": "AWS", "Uri": "arn:aws:apigateway:x"}))
    one_line(run_cli("run", "--template", str(path), "--browser", "chromium"),
             "Resources.GetItems.Properties.Integration.Type")
    one_line(run_cli("scenarios-from", str(path), "--origin", "https://app.example.com"),
             "Resources.GetItems.Properties.Integration.Type")


def test_a_scenario_file_with_a_bad_template(tmp_path: Path) -> None:
    write(tmp_path, "t.json", rest_template({"Type": "HTTP", "Uri": "https://example.com"}))
    scenarios = write(tmp_path, "s.yaml", "template: t.json\nscenarios:\n  - {name: a, path: /items, expect: allowed}\n")
    one_line(run_cli("run", "--scenarios", str(scenarios), "--browser", "chromium"),
             "s.yaml", "t.json", "Resources.GetItems.Properties.Integration.Type")
    missing = write(tmp_path, "m.yaml", "template: nope.json\nscenarios:\n  - {name: a, path: /items, expect: allowed}\n")
    one_line(run_cli("run", "--scenarios", str(missing)), "m.yaml", "template", "no such file")
    stray = write(tmp_path, "x.yaml", "api: reference\nstack: S\nscenarios:\n  - {name: a, path: /, expect: allowed}\n")
    one_line(run_cli("run", "--scenarios", str(stray)), "x.yaml", "stack", "only with template")
