"""decide(cell, seen) is pure and settles a cell once (issue 11): network errors
and timeouts get a layer and an explanation too, the cookie check feeds match
and outcome, and every report reads the same outcome and sentence."""
from __future__ import annotations

from e2e.decide import (AS_EXPECTED, COOKIE_DIFFERS, TIMEOUT, UNEXPECTEDLY_BLOCKED, Seen, decide,
                        mismatch_sentence, outcome)
from e2e.engines.base import Observation
from e2e.exchange import LAYER_LAMBDA, Exchange
from e2e.scenarios import Cell, Origin, Scenario

PAGE = "http://localhost:41234"
URL = "http://127.0.0.1:9/prod/items?cors-e2e-cell=t1"


def cell(expected: str = "allowed", expect_cookie: object = None) -> Cell:
    scenario = Scenario(name="s", path="/items", method="GET", headers={}, body=None, credentials=["include"],
                        expect=expected, api="reference", origin_groups=["allowed"], expect_cookie=expect_cookie)
    return Cell(scenario, "chromium", Origin("allowed", "allowed", "stub:allowed"), "include", expected)


def seen(outcome_: str, recorded: list[Exchange] | None, **kw: object) -> Seen:
    obs = Observation(probe={"outcome": outcome_, "status": 200 if outcome_ == "resolved" else None}, **kw)
    return Seen(obs=obs, url=URL, page_origin=PAGE, target_kind="rest", recorded=recorded)


def test_a_refused_connection_is_explained_as_not_a_cors_decision() -> None:
    d = decide(cell(), seen("rejected", [], network_error="net::ERR_CONNECTION_REFUSED"))
    assert (d.verdict, d.reason, d.layer) == ("network-error", "connection-failed", "none")
    assert "not a CORS decision" in (d.explanation or "")
    assert d.outcome == "network-error" and not d.match


def test_a_timeout_is_explained() -> None:
    d = decide(cell(), seen("timeout", []))
    assert (d.verdict, d.reason, d.layer, d.outcome) == ("timeout", "timeout", "none", TIMEOUT)
    assert "timeout" in (d.explanation or "")


def test_a_block_gets_its_reason_layer_and_sentence_once() -> None:
    lambda_500 = Exchange("GET", "/prod/items", "cors-e2e-cell=t1", [("Origin", PAGE)], 500, [], layer=LAYER_LAMBDA)
    d = decide(cell(), seen("rejected", [lambda_500], cors_error="MissingAllowOriginHeader"))
    assert (d.verdict, d.reason, d.layer, d.underlying_status) == ("blocked", "missing-allow-origin", "lambda", 500)
    assert d.outcome == UNEXPECTEDLY_BLOCKED
    record = {"expected": "allowed", "verdict": d.verdict, "status": d.status, "reason": d.reason,
              "match": d.match}
    assert mismatch_sentence(record) == "expected allowed, got blocked, reason missing-allow-origin"
    assert outcome(record) == UNEXPECTEDLY_BLOCKED


def test_a_withheld_cookie_that_should_have_been_sent_is_a_cookie_difference() -> None:
    ok = Exchange("GET", "/prod/items", "cors-e2e-cell=t1", [("Origin", PAGE)], 200, [], layer=LAYER_LAMBDA)
    base = seen("resolved", [ok])
    withheld = Seen(obs=base.obs, url=URL, page_origin=PAGE, target_kind="rest", recorded=[ok], cookie_sent=False)
    d = decide(cell(expect_cookie=True), withheld)
    assert d.verdict == "allowed" and not d.match and d.outcome == COOKIE_DIFFERS
    assert decide(cell(expect_cookie=True), Seen(**{**withheld.__dict__, "cookie_sent": True})).outcome == AS_EXPECTED
    record = {"expected": "allowed", "verdict": "allowed", "status": 200, "match": False,
              "expected_cookie": True, "cookie_sent": False}
    assert mismatch_sentence(record).endswith("; expected the session cookie to be sent, it was not sent")
    assert outcome(record) == COOKIE_DIFFERS


def test_decide_changes_nothing_it_is_given() -> None:
    recorded: list[Exchange] = []
    s = seen("rejected", recorded, network_error="net::ERR_CONNECTION_REFUSED")
    c = cell()
    assert decide(c, s) == decide(c, s)
    assert recorded == [] and c.expected == "allowed"
