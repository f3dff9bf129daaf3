"""The audit's judgement from cells, without browsers: what counts as a read,
what is only inconclusive, and the severity."""
from __future__ import annotations

from e2e.audit.hostile import ANY_ORIGIN, HTTP_ORIGIN, Hostile
from e2e.audit.judge import (HIGH, INCONCLUSIVE, LOW, MEDIUM, NOT_READABLE, NOT_TRIED, READ_WITH_CREDENTIALS,
                             READ_WITHOUT_CREDENTIALS, Finding, OriginJudgement, engine_state)
from e2e.audit.plan import AuditRequest
from e2e.results import CellResult

EVIL = "https://attacker.example"


def cell(credentials: str, verdict: str, *, page_origin: str = EVIL, reason: str | None = None,
         allow_origin: str | None = None, detail: str | None = None) -> CellResult:
    headers = [["Access-Control-Allow-Origin", allow_origin]] if allow_origin else []
    return CellResult(id="x", scenario="GET /items", browser="chromium", origin="h1", page_origin=page_origin,
                      credentials=credentials, method="GET", url="http://127.0.0.1:1/items?cors-e2e-cell=t",
                      expected="blocked", verdict=verdict, status=None, reason=reason, engine_detail=detail,
                      preflight=False, match=False,
                      exchange=[{"method": "GET", "request_headers": [], "response_headers": headers}])


def state(*cells: CellResult, origin: str = EVIL):
    return engine_state(origin, {c.credentials: c for c in cells}, True)


def test_a_credentialed_read_is_the_worst_state() -> None:
    st = state(cell("include", "allowed", allow_origin=EVIL), cell("omit", "allowed", allow_origin=EVIL))
    assert st.state == READ_WITH_CREDENTIALS and st.allow_origin == EVIL


def test_an_uncredentialed_read_alone() -> None:
    st = state(cell("include", "blocked", reason="wildcard-with-credentials", allow_origin="*"),
               cell("omit", "allowed", allow_origin="*"))
    assert st.state == READ_WITHOUT_CREDENTIALS


def test_blocked_both_ways_is_not_readable_with_the_reason() -> None:
    st = state(cell("include", "blocked", reason="missing-allow-origin"), cell("omit", "blocked"))
    assert st.state == NOT_READABLE and st.reason == "missing-allow-origin"


def test_a_page_at_another_origin_never_counts_even_when_it_read() -> None:
    st = state(cell("include", "allowed", page_origin="https://app.example.com"), cell("omit", "allowed"))
    assert st.state == INCONCLUSIVE
    assert st.reason == f"the page's origin was https://app.example.com, not {EVIL}"


def test_mixed_content_is_inconclusive_not_a_pass() -> None:
    st = state(cell("include", "network-error", reason="mixed-content",
                    detail="an https page cannot fetch http://127.0.0.1:1/items (mixed content)"),
               cell("omit", "network-error", reason="mixed-content"))
    assert st.state == INCONCLUSIVE and st.reason.startswith("mixed content: an https page cannot fetch")


def test_a_network_error_is_inconclusive_and_its_words_lose_the_query() -> None:
    st = state(cell("include", "blocked"),
               cell("omit", "network-error", reason="connection-failed",
                    detail="net::ERR_CONNECTION_REFUSED at http://127.0.0.1:1/items?cors-e2e-cell=t"))
    assert st.state == INCONCLUSIVE
    assert "cors-e2e-cell" not in st.reason and "connection-failed" in st.reason


def test_an_engine_that_did_not_run_or_cannot_load_the_host_is_not_tried() -> None:
    assert engine_state(EVIL, {}, True).state == NOT_TRIED
    assert engine_state(EVIL, {"include": cell("include", "allowed")}, False).state == NOT_TRIED


def _finding(*states, cls: str = ANY_ORIGIN) -> Finding:
    h = Hostile(EVIL, cls, None, EVIL)
    return Finding(OriginJudgement(AuditRequest("GET", "/items"), EVIL, h,
                                   {f"e{i}": s for i, s in enumerate(states)}))


def test_severity_high_for_credentials_medium_for_an_echo_low_for_a_wildcard() -> None:
    cred = state(cell("include", "allowed", allow_origin=EVIL), cell("omit", "allowed", allow_origin=EVIL))
    echo = state(cell("include", "blocked", allow_origin=EVIL), cell("omit", "allowed", allow_origin=EVIL))
    star = state(cell("include", "blocked", allow_origin="*"), cell("omit", "allowed", allow_origin="*"))
    nope = state(cell("include", "blocked"), cell("omit", "blocked"))
    assert _finding(cred, nope).severity == HIGH
    assert _finding(echo).severity == MEDIUM
    assert _finding(star).severity == LOW
    doc = _finding(cred, nope, cls=HTTP_ORIGIN).to_json()
    assert doc["readable_in"] == {"e0": READ_WITH_CREDENTIALS}
    assert doc["not_readable_in"] == {"e1": "blocked"}
    assert doc["fix"].startswith("list https origins only")
    assert "method.request.header.Origin" in doc["fix"]
