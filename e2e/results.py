"""The result of a run: one record per cell, and the JSON document (the schema
the README documents). Secrets never reach it: exchanges are redacted when they
are serialised (e2e.exchange.redact_headers, redact_query), and a cell's URL and
the engine's and page's words (which quote the URL) when the cell is made
(e2e.exchange.redact_url), so no report, log or JSON written from it holds them.
"""
from __future__ import annotations

import json
import time
from collections import Counter
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from e2e.exchange import redact_url, redact_urls_in

SCHEMA_VERSION = 1


@dataclass
class CellResult:
    id: str                       # "scenario|browser|origin|credentials"
    scenario: str
    browser: str
    origin: str                   # the origin label: allowed, denied, ...
    page_origin: str              # the page's real origin, e.g. http://localhost:40123
    credentials: str
    method: str
    url: str
    expected: str
    verdict: str                  # allowed | blocked | network-error | timeout
    status: int | None            # the status the page could read (None when blocked)
    reason: str | None            # stable code (README), or None
    engine_detail: str | None     # the engine's own code or words
    preflight: bool | None        # whether a preflight was sent; None: unknown
    match: bool
    outcome: str | None = None       # e2e.decide.OUTCOMES: how the verdict compares with the expectation
    api: str | None = None
    target_kind: str | None = None   # rest | http | scripted | remote
    cookie_sent: bool | None = None  # did the request carry the session cookie? None: not checked
    expected_cookie: bool | None = None
    layer: str | None = None         # which layer of the stack answered ("none": no response reached the page)
    explanation: str | None = None   # what failed and how to fix it, in AWS terms (every cell not allowed)
    underlying_status: int | None = None  # the status a CORS error hid from the page
    oracle_verdict: str | None = None     # what the Fetch standard predicts from the exchange
    oracle_reason: str | None = None
    oracle_agrees: bool | None = None     # None when the exchange was too incomplete to judge
    deviation: str | None = None          # a known engine deviation that accounts for a difference
    error: str | None = None      # the page's error: "TypeError: Failed to fetch"
    console: list[str] = field(default_factory=list)
    exchange: list[dict[str, Any]] = field(default_factory=list)
    elapsed_ms: int | None = None      # the fetch, as the page timed it
    duration_ms: float | None = None   # the whole cell in the harness: probe, evidence, explanation
    evidence: dict[str, str] | None = None  # files kept for a cell not as expected, relative to --output
    engine_response: dict[str, Any] | None = None  # the response as the engine saw it on the wire

    def __post_init__(self) -> None:
        # Secrets in the URL (?access_token=, a presigned X-Amz-Signature, user:password@)
        # stay in the request the browser made; the record shows them masked.
        self.url = redact_url(self.url)
        self.error = redact_urls_in(self.error) if self.error else self.error
        self.engine_detail = redact_urls_in(self.engine_detail) if self.engine_detail else self.engine_detail
        self.console = [redact_urls_in(m) for m in self.console]

    def to_json(self) -> dict[str, Any]:
        # Every field already holds JSON values: a copy of each container, not
        # dataclasses.asdict's deep walk (the report line of every cell and
        # the JSON of a long run call this once per cell).
        out: dict[str, Any] = {}
        for name in _CELL_FIELDS:
            value = getattr(self, name)
            out[name] = value.copy() if isinstance(value, (list, dict)) else value
        return out


_CELL_FIELDS = [f.name for f in fields(CellResult)]


@dataclass
class RunResult:
    target: str
    scenarios_file: str
    engines: dict[str, str] = field(default_factory=dict)      # name -> exact build
    engine_errors: dict[str, str] = field(default_factory=dict)  # name -> why it did not run
    cells: list[CellResult] = field(default_factory=list)
    started: float = field(default_factory=time.time)
    finished: float | None = None
    interrupted: bool = False
    shard: str | None = None      # "K/N" when the run was one shard (--shard)

    @property
    def mismatches(self) -> list[CellResult]:
        return [c for c in self.cells if not c.match]

    def summary(self) -> dict[str, Any]:
        verdicts = Counter(c.verdict for c in self.cells)
        return {
            "cells": len(self.cells),
            "as_expected": sum(c.match for c in self.cells),
            "differ": len(self.mismatches),
            # Engines the run meant to use that did not run (engine_errors says why):
            # their cells are missing, not passed.
            "skipped_engines": sorted(self.engine_errors),
            "verdicts": dict(sorted(verdicts.items())),
            "duration_s": round((self.finished or time.time()) - self.started, 3),
        }

    def to_json(self) -> dict[str, Any]:
        return {
            "schema": SCHEMA_VERSION,
            "tool": "cors-e2e",
            "target": self.target,
            "scenarios_file": self.scenarios_file,
            "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(self.started)),
            "interrupted": self.interrupted,
            "shard": self.shard,
            "engines": self.engines,
            "engine_errors": self.engine_errors,
            "summary": self.summary(),
            "cells": [c.to_json() for c in self.cells],
        }

    def write_json(self, path: str | Path) -> None:
        write_doc(self.to_json(), path)


def write_doc(doc: dict[str, Any], path: str | Path) -> None:
    """A JSON result written whole or not at all."""
    tmp = Path(str(path) + ".tmp")
    tmp.write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")
    tmp.replace(path)  # never leave a half-written file behind on Ctrl-C
