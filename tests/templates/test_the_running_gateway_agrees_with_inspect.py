"""inspect's configuration check and the running local gateway agree: every
synthetic request (the preflight of a JSON fetch, then the actual request,
answered by API Gateway itself because every Lambda is a crashing stand-in)
that the Fetch oracle finds refused maps to a code the configuration check
reports, for the test stacks and every fixture API, with and without a
foreign origin."""
from __future__ import annotations

import pytest

from e2e.aws.inspect import inspect_config
from e2e.gateway import list_apis, load_api
from e2e.templates import LoadedTemplate, load_template
from e2e.templates.commands import allowed_origins
from e2e.templates.config import template_config
from e2e.templates.probe import disagreements, probe

from .conftest import CDK_OUT, DATA, HTTP, SAM, run_cli

FOREIGN = "https://evil.example.com"
STACKS = {"cdk-items": (CDK_OUT, {"stack": "ItemsStack"}), "cdk-echo": (CDK_OUT, {"stack": "EchoHttpStack"}),
          "sam-notes": (SAM, {}), "sam-http": (DATA / "sam-http" / "template.yaml", {}), "cfn-http": (HTTP, {}), "post-only": (DATA / "post-only" / "template.yaml", {})}


def loaded(name: str) -> LoadedTemplate:
    if name in STACKS:
        path, kw = STACKS[name]
        return load_template(path, **kw)
    return LoadedTemplate(load_api(name, variables={"allowed_origin": "https://app.example.com"}), name, name)


@pytest.mark.parametrize("name", sorted(STACKS) + list_apis())
def test_no_refusal_of_the_running_gateway_goes_unreported(name: str) -> None:
    lt = loaded(name)
    origins = allowed_origins(lt) or ["https://app.example.com"]
    probes = probe(lt.api, [*origins, FOREIGN])
    assert probes, "nothing was probed"
    for given in ([], [FOREIGN]):
        static = {f.code for f in inspect_config(template_config(lt), given).findings}
        relevant = [p for p in probes if given or p.origin != FOREIGN]
        assert disagreements(static, relevant) == []


def test_the_probe_sees_the_crash_and_the_missing_preflight_itself() -> None:
    # Against an empty configuration report, the running gateway's refusals show.
    crash = probe(loaded("cdk-items").api, ["https://admin.example.com"])
    assert {(p.method, p.path, p.status, p.code) for p in crash} == {
        ("GET", "/items", 502, "errors-without-cors"), ("POST", "/items", 502, "errors-without-cors"),
        ("GET", "/crash", 502, "errors-without-cors")}
    [post] = probe(loaded("post-only").api, ["https://app.example.com"])
    assert post.stage == "preflight" and post.code == "missing-preflight"
    assert disagreements(set(), [post]) != []


def test_inspect_on_a_template_prints_no_disagreement_note() -> None:
    result = run_cli("inspect", str(CDK_OUT), "--stack", "ItemsStack", "--origin", FOREIGN)
    assert result.code == 1 and "note:" not in result.out
