"""From an audit's cells to its judgement: per hostile origin and engine,
could the page read the response (with credentials, without), and a finding
for every hostile origin that could, with its severity and fix.

A read counts only from a page whose own location.origin was the hostile
origin (the probe reports it); a cell whose page had another origin, or that
never reached a verdict (mixed content, the network, a timeout), is
inconclusive: neither a finding nor a pass.
"""
from __future__ import annotations

import json
import re
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from e2e import reasons
from e2e.audit.hostile import ANY_ORIGIN, Hostile
from e2e.audit.plan import AuditPlan, AuditRequest
from e2e.exchange import header_value, redact_url
from e2e.results import CellResult, RunResult
from e2e.verdict import ALLOWED, BLOCKED

SCHEMA_VERSION = 1
HIGH, MEDIUM, LOW = "high", "medium", "low"
SEVERITY_ORDER = (HIGH, MEDIUM, LOW)

# An origin's state in one engine.
READ_WITH_CREDENTIALS = "readable-with-credentials"
READ_WITHOUT_CREDENTIALS = "readable-without-credentials"
NOT_READABLE = "not-readable"
INCONCLUSIVE = "inconclusive"
NOT_TRIED = "not-tried"


@dataclass
class EngineState:
    state: str
    reason: str | None = None            # why not readable / inconclusive / not tried
    page_origins: list[str] = field(default_factory=list)   # location.origin in the page, per cell
    cookie_sent: bool | None = None      # the session cookie on the credentialed request; None: not checked
    allow_origin: str | None = None      # Access-Control-Allow-Origin the API answered (when seen)
    allow_credentials: str | None = None
    cells: dict[str, str] = field(default_factory=dict)     # credentials mode -> verdict

    @property
    def readable(self) -> bool:
        return self.state in (READ_WITH_CREDENTIALS, READ_WITHOUT_CREDENTIALS)

    def to_json(self) -> dict[str, Any]:
        return {"state": self.state, "reason": self.reason, "page_origins": self.page_origins,
                "cookie_sent": self.cookie_sent, "allow_origin": self.allow_origin,
                "allow_credentials": self.allow_credentials, "cells": self.cells}


def _response_headers(cell: CellResult) -> list[tuple[str, str]]:
    """The actual response's headers as the server logged them, else as the engine saw them."""
    for x in reversed(cell.exchange):
        if x.get("method") != "OPTIONS" or not any(k.lower() == "access-control-request-method"
                                                   for k, _ in x.get("request_headers", [])):
            return [(k, v) for k, v in x.get("response_headers", [])]
    if cell.engine_response:
        return [(k, v) for k, v in cell.engine_response.get("headers", [])]
    return []


_QUERY = re.compile(r"(\b[A-Za-z][A-Za-z0-9+.-]*://[^\s?'\"<>]*)\?[^\s'\"<>]*")


def without_queries(text: str) -> str:
    """Free text (an engine's words) with every URL's query cut off: the cell's
    tag there is also the session cookie's value."""
    return _QUERY.sub(r"\1", text)


def _why(cell: CellResult) -> str:
    text = cell.reason or cell.verdict
    if cell.engine_detail and cell.verdict != BLOCKED:
        text = f"{text}: {without_queries(cell.engine_detail)}"
    return text


def engine_state(expected_origin: str, cells: dict[str, CellResult], tried: bool) -> EngineState:
    """One origin in one engine, from its cells by credentials mode."""
    if not tried:
        return EngineState(NOT_TRIED, "this engine does not load a page at this host")
    if not cells:
        return EngineState(NOT_TRIED, "the engine did not run these cells")
    st = EngineState(NOT_READABLE, page_origins=sorted({c.page_origin for c in cells.values()}),
                     cells={mode: c.verdict for mode, c in cells.items()})
    include, omit = cells.get("include"), cells.get("omit")
    if include is not None:
        st.cookie_sent = include.cookie_sent
    for c in (include, omit):
        if c is None:
            continue
        headers = _response_headers(c)
        if header_value(headers, "access-control-allow-origin") is not None:
            st.allow_origin = header_value(headers, "access-control-allow-origin")
            st.allow_credentials = header_value(headers, "access-control-allow-credentials")
            break
    wrong = [c for c in cells.values() if c.page_origin != expected_origin]
    if wrong:
        st.state = INCONCLUSIVE
        st.reason = f"the page's origin was {wrong[0].page_origin}, not {expected_origin}"
        return st
    if include is not None and include.verdict == ALLOWED:
        st.state = READ_WITH_CREDENTIALS
        return st
    if omit is not None and omit.verdict == ALLOWED:
        st.state = READ_WITHOUT_CREDENTIALS
        return st
    undecided = [c for c in (include, omit) if c is not None and c.verdict != BLOCKED]
    if undecided:
        st.state = INCONCLUSIVE
        st.reason = _why(undecided[0])
        if undecided[0].reason == reasons.MIXED_CONTENT:
            st.reason = (f"mixed content: "
                         f"{without_queries(undecided[0].engine_detail or 'an https page cannot fetch http')}")
        return st
    st.reason = next((c.reason for c in (include, omit) if c is not None and c.reason), "blocked")
    return st


@dataclass
class OriginJudgement:
    request: AuditRequest
    origin: str
    hostile: Hostile | None        # None: a legitimate origin (the control)
    engines: dict[str, EngineState]

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"request": self.request.name, "origin": self.origin,
                               "legitimate": self.hostile is None}
        if self.hostile is not None:
            out.update(bug_class=self.hostile.bug_class, derived_from=self.hostile.derived_from,
                       served_at=self.hostile.served_at, page=self.hostile.page)
        out["engines"] = {name: st.to_json() for name, st in self.engines.items()}
        return out


@dataclass
class Finding:
    judgement: OriginJudgement
    any_origin_reads: bool = False   # the unrelated site read this request too: every origin gets in

    @property
    def hostile(self) -> Hostile:
        assert self.judgement.hostile is not None
        return self.judgement.hostile

    @property
    def credentials(self) -> bool:
        return any(st.state == READ_WITH_CREDENTIALS for st in self.judgement.engines.values())

    @property
    def allow_origin(self) -> str | None:
        seen = [st.allow_origin for st in self.judgement.engines.values() if st.readable and st.allow_origin]
        return seen[0] if seen else None

    @property
    def severity(self) -> str:
        """high: a credentialed read (with credentials the API itself says the
        response is not public); medium: read without credentials from an echo
        of the hostile origin (the check is broken, one step from high); low:
        read without credentials through Allow-Origin * (public by design?)."""
        if self.credentials:
            return HIGH
        return LOW if self.allow_origin == "*" else MEDIUM

    def to_json(self) -> dict[str, Any]:
        j = self.judgement
        engines = j.engines
        readable = {n: st.state for n, st in engines.items() if st.readable}
        return {
            "request": j.request.name, "origin": j.origin, "bug_class": self.hostile.bug_class,
            "why": self.hostile.why, "derived_from": self.hostile.derived_from,
            "severity": self.severity, "credentials": self.credentials,
            "page_origins": {n: st.page_origins for n, st in engines.items() if st.readable},
            "readable_in": readable,
            "not_readable_in": {n: st.reason for n, st in engines.items() if st.state == NOT_READABLE},
            "inconclusive_in": {n: st.reason for n, st in engines.items()
                                if st.state in (INCONCLUSIVE, NOT_TRIED)},
            "allow_origin": self.allow_origin,
            "allow_credentials": next((st.allow_credentials for st in engines.values()
                                       if st.readable and st.allow_credentials), None),
            "cookie_sent": {n: st.cookie_sent for n, st in engines.items() if st.state != NOT_TRIED},
            "root_cause": ANY_ORIGIN if self.any_origin_reads else self.hostile.bug_class,
            "fix": self.hostile.fix,
        }


@dataclass
class AuditResult:
    plan: AuditPlan
    run: RunResult
    judgements: list[OriginJudgement]

    @property
    def findings(self) -> list[Finding]:
        readable = [j for j in self.judgements
                    if j.hostile is not None and any(st.readable for st in j.engines.values())]
        anyone = {j.request.name for j in readable if j.hostile and j.hostile.bug_class == ANY_ORIGIN}
        found = [Finding(j, j.request.name in anyone) for j in readable]
        return sorted(found, key=lambda f: SEVERITY_ORDER.index(f.severity))

    @property
    def controls(self) -> list[OriginJudgement]:
        return [j for j in self.judgements if j.hostile is None]

    def warnings(self) -> list[str]:
        """What makes a 'not readable' weaker evidence than it looks."""
        out = []
        for j in self.controls:
            for name, st in j.engines.items():
                if st.state in (NOT_READABLE, INCONCLUSIVE):
                    out.append(f"{j.request.name}: the legitimate origin {j.origin} could not read either in "
                               f"{name} ({st.reason}): 'not readable' there may only mean the request fails")
        inconclusive = Counter(name for j in self.judgements if j.hostile is not None
                               for name, st in j.engines.items() if st.state == INCONCLUSIVE)
        for name, n in sorted(inconclusive.items()):
            out.append(f"{name}: {n} hostile origin(s) inconclusive (no verdict): neither a finding nor a pass")
        return out

    def summary(self) -> dict[str, Any]:
        severities = Counter(f.severity for f in self.findings)
        states = Counter(st.state for j in self.judgements if j.hostile is not None
                         for st in j.engines.values())
        return {"findings": len(self.findings), **{s: severities.get(s, 0) for s in SEVERITY_ORDER},
                "hostile_origins": len(self.plan.hostiles), "requests": len(self.plan.requests),
                "cells": len(self.run.cells), "states": dict(sorted(states.items())),
                "duration_s": round((self.run.finished or time.time()) - self.run.started, 3)}

    def to_json(self) -> dict[str, Any]:
        return {
            "schema": SCHEMA_VERSION, "tool": "cors-e2e", "kind": "audit",
            "target": redact_url(self.run.target),
            "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(self.run.started)),
            "interrupted": self.run.interrupted,
            "legitimate_origins": self.plan.legit,
            "requests": [{"name": r.name, "method": r.method, "path": redact_url(r.path),
                          "header_names": [n for n, _ in r.headers], "body": r.body is not None,
                          "api": r.api, "session": r.session} for r in self.plan.requests],
            "engines": self.run.engines, "engine_errors": self.run.engine_errors,
            "summary": self.summary(),
            "findings": [f.to_json() for f in self.findings],
            "controls": [j.to_json() for j in self.controls],
            "origins": [j.to_json() for j in self.judgements if j.hostile is not None],
            "warnings": self.warnings(),
        }

    def write_json(self, path: str | Path) -> None:
        tmp = Path(str(path) + ".tmp")
        tmp.write_text(json.dumps(self.to_json(), indent=2) + "\n", encoding="utf-8")
        tmp.replace(path)


def judge(plan: AuditPlan, run: RunResult, tried: Any, engines: list[str]) -> AuditResult:
    """``tried(label, engine)``: whether the audit ran that origin in that engine."""
    by_key: dict[tuple[str, str, str], dict[str, CellResult]] = {}
    for c in run.cells:
        by_key.setdefault((c.scenario, c.origin, c.browser), {})[c.credentials] = c
    judgements = []
    for request in plan.requests:
        for origin in plan.origins:
            target = plan.labels[origin.label]
            expected = target.origin if isinstance(target, Hostile) else target
            states = {e: engine_state(expected, by_key.get((request.name, origin.label, e), {}),
                                      tried(origin.label, e)) for e in engines}
            judgements.append(OriginJudgement(request, expected, target if isinstance(target, Hostile) else None,
                                              states))
    return AuditResult(plan, run, judgements)
