"""The canary: every deliberately broken fixture API is caught as blocked, with
a CORS reason and the layer to fix, in every engine, so a harness that always
said "allowed" could not pass. Runs the default file with its cells shuffled,
which must not change a verdict, and decoys among them (conftest.with_decoys):
the same fetches expecting the opposite, so a harness that copied each cell's
expectation into its verdict could not pass either. The cells the plugin
collects from default.yaml report their verdicts from this same run."""
from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest

from conftest import DECOY_OF, DECOY_PREFIX
from e2e.scenarios import DEFAULT_SCENARIOS, expand, load_scenarios

pytestmark = pytest.mark.browser

BROKEN = ["no-cors-headers", "error-path-no-cors", "lambda-throws", "wildcard-credentials",
          "preflight-missing-header", "preflight-missing-delete"]
ENGINES = ["chromium", "firefox", "webkit"]


def test_the_shuffled_run_ran_every_cell_in_every_engine(shuffled_default_run) -> None:
    want = {c.id for c in expand(load_scenarios(DEFAULT_SCENARIOS), ENGINES)}
    assert {c.id for c in shuffled_default_run.cells} == want
    assert set(shuffled_default_run.engines) == set(ENGINES)


def test_shuffled_order_gives_the_expected_verdict_in_every_cell(shuffled_default_run) -> None:
    differ = [(c.id, c.expected, c.verdict, c.reason) for c in shuffled_default_run.cells if not c.match]
    assert differ == []


@pytest.mark.parametrize("api", BROKEN)
@pytest.mark.parametrize("engine", ENGINES)
def test_a_broken_fixture_is_blocked_from_the_allowed_origin(shuffled_default_run, api: str,
                                                              engine: str) -> None:
    cells = [c for c in shuffled_default_run.cells
             if c.api == api and c.browser == engine and c.origin == "allowed"]
    blocked = [c for c in cells if c.verdict == "blocked"]
    assert blocked, f"{api} was never blocked in {engine}: the canary did not sing"
    for c in blocked:
        assert c.reason, f"{c.id}: blocked without a reason"
        assert c.layer in {"lambda", "gateway-error", "gateway-options-method"}, c.id
        assert c.explanation, c.id
        assert c.oracle_agrees is True, (c.id, c.oracle_verdict, c.explanation)


def test_the_reference_api_is_allowed_from_the_allowed_origin_and_blocked_from_the_denied(
        shuffled_default_run) -> None:
    by_origin = defaultdict(set)
    for c in shuffled_default_run.cells:
        if c.api == "reference":
            by_origin[c.origin].add(c.verdict)
    assert by_origin == {"allowed": {"allowed"}, "allowed-2": {"allowed"},
                         "denied": {"blocked"}, "denied-2": {"blocked"}}


@pytest.mark.parametrize("label, origin", [("allowed-2", "https://app.example.com"),
                                           ("denied-2", "https://unlisted.example.org")])
def test_pages_really_are_at_the_impersonated_https_origins(shuffled_default_run, label: str,
                                                            origin: str) -> None:
    cells = [c for c in shuffled_default_run.cells if c.origin == label]
    assert {c.browser for c in cells} == set(ENGINES)
    assert {c.page_origin for c in cells} == {origin}  # the page's own location.origin
    sent = {h[1] for c in cells for e in c.exchange for h in e["request_headers"] if h[0].lower() == "origin"}
    assert sent == {origin}  # and the Origin the browsers sent the API


def test_the_reference_allowlist_accepts_the_impersonated_origin(shuffled_default_run) -> None:
    cells = [c for c in shuffled_default_run.cells if c.api == "reference" and c.origin == "allowed-2"]
    assert cells and {c.verdict for c in cells} == {"allowed"}
    assert all(c.status == 200 or "error-path" in c.scenario for c in cells)


@pytest.mark.parametrize("api, scenario, reason, layer", [
    ("lambda-throws", "lambda-throws/get", "missing-allow-origin", "gateway-error"),
    ("no-cors-headers", "no-cors-headers/get", "missing-allow-origin", "lambda"),
    ("error-path-no-cors", "error-path-no-cors/error-path", "missing-allow-origin", "lambda"),
    ("preflight-missing-header", "preflight-missing-header/custom-header", "header-not-allowed",
     "gateway-options-method"),
    ("preflight-missing-delete", "preflight-missing-delete/delete", "method-not-allowed",
     "gateway-options-method"),
])
def test_each_bug_is_named_by_the_same_reason_in_every_engine(shuffled_default_run, api: str, scenario: str,
                                                               reason: str, layer: str) -> None:
    cells = [c for c in shuffled_default_run.cells if c.scenario == scenario and c.origin == "allowed"]
    assert {(c.browser, c.reason, c.layer) for c in cells} == {(e, reason, layer) for e in ENGINES}


def test_a_crash_is_named_as_the_502_it_hides(shuffled_default_run) -> None:
    cells = [c for c in shuffled_default_run.cells if c.scenario == "lambda-throws/get"]
    assert {c.underlying_status for c in cells} == {502}
    assert all("502" in (c.explanation or "") and "DEFAULT_5XX" in (c.explanation or "") for c in cells)


def test_credentials_with_a_wildcard_are_blocked_and_without_are_allowed(shuffled_default_run) -> None:
    cells = [c for c in shuffled_default_run.cells if c.scenario == "wildcard-credentials/get"]
    assert {c.verdict for c in cells if c.credentials == "omit"} == {"allowed"}
    assert {c.reason for c in cells if c.credentials == "include"} == {"wildcard-with-credentials"}


def test_decoys_that_expect_the_opposite_come_out_as_mismatches(default_run_with_decoys) -> None:
    cells = default_run_with_decoys.cells
    decoys = [c for c in cells if c.scenario.startswith(DECOY_PREFIX)]
    assert {c.scenario for c in decoys} == {DECOY_PREFIX + name for name in DECOY_OF}
    assert {c.browser for c in decoys} == set(ENGINES)
    assert [c.id for c in decoys if c.match] == []
    # Each decoy got what its real twin got: the same fetch, only the expectation differs.
    real = {c.id: c.verdict for c in cells if not c.scenario.startswith(DECOY_PREFIX)}
    assert {c.id: c.verdict for c in decoys} == {c.id: real[c.id.removeprefix(DECOY_PREFIX)] for c in decoys}
    assert {c.verdict for c in decoys} == {"allowed", "blocked"}


# The failure catalogue (issue 16): each public report's broken fixture is
# named by its own reason and layer in every engine, and its fixed twin is
# allowed from the allowed origin in every engine.
CATALOGUE = [
    ("lambda-both-header-maps/get", "multiple-allow-origin", "lambda"),
    ("gateway-response-origin-list/get", "multiple-allow-origin", "gateway-error"),
    ("sam-cors-origin-list/post-json", "preflight-multiple-allow-origin", "gateway-options-method"),
    ("rest-authorizer-on-options/bearer", "preflight-missing-allow-origin", "gateway-error"),
    ("api-key-on-options/with-key", "preflight-missing-allow-origin", "gateway-error"),
    ("throttled/post-json", "preflight-missing-allow-origin", "gateway-error"),
    ("waf-blocks-preflight/custom-header", "preflight-missing-allow-origin", "gateway-error"),
    ("lambda-allowlist-ignores-port/get", "allow-origin-mismatch", "lambda"),
    ("front-trailing-slash-redirect/post-json", "preflight-redirect", "cdn"),
    ("front-https-redirect/post-json", "preflight-redirect", "cdn"),
    ("cdn-options-not-allowed/put", "preflight-missing-allow-origin", "cdn"),
]
CATALOGUE_FIXED = ["lambda-both-header-maps-fixed/get", "gateway-response-origin-list-fixed/with-key",
                   "sam-cors-origin-list-fixed/post-json", "rest-authorizer-on-options-fixed/bearer",
                   "waf-blocks-preflight-fixed/custom-header", "lambda-allowlist-fixed/post-json",
                   "front-redirect-fixed/post-json", "cdn-origin-in-cache-key/get", "cdn-origin-in-cache-key/put"]


@pytest.mark.parametrize("scenario, reason, layer", CATALOGUE)
def test_each_catalogued_failure_is_named_by_its_reason_and_layer_in_every_engine(
        shuffled_default_run, scenario: str, reason: str, layer: str) -> None:
    cells = [c for c in shuffled_default_run.cells if c.scenario == scenario and c.origin == "allowed"]
    assert cells, scenario
    assert {(c.browser, c.reason, c.layer) for c in cells} == {(e, reason, layer) for e in ENGINES}
    assert all(c.explanation and c.oracle_agrees is True for c in cells), scenario


@pytest.mark.parametrize("scenario", CATALOGUE_FIXED)
def test_each_catalogued_fix_is_allowed_from_the_allowed_origin_in_every_engine(shuffled_default_run,
                                                                                scenario: str) -> None:
    cells = [c for c in shuffled_default_run.cells if c.scenario == scenario and c.origin == "allowed"]
    assert {c.browser for c in cells} == set(ENGINES)
    assert {c.verdict for c in cells} == {"allowed"}, scenario


def test_a_throttled_preflight_and_a_waf_blocked_one_are_told_apart(shuffled_default_run) -> None:
    def words(scenario: str) -> set[str]:
        return {c.explanation or "" for c in shuffled_default_run.cells
                if c.scenario == scenario and c.origin == "allowed"}
    throttled, waf = words("throttled/post-json"), words("waf-blocks-preflight/custom-header")
    assert throttled and all("THROTTLED" in t and "throttlingRateLimit" in t for t in throttled)
    assert waf and all("WAF_FILTERED" in t and "OPTIONS" in t for t in waf)
    assert {c.underlying_status for c in shuffled_default_run.cells
            if c.scenario == "waf-blocks-preflight/custom-header"} == {403}


def test_a_case_sensitive_allowlist_blocks_the_second_frontend_in_every_engine(shuffled_default_run) -> None:
    cells = [c for c in shuffled_default_run.cells if c.scenario == "lambda-allowlist-case/get"
             and c.origin == "allowed-2"]
    assert {(c.browser, c.verdict, c.reason, c.layer) for c in cells} == {
        (e, "blocked", "missing-allow-origin", "lambda") for e in ENGINES}
    assert all("Vary: Origin" in (c.explanation or "") for c in cells)


@pytest.mark.parametrize("scenario, reason", [("cdn-origin-not-in-cache-key/get", "allow-origin-mismatch"),
                                              ("cdn-origin-not-in-cache-key/put", "preflight-allow-origin-mismatch")])
def test_a_cdn_without_origin_in_its_cache_key_serves_the_first_origins_answer_to_the_next(
        shuffled_default_run, scenario: str, reason: str) -> None:
    cells = [c for c in shuffled_default_run.cells if c.scenario == scenario]
    first = {c.verdict for c in cells if c.origin == "allowed"}
    after = [c for c in cells if c.origin == "allowed-2"]
    assert first == {"allowed"}
    assert {(c.browser, c.reason, c.layer) for c in after} == {(e, reason, "cdn") for e in ENGINES}
    assert all("cache key" in (c.explanation or "") and "Origin" in (c.explanation or "") for c in after)


def test_local_network_access_is_its_own_reason_with_the_permission_state_in_chromium_only(
        shuffled_default_run) -> None:
    cells = [c for c in shuffled_default_run.cells if c.scenario == "local-network-access/public-page"]
    assert {c.browser: c.verdict for c in cells} == {"chromium": "blocked", "firefox": "allowed",
                                                     "webkit": "allowed"}
    blocked = [c for c in cells if c.browser == "chromium"]
    assert [(c.reason, c.layer) for c in blocked] == [("local-network-access", "browser")]
    assert blocked[0].explanation.startswith("Not a CORS misconfiguration")
    assert "'prompt' before the fetch" in blocked[0].explanation
    assert blocked[0].exchange == []  # refused before it was sent
    loopback = [c for c in shuffled_default_run.cells if c.scenario == "local-network-access/loopback-page"]
    assert {c.verdict for c in loopback} == {"allowed"} and {c.browser for c in loopback} == set(ENGINES)


def test_the_blocked_cells_show_every_reason_class_the_catalogue_adds(shuffled_default_run) -> None:
    reasons = {c.reason for c in shuffled_default_run.cells if c.verdict == "blocked"}
    assert {"multiple-allow-origin", "preflight-multiple-allow-origin", "preflight-redirect",
            "local-network-access", "allow-origin-mismatch"} <= reasons
    assert all(c.layer and c.explanation for c in shuffled_default_run.cells if c.verdict == "blocked")


def test_a_lambda_that_reflects_any_origin_lets_the_denied_origins_read_in_every_engine(
        shuffled_default_run) -> None:
    """The reverse canary (issue 14's origin-reflect): a harness that always
    says blocked fails here; its fixed twin blocks the same origins."""
    def verdicts(api: str) -> set[tuple[str, str, str]]:
        return {(c.browser, c.origin, c.verdict) for c in shuffled_default_run.cells
                if c.scenario.startswith(api + "/") and c.origin.startswith("denied")}
    assert verdicts("origin-reflect") == {(e, o, "allowed") for e in ENGINES for o in ("denied", "denied-2")}
    assert verdicts("origin-reflect-fixed") == {(e, o, "blocked") for e in ENGINES for o in ("denied", "denied-2")}


def test_the_default_files_cells_reported_from_the_canarys_run(request: pytest.FixtureRequest,
                                                               default_run_with_decoys) -> None:
    """The cells the plugin collects from default.yaml ran as tests in this
    process, after the canary, and each reported the very result the canary's
    run made (share_run): none ran a second time in a browser, and none went to
    another pytest-xdist worker (this process recorded every one). The
    conftest's collection hook runs this test right after the last such cell."""
    from conftest import CELLS_PROOF, _default_cell
    from e2e.pytest_plugin import _SESSION

    assert request.node.originalname == CELLS_PROOF
    cells = [i for i in request.session.items if _default_cell(i)]
    if not cells:
        pytest.skip("fixtures/scenarios/default.yaml is not collected in this session")
    index = request.session.items.index(request.node)
    assert request.session.items.index(cells[-1]) < index, "the proof ran before the cells"
    cors = request.config.stash[_SESSION]
    ran = {c.id: c for c in default_run_with_decoys.cells}
    want = [i.cell.id for i in cells]
    recorded = [c for c in cors.results.cells if c.id in set(want)] if cors.results else []
    assert sorted(c.id for c in recorded) == sorted(want)   # every cell, in this process, once
    assert all(c is ran[c.id] for c in recorded)   # the canary's own result objects
    # No cell of the file started an environment of its own, as a cell that
    # ran in a browser would have.
    assert all(Path(path).resolve() != DEFAULT_SCENARIOS.resolve() for path in cors.envs)
