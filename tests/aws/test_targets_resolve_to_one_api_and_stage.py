"""Targets (issue 6): aws:rest/ID/STAGE, aws:http/ID[/STAGE], an execute-api
base URL, or a custom domain, each resolved through boto3 to one API, one
stage and the base URL a browser calls."""
from __future__ import annotations

import pytest

from e2e.aws.errors import UnknownApi
from e2e.aws.target import parse_target, resolve

from .conftest import Deployment


def resolved(deployed: Deployment, text: str):
    return resolve(deployed.aws, parse_target(text))


def test_a_rest_target_resolves_to_its_stage_url(deployed: Deployment) -> None:
    d = deployed.by_name["reference"]
    api = resolved(deployed, f"aws:rest/{d.api_id}/prod")
    assert (api.kind, api.stage, api.name, api.base_url) == ("rest", "prod", "cors-e2e-reference", d.url)


def test_an_http_target_without_a_stage_means_default(deployed: Deployment) -> None:
    d = deployed.by_name["reference-http"]
    api = resolved(deployed, f"aws:http/{d.api_id}")
    assert (api.kind, api.stage, api.base_url) == ("http", "$default", d.url)


def test_an_http_api_with_one_named_stage_needs_no_stage_in_the_target(deployed: Deployment) -> None:
    d = deployed.by_name["http-loose-cors"]
    assert resolved(deployed, f"aws:http/{d.api_id}").base_url == d.url == resolved(
        deployed, f"aws:http/{d.api_id}/live").base_url


@pytest.mark.parametrize("name", ["reference", "reference-http"])
def test_a_base_url_finds_its_api_whatever_its_kind(deployed: Deployment, name: str) -> None:
    d = deployed.by_name[name]
    api = resolved(deployed, d.url + "/")
    assert (api.kind, api.api_id, api.base_url) == (d.kind, d.api_id, d.url)


def test_an_unknown_stage_lists_the_stages_there_are(deployed: Deployment) -> None:
    d = deployed.by_name["reference"]
    with pytest.raises(UnknownApi, match=r"has no stage 'dev' \(stages: prod\)"):
        resolved(deployed, f"aws:rest/{d.api_id}/dev")


def test_a_custom_domain_resolves_through_its_api_mapping(deployed: Deployment) -> None:
    # moto maps only HTTP APIs on custom domains; AWS maps REST APIs the same way.
    d = deployed.by_name["reference-http"]
    v2 = deployed.aws.client("apigatewayv2")
    v2.create_domain_name(DomainName="api.example.com")
    v2.create_api_mapping(DomainName="api.example.com", ApiId=d.api_id, Stage="$default", ApiMappingKey="v1")
    api = resolved(deployed, "https://api.example.com/v1")
    assert (api.kind, api.api_id, api.stage, api.base_url) == ("http", d.api_id, "$default",
                                                                "https://api.example.com/v1")
    with pytest.raises(UnknownApi, match=r"maps no API at /v2 \(mappings: /v1\)"):
        resolved(deployed, "https://api.example.com/v2")
