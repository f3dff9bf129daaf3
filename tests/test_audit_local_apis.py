"""The hostile-origin audit against local APIs with each bug class: every
buggy API is read by exactly the hostile origins its check lets in (with
credentials, and in every engine where it ran: nothing in the engines stops a
credentialed read that the API allows), the clean allow-list by none, and
each finding names the origin the page really had (its self.origin).

What an engine can change is the same for every API: the hostile pages
themselves (the hosts with special characters Firefox refuses, the null
origin from a sandboxed iframe), the session cookie it sends, and whether it
lets a page read an echoed origin with credentials. So the reflecting API
(every hostile origin echoed) and its fixed twin (none) run in all three
engines; the four partial checks, which differ only in which origins their
Lambda echoes (decided on the server, fixtures/lambdas/python/origin_check.py),
run in Chromium.
"""
from __future__ import annotations

import argparse
from typing import Any

import pytest

from e2e.audit.command import plan_from, register, run_audit
from e2e.audit.judge import READ_WITH_CREDENTIALS

ENGINES = ["chromium", "firefox", "webkit"]
APP = "https://app.example.com"
PREFIX = "https://app.example.com.attacker.example"
SPECIAL = {f"https://app.example.com{c}.attacker.example" for c in "_$`}"}
FIREFOX_REFUSES = {"https://app.example.com`.attacker.example", "https://app.example.com}.attacker.example"}
SUFFIX = "https://evilapp.example.com"
HTTP = "http://app.example.com"
ALL = {"https://attacker.example", PREFIX, SUFFIX, "https://evilexample.com", "https://cors-e2e-audit.example.com",
       HTTP, "null"} | SPECIAL
# Which hostile origins each fixture's check lets in (fixtures/lambdas/python/origin_check.py).
EXPECTED = {
    "origin-reflect": ALL,
    "origin-prefix-match": {PREFIX} | SPECIAL,         # origin.startswith("https://app.example.com")
    "origin-suffix-match": {SUFFIX, HTTP},             # origin.endswith("app.example.com")
    "origin-null-allowed": {"null"},
    "origin-http-allowed": {HTTP},
    "origin-reflect-fixed": set(),                     # the clean allow-list
}
# The engines each API's audit runs in (see the docstring).
EVERY_ENGINE = ["origin-reflect", "origin-reflect-fixed"]
ENGINES_OF = {api: ENGINES if api in EVERY_ENGINE else ["chromium"] for api in EXPECTED}


def engines_for(origin: str, api: str) -> list[str]:
    return [e for e in ENGINES_OF[api] if not (e == "firefox" and origin in FIREFOX_REFUSES)]


def parse(*args: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    register(parser.add_subparsers())
    return parser.parse_args(["audit", *args])


def run(apis: list[str], engines: list[str]) -> Any:
    flags = [a for name in apis for a in ("--api", name)]
    plan, _ = plan_from(parse("local", "--origin", APP, *flags, "--session", "/session"))
    result, _ = run_audit(plan, engines, explicit=True)
    assert not result.run.engine_errors, result.run.engine_errors
    return result


@pytest.fixture(scope="module")
def results() -> list[Any]:
    """The two audits: the reflecting API and its fixed twin in every engine,
    the partial checks in Chromium."""
    return [run(EVERY_ENGINE, ENGINES), run([a for a in EXPECTED if a not in EVERY_ENGINE], ["chromium"])]


@pytest.fixture(scope="module")
def audits(results: list[Any]) -> list[dict]:
    return [r.to_json() for r in results]


@pytest.fixture(scope="module")
def audit(audits: list[dict]) -> dict:
    """Both audits' findings, origins, controls and warnings together."""
    return {key: [x for doc in audits for x in doc[key]] for key in ("findings", "origins", "controls", "warnings")}


def api_of(request: str) -> str:
    return request.split(":", 1)[0]


def findings(doc: dict, api: str) -> dict[str, dict]:
    return {f["origin"]: f for f in doc["findings"] if f["request"] == f"{api}:GET /items"}


@pytest.mark.parametrize("api", list(EXPECTED))
def test_exactly_the_origins_the_check_lets_in_are_findings(audit: dict, api: str) -> None:
    assert set(findings(audit, api)) == EXPECTED[api]


@pytest.mark.parametrize("api", [a for a, origins in EXPECTED.items() if origins])
def test_each_finding_is_a_credentialed_read_in_every_engine_high(audit: dict, api: str) -> None:
    for origin, f in findings(audit, api).items():
        assert f["readable_in"] == {e: READ_WITH_CREDENTIALS for e in engines_for(origin, api)}, origin
        assert f["severity"] == "high" and f["credentials"] is True
        assert f["not_readable_in"] == {}
        refused = origin in FIREFOX_REFUSES and "firefox" in ENGINES_OF[api]
        assert f["inconclusive_in"] == ({"firefox": "this engine does not load a page at this host"}
                                        if refused else {})
        assert f["allow_origin"] == origin and f["allow_credentials"] == "true"
        assert "allow-list" in f["fix"]


def test_each_finding_names_the_origin_the_page_really_had(audit: dict) -> None:
    assert audit["findings"]
    for f in audit["findings"]:
        api = api_of(f["request"])
        assert f["page_origins"] == {e: [f["origin"]] for e in engines_for(f["origin"], api)}, f


def test_null_comes_from_a_sandboxed_iframe_in_every_engine(audit: dict) -> None:
    for api in ("origin-null-allowed", "origin-reflect"):
        f = findings(audit, api)["null"]
        assert f["bug_class"] == "null-origin"
        assert f["page_origins"] == {e: ["null"] for e in ENGINES_OF[api]}
        (row,) = [o for o in audit["origins"] if o["request"] == f"{api}:GET /items" and o["origin"] == "null"]
        assert row["page"] == "/opaque" and row["served_at"] == "https://attacker.example"
    assert ENGINES_OF["origin-reflect"] == ENGINES


def test_origins_the_check_keeps_out_are_not_readable_anywhere(audit: dict) -> None:
    for api, let_in in EXPECTED.items():
        rows = [o for o in audit["origins"] if o["request"] == f"{api}:GET /items" and o["origin"] not in let_in]
        assert len(rows) == len(ALL - let_in)
        for row in rows:
            assert set(row["engines"]) == set(ENGINES_OF[api]), (api, row["origin"])
            for engine, st in row["engines"].items():
                if engine not in engines_for(row["origin"], api):
                    assert st["state"] == "not-tried"
                    continue
                assert st["state"] == "not-readable", (api, row["origin"], engine, st)
                assert st["reason"] == "missing-allow-origin", (api, row["origin"], engine, st)


def test_the_legitimate_origin_reads_every_api_in_every_engine(audit: dict) -> None:
    assert len(audit["controls"]) == len(EXPECTED)
    for control in audit["controls"]:
        assert control["origin"] == APP
        api = api_of(control["request"])
        assert {e: st["state"] for e, st in control["engines"].items()} == {
            e: READ_WITH_CREDENTIALS for e in ENGINES_OF[api]}
    assert audit["warnings"] == []


def test_the_session_cookie_is_recorded_per_engine(audit: dict) -> None:
    for f in audit["findings"]:
        assert set(f["cookie_sent"]) == set(engines_for(f["origin"], api_of(f["request"])))
        assert all(isinstance(v, bool) for v in f["cookie_sent"].values()), f


def test_the_reflecting_api_is_reported_as_letting_every_origin_in(audit: dict) -> None:
    assert {f["root_cause"] for f in findings(audit, "origin-reflect").values()} == {"any-origin"}
    assert findings(audit, "origin-prefix-match")[PREFIX]["root_cause"] == "prefix-match"


def test_summary_counts_the_findings(audits: list[dict]) -> None:
    for doc, apis in zip(audits, (EVERY_ENGINE, [a for a in EXPECTED if a not in EVERY_ENGINE])):
        total = sum(len(EXPECTED[a]) for a in apis)
        assert doc["summary"]["findings"] == total == doc["summary"]["high"]


def test_chromium_reports_its_own_cors_error_for_the_sandboxed_frames_fetch(results: list[Any]) -> None:
    """The opaque page's frame runs in a process of its own in Chromium: the
    engine watches it through a CDP session of its own, so a blocked null
    cell carries Chromium's corsError like any other (not a timed-out wait)."""
    cells = [c for c in results[0].run.cells if c.browser == "chromium" and c.origin.endswith("null-origin")
             and c.scenario.startswith("origin-reflect-fixed:")]
    assert len(cells) == 2, [c.id for c in results[0].run.cells]
    for cell in cells:
        assert cell.verdict == "blocked" and cell.engine_detail == "MissingAllowOriginHeader", cell
