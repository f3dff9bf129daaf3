"""scenarios-from writes a scenario file the loader accepts, with one scenario
per route and method of the deployed API, aimed at the stage's base URL
(issue 6: a nightly run covers new routes without anyone editing a file)."""
from __future__ import annotations

import pytest
import yaml

from e2e.scenarios import load_scenarios

from .conftest import Deployment, run_cli



def defined_routes(name: str) -> set[tuple[str, str]]:
    """(method, path) of every non-OPTIONS method in the fixture's definition."""
    from e2e.gateway import load_api
    from e2e.gateway.model import RestApi
    model = load_api(name, variables={"allowed_origin": "http://localhost:1"})
    if isinstance(model, RestApi):
        return {(m, r.path) for r in model.resources.values() for m in r.methods if m != "OPTIONS"}
    return {(r.method, r.path) for r in model.routes}


def generate(deployed: Deployment, name: str, tmp_path, *extra: str):
    d = deployed.by_name[name]
    out = tmp_path / f"{name}.yaml"
    target = f"aws:{d.kind}/{d.api_id}" + (f"/{d.stage}" if d.kind == "rest" else "")
    result = run_cli("scenarios-from", target, "--origin", "stub:allowed", *extra, "-o", str(out))
    assert result.code == 0, result.err
    return d, load_scenarios(out), yaml.safe_load(out.read_text())


@pytest.mark.parametrize("name", ["reference", "reference-http", "wildcard-credentials", "unknown-path"])
def test_the_file_covers_every_method_of_every_route(deployed: Deployment, tmp_path, name: str) -> None:
    d, sfile, _ = generate(deployed, name, tmp_path)
    assert {(s.method, s.path) for s in sfile.scenarios} == defined_routes(name)
    assert ("DELETE", "/item" if name == "unknown-path" else "/items") in defined_routes(name)
    assert sfile.target == d.url


def test_an_any_route_expands_to_every_method_a_frontend_sends(deployed: Deployment, tmp_path) -> None:
    _, sfile, _ = generate(deployed, "http-authorizer-any", tmp_path)
    assert {s.method for s in sfile.scenarios} == {"GET", "POST", "PUT", "PATCH", "DELETE"}
    assert all("Authorization" in (s.description or "") for s in sfile.scenarios)


def test_allowed_origins_expect_allowed_and_denied_ones_blocked(deployed: Deployment, tmp_path) -> None:
    _, sfile, raw = generate(deployed, "reference", tmp_path, "--denied-origin", "stub:denied")
    assert raw["origins"] == {"allowed": "stub:allowed", "denied": "stub:denied"}
    assert all(s.expect == {"allowed": "allowed", "denied": "blocked"} for s in sfile.scenarios)


def test_credentials_are_tried_when_the_api_allows_them(deployed: Deployment, tmp_path) -> None:
    _, with_creds, _ = generate(deployed, "reference", tmp_path)
    assert all(s.credentials == ["omit", "include"] for s in with_creds.scenarios)
    _, without, _ = generate(deployed, "http-no-cors", tmp_path)
    assert all(s.credentials == ["omit"] for s in without.scenarios)


def test_bodies_are_json_so_they_are_preflighted_like_a_real_frontends(deployed: Deployment, tmp_path) -> None:
    _, sfile, _ = generate(deployed, "reference", tmp_path)
    post = next(s for s in sfile.scenarios if s.method == "POST")
    assert post.headers == {"Content-Type": "application/json"} and post.body == "{}"


def test_path_parameters_get_concrete_values() -> None:
    from e2e.aws.scenarios_from import concrete_path
    assert concrete_path("/items/{id}/parts/{proxy+}") == "/items/cors-e2e-id/parts/cors-e2e-proxy"


def test_a_named_http_stage_is_part_of_the_target(deployed: Deployment, tmp_path) -> None:
    d = deployed.by_name["http-loose-cors"]      # stage "live"
    out = tmp_path / "s.yaml"
    assert run_cli("scenarios-from", f"aws:http/{d.api_id}/live", "--origin", "https://app.example.com",
                   "-o", str(out)).code == 0
    assert load_scenarios(out).target.endswith("/live")


def test_without_output_the_file_goes_to_stdout(deployed: Deployment) -> None:
    d = deployed.by_name["reference-http"]
    result = run_cli("scenarios-from", d.url, "--origin", "https://app.example.com")
    assert result.code == 0
    assert yaml.safe_load(result.out)["target"] == d.url


@pytest.mark.parametrize("args, words", [
    ([], "the following arguments are required: --origin"),
    (["--origin", "https://app.example.com/path"], "is not an origin"),
    (["--origin", "stub:allowed", "--denied-origin", "ftp://x"], "--denied-origin: 'ftp://x' is not an origin"),
])
def test_bad_origins_are_one_line_and_exit_2(deployed: Deployment, args: list[str], words: str) -> None:
    d = deployed.by_name["reference"]
    result = run_cli("scenarios-from", f"aws:rest/{d.api_id}/prod", *args)
    assert result.code == 2
    assert words in result.err and len(result.err.strip().splitlines()) == 1
