"""Where a cell's verdict is decided: once, from what was observed.

A cell is first *observed* (e2e.runner: the engine's report of the fetch, the
exchanges the target recorded, or for a deployed API the replayed ones), then
*decided* here by one pure function, :func:`decide`, which settles everything
a result says about the cell exactly once:

- the verdict and the reason the engine gave (e2e.verdict.classify),
- for every verdict that is not allowed, the diagnosis: the reason settled
  against the oracle, the stage, the layer of the stack that answered, the
  status CORS hid and the explanation (e2e.explain, network errors and
  timeouts included),
- the oracle's verdict and whether it agrees, and a known engine deviation,
- whether the session cookie went as expected, the match and the outcome.

The result record (e2e.results.CellResult) is built from the Decision and not
changed afterwards. Every report (console, JSON, HTML, JUnit, baseline, pytest)
reads a cell's outcome through :func:`outcome` and its mismatch sentence
("expected X, got Y ...") through :func:`mismatch_sentence`.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from e2e import oracle
from e2e.engines.base import Observation
from e2e.exchange import Exchange, header_value
from e2e.explain import CellFacts, agreement, explain
from e2e.scenarios import Cell
from e2e.verdict import ALLOWED, BLOCKED, NETWORK_ERROR, TIMEOUT, classify

# A cell's outcome: how its verdict compares with what the scenario expected.
# Network errors and timeouts are their own outcomes whatever was expected:
# they say nothing about CORS (the request never got an answer).
AS_EXPECTED = "as-expected"
UNEXPECTEDLY_BLOCKED = "unexpectedly-blocked"
UNEXPECTEDLY_ALLOWED = "unexpectedly-allowed"
# NETWORK_ERROR and TIMEOUT are also outcomes, spelled as their verdicts.
# The verdict is the expected one but the session cookie was sent when it
# should have been withheld, or the other way round (scenario expect_cookie).
COOKIE_DIFFERS = "cookie-differs"
OUTCOMES = (AS_EXPECTED, UNEXPECTEDLY_BLOCKED, UNEXPECTEDLY_ALLOWED, NETWORK_ERROR, TIMEOUT, COOKIE_DIFFERS)
OUTCOME_LABELS = {
    AS_EXPECTED: "as expected",
    UNEXPECTEDLY_BLOCKED: "unexpectedly blocked",
    UNEXPECTEDLY_ALLOWED: "unexpectedly allowed",
    NETWORK_ERROR: "network error",
    TIMEOUT: "timeout",
    COOKIE_DIFFERS: "cookie not as expected",
}


@dataclass(frozen=True)
class Seen:
    """What was observed of one cell: the engine's report and the target's record."""

    obs: Observation
    url: str                                  # the URL the page fetched (with the cell's token)
    page_origin: str                          # the origin the page itself reported
    target_kind: str                          # rest | http | scripted | remote
    recorded: Sequence[Exchange] | None       # the target's log for the cell; None: it keeps none
    replayed: Sequence[Exchange] = ()         # a deployed API's answers, replayed from outside
    cookie_sent: bool | None = None           # did the cell's request carry its session cookie?


@dataclass(frozen=True)
class Decision:
    verdict: str
    status: int | None
    reason: str | None
    engine_detail: str | None
    preflight: bool | None
    layer: str | None = None
    explanation: str | None = None
    underlying_status: int | None = None
    oracle_verdict: str | None = None
    oracle_reason: str | None = None
    oracle_agrees: bool | None = None
    deviation: str | None = None
    cookie_sent: bool | None = None
    expected_cookie: bool | None = None
    match: bool = False
    outcome: str = AS_EXPECTED
    exchanges: tuple[Exchange, ...] = ()      # the exchanges the decision was made from


def needs_replay(cell: Cell, obs: Observation, recorded: Sequence[Exchange] | None, url: str,
                 page_origin: str) -> bool:
    """Whether the observation must include a replay: a deployed API (no log)
    whose cell the engine reports blocked."""
    return recorded is None and classify(cell.browser, obs, None, url, page_origin).verdict == BLOCKED


def decide(cell: Cell, seen: Seen) -> Decision:
    """The one decision about a cell; pure (no I/O, nothing else changed)."""
    recorded = list(seen.recorded) if seen.recorded is not None else None
    verdict = classify(cell.browser, seen.obs, recorded, seen.url, seen.page_origin)
    exchanges = tuple(recorded if recorded is not None else seen.replayed)
    scenario = cell.scenario
    facts = CellFacts(
        request=oracle.Request(method=scenario.method, url=seen.url, origin=seen.page_origin,
                               headers=tuple(scenario.headers.items()), credentials=cell.credentials),
        browser_verdict=verdict.verdict, exchanges=exchanges, engine=cell.browser,
        engine_reason=verdict.reason, engine_failed_parameter=seen.obs.failed_parameter,
        target=seen.target_kind,  # type: ignore[arg-type]
        local_network_permission=seen.obs.probe.get("localNetworkPermission"))
    fields: dict[str, Any] = {}
    if verdict.verdict == BLOCKED:
        why = explain(facts)
        fields = dict(reason=why.reason, layer=why.layer, explanation=why.explanation,
                      underlying_status=why.underlying_status, oracle_verdict=why.oracle_verdict,
                      oracle_reason=why.oracle_reason, oracle_agrees=why.oracle_agrees, deviation=why.deviation)
    elif verdict.verdict == ALLOWED:
        agreed = agreement(facts)
        fields = dict(oracle_verdict=agreed.oracle_verdict, oracle_agrees=agreed.oracle_agrees,
                      deviation=agreed.deviation)
    else:
        # A network error or a timeout: no response reached the page, so there
        # is no CORS reason to settle; say so (the engine's reason stands).
        why = explain(CellFacts(request=facts.request, browser_verdict=verdict.verdict, engine=cell.browser,
                                engine_reason=verdict.reason, target=facts.target))
        fields = dict(layer=why.layer, explanation=why.explanation)
    expected_cookie = cell.expected_cookie if seen.cookie_sent is not None else None
    match = verdict.verdict == cell.expected and (expected_cookie is None or seen.cookie_sent == expected_cookie)
    return Decision(verdict=verdict.verdict, status=verdict.status,
                    reason=fields.pop("reason", verdict.reason), engine_detail=verdict.engine_detail,
                    preflight=verdict.preflight, cookie_sent=seen.cookie_sent, expected_cookie=expected_cookie,
                    match=match, outcome=outcome_of(match, verdict.verdict, cell.expected),
                    exchanges=exchanges, **fields)


def cookie_sent(exchanges: Sequence[Exchange], token: str) -> bool:
    """Whether the cell's own request (not its preflight) carried the cookie
    its session route set (the cookie's value is the cell's token)."""
    actual = [e for e in exchanges if not e.is_preflight]
    return bool(actual) and any(f"session={token}" in (header_value(e.request_headers, "cookie") or "")
                                for e in actual)


# --- reading a decided cell (a CellResult or its JSON) -------------------------------
def outcome_of(match: bool, verdict: str | None, expected: str | None) -> str:
    """The outcome (one of OUTCOMES) of a cell with this match, verdict and expectation."""
    if match:
        return AS_EXPECTED
    if verdict == expected:
        return COOKIE_DIFFERS  # the only other thing a cell can get wrong
    if verdict == BLOCKED:
        return UNEXPECTEDLY_BLOCKED
    if verdict == ALLOWED:
        return UNEXPECTEDLY_ALLOWED
    if verdict == TIMEOUT:
        return TIMEOUT
    return NETWORK_ERROR


def outcome(cell: Mapping[str, Any]) -> str:
    """The outcome of one cell of a JSON result (older results carry none)."""
    stored = cell.get("outcome")
    if stored in OUTCOMES:
        return str(stored)
    return outcome_of(bool(cell.get("match")), cell.get("verdict"), cell.get("expected"))


def cookie_sentence(cell: Mapping[str, Any]) -> str | None:
    """How the session cookie went against its expectation, when it did not."""
    expected = cell.get("expected_cookie")
    if expected is None or cell.get("cookie_sent") == expected:
        return None
    return (f"expected the session cookie to be {'sent' if expected else 'withheld'}, "
            f"it was {'sent' if cell.get('cookie_sent') else 'not sent'}")


def mismatch_sentence(cell: Mapping[str, Any]) -> str:
    """"expected X, got Y (status N), reason R; <cookie>": the one sentence every
    report gives for a cell."""
    text = f"expected {cell.get('expected')}, got {cell.get('verdict')}"
    if cell.get("status") is not None:
        text += f" (status {cell.get('status')})"
    if cell.get("reason"):
        text += f", reason {cell.get('reason')}"
    cookie = cookie_sentence(cell)
    return f"{text}; {cookie}" if cookie else text
